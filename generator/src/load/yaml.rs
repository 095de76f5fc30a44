//! YAML text -> JSON value, tolerant of what real YAML documents contain.
//!
//! The document is read in one pass through a serde visitor that builds `serde_json::Value`
//! directly, rather than through `yaml_serde::Value`, whose number type stops at 64 bits: real
//! specs write bounds such as `minimum: -9223372036854775808` or `maximum: 18446744073709551615`
//! as decimals, and YAML parses them as 128-bit integers. Such a number becomes the nearest `f64`
//! (a warning says so). Mapping keys that are integers or booleans (`200:` under `responses`)
//! become strings, as JSON object keys must.

use crate::diagnostic::{join, Diagnostic};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// Parses YAML `text` into one JSON value; integers beyond 64 bits are reported in `warnings`.
pub fn parse_yaml(text: &str, warnings: &mut Vec<Diagnostic>) -> Result<Value, Diagnostic> {
    let notes = RefCell::new(Vec::new());
    let de = yaml_serde::Deserializer::from_str(text);
    let value = ValueSeed {
        pointer: String::new(),
        notes: &notes,
    }
    .deserialize(de)
    .map_err(|e| {
        let mut d = Diagnostic::error("", format!("invalid YAML: {e}"));
        d.line = e.location().map(|l| l.line());
        d
    })?;
    warnings.extend(notes.into_inner());
    Ok(value)
}

struct ValueSeed<'n> {
    pointer: String,
    notes: &'n RefCell<Vec<Diagnostic>>,
}

impl ValueSeed<'_> {
    fn wide_integer(&self, text: String, as_float: f64) -> Value {
        self.notes.borrow_mut().push(
            Diagnostic::warning(
                self.pointer.clone(),
                format!(
                    "the integer {text} does not fit in 64 bits; read as the number {as_float:e}"
                ),
            )
            .with_hint("a bound this wide constrains nothing a 64-bit integer can hold"),
        );
        float(as_float)
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::from(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::from(u))
    }
    fn visit_i128<E>(self, i: i128) -> Result<Value, E> {
        Ok(match i64::try_from(i) {
            Ok(small) => Value::from(small),
            Err(_) => self.wide_integer(i.to_string(), i as f64),
        })
    }
    fn visit_u128<E>(self, u: u128) -> Result<Value, E> {
        Ok(match u64::try_from(u) {
            Ok(small) => Value::from(small),
            Err(_) => self.wide_integer(u.to_string(), u as f64),
        })
    }
    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        // `.nan` and `.inf` have no JSON spelling; a schema keyword never needs them.
        Ok(float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(ValueSeed {
            pointer: format!("{}/{}", self.pointer, items.len()),
            notes: self.notes,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::with_capacity(access.size_hint().unwrap_or(0));
        while let Some(key) = access.next_key_seed(KeySeed)? {
            let value = access.next_value_seed(ValueSeed {
                pointer: join(&self.pointer, &key),
                notes: self.notes,
            })?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!Tag value`): the tag carries no meaning for OpenAPI; keep the value.
        use de::VariantAccess;
        let (_tag, variant): (String, _) = data.variant_seed(KeySeed)?;
        variant.newtype_variant_seed(self)
    }
}

/// A mapping key as a string: strings as they are, other scalars spelled out.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<String, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar mapping key (OpenAPI object keys are strings)")
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".into())
    }
    fn visit_bool<E>(self, b: bool) -> Result<String, E> {
        Ok(b.to_string())
    }
    fn visit_i64<E>(self, i: i64) -> Result<String, E> {
        Ok(i.to_string())
    }
    fn visit_u64<E>(self, u: u64) -> Result<String, E> {
        Ok(u.to_string())
    }
    fn visit_i128<E>(self, i: i128) -> Result<String, E> {
        Ok(i.to_string())
    }
    fn visit_u128<E>(self, u: u128) -> Result<String, E> {
        Ok(u.to_string())
    }
    fn visit_f64<E>(self, f: f64) -> Result<String, E> {
        Ok(f.to_string())
    }
    fn visit_str<E>(self, s: &str) -> Result<String, E> {
        Ok(s.to_owned())
    }
    fn visit_string<E>(self, s: String) -> Result<String, E> {
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_beyond_64_bits_become_floats_with_a_warning() {
        let mut warnings = Vec::new();
        let v = parse_yaml(
            "seed:\n  minimum: -9223372036854775809\n  maximum: 18446744073709551616\n  ok: 18446744073709551615\n",
            &mut warnings,
        )
        .unwrap();
        assert_eq!(v["seed"]["ok"], json!(u64::MAX));
        assert_eq!(v["seed"]["minimum"].as_f64(), Some(-9223372036854775809.0));
        assert_eq!(v["seed"]["maximum"].as_f64(), Some(18446744073709551616.0));
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(pointers, ["/seed/minimum", "/seed/maximum"]);
    }

    #[test]
    fn scalar_keys_become_strings_and_tags_are_dropped() {
        let mut warnings = Vec::new();
        let v = parse_yaml("200: ok\ntrue: yes\nx: !custom {a: 1}\n", &mut warnings).unwrap();
        assert_eq!(v, json!({"200": "ok", "true": "yes", "x": {"a": 1}}));
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_complex_key_is_an_error_with_a_line() {
        let err = parse_yaml("a: 1\n? [x, y]\n: 2\n", &mut Vec::new()).unwrap_err();
        assert!(err.message.contains("invalid YAML"), "{err:?}");
        assert!(err.line.is_some());
    }
}

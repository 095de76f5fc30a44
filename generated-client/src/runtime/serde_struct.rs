//! What the serde impls of generated structs share (`impl_deserialize_struct!` and
//! `impl_serialize_struct!` in `macros.rs`): reading a key, one field's value, a missing field.
//!
//! Why not `#[derive(Deserialize)]`: serde's derive writes, for every struct, a field enum with its
//! own visitor (by index, by name and by bytes), a sequence visitor and a map visitor, each with
//! code per field. In a large API that is most of what the crate costs to check (BENCHMARKS.md).
//! The macros write one map visitor with a `match` on the key, and call the functions here, which
//! keep the derive's behaviour for JSON: unknown keys ignored, duplicate keys refused, a missing
//! required field refused with serde's message (and `None` where the type accepts absence), and
//! keys read without copying when the input allows it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// A key of a JSON object, borrowed from the input when it has no escapes.
#[derive(Debug)]
pub struct FieldName<'de>(Cow<'de, str>);

impl FieldName<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string (for `additionalProperties`).
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = FieldName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("field identifier")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(value.to_owned())))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads the value of the field `name` into `slot`; a key seen twice is an error, as with serde's
/// derive.
pub fn next_field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The value of a required field the input does not have: serde's "missing field" error, except
/// for a type that reads absence as a value (an `Option` gives `None`), as with serde's derive.
pub fn missing_field<'de, T: Deserialize<'de>, E: de::Error>(name: &'static str) -> Result<T, E> {
    T::deserialize(MissingField {
        name,
        error: PhantomData,
    })
}

/// Answers "none" to a type that asks for an option, and "missing field `name`" to any other.
struct MissingField<E> {
    name: &'static str,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for MissingField<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(de::Error::missing_field(self.name))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::super::{impl_deserialize_struct, impl_serialize_struct, Nullable};
    use super::*;
    use serde_json::Value;

    #[test]
    fn keys_without_escapes_are_borrowed() {
        let key: FieldName<'_> = serde_json::from_str(r#""name""#).unwrap();
        assert!(matches!(key.0, Cow::Borrowed("name")));
        let key: FieldName<'_> = serde_json::from_str(r#""na\u006de""#).unwrap();
        assert_eq!(key.as_str(), "name");
        assert_eq!(key.into_owned(), "name");
    }

    #[test]
    fn a_missing_option_is_none_and_anything_else_an_error() {
        let none: Result<Option<u32>, serde_json::Error> = missing_field("count");
        assert_eq!(none.unwrap(), None);
        let err = missing_field::<u32, serde_json::Error>("count").unwrap_err();
        assert_eq!(err.to_string(), "missing field `count`");
        let err = missing_field::<Value, serde_json::Error>("extra").unwrap_err();
        assert_eq!(err.to_string(), "missing field `extra`");
    }

    /// The same struct twice: with serde's derive as the generator wrote it before, and with the
    /// runtime's macros as it writes it now.
    mod derived {
        use super::Nullable;
        use serde::{Deserialize, Serialize};
        use std::collections::BTreeMap;

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        pub struct Item {
            pub id: u64,
            #[serde(rename = "noteText", default)]
            pub note: Option<String>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub tag: Option<Box<Item>>,
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub title: Nullable<String>,
            pub maybe: Option<u32>,
        }

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        pub struct Empty {}

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        pub struct Open {
            pub id: u64,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub tag: Option<String>,
            #[serde(flatten)]
            pub additional_properties: BTreeMap<String, u32>,
        }
    }

    mod written {
        use super::{impl_deserialize_struct, impl_serialize_struct, Nullable};
        use std::collections::BTreeMap;

        #[derive(Debug, PartialEq)]
        pub struct Item {
            pub id: u64,
            pub note: Option<String>,
            pub tag: Option<Box<Item>>,
            pub title: Nullable<String>,
            pub maybe: Option<u32>,
        }
        impl_serialize_struct!(Item {
            required id = "id",
            default note = "noteText",
            optional tag = "tag",
            nullable title = "title",
            required maybe = "maybe"
        });
        impl_deserialize_struct!(Item {
            required id = "id",
            default note = "noteText",
            optional tag = "tag",
            nullable title = "title",
            required maybe = "maybe"
        });

        #[derive(Debug, PartialEq)]
        pub struct Empty {}
        impl_serialize_struct!(Empty {});
        impl_deserialize_struct!(Empty {});

        #[derive(Debug, PartialEq)]
        pub struct Open {
            pub id: u64,
            pub tag: Option<String>,
            pub additional_properties: BTreeMap<String, u32>,
        }
        impl_serialize_struct!(
            Open { required id = "id", optional tag = "tag" } extra additional_properties
        );
        impl_deserialize_struct!(
            Open { required id = "id", optional tag = "tag" } extra additional_properties
        );
    }

    /// Decodes `json` as both twins and re-encodes what they read: the same text, or the same
    /// error message.
    fn both<D, W>(json: &str) -> (Result<String, String>, Result<String, String>)
    where
        D: serde::de::DeserializeOwned + serde::Serialize,
        W: serde::de::DeserializeOwned + serde::Serialize,
    {
        fn run<T: serde::de::DeserializeOwned + serde::Serialize>(
            json: &str,
        ) -> Result<String, String> {
            let value: T = serde_json::from_str(json).map_err(|e| e.to_string())?;
            Ok(serde_json::to_string(&value).unwrap())
        }
        (run::<D>(json), run::<W>(json))
    }

    #[test]
    fn the_macros_read_and_write_json_as_serde_derive_does() {
        let items = [
            r#"{"id": 1, "maybe": 2}"#,
            r#"{"id": 1}"#,
            r#"{"maybe": 2}"#,
            r#"{"id": 1, "noteText": "n", "tag": {"id": 2, "title": null}, "title": "t"}"#,
            r#"{"id": 1, "note": "not the JSON name", "unknown": [1, {"a": null}]}"#,
            r#"{"id": 1, "title": null, "noteText": null, "tag": null}"#,
            r#"{"id": 1, "id": 2}"#,
            r#"{"id": "one"}"#,
            r#"{"id": 1, "tag": {"maybe": 1}}"#,
            r#"{"i\u0064": 7}"#,
            r#"{}"#,
            r#""text""#,
            r#"null"#,
            r#"{"id": 1,"#,
        ];
        for json in items {
            let (derived, written) = both::<derived::Item, written::Item>(json);
            assert_eq!(derived, written, "{json}");
        }
        for json in [r#"{}"#, r#"{"a": 1}"#, r#"null"#] {
            let (derived, written) = both::<derived::Empty, written::Empty>(json);
            assert_eq!(derived, written, "{json}");
        }
        let open = [
            r#"{"id": 1, "a": 2, "b": 3}"#,
            r#"{"id": 1, "tag": "t", "a": 2}"#,
            r#"{"id": 1, "a": "two"}"#,
            r#"{"id": 1, "id": 1}"#,
            r#"{"a": 1}"#,
        ];
        // The derive buffers the members beyond the declared ones and so reports an error in one
        // at the object's end; the macros read them in place and point at the value itself.
        let message = |result: Result<String, String>| {
            result.map_err(|e| e.split(" at line ").next().unwrap_or_default().to_owned())
        };
        for json in open {
            let (derived, written) = both::<derived::Open, written::Open>(json);
            assert_eq!(message(derived), message(written), "{json}");
        }
        let (_, written) = both::<derived::Open, written::Open>(r#"{"id": 1, "a": "two"}"#);
        assert!(written.unwrap_err().ends_with("line 1 column 20"));
    }

    /// The one difference: serde's derive also reads a struct from an array of its fields in
    /// order, which no JSON API sends; the macros refuse it as any other wrong type.
    #[test]
    fn an_array_is_not_read_as_a_struct() {
        let err = serde_json::from_str::<written::Item>("[1, null]").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: sequence, expected struct Item at line 1 column 1"
        );
    }

    #[test]
    fn a_key_seen_twice_is_refused() {
        struct Twice;
        impl<'de> Visitor<'de> for Twice {
            type Value = Option<u32>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut slot = None;
                while map.next_key::<FieldName<'de>>()?.is_some() {
                    next_field(&mut map, &mut slot, "n")?;
                }
                Ok(slot)
            }
        }
        let mut once = serde_json::Deserializer::from_str(r#"{"n": 1}"#);
        assert_eq!(once.deserialize_map(Twice).unwrap(), Some(1));
        let mut twice = serde_json::Deserializer::from_str(r#"{"n": 1, "n": 2}"#);
        let err = twice.deserialize_map(Twice).unwrap_err();
        assert!(err.to_string().starts_with("duplicate field `n`"), "{err}");
    }
}

//! The typed model's schemas read field by field from the raw value.
//!
//! Why: oas3's `Schema` is an untagged enum around an untagged enum around a struct with a
//! flattened extension map, so serde copies each schema object into a buffer and tries each
//! variant from it, at every level of nesting: a schema ten levels deep is copied ten times.
//! Schemas are most of a large document (GitHub's: 2.9 of 6.7 MB of JSON in `components`
//! alone). Here an object schema is built by matching its keys once, and each keyword's value is
//! read by serde from the value itself.
//!
//! The result must be exactly what serde builds, so this path only takes what it reads the same
//! way: a `$ref`, a boolean schema and every keyword's own value go through serde; anything
//! serde would refuse makes [`schema`] return `None`, and the caller reads the whole entry with
//! serde again, which then reports the error as before. `oas3` is pinned (`=0.22.0`) because
//! this mirrors its field list; the tests compare both paths on every corpus document.

use oas3::spec::{ObjectOrReference, ObjectSchema, Schema};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// `value` as serde would deserialise it into a [`Schema`], or `None` when only serde can say
/// (then it is an error, or a shape this path does not build).
pub(super) fn schema(value: &Value) -> Option<Schema> {
    match value {
        Value::Object(map) if !map.contains_key("$ref") => Some(Schema::Object(Box::new(
            ObjectOrReference::Object(object_schema(map)?),
        ))),
        _ => Schema::deserialize(value).ok(),
    }
}

fn object_schema(map: &serde_json::Map<String, Value>) -> Option<ObjectSchema> {
    let mut s = ObjectSchema::default();
    for (key, v) in map {
        match key.as_str() {
            "allOf" => s.all_of = list(v)?,
            "anyOf" => s.any_of = list(v)?,
            "oneOf" => s.one_of = list(v)?,
            "items" => s.items = optional(v)?.map(Box::new),
            "prefixItems" => s.prefix_items = list(v)?,
            "properties" => {
                let Value::Object(members) = v else {
                    return None;
                };
                let mut properties = oas3::Map::with_capacity(members.len());
                for (name, member) in members {
                    properties.insert(name.clone(), schema(member)?);
                }
                s.properties = properties;
            }
            "additionalProperties" => s.additional_properties = optional(v)?,
            "type" => s.schema_type = read(v)?,
            "enum" => s.enum_values = read(v)?,
            "const" => s.const_value = read(v)?,
            "multipleOf" => s.multiple_of = read(v)?,
            "maximum" => s.maximum = read(v)?,
            "exclusiveMaximum" => s.exclusive_maximum = read(v)?,
            "minimum" => s.minimum = read(v)?,
            "exclusiveMinimum" => s.exclusive_minimum = read(v)?,
            "maxLength" => s.max_length = read(v)?,
            "minLength" => s.min_length = read(v)?,
            "pattern" => s.pattern = read(v)?,
            "maxItems" => s.max_items = read(v)?,
            "minItems" => s.min_items = read(v)?,
            "uniqueItems" => s.unique_items = read(v)?,
            "maxProperties" => s.max_properties = read(v)?,
            "minProperties" => s.min_properties = read(v)?,
            "required" => s.required = read(v)?,
            "format" => s.format = read(v)?,
            "title" => s.title = read(v)?,
            "description" => s.description = read(v)?,
            "default" => s.default = read(v)?,
            "deprecated" => s.deprecated = read(v)?,
            "readOnly" => s.read_only = read(v)?,
            "writeOnly" => s.write_only = read(v)?,
            "examples" => s.examples = read(v)?,
            "discriminator" => s.discriminator = read(v)?,
            // oas3 keeps an explicit `example: null` (others' `null` is "absent").
            "example" => s.example = Some(v.clone()),
            // The flattened map: every other key, of which only extensions are kept, unprefixed.
            other => {
                if let Some(name) = other.strip_prefix("x-") {
                    s.extensions.insert(name.to_owned(), v.clone());
                }
            }
        }
    }
    Some(s)
}

/// A keyword's value as serde reads it (`Option<T>` fields: `null` is `None`).
fn read<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

fn list(value: &Value) -> Option<Vec<Schema>> {
    let Value::Array(items) = value else {
        return None;
    };
    items.iter().map(schema).collect()
}

/// An `Option<Schema>` keyword: `null` is `None`, as serde reads an `Option`.
fn optional(value: &Value) -> Option<Option<Schema>> {
    match value {
        Value::Null => Some(None),
        v => schema(v).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::schema;
    use oas3::spec::Schema;
    use serde_json::{json, Value};

    fn by_serde(value: &Value) -> Option<Schema> {
        serde_json::from_value(value.clone()).ok()
    }

    #[test]
    fn reads_every_keyword_as_serde_does() {
        let value = json!({
            "type": ["object", "null"], "title": "T", "description": "d", "format": "f",
            "required": ["a"], "deprecated": true, "readOnly": false, "writeOnly": null,
            "properties": {
                "a": {"type": "string", "pattern": "^x$", "minLength": 1, "maxLength": 9,
                      "enum": ["x", null], "default": null, "example": null},
                "b": {"$ref": "#/components/schemas/B", "description": "sibling"},
                "c": true,
                "d": {"type": "array", "items": {"type": "integer", "minimum": -1,
                      "maximum": 2.5, "exclusiveMinimum": 0, "multipleOf": 3},
                      "minItems": 0, "maxItems": 4, "uniqueItems": true, "prefixItems": [false]}
            },
            "additionalProperties": {"type": "number", "const": 1.5, "examples": [1, {"k": []}]},
            "allOf": [{"minProperties": 1, "maxProperties": 2}], "anyOf": [], "oneOf": [{}],
            "discriminator": {"propertyName": "kind", "mapping": {"a": "#/a"}},
            "x-one": {"n": 1}, "x-two": null, "not": {"type": "string"}, "unknown": 1,
            "example": {"a": "x"}
        });
        let fast = schema(&value).expect("the fast path reads it");
        assert_eq!(Some(fast), by_serde(&value));
    }

    #[test]
    fn leaves_to_serde_what_serde_refuses() {
        for value in [
            json!({"properties": {"a": null}}),
            json!({"items": "string"}),
            json!({"allOf": {"type": "string"}}),
            json!({"minLength": "1"}),
            json!({"required": [1]}),
            json!({"type": "text"}),
            json!("string"),
        ] {
            assert_eq!(by_serde(&value), None, "{value}");
            assert_eq!(schema(&value), None, "{value}");
        }
        // `null` for an `Option` keyword is "absent" to both.
        let value = json!({"items": null, "additionalProperties": null, "title": null});
        assert_eq!(schema(&value), by_serde(&value));
        assert!(schema(&value).is_some());
    }
}

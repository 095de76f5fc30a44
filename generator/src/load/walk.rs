//! Finds every schema object in a raw OpenAPI document.
//!
//! Schemas sit at known places: `components/schemas/*`, any `schema` member of a parameter,
//! header or media type, and inside other schemas (`properties`, `items`, `allOf`, ...). Walking
//! by position (rather than "every object with a `type`") keeps a property *named* `nullable` or
//! `example` from being mistaken for a keyword.

use crate::diagnostic::join;
use serde_json::{Map, Value};

/// Calls `f(pointer, schema_object)` for every schema object, parents before children.
pub fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    walk_document(doc, "", f);
}

fn walk_document(
    value: &mut Value,
    pointer: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let child = join(pointer, k);
                match k.as_str() {
                    "example" | "examples" | "default" => {}
                    "schema" => walk_schema(v, &child, f),
                    "schemas" if pointer == "/components" => {
                        if let Value::Object(schemas) = v {
                            for (name, s) in schemas.iter_mut() {
                                walk_schema(s, &join(&child, name), f);
                            }
                        }
                    }
                    _ => walk_document(v, &child, f),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk_document(v, &format!("{pointer}/{i}"), f);
            }
        }
        _ => {}
    }
}

/// Keywords whose value is one schema.
const SINGLE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];
/// Keywords whose value is a list of schemas.
const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

pub fn walk_schema(
    value: &mut Value,
    pointer: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    let Value::Object(map) = value else { return };
    f(pointer, map);
    for (k, v) in map.iter_mut() {
        let child = join(pointer, k);
        if SINGLE.contains(&k.as_str()) {
            walk_schema(v, &child, f);
        } else if LIST.contains(&k.as_str()) {
            if let Value::Array(items) = v {
                for (i, s) in items.iter_mut().enumerate() {
                    walk_schema(s, &format!("{child}/{i}"), f);
                }
            } else if k == "items" {
                walk_schema(v, &child, f);
            }
        } else if MAP.contains(&k.as_str()) {
            if let Value::Object(members) = v {
                for (name, s) in members.iter_mut() {
                    walk_schema(s, &join(&child, name), f);
                }
            }
        }
    }
}

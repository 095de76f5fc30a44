//! Finds every schema object in a raw OpenAPI document.
//!
//! Schemas sit at known places: `components/schemas/*`, any `schema` member of a parameter,
//! header or media type, and inside other schemas (`properties`, `items`, `allOf`, ...). Walking
//! by position (rather than "every object with a `type`") keeps a property *named* `nullable` or
//! `example` from being mistaken for a keyword.

use crate::diagnostic::{push_index, push_token};
use serde_json::{Map, Value};

/// Calls `f(pointer, schema_object)` for every schema object, parents before children.
pub fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    walk_document(doc, &mut String::new(), f);
}

/// Runs `visit` with `token` pushed onto `pointer`, then restores it.
fn with_token<R>(pointer: &mut String, token: &str, visit: impl FnOnce(&mut String) -> R) -> R {
    let len = pointer.len();
    push_token(pointer, token);
    let out = visit(pointer);
    pointer.truncate(len);
    out
}

fn with_index<R>(pointer: &mut String, index: usize, visit: impl FnOnce(&mut String) -> R) -> R {
    let len = pointer.len();
    push_index(pointer, index);
    let out = visit(pointer);
    pointer.truncate(len);
    out
}

fn walk_document(
    value: &mut Value,
    pointer: &mut String,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    match value {
        Value::Object(map) => {
            let at_components = pointer == "/components";
            for (k, v) in map.iter_mut() {
                match k.as_str() {
                    "example" | "examples" | "default" => {}
                    "schema" => with_token(pointer, k, |p| walk_schema(v, p, f)),
                    "schemas" if at_components => with_token(pointer, k, |p| {
                        if let Value::Object(schemas) = v {
                            for (name, s) in schemas.iter_mut() {
                                with_token(p, name, |p| walk_schema(s, p, f));
                            }
                        }
                    }),
                    _ => with_token(pointer, k, |p| walk_document(v, p, f)),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                with_index(pointer, i, |p| walk_document(v, p, f));
            }
        }
        _ => {}
    }
}

/// Keywords whose value is one schema.
pub(super) const SINGLE: &[&str] = &[
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
pub(super) const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
pub(super) const MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

fn walk_schema(
    value: &mut Value,
    pointer: &mut String,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    let Value::Object(map) = value else { return };
    f(pointer, map);
    for (k, v) in map.iter_mut() {
        if SINGLE.contains(&k.as_str()) {
            with_token(pointer, k, |p| walk_schema(v, p, f));
        } else if LIST.contains(&k.as_str()) {
            with_token(pointer, k, |p| {
                if let Value::Array(items) = v {
                    for (i, s) in items.iter_mut().enumerate() {
                        with_index(p, i, |p| walk_schema(s, p, f));
                    }
                }
            });
        } else if MAP.contains(&k.as_str()) {
            with_token(pointer, k, |p| {
                if let Value::Object(members) = v {
                    for (name, s) in members.iter_mut() {
                        with_token(p, name, |p| walk_schema(s, p, f));
                    }
                }
            });
        }
    }
}

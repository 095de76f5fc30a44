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

/// `map[key]`, for the walks that ask every object of a document for one keyword (`$ref`,
/// `externalDocs`). A map lookup hashes the key (SipHash) before probing; the objects of a spec
/// have a handful of members, and comparing those is several times cheaper (the walks were about
/// a sixth of Stripe's instructions).
pub(super) fn member<'m>(map: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    if map.len() > SCAN_UP_TO {
        return map.get(key);
    }
    map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
}

/// Whether `map` has any of `keys` (few), by the same scan.
pub(super) fn has_any(map: &Map<String, Value>, keys: &[&str]) -> bool {
    if map.len() > SCAN_UP_TO {
        return keys.iter().any(|k| map.contains_key(*k));
    }
    map.keys().any(|k| keys.contains(&k.as_str()))
}

const SCAN_UP_TO: usize = 16;

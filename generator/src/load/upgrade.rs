//! OpenAPI 3.0 -> 3.1 upgrade on the raw JSON value, before the typed model sees it.
//!
//! `oas3` models 3.1 only. The 3.0 dialect differs in a few schema keywords, rewritten here:
//! - `nullable: true` -> `null` added to `type` (or `anyOf [.., {type: null}]` for `$ref`/composed
//!   schemas, where there is no `type` to extend);
//! - boolean `exclusiveMinimum`/`exclusiveMaximum` -> the numeric 3.1 form;
//! - `example` is kept as is (3.1 still allows it on schemas, `oas3` reads it).

use crate::diagnostic::{join, Diagnostic};
use serde_json::{json, Map, Value};

/// The OpenAPI dialect a document is written in, which decides how its schemas are upgraded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    V30,
    V31,
}

/// Rewrites one schema object (at `pointer`) to the 3.1 form; called for every schema object, parents
/// before children, by the load's single schema walk.
pub fn upgrade_schema(
    dialect: Dialect,
    map: &mut Map<String, Value>,
    pointer: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    // Most schemas have none of the keywords rewritten: one scan of their keys decides.
    let rewritten: &[&str] = match dialect {
        Dialect::V30 => &["exclusiveMinimum", "exclusiveMaximum", "nullable"],
        Dialect::V31 => &["exclusiveMinimum", "exclusiveMaximum"],
    };
    if !super::walk::has_any(map, rewritten) {
        return;
    }
    match dialect {
        Dialect::V30 => upgrade_schema_object(map, pointer, warnings),
        // 3.1 documents that still write 3.0's boolean `exclusiveMinimum: true` next to `minimum`
        // mean the same thing; the bound is rewritten to the 3.1 form, with a warning.
        Dialect::V31 => {
            for flag in ["exclusiveMinimum", "exclusiveMaximum"] {
                if map.get(flag).is_some_and(Value::is_boolean) {
                    warnings.push(Diagnostic::warning(
                        join(pointer, flag),
                        format!(
                            "`{flag}` is a boolean, the OpenAPI 3.0 form; read as 3.0 meant it"
                        ),
                    ));
                }
            }
            boolean_bounds_to_numeric(map, pointer, warnings);
        }
    }
}

/// After every schema is upgraded: a 3.0 document now declares 3.1.
pub fn declare_upgraded(doc: &mut Value, dialect: Dialect) {
    if dialect == Dialect::V30 {
        if let Some(v) = doc.get_mut("openapi") {
            *v = Value::String("3.1.0".into());
        }
    }
}

fn upgrade_schema_object(
    map: &mut Map<String, Value>,
    pointer: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    boolean_bounds_to_numeric(map, pointer, warnings);
    match map.remove("nullable") {
        Some(Value::Bool(true)) => make_nullable(map),
        Some(Value::Bool(false)) | None => {}
        Some(_) => warnings.push(Diagnostic::warning(
            join(pointer, "nullable"),
            "`nullable` is not a boolean; ignored",
        )),
    }
}

fn boolean_bounds_to_numeric(
    map: &mut Map<String, Value>,
    pointer: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(exclusive)) = map.get(flag).cloned() {
            map.remove(flag);
            if exclusive {
                match map.remove(bound) {
                    Some(b @ Value::Number(_)) => {
                        map.insert(flag.to_owned(), b);
                    }
                    _ => warnings.push(Diagnostic::warning(
                        join(pointer, flag),
                        format!(
                            "`{flag}: true` without a numeric `{bound}` has no meaning; ignored"
                        ),
                    )),
                }
            }
        }
    }
}

fn make_nullable(map: &mut Map<String, Value>) {
    match map.get_mut("type") {
        Some(Value::String(t)) => {
            let t = t.clone();
            map.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) => {
            if !types.iter().any(|t| t == "null") {
                types.push(json!("null"));
            }
        }
        _ => {
            // `$ref` + nullable, or a composed schema: wrap.
            let inner = std::mem::take(map);
            map.insert(
                "anyOf".into(),
                json!([Value::Object(inner), {"type": "null"}]),
            );
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
}

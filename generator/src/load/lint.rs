//! Checks on the raw document for what the typed model would silently lose.
//!
//! `oas3` drops keywords it does not model (`not`, `patternProperties`, `$defs`, ...). Generating
//! from it without a word would quietly ignore a constraint, so each one found is reported here
//! with its pointer. `$ref`s are checked too: external references are refused, and local ones must
//! point at something.

use crate::diagnostic::Diagnostic;
use serde_json::Value;
use std::collections::HashSet;

/// Keywords `oas3` 0.22 does not keep, and what ignoring them means for the generated code.
const DROPPED: &[(&str, &str)] = &[
    (
        "not",
        "`not` is not enforced: the generated type accepts values the spec excludes",
    ),
    (
        "patternProperties",
        "`patternProperties` is not modelled: matching properties are kept as untyped extra fields",
    ),
    ("propertyNames", "`propertyNames` is not enforced"),
    (
        "unevaluatedProperties",
        "`unevaluatedProperties` is not enforced",
    ),
    ("unevaluatedItems", "`unevaluatedItems` is not enforced"),
    ("if", "`if`/`then`/`else` are not enforced"),
    ("dependentSchemas", "`dependentSchemas` is not enforced"),
    ("dependentRequired", "`dependentRequired` is not enforced"),
    ("contains", "`contains` is not enforced"),
    (
        "$defs",
        "`$defs` is not read; a `$ref` into it still resolves through the raw document",
    ),
    (
        "definitions",
        "`definitions` inside a schema is not read; a `$ref` into it still resolves",
    ),
    ("$dynamicRef", "`$dynamicRef` is not supported"),
];

/// Warns about each keyword of one schema object (at `pointer`) that the typed model drops.
pub fn check_dropped_keywords(
    map: &serde_json::Map<String, Value>,
    pointer: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    // Nearly every schema has none: one pass over its few keys instead of a lookup per keyword.
    if !map.keys().any(|k| DROPPED.iter().any(|(d, _)| *d == k)) {
        return;
    }
    for (keyword, what) in DROPPED {
        if map.contains_key(*keyword) {
            warnings.push(
                Diagnostic::warning(crate::diagnostic::join(pointer, keyword), *what)
                    .with_hint("the rest of the schema is generated; check the constraint yourself if it matters"),
            );
        }
    }
}

/// Every `$ref` that is external or points at nothing, as an error.
pub fn check_ref_targets(raw: &Value) -> Vec<Diagnostic> {
    let mut check = RefCheck {
        root: raw,
        found: HashSet::new(),
        errors: Vec::new(),
    };
    check.walk(raw, &mut String::new());
    check.errors
}

/// The walk of [`check_ref_targets`]: a target found once is not looked up again (Stripe's
/// 6 MB spec has tens of thousands of `$ref`s to a few thousand targets).
struct RefCheck<'v> {
    root: &'v Value,
    found: HashSet<&'v str>,
    errors: Vec<Diagnostic>,
}

impl<'v> RefCheck<'v> {
    fn walk(&mut self, value: &'v Value, pointer: &mut String) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = super::walk::member(map, "$ref") {
                    if !self.found.contains(target.as_str()) {
                        self.check(target, pointer);
                    }
                }
                for (k, v) in map {
                    if matches!(
                        k.as_str(),
                        "example" | "examples" | "default" | "enum" | "const"
                    ) || !(v.is_object() || v.is_array())
                    {
                        continue;
                    }
                    let len = pointer.len();
                    crate::diagnostic::push_token(pointer, k);
                    self.walk(v, pointer);
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    if !(v.is_object() || v.is_array()) {
                        continue;
                    }
                    let len = pointer.len();
                    crate::diagnostic::push_index(pointer, i);
                    self.walk(v, pointer);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// Records an error for `target` (the `$ref` at `pointer`) unless it is local and exists.
    fn check(&mut self, target: &'v str, pointer: &str) {
        let at = crate::diagnostic::join(pointer, "$ref");
        match target.strip_prefix('#') {
            Some(local) => {
                if self.root.pointer(&percent_decode(local)).is_some() {
                    self.found.insert(target);
                } else {
                    self.errors.push(
                        Diagnostic::error(
                            at,
                            format!("`$ref: {target}` points at nothing in this document"),
                        )
                        .with_hint("fix the reference or add the missing component"),
                    );
                }
            }
            None => self.errors.push(
                Diagnostic::error(at, format!("external `$ref: {target}` is not supported"))
                    .with_hint(
                        "bundle the spec into one file first (for example `redocly bundle`)",
                    ),
            ),
        }
    }
}

/// `$ref` fragments are URI-encoded (`#/paths/~1pets%7Bid%7D`); JSON pointers are not.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

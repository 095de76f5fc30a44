//! What the IR still reads of the raw document once the typed model exists: the targets of
//! `$ref`s that the typed model cannot serve by name (parameters, responses, request bodies, any
//! pointer into the document), never the rest. On a large spec the raw value is a third of the
//! memory, so [`super::load_for_generation`] keeps only those subtrees.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// A skeleton of `raw` that holds only the subtrees some `$ref` points at, each at its place (so
/// `pointer` finds them as before). References to `#/components/schemas/NAME` are left out when
/// `typed_schema(NAME)` says the typed model has it: the IR looks those up there.
pub(super) fn ref_targets(raw: &Value, typed_schema: impl Fn(&str) -> bool) -> Value {
    let mut targets = BTreeSet::new();
    collect_ref_targets(raw, &mut |ref_path| {
        let pointer = super::percent_decode(ref_path.trim_start_matches('#'));
        if !schema_name(&pointer).is_some_and(|name| typed_schema(&name)) {
            targets.insert(pointer);
        }
    });
    // The security requirements too: the typed model reads an absent `security` and `[]` (no
    // auth) both as an empty list, and `ir` needs to tell them apart.
    if raw.get("security").is_some() {
        targets.insert("/security".to_owned());
    }
    for (path, item) in raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (method, op) in item.as_object().into_iter().flatten() {
            if op.get("security").is_some() {
                let op = crate::diagnostic::join(&crate::diagnostic::join("/paths", path), method);
                targets.insert(format!("{op}/security"));
            }
        }
    }
    if targets.contains("") {
        // A `$ref: '#'` needs the whole document.
        return raw.clone();
    }
    let mut kept = Value::Object(Map::new());
    for target in &targets {
        // A target inside another target travels with it.
        let nested = target
            .match_indices('/')
            .skip(1)
            .any(|(i, _)| targets.contains(&target[..i]));
        if nested {
            continue;
        }
        if let Some(value) = raw.pointer(target) {
            place(&mut kept, target, value.clone());
        }
    }
    kept
}

/// `NAME` of a pointer `/components/schemas/NAME`.
fn schema_name(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    (!rest.contains('/')).then(|| rest.replace("~1", "/").replace("~0", "~"))
}

/// Calls `found` with every local `$ref` string (`#...`) in `value`.
fn collect_ref_targets(value: &Value, found: &mut impl FnMut(&str)) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = super::walk::member(map, "$ref") {
                if r.starts_with('#') {
                    found(r);
                }
            }
            map.values().for_each(|v| collect_ref_targets(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_ref_targets(v, found)),
        _ => {}
    }
}

/// Puts `value` at JSON pointer `pointer` under `root`, making objects on the way. Array
/// positions become object keys, which `Value::pointer` reads the same way.
fn place(root: &mut Value, pointer: &str, value: Value) {
    let mut at = root;
    for token in pointer.split('/').skip(1) {
        let key = token.replace("~1", "/").replace("~0", "~");
        let Value::Object(map) = at else { return };
        at = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    }
    *at = value;
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_what_refs_point_at_is_kept_in_place() {
        let text = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
          "paths": {"/a/{id}": {"get": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "responses": {"200": {"$ref": "#/paths/~1b/get/responses/200"},
                          "404": {"$ref": "#/components/responses/Missing"}}}},
            "/b": {"get": {"responses": {"200": {"description": "b",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}}}}},
          "components": {
            "schemas": {"S": {"type": "string"}, "Big": {"type": "object"}},
            "parameters": {"Id": {"name": "id", "in": "path", "required": true,
                                  "schema": {"type": "string"}}},
            "responses": {"Missing": {"$ref": "#/components/responses/Gone"},
                          "Gone": {"description": "gone"}, "Unused": {"description": "u"}}}}"##;
        let full = crate::load::load_str(text).unwrap();
        let doc = crate::load::load_for_generation(text).unwrap();
        assert!(full.raw.pointer("/components/schemas/Big").is_some());
        assert_eq!(doc.spec_with_paths(), full.spec);
        assert_eq!(doc.object_count, full.object_count);
        for kept in [
            "/components/parameters/Id/name",
            "/paths/~1b/get/responses/200/description",
            "/components/responses/Missing/$ref",
            "/components/responses/Gone/description",
        ] {
            assert!(doc.raw.pointer(kept).is_some(), "{kept} missing");
        }
        for gone in [
            "/components/schemas",
            "/components/responses/Unused",
            "/paths/~1a",
            "/info",
        ] {
            assert!(doc.raw.pointer(gone).is_none(), "{gone} kept");
        }
    }
}

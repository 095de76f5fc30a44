//! Repairs on the raw document so that a sloppy but usable spec still reaches the typed model.
//!
//! `oas3` is strict where published specs are not: `info.version` is required, URL fields must be
//! absolute URLs, every member of `paths` must be a path item. None of that stops us from
//! generating a correct client, so each such construct is repaired or dropped here, with a warning
//! that names its pointer. Two layers:
//! - [`normalize`] fixes the classes seen in real specs with a precise message each;
//! - [`deserialize_repairing`] handles anything else the typed model refuses: it drops the
//!   smallest enclosing part the client can do without (documentation, an example, a security
//!   scheme's flow, ...) or widens a schema to "any JSON value", and tries again, a bounded number
//!   of times. What it cannot repair (an operation's shape, the document's skeleton) stays an
//!   error with its pointer.

use crate::diagnostic::{join, Diagnostic};
use serde_json::{Map, Value};
use url::Url;

/// Applies the known repairs in place.
pub fn normalize(raw: &mut Value, warnings: &mut Vec<Diagnostic>) {
    let Value::Object(root) = raw else { return };
    fill_info(root, warnings);
    let base = first_absolute_server(root);
    repair_urls(root, base.as_ref(), warnings);
    drop_non_path_members(root, warnings);
}

fn fill_info(root: &mut Map<String, Value>, warnings: &mut Vec<Diagnostic>) {
    let info = root.entry("info").or_insert_with(|| {
        warnings.push(Diagnostic::warning(
            "/info",
            "the document has no `info`; generating with title \"API\" and version \"0.0.0\"",
        ));
        Value::Object(Map::new())
    });
    if !info.is_object() {
        warnings.push(Diagnostic::warning(
            "/info",
            "`info` is not an object; replaced",
        ));
        *info = Value::Object(Map::new());
    }
    let Value::Object(info) = info else { return };
    for (field, fallback) in [("title", "API"), ("version", "0.0.0")] {
        let pointer = join("/info", field);
        match info.get(field) {
            Some(Value::String(_)) => {}
            // `version: 1.0` is a YAML number; its text is what the author meant.
            Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                let text = v.to_string();
                info.insert(field.into(), Value::String(text));
            }
            _ => {
                warnings.push(Diagnostic::warning(
                    pointer,
                    format!("`info.{field}` is missing or not a string; using {fallback:?}"),
                ));
                info.insert(field.into(), Value::String(fallback.into()));
            }
        }
    }
}

/// OpenAPI resolves relative URLs in the document against the server URL.
fn first_absolute_server(root: &Map<String, Value>) -> Option<Url> {
    root.get("servers")?
        .as_array()?
        .iter()
        .filter_map(|s| s.get("url")?.as_str())
        .find_map(|u| Url::parse(u).ok())
}

/// The URL-typed fields `oas3` parses. Documentation URLs that are not URLs are dropped; an OAuth2
/// flow whose URLs cannot be made absolute is dropped from the typed model (the client sends the
/// token it is given as a bearer token, so the flow's URLs never reach generated code).
fn repair_urls(root: &mut Map<String, Value>, base: Option<&Url>, warnings: &mut Vec<Diagnostic>) {
    if let Some(Value::Object(info)) = root.get_mut("info") {
        repair_url_field(info, "termsOfService", "/info", base, warnings);
        for part in ["contact", "license"] {
            if let Some(Value::Object(obj)) = info.get_mut(part) {
                repair_url_field(obj, "url", &join("/info", part), base, warnings);
            }
        }
    }
    repair_external_docs(root, &mut String::new(), base, warnings);
    let Some(Value::Object(schemes)) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
    else {
        return;
    };
    for (name, scheme) in schemes.iter_mut() {
        let at = join("/components/securitySchemes", name);
        let Some(Value::Object(flows)) = scheme.get_mut("flows") else {
            continue;
        };
        flows.retain(|flow_name, flow| {
            let flow_at = join(&join(&at, "flows"), flow_name);
            let Value::Object(flow) = flow else {
                return true;
            };
            for field in ["authorizationUrl", "tokenUrl", "refreshUrl"] {
                let Some(Value::String(text)) = flow.get(field) else {
                    continue;
                };
                match absolute(text, base) {
                    Some(Ok(_)) => {}
                    Some(Err(resolved)) => {
                        warnings.push(Diagnostic::warning(
                            join(&flow_at, field),
                            format!("relative URL {text:?} resolved against the server URL: {resolved}"),
                        ));
                        flow.insert(field.into(), Value::String(resolved));
                    }
                    None if field == "refreshUrl" => {
                        warnings.push(Diagnostic::warning(
                            join(&flow_at, field),
                            format!("{text:?} is not a URL; dropped"),
                        ));
                        flow.remove(field);
                    }
                    None => {
                        warnings.push(
                            Diagnostic::warning(
                                join(&flow_at, field),
                                format!("{text:?} is not an absolute URL and there is no absolute server URL to resolve it against; the `{flow_name}` flow is left out"),
                            )
                            .with_hint("the client still sends an OAuth2 token as a bearer token; only the flow's URLs are unknown to it"),
                        );
                        return false;
                    }
                }
            }
            true
        });
    }
}

/// `Some(Ok(()))`: already absolute; `Some(Err(resolved))`: relative, resolved against `base`;
/// `None`: cannot be made absolute.
fn absolute(text: &str, base: Option<&Url>) -> Option<Result<(), String>> {
    if Url::parse(text).is_ok() {
        return Some(Ok(()));
    }
    // Only what is plainly a relative reference (`/oauth/authorize`, `./LICENSE`, `#section`) is
    // resolved; `zeit.co` or an empty string is more likely a mistake than a path.
    if !text.starts_with(['/', '.', '#']) {
        return None;
    }
    let resolved = base?.join(text).ok()?;
    Some(Err(resolved.to_string()))
}

fn repair_url_field(
    obj: &mut Map<String, Value>,
    field: &str,
    at: &str,
    base: Option<&Url>,
    warnings: &mut Vec<Diagnostic>,
) -> bool {
    let Some(value) = obj.get(field) else {
        return true;
    };
    let pointer = join(at, field);
    let fixed = match value {
        Value::String(text) => match absolute(text, base) {
            Some(Ok(())) => return true,
            Some(Err(resolved)) => {
                warnings.push(Diagnostic::warning(
                    pointer,
                    format!("relative URL {text:?} resolved against the server URL: {resolved}"),
                ));
                Some(resolved)
            }
            None => {
                warnings.push(Diagnostic::warning(
                    pointer,
                    format!("{text:?} is not an absolute URL; dropped (it is documentation only)"),
                ));
                None
            }
        },
        _ => {
            warnings.push(Diagnostic::warning(
                pointer,
                "not a URL string; dropped (it is documentation only)",
            ));
            None
        }
    };
    match fixed {
        Some(url) => {
            obj.insert(field.into(), Value::String(url));
            true
        }
        None => {
            obj.remove(field);
            false
        }
    }
}

/// `externalDocs` stands on the document, tags, operations and schemas; its `url` is required, so
/// an `externalDocs` whose URL is unusable goes as a whole.
fn repair_external_docs(
    obj: &mut Map<String, Value>,
    pointer: &mut String,
    base: Option<&Url>,
    warnings: &mut Vec<Diagnostic>,
) {
    let has_docs = super::walk::has_any(obj, &["externalDocs"]);
    if let Some(Value::Object(docs)) = has_docs.then(|| obj.get_mut("externalDocs")).flatten() {
        let at = join(pointer, "externalDocs");
        let has_url = docs.contains_key("url");
        let keep = has_url && repair_url_field(docs, "url", &at, base, warnings);
        if !keep {
            if !has_url {
                warnings.push(Diagnostic::warning(
                    at,
                    "`externalDocs` without `url`; dropped",
                ));
            }
            obj.remove("externalDocs");
        }
    }
    for (key, value) in obj.iter_mut() {
        if matches!(
            key.as_str(),
            "example" | "examples" | "default" | "enum" | "const"
        ) {
            continue;
        }
        let len = pointer.len();
        crate::diagnostic::push_token(pointer, key);
        match value {
            Value::Object(child) => repair_external_docs(child, pointer, base, warnings),
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    if let Value::Object(child) = item {
                        let len = pointer.len();
                        crate::diagnostic::push_index(pointer, i);
                        repair_external_docs(child, pointer, base, warnings);
                        pointer.truncate(len);
                    }
                }
            }
            _ => {}
        }
        pointer.truncate(len);
    }
}

/// `paths` holds path items and `x-` extensions; anything else there is not an operation.
fn drop_non_path_members(root: &mut Map<String, Value>, warnings: &mut Vec<Diagnostic>) {
    let Some(Value::Object(paths)) = root.get_mut("paths") else {
        return;
    };
    paths.retain(|key, value| {
        let pointer = join("/paths", key);
        if key.starts_with("x-") {
            return false;
        }
        if !value.is_object() {
            warnings.push(Diagnostic::warning(
                pointer,
                "not a path item (an object of operations); ignored",
            ));
            return false;
        }
        if !key.starts_with('/') {
            warnings.push(Diagnostic::warning(
                pointer,
                "a path should start with `/`; generated as written",
            ));
        }
        true
    });
}

/// How many parts [`deserialize_repairing`] may drop or widen before giving up.
const MAX_REPAIRS: usize = 64;

/// Deserialises the typed model; where it refuses a part, repairs the raw value and tries again.
pub fn deserialize_repairing(
    raw: &mut Value,
    warnings: &mut Vec<Diagnostic>,
    deserialize: impl Fn(&Value) -> Result<oas3::Spec, Diagnostic>,
) -> Result<oas3::Spec, Diagnostic> {
    let mut repaired = 0;
    loop {
        let error = match deserialize(raw) {
            Ok(spec) => return Ok(spec),
            Err(e) => e,
        };
        if repaired == MAX_REPAIRS {
            return Err(error);
        }
        let Some(repair) = find_repair(raw, &error.pointer, &deserialize) else {
            return Err(error);
        };
        warnings.push(
            Diagnostic::warning(repair.pointer.clone(), repair.describe(&error.message))
                .with_hint("fix this part of the spec to have it generated as written"),
        );
        repair.apply(raw);
        repaired += 1;
    }
}

/// The least destructive repair for a refusal at `pointer`: first an optional member of the
/// refused object (its `links`, `examples`, an extension) whose removal lets the document through;
/// then, for a schema, one keyword of the innermost refused subschema, or that subschema as a
/// whole; otherwise the nearest enclosing entry the client can do without.
fn find_repair(
    raw: &Value,
    pointer: &str,
    deserialize: &impl Fn(&Value) -> Result<oas3::Spec, Diagnostic>,
) -> Option<Repair> {
    if let Some(Value::Object(node)) = raw.pointer(pointer) {
        for key in node.keys().filter(|k| is_optional_member(k)) {
            let candidate = Repair {
                pointer: join(pointer, key),
                action: Action::Remove,
            };
            let mut trial = raw.clone();
            candidate.apply(&mut trial);
            if deserialize(&trial).map_or_else(|e| e.pointer != pointer, |_| true) {
                return Some(candidate);
            }
        }
    }
    let plan = plan_repair(raw, pointer)?;
    if plan.action == Action::AnySchema {
        if let Some(Value::Object(schema)) = raw.pointer(&plan.pointer) {
            // One bad keyword (`pattern: 0`, `examples` as a map) costs only that keyword.
            for key in schema.keys() {
                let mut trial = schema.clone();
                trial.shift_remove(key);
                if serde_json::from_value::<oas3::spec::Schema>(Value::Object(trial)).is_ok() {
                    return Some(Repair {
                        pointer: join(&plan.pointer, key),
                        action: Action::Remove,
                    });
                }
            }
        }
    }
    Some(plan)
}

fn is_optional_member(key: &str) -> bool {
    key.starts_with("x-") || REMOVABLE_MEMBERS.contains(&key)
}

#[derive(Debug, PartialEq, Clone, Copy)]
enum Action {
    /// Remove a member or element the client does not need.
    Remove,
    /// Replace a schema by `{}`: any JSON value.
    AnySchema,
}

#[derive(Debug)]
struct Repair {
    pointer: String,
    action: Action,
}

impl Repair {
    fn describe(&self, error: &str) -> String {
        let error = error
            .strip_prefix("does not match the OpenAPI schema: ")
            .unwrap_or(error);
        match self.action {
            Action::Remove => format!("left out: the typed model refuses it ({error})"),
            Action::AnySchema => {
                format!("schema read as any JSON value: the typed model refuses it ({error})")
            }
        }
    }

    fn apply(&self, raw: &mut Value) {
        let (parent, last) = match self.pointer.rfind('/') {
            Some(i) => (&self.pointer[..i], unescape(&self.pointer[i + 1..])),
            None => return,
        };
        match (self.action, raw.pointer_mut(parent)) {
            (Action::AnySchema, Some(_)) => {
                if let Some(v) = raw.pointer_mut(&self.pointer) {
                    *v = Value::Object(Map::new());
                }
            }
            (Action::Remove, Some(Value::Object(map))) => {
                map.shift_remove(&last);
            }
            (Action::Remove, Some(Value::Array(items))) => {
                if let Ok(i) = last.parse::<usize>() {
                    if i < items.len() {
                        items.remove(i);
                    }
                }
            }
            _ => {}
        }
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Members whose loss costs the client nothing but documentation or an optional feature.
const REMOVABLE_MEMBERS: &[&str] = &[
    "externalDocs",
    "contact",
    "license",
    "termsOfService",
    "example",
    "examples",
    "links",
    "callbacks",
    "webhooks",
    "tags",
    "xml",
    "discriminator",
    "encoding",
    "servers",
];
/// Maps whose individual entries can be left out (`/components/examples/foo`).
const REMOVABLE_ENTRIES: &[&str] = &[
    "securitySchemes",
    "examples",
    "links",
    "callbacks",
    "headers",
    "encoding",
    "webhooks",
    "tags",
    "servers",
    "security",
];
// Which keywords hold schemas is the schema walker's knowledge; the repairs use the same lists.
use super::walk::{LIST as SCHEMA_LISTS, MAP as SCHEMA_MAPS, SINGLE as SCHEMA_SINGLE};

/// The deepest schema under `value` (itself a refused schema at `pointer`) that is refused on its
/// own, found by trying its subschemas one by one.
fn innermost_bad_schema(value: &Value, pointer: String) -> String {
    let refused = |v: &Value| serde_json::from_value::<oas3::spec::Schema>(v.clone()).is_err();
    let Value::Object(map) = value else {
        return pointer;
    };
    for (key, child) in map {
        let at = join(&pointer, key);
        if SCHEMA_SINGLE.contains(&key.as_str()) && refused(child) {
            return innermost_bad_schema(child, at);
        }
        let members: Vec<(String, &Value)> = match child {
            Value::Object(m) if SCHEMA_MAPS.contains(&key.as_str()) => {
                m.iter().map(|(k, v)| (k.clone(), v)).collect()
            }
            Value::Array(items) if SCHEMA_LISTS.contains(&key.as_str()) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => continue,
        };
        if let Some((name, bad)) = members.into_iter().find(|(_, v)| refused(v)) {
            return innermost_bad_schema(bad, join(&at, &name));
        }
    }
    pointer
}

/// From the failing pointer up to the root, the first part that can be widened or left out.
fn plan_repair(raw: &Value, pointer: &str) -> Option<Repair> {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
    for end in (1..=tokens.len()).rev() {
        let here = &tokens[..end];
        let key = here[end - 1].as_str();
        let parent = end.checked_sub(2).map(|i| here[i].as_str());
        let grandparent = end.checked_sub(3).map(|i| here[i].as_str());
        let is_schema = key == "schema"
            || SCHEMA_SINGLE.contains(&key)
            || parent.is_some_and(|p| SCHEMA_MAPS.contains(&p) || SCHEMA_LISTS.contains(&p))
            || (parent == Some("schemas") && grandparent == Some("components"));
        let action = if key.starts_with("x-") || REMOVABLE_MEMBERS.contains(&key) {
            // An extension or a documentation member is removed even inside a schema.
            Action::Remove
        } else if is_schema {
            Action::AnySchema
        } else if parent.is_some_and(|p| REMOVABLE_ENTRIES.contains(&p)) {
            Action::Remove
        } else {
            continue;
        };
        let mut at: String = here.iter().fold(String::new(), |acc, t| join(&acc, t));
        if action == Action::AnySchema {
            // Serde reports an untagged schema's failure at the outermost schema; widen only the
            // innermost part that fails on its own.
            if let Some(value) = raw.pointer(&at) {
                at = innermost_bad_schema(value, at);
            }
        }
        // Widening a schema that already is `{}` would loop: look further up instead.
        if action == Action::AnySchema
            && raw
                .pointer(&at)
                .is_some_and(|v| v.as_object().is_some_and(Map::is_empty))
        {
            continue;
        }
        return Some(Repair {
            pointer: at,
            action,
        });
    }
    None
}

//! Loading: source text -> raw JSON value -> (3.0 upgrade) -> checks -> `oas3::Spec`.
//!
//! This stage never emits code. Its output, [`Document`], keeps both the typed model (for the IR
//! builder) and the raw value (for `$ref`s that point outside `#/components`, and for keywords the
//! typed model cannot represent).

mod lint;
mod locate;
mod upgrade;
mod walk;

use crate::diagnostic::{Diagnostic, Diagnostics};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use lint::percent_decode;
pub use locate::LineIndex;

/// A parsed, upgraded and checked OpenAPI document.
#[derive(Debug)]
pub struct Document {
    pub spec: oas3::Spec,
    /// The document as JSON after the 3.0 -> 3.1 upgrade.
    pub raw: Value,
    /// The `openapi` version the source declared (before any upgrade).
    pub source_version: String,
    /// Hex SHA-256 of the source bytes; the generated crate is stamped with it.
    pub sha256: String,
    pub warnings: Vec<Diagnostic>,
    pub lines: LineIndex,
}

/// Parses `text` (YAML or JSON; JSON is a subset of YAML, but the JSON parser is faster and
/// gives better messages, so it is tried first when the text looks like JSON).
pub fn load_str(text: &str) -> Result<Document, Diagnostics> {
    let raw = parse_text(text).map_err(Diagnostics::from)?;
    resolve(text, raw)
}

/// The second half of [`load_str`], public for the phase benchmark: version check, 3.0 -> 3.1
/// upgrade, keyword and `$ref` checks, typed model. `raw` is `text` as [`parse_text`] parsed it
/// (the text gives line numbers and the hash).
pub fn resolve(text: &str, mut raw: Value) -> Result<Document, Diagnostics> {
    let lines = LineIndex::new(text);
    let with_line = |mut d: Diagnostic| {
        d.line = d.line.or_else(|| lines.find(&d.pointer));
        d
    };
    let source_version = match raw.get("openapi").and_then(Value::as_str) {
        Some(v) => v.to_owned(),
        None if raw.get("swagger").is_some() => {
            return Err(
                Diagnostic::error("/swagger", "Swagger 2.0 documents are not supported")
                    .with_hint("convert it to OpenAPI 3 first (for example with swagger2openapi)")
                    .into(),
            )
        }
        None => {
            return Err(Diagnostic::error(
                "",
                "not an OpenAPI document: no `openapi` version field",
            )
            .with_hint("the top level must have `openapi: 3.0.x` or `openapi: 3.1.x`")
            .into())
        }
    };
    let mut warnings = Vec::new();
    if source_version.starts_with("3.0") {
        upgrade::upgrade_30_to_31(&mut raw, &mut warnings);
    } else if !source_version.starts_with("3.1") && !source_version.starts_with("3.2") {
        return Err(Diagnostic::error(
            "/openapi",
            format!("unsupported OpenAPI version {source_version:?}"),
        )
        .with_hint("this generator reads OpenAPI 3.0.x and 3.1.x")
        .into());
    }
    lint::check_keywords(&mut raw, &mut warnings);
    // The reference check and the typed model both only read the value: they run side by side.
    // A broken `$ref` is the better message, so it wins over a deserialisation error.
    let (mut errors, typed) = std::thread::scope(|scope| {
        let refs = scope.spawn(|| lint::check_ref_targets(&raw));
        let typed = deserialize(&raw);
        let refs = refs.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (refs, typed)
    });
    let spec = match typed {
        Ok(spec) if errors.is_empty() => Some(spec),
        Ok(_) => None,
        Err(d) => {
            if errors.is_empty() {
                errors.push(d);
            }
            None
        }
    };
    match spec {
        Some(spec) => Ok(Document {
            spec,
            raw,
            source_version,
            sha256: hex_sha256(text.as_bytes()),
            warnings: warnings.into_iter().map(with_line).collect(),
            lines,
        }),
        None => Err(Diagnostics(
            errors.into_iter().chain(warnings).map(with_line).collect(),
        )),
    }
}

/// The first half of [`load_str`]: the text (JSON or YAML) as one JSON value.
pub fn parse_text(text: &str) -> Result<Value, Diagnostic> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| {
            let mut d = Diagnostic::error("", format!("invalid JSON: {e}"));
            d.line = Some(e.line());
            d
        });
    }
    // YAML mapping keys may be integers (`200:` in `responses`); JSON object keys are strings, so
    // parse into YAML's own value type and convert, stringifying scalar keys.
    let yaml: yaml_serde::Value = yaml_serde::from_str(text).map_err(|e| {
        let mut d = Diagnostic::error("", format!("invalid YAML: {e}"));
        d.line = e.location().map(|l| l.line());
        d
    })?;
    yaml_to_json(yaml, "")
}

fn yaml_to_json(value: yaml_serde::Value, pointer: &str) -> Result<Value, Diagnostic> {
    use yaml_serde::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Diagnostic::error(
                            pointer,
                            format!("number {f} cannot be represented in JSON"),
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &format!("{pointer}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => {
                        return Err(Diagnostic::error(pointer, "mapping key is not a scalar")
                            .with_hint("OpenAPI object keys must be strings"))
                    }
                };
                let child = crate::diagnostic::join(pointer, &key);
                out.insert(key, yaml_to_json(v, &child)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

/// Deserialises the typed model, turning serde's path into a JSON pointer.
fn deserialize(raw: &Value) -> Result<oas3::Spec, Diagnostic> {
    // Tracking the path costs a fifth of the time, so it is only paid again when there is an
    // error to locate.
    if let Ok(spec) = <oas3::Spec as serde::Deserialize>::deserialize(raw) {
        return Ok(spec);
    }
    serde_path_to_error::deserialize::<_, oas3::Spec>(raw).map_err(|e| {
        let pointer: String = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Seq { index } => Some(format!("/{index}")),
                serde_path_to_error::Segment::Map { key } => Some(crate::diagnostic::join("", key)),
                serde_path_to_error::Segment::Enum { variant } => {
                    Some(crate::diagnostic::join("", variant))
                }
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        Diagnostic::error(
            pointer,
            format!("does not match the OpenAPI schema: {}", e.inner()),
        )
        .with_hint("fix the value at this location; see https://spec.openapis.org/oas/v3.1.1")
    })
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;

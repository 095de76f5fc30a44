//! Loading: source text -> raw JSON value -> (3.0 upgrade) -> checks -> `oas3::Spec`.
//!
//! This stage never emits code. Its output, [`Document`], keeps both the typed model (for the IR
//! builder) and the raw value (for `$ref`s that point outside `#/components`, and for keywords the
//! typed model cannot represent).

mod fast_schema;
mod lint;
mod locate;
mod repair;
mod targets;
mod typed;
mod upgrade;
mod walk;
mod yaml;

use crate::diagnostic::{Diagnostic, Diagnostics};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use lint::percent_decode;
pub use locate::LineIndex;

/// A parsed, upgraded and checked OpenAPI document.
#[derive(Debug)]
pub struct Document {
    /// The typed model. From [`load_for_generation`], its `paths` are empty and the path items
    /// are in `path_items` (see [`Document::path_items`]).
    pub spec: oas3::Spec,
    /// The path items [`load_for_generation`] keeps apart from `spec.paths`, boxed.
    pub(crate) path_items: typed::PathItems,
    /// The document as JSON after the 3.0 -> 3.1 upgrade.
    pub raw: Value,
    /// The `openapi` version the source declared (before any upgrade).
    pub source_version: String,
    /// Hex SHA-256 of the source bytes; the generated crate is stamped with it.
    pub sha256: String,
    /// Each with its line (a caller locating later diagnostics makes a [`LineIndex`] of the
    /// text).
    pub warnings: Vec<Diagnostic>,
    /// How many JSON objects the document has (the IR's conversion budget grows with it),
    /// counted before [`crate::ir::keep_ref_targets`] may cut `raw` down.
    pub object_count: usize,
}

impl Document {
    /// Every path item with its path, in document order, wherever the model keeps it.
    pub fn path_items(&self) -> impl Iterator<Item = (&str, &oas3::spec::PathItem)> {
        let typed = self.spec.paths.iter().flatten();
        let boxed = self.path_items.iter().map(|(path, item)| (path, &**item));
        typed.chain(boxed).map(|(path, item)| (path.as_str(), item))
    }

    /// The path items out of the document, in document order, each freed by the caller when done.
    pub(crate) fn take_path_items(
        &mut self,
    ) -> impl Iterator<Item = (String, Box<oas3::spec::PathItem>)> {
        let typed = self
            .spec
            .paths
            .as_mut()
            .map(std::mem::take)
            .into_iter()
            .flatten();
        let typed = typed.map(|(path, item)| (path, Box::new(item)));
        typed.chain(std::mem::take(&mut self.path_items))
    }

    /// `spec` with its path items in `paths`, as [`load_str`] has it.
    #[cfg(test)]
    pub(crate) fn spec_with_paths(&self) -> oas3::Spec {
        let mut spec = self.spec.clone();
        if let Some(paths) = spec.paths.as_mut() {
            let boxed = self.path_items.iter();
            paths.extend(boxed.map(|(path, item)| (path.clone(), (**item).clone())));
        }
        spec
    }
}

/// Parses `text` (YAML or JSON; JSON is a subset of YAML, but the JSON parser is faster and
/// gives better messages, so it is tried first when the text looks like JSON).
pub fn load_str(text: &str) -> Result<Document, Diagnostics> {
    let parsed = parse_text(text).map_err(Diagnostics::from)?;
    resolve(text, parsed)
}

/// [`load_str`] for a run that only generates: `raw` keeps only what `$ref`s point at (see
/// `targets`), and the typed model is built by consuming the raw value rather than copying it, so
/// the two never exist whole side by side (Microsoft Graph's 47 MB: about 330 MB of raw JSON).
pub fn load_for_generation(text: &str) -> Result<Document, Diagnostics> {
    let threads = text.len() >= THREADS_FROM_BYTES;
    // The hash only reads the text: it is taken on another core while the text is parsed
    // (GitHub's 13 MB: about 35 ms).
    let (sha256, parsed) =
        side_by_side(threads, || hex_sha256(text.as_bytes()), || parse_text(text));
    let parsed = parsed.map_err(Diagnostics::from)?;
    resolve_as(text, parsed, Keep::RefTargets, sha256)
}

/// From this much text on, loading uses more than one thread. Below it a thread's own heap and
/// stack cost more memory than the thread saves time (nexus.json, 437 KB: 23 MB peak on one
/// thread, 31 MB on three, both well under 0.1 s).
const THREADS_FROM_BYTES: usize = 1 << 20;

/// `(a(), b())`, `a` on another thread when `threads`.
pub(super) fn side_by_side<A: Send, B>(
    threads: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B,
) -> (A, B) {
    if !threads {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let a = scope.spawn(a);
        let b = b();
        let a = a.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (a, b)
    })
}

/// What a [`Document`] keeps of the raw value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    Whole,
    RefTargets,
}

/// The source text as one JSON value, with what reading it had to approximate.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub value: Value,
    pub warnings: Vec<Diagnostic>,
}

/// The second half of [`load_str`], public for the phase benchmark: version check, 3.0 -> 3.1
/// upgrade, repairs, keyword and `$ref` checks, typed model. `parsed` is `text` as [`parse_text`]
/// read it (the text gives line numbers and the hash).
pub fn resolve(text: &str, parsed: Parsed) -> Result<Document, Diagnostics> {
    resolve_as(text, parsed, Keep::Whole, hex_sha256(text.as_bytes()))
}

fn resolve_as(
    text: &str,
    parsed: Parsed,
    keep: Keep,
    sha256: String,
) -> Result<Document, Diagnostics> {
    let Parsed {
        value: mut raw,
        mut warnings,
    } = parsed;
    let lines = LineIndex::new(text);
    let with_line = |mut d: Diagnostic| {
        d.line = d.line.or_else(|| lines.find(&d.pointer));
        d
    };
    let source_version = match raw.get("openapi") {
        Some(Value::String(v)) => v.trim().to_owned(),
        // `openapi: 3.0` unquoted is a YAML number; what the author meant is its text.
        Some(Value::Number(n)) => n.to_string(),
        _ if raw.get("swagger").is_some() => {
            return Err(
                Diagnostic::error("/swagger", "Swagger 2.0 documents are not supported")
                    .with_hint("convert it to OpenAPI 3 first (for example with swagger2openapi)")
                    .into(),
            )
        }
        _ => {
            return Err(Diagnostic::error(
                "",
                "not an OpenAPI document: no `openapi` version field",
            )
            .with_hint("the top level must have `openapi: 3.0.x` or `openapi: 3.1.x`")
            .into())
        }
    };
    let dialect = if source_version.starts_with("3.0") {
        upgrade::Dialect::V30
    } else if source_version.starts_with("3.1") || source_version.starts_with("3.2") {
        upgrade::Dialect::V31
    } else {
        return Err(Diagnostic::error(
            "/openapi",
            format!("unsupported OpenAPI version {source_version:?}"),
        )
        .with_hint("this generator reads OpenAPI 3.0.x and 3.1.x")
        .into());
    };
    // One walk over every schema object (a large spec has hundreds of thousands): the upgrade to
    // 3.1, then the check for keywords the typed model drops. The keyword warnings come after the
    // upgrade's, as when each had a walk of its own.
    let mut dropped = Vec::new();
    walk::for_each_schema(&mut raw, &mut |pointer, map| {
        upgrade::upgrade_schema(dialect, map, pointer, &mut warnings);
        lint::check_dropped_keywords(map, pointer, &mut dropped);
    });
    warnings.append(&mut dropped);
    upgrade::declare_upgraded(&mut raw, dialect);
    if let Some(v @ Value::Number(_)) = raw.get_mut("openapi") {
        // The typed model wants the string form.
        *v = Value::String(source_version.clone());
    }
    repair::normalize(&mut raw, &mut warnings);
    if keep == Keep::RefTargets {
        return resolve_consuming(text, raw, warnings, source_version, sha256);
    }
    // The reference check and the typed model both only read the value: they run side by side.
    // A broken `$ref` is the better message, so it wins over a deserialisation error.
    let (errors, typed) = std::thread::scope(|scope| {
        let refs = scope.spawn(|| lint::check_ref_targets(&raw));
        let typed = deserialize(&raw);
        let refs = refs.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (refs, typed)
    });
    let spec = match typed {
        _ if !errors.is_empty() => Err(errors),
        Ok(spec) => Ok(spec),
        // Rare: repairs run one after another, each followed by a new attempt.
        Err(_) => {
            repair::deserialize_repairing(&mut raw, &mut warnings, deserialize).map_err(|e| vec![e])
        }
    };
    match spec {
        Ok(spec) => Ok(Document {
            spec,
            path_items: Vec::new(),
            source_version,
            sha256,
            warnings: warnings.into_iter().map(with_line).collect(),
            object_count: count_objects(&raw),
            raw,
        }),
        Err(errors) => Err(Diagnostics(
            errors.into_iter().chain(warnings).map(with_line).collect(),
        )),
    }
}

/// The end of [`load_for_generation`]: the reference check beside the cut-down copy of `raw`,
/// then the typed model from `raw` itself. A document the typed model refuses (rare) is read
/// again whole, for the repairs.
fn resolve_consuming(
    text: &str,
    raw: Value,
    warnings: Vec<Diagnostic>,
    source_version: String,
    sha256: String,
) -> Result<Document, Diagnostics> {
    let lines = LineIndex::new(text);
    let with_line = |mut d: Diagnostic| {
        d.line = d.line.or_else(|| lines.find(&d.pointer));
        d
    };
    let threads = text.len() >= THREADS_FROM_BYTES;
    let (errors, kept) = side_by_side(
        threads,
        || lint::check_ref_targets(&raw),
        || {
            let schemas = raw.get("components").and_then(|c| c.get("schemas"));
            targets::ref_targets(&raw, |name| schemas.is_some_and(|s| s.get(name).is_some()))
        },
    );
    if !errors.is_empty() {
        return Err(Diagnostics(
            errors.into_iter().chain(warnings).map(with_line).collect(),
        ));
    }
    let object_count = count_objects(&raw);
    match typed::typed_spec(raw, threads) {
        Ok((spec, path_items)) => Ok(Document {
            spec,
            path_items,
            raw: kept,
            source_version,
            sha256,
            warnings: warnings.into_iter().map(with_line).collect(),
            object_count,
        }),
        Err(_) => {
            let parsed = parse_text(text).map_err(Diagnostics::from)?;
            let mut doc = resolve_as(text, parsed, Keep::Whole, sha256)?;
            let typed = doc.spec.components.as_ref().map(|c| &c.schemas);
            doc.raw = targets::ref_targets(&doc.raw, |name| {
                typed.is_some_and(|schemas| schemas.contains_key(name))
            });
            Ok(doc)
        }
    }
}

/// The first half of [`load_str`]: the text (JSON or YAML) as one JSON value.
pub fn parse_text(text: &str) -> Result<Parsed, Diagnostic> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed)
            .map(|value| Parsed {
                value,
                warnings: Vec::new(),
            })
            .map_err(|e| {
                let mut d = Diagnostic::error("", format!("invalid JSON: {e}"));
                d.line = Some(e.line());
                d
            });
    }
    let mut warnings = Vec::new();
    let value = yaml::parse_yaml(text, &mut warnings)?;
    Ok(Parsed { value, warnings })
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

fn count_objects(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(count_objects).sum::<usize>(),
        Value::Array(items) => items.iter().map(count_objects).sum(),
        _ => 0,
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;

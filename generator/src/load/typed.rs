//! The typed model (`oas3::Spec`) built from the raw value on every core.
//!
//! Why: on large specs building the typed model was the largest part of loading (GitHub's spec:
//! 315 of 610 ms; Graph beta: 1.1 s). oas3's types are untagged enums with flattened extension
//! maps, which serde deserialises by first copying the whole subtree into a buffer, at every
//! level: the document's `paths` and `components.schemas` were copied once more for the document
//! and once more for `components` before any path item or schema was read. Here the path items
//! and the schemas are taken out of the raw value and read one by one, on as many threads as there
//! are cores (schemas by [`super::fast_schema`]), and the rest of the document on its own; the maps are put back together in the
//! document's order, so the model is the same as deserialising the document whole.

use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Mutex;

/// The typed model of `raw` (consumed: each subtree is freed as soon as it is read), with the
/// path items apart, boxed, in document order (`paths` is left empty, present exactly when the
/// document has it): moved into oas3's map, whose entries are 5.6 KB each, they were held twice
/// for a moment (Graph beta: 15,000 of them). An error is serde's first one; the caller locates
/// it by reading the document again whole. `threads`: whether to use a thread per core (else
/// only the calling one).
pub(super) fn typed_spec(
    mut raw: Value,
    threads: bool,
) -> Result<(oas3::Spec, PathItems), serde_json::Error> {
    let examples = take_object(&mut raw, &["components", "examples"]);
    let paths = take_object(&mut raw, &["paths"]);
    let schemas = take_object(&mut raw, &["components", "schemas"]);
    let mut entries: Vec<Entry> = Vec::new();
    if let Some(paths) = paths.as_ref() {
        entries.extend((0..paths.len()).map(|_| Entry::Path));
    }
    if let Some(schemas) = schemas.as_ref() {
        entries.extend((0..schemas.len()).map(|_| Entry::Schema));
    }
    let values = paths
        .into_iter()
        .flatten()
        .chain(schemas.into_iter().flatten());
    let work: Vec<(Entry, (String, Value))> = entries.iter().copied().zip(values).collect();
    let path_count = work.iter().filter(|(e, _)| *e == Entry::Path).count();
    let (rest, typed) = super::side_by_side(
        threads,
        move || {
            drop(examples);
            serde_json::from_value::<oas3::Spec>(raw)
        },
        || read_all(work, threads),
    );
    let mut spec = rest?;
    let typed = typed?;
    let mut typed = typed.into_iter();
    let paths: PathItems = typed
        .by_ref()
        .take(path_count)
        .map(|(name, t)| match t {
            Typed::Path(item) => Ok((name, item)),
            Typed::Schema(_) => Err(misplaced()),
        })
        .collect::<Result<_, _>>()?;
    let schemas: oas3::Map<String, oas3::spec::Schema> = typed
        .map(|(name, t)| match t {
            Typed::Schema(schema) => Ok((name, *schema)),
            Typed::Path(_) => Err(misplaced()),
        })
        .collect::<Result<_, _>>()?;
    // The emptied map is still in place, so the document's model has it (empty) exactly when
    // the document had it.
    if let Some(components) = spec.components.as_mut() {
        components.schemas.extend(schemas);
    }
    Ok((spec, paths))
}

/// Path items by path, in document order.
pub(crate) type PathItems = Vec<(String, Box<oas3::spec::PathItem>)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Path,
    Schema,
}

enum Typed {
    Path(Box<oas3::spec::PathItem>),
    Schema(Box<oas3::spec::Schema>),
}

fn misplaced() -> serde_json::Error {
    <serde_json::Error as serde::de::Error>::custom("typed model entries out of order")
}

/// Each entry read as its type, in order, by one worker per core taking the next entry.
fn read_all(
    work: Vec<(Entry, (String, Value))>,
    threads: bool,
) -> Result<Vec<(String, Typed)>, serde_json::Error> {
    let count = work.len();
    let queue = Mutex::new(work.into_iter().enumerate());
    let worker = || {
        let mut done = Vec::new();
        loop {
            let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
            let Some((i, (entry, (name, value)))) = next else {
                break;
            };
            let typed = match entry {
                Entry::Path => {
                    read::<oas3::spec::PathItem>(value).map(|v| Typed::Path(Box::new(v)))
                }
                Entry::Schema => match super::fast_schema::schema(&value) {
                    Some(schema) => Ok(Typed::Schema(Box::new(schema))),
                    None => read::<oas3::spec::Schema>(value).map(|v| Typed::Schema(Box::new(v))),
                },
            };
            done.push((i, name, typed));
        }
        done
    };
    let cores = match threads {
        true => std::thread::available_parallelism().map_or(1, |n| n.get()),
        false => 1,
    };
    let mut results: Vec<Option<(String, Typed)>> = (0..count).map(|_| None).collect();
    let mut first_error = None;
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..cores.min(count.max(1)))
            .map(|_| scope.spawn(worker))
            .collect();
        let mut place = |done: Vec<(usize, String, Result<Typed, serde_json::Error>)>| {
            for (i, name, typed) in done {
                match typed {
                    Ok(typed) => results[i] = Some((name, typed)),
                    Err(e) => {
                        first_error.get_or_insert((i, e));
                    }
                }
            }
        };
        place(worker());
        for helper in helpers {
            place(
                helper
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
    });
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    Ok(results.into_iter().flatten().collect())
}

fn read<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

/// Removes the object at `path` (keys from the root) from `raw`, leaving an empty object in its
/// place so the rest still deserialises; `None` (and `raw` unchanged) when it is not an object.
fn take_object(raw: &mut Value, path: &[&str]) -> Option<serde_json::Map<String, Value>> {
    let mut at = raw;
    for key in path {
        at = at.get_mut(*key)?;
    }
    match at {
        Value::Object(map) => Some(std::mem::take(map)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_model_is_the_whole_documents_but_for_component_examples() {
        let text = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
          "paths": {"/a": {"get": {"responses": {"200": {"description": "a",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"},
              "examples": {"one": {"$ref": "#/components/examples/One"}}}}}}}}},
          "components": {
            "schemas": {"S": {"type": "object", "properties": {"n": {"type": "integer"}}}},
            "examples": {"One": {"value": {"n": 1}}}}}"##;
        let full = crate::load::load_str(text).unwrap();
        let doc = crate::load::load_for_generation(text).unwrap();
        let mut expected = full.spec.clone();
        let components = expected.components.as_mut().unwrap();
        assert_eq!(components.examples.len(), 1);
        components.examples.clear();
        assert_eq!(doc.spec_with_paths(), expected);
    }

    /// The typed model built for generation (schemas by the fast path, entry by entry) is the
    /// one serde builds from the whole document, on every corpus document.
    #[test]
    fn the_model_is_serdes_on_every_corpus_document() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
        let mut read = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e == "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let full = crate::load::load_str(&text).unwrap();
            let doc = crate::load::load_for_generation(&text).unwrap();
            let mut expected = full.spec.clone();
            if let Some(components) = expected.components.as_mut() {
                components.examples.clear();
            }
            assert!(
                doc.spec_with_paths() == expected,
                "{} differs",
                path.display()
            );
            read += 1;
        }
        assert!(
            read >= 10,
            "only {read} corpus documents in {}",
            dir.display()
        );
    }
}

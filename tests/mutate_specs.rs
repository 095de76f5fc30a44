//! Property test: mutated corpus specs never break the generator. Every case must end in a clean
//! `Err` (at least one diagnostic) from loading or the IR, or in a crate whose every `.rs` file
//! parses (`syn::parse_file`) and contains no `compile_error!`. An error from the emitter is a
//! generator defect (it printed an item it cannot parse) and fails the case, as does a panic or a
//! case that runs longer than [`CASE_TIMEOUT_MS`] (proptest's `timeout`: the cases run in a child
//! process that is killed when one hangs).
//!
//! Mutants come from both sides of the loader: JSON values (taken before the 3.0 -> 3.1 upgrade,
//! serialised as JSON or as YAML-compatible indented JSON) and the YAML text itself (lines
//! dropped, duplicated, re-indented, cut), with a varied `Config`. The seed is fixed and printed,
//! failures are persisted in `mutate_specs.proptest-regressions` (replayed first on every run), and
//! how far the cases got (load error, IR error, emitted) is tallied and printed; a run with fewer
//! than [`CASES`] cases fails, so `PROPTEST_CASES=0` cannot make it pass.

use proptest::prelude::*;
use proptest::test_runner::{
    Config as ProptestConfig, FileFailurePersistence, RngSeed, TestRunner,
};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const CASES: u32 = 512;
const SEED: u64 = 0x5eed_0016;
/// One case generates at most a few hundred KB of Rust; a minute means it hangs.
const CASE_TIMEOUT_MS: u32 = 60_000;

/// A corpus spec: its text, its value before any upgrade, and every JSON pointer in it.
struct Seed {
    name: String,
    text: String,
    yaml: bool,
    value: Value,
    pointers: Vec<String>,
}

/// The corpus specs. `nexus.json` is left out: at 437 KB it would make each case a hundred times
/// slower without exercising anything the smaller specs do not.
fn corpus() -> &'static [Seed] {
    static CORPUS: OnceLock<Vec<Seed>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
            .into_iter()
            .filter(|p| {
                !p.ends_with("nexus.json")
                    && matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("json" | "yaml")
                    )
            })
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                // The loader's first half: YAML or JSON text -> one JSON value, not yet upgraded,
                // so 3.0 documents are mutated as 3.0.
                let value = generator::load::parse_text(&text)
                    .unwrap_or_else(|e| panic!("{}: {e:?}", p.display()))
                    .value;
                let mut pointers = Vec::new();
                collect(&value, String::new(), &mut pointers);
                Seed {
                    name: p.file_name().unwrap().to_string_lossy().into_owned(),
                    yaml: p.extension().unwrap() == "yaml",
                    text,
                    value,
                    pointers,
                }
            })
            .collect()
    })
}

fn collect(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                collect(child, p, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                collect(child, p, out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Remove(usize),
    Replace(usize, u8),
    DangleRef(usize),
    CycleRef(usize, usize),
    EmptyKey(usize),
    HugeEnum(usize, usize),
    OddString(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), 0u8..8).prop_map(|(i, k)| Mutation::Replace(i, k)),
        any::<usize>().prop_map(Mutation::DangleRef),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::CycleRef(a, b)),
        any::<usize>().prop_map(Mutation::EmptyKey),
        (any::<usize>(), 0usize..5000).prop_map(|(i, n)| Mutation::HugeEnum(i, n)),
        (
            any::<usize>(),
            "\\PC{0,12}|[\u{0}-\u{1f}\u{fffd}\u{202e}]{1,4}"
        )
            .prop_map(|(i, s)| Mutation::OddString(i, s)),
    ]
}

fn apply(doc: &mut Value, pointers: &[String], m: &Mutation) {
    let pick = |i: usize| pointers[i % pointers.len()].clone();
    let replacement = |k: u8| match k {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(7),
        3 => json!("string"),
        4 => json!([]),
        5 => json!({}),
        6 => json!({"type": "object", "properties": {"": {"type": "array"}}}),
        _ => json!({"oneOf": [{"type": "null"}, {"const": 1}, {"$ref": "#/"}]}),
    };
    match m {
        Mutation::Remove(i) => {
            let p = pick(*i);
            let (parent, key) = p.rsplit_once('/').unwrap();
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(items)) => {
                    if let Ok(idx) = key.parse::<usize>() {
                        if idx < items.len() {
                            items.remove(idx);
                        }
                    }
                }
                _ => {}
            }
        }
        Mutation::Replace(i, k) => {
            if let Some(v) = doc.pointer_mut(&pick(*i)) {
                *v = replacement(*k);
            }
        }
        Mutation::DangleRef(i) => {
            if let Some(v) = doc.pointer_mut(&pick(*i)) {
                *v = json!({"$ref": "#/components/schemas/DoesNotExist"});
            }
        }
        Mutation::CycleRef(a, b) => {
            let target = pick(*b);
            if let Some(v) = doc.pointer_mut(&pick(*a)) {
                *v = json!({"$ref": format!("#{target}")});
            }
        }
        Mutation::EmptyKey(i) => {
            if let Some(Value::Object(map)) = doc.pointer_mut(&pick(*i)) {
                if let Some((k, v)) = map.iter().next().map(|(k, v)| (k.clone(), v.clone())) {
                    map.remove(&k);
                    map.insert(String::new(), v);
                }
            }
        }
        Mutation::HugeEnum(i, n) => {
            if let Some(v) = doc.pointer_mut(&pick(*i)) {
                let values: Vec<Value> = (0..*n).map(|k| json!(format!("v{}", k % 997))).collect();
                *v = json!({"type": "string", "enum": values});
            }
        }
        Mutation::OddString(i, s) => {
            if let Some(v) = doc.pointer_mut(&pick(*i)) {
                *v = Value::String(s.clone());
            }
        }
    }
}

/// An edit of a YAML document's text: what a hand-edited file gets wrong.
#[derive(Debug, Clone)]
enum TextEdit {
    DropLine(usize),
    DuplicateLine(usize),
    Indent(usize, u8),
    Dedent(usize),
    CutAt(usize),
    Insert(usize, String),
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        any::<usize>().prop_map(TextEdit::DropLine),
        any::<usize>().prop_map(TextEdit::DuplicateLine),
        (any::<usize>(), 1u8..5).prop_map(|(i, n)| TextEdit::Indent(i, n)),
        any::<usize>().prop_map(TextEdit::Dedent),
        any::<usize>().prop_map(TextEdit::CutAt),
        (
            any::<usize>(),
            prop_oneof![
                Just(": ".to_owned()),
                Just("- ".to_owned()),
                Just("&a ".to_owned()),
                Just("*a".to_owned()),
                Just("<<: *a".to_owned()),
                Just("{".to_owned()),
                Just("'".to_owned()),
                Just("\"".to_owned()),
                Just("\t".to_owned()),
                Just("!!binary ".to_owned()),
                Just("18446744073709551616".to_owned()),
                "\\PC{0,8}",
            ]
        )
            .prop_map(|(i, s)| TextEdit::Insert(i, s)),
    ]
}

fn edit_text(text: &str, edit: &TextEdit) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let n = lines.len().max(1);
    match edit {
        TextEdit::DropLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
        }
        TextEdit::DuplicateLine(i) => {
            if let Some(line) = lines.get(i % n).cloned() {
                lines.insert(i % n, line);
            }
        }
        TextEdit::Indent(i, k) => {
            if let Some(line) = lines.get_mut(i % n) {
                line.insert_str(0, &" ".repeat(usize::from(*k)));
            }
        }
        TextEdit::Dedent(i) => {
            if let Some(line) = lines.get_mut(i % n) {
                *line = line.trim_start().to_owned();
            }
        }
        TextEdit::CutAt(i) => lines.truncate(i % n),
        TextEdit::Insert(i, s) => {
            if let Some(line) = lines.get_mut(i % n) {
                let at = line
                    .char_indices()
                    .map(|(k, _)| k)
                    .nth(i / n % (line.chars().count() + 1))
                    .unwrap_or(line.len());
                line.insert_str(at, s);
            }
        }
    }
    lines.join("\n")
}

/// One case: a corpus spec, what is done to it, and the configuration it is generated with.
#[derive(Debug, Clone)]
enum Mutant {
    /// Value mutations, serialised as one-line JSON or as indented JSON (which YAML also reads).
    Value {
        spec: usize,
        mutations: Vec<Mutation>,
        pretty: bool,
    },
    /// Text edits of a YAML spec.
    Text { spec: usize, edits: Vec<TextEdit> },
}

#[derive(Debug, Clone)]
struct Settings {
    crate_name: &'static str,
    standalone: bool,
    /// Keep only the operations of the spec's first tag or first operation id.
    filter: u8,
    workers: usize,
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        prop_oneof![Just("mutant"), Just("mutant-api-client"), Just("r#async")],
        any::<bool>(),
        0u8..3,
        1usize..4,
    )
        .prop_map(|(crate_name, standalone, filter, workers)| Settings {
            crate_name,
            standalone,
            filter,
            workers,
        })
}

fn mutant() -> impl Strategy<Value = Mutant> {
    prop_oneof![
        3 => (any::<usize>(), proptest::collection::vec(mutation(), 1..4), any::<bool>())
            .prop_map(|(spec, mutations, pretty)| Mutant::Value { spec, mutations, pretty }),
        1 => (any::<usize>(), proptest::collection::vec(text_edit(), 1..4))
            .prop_map(|(spec, edits)| Mutant::Text { spec, edits }),
    ]
}

/// The mutated spec text and the seed it came from.
fn render(mutant: &Mutant) -> (&'static Seed, String) {
    let specs = corpus();
    match mutant {
        Mutant::Value {
            spec,
            mutations,
            pretty,
        } => {
            let seed = &specs[spec % specs.len()];
            let mut doc = seed.value.clone();
            for m in mutations {
                apply(&mut doc, &seed.pointers, m);
            }
            let text = if *pretty {
                serde_json::to_string_pretty(&doc)
            } else {
                serde_json::to_string(&doc)
            };
            (seed, text.unwrap())
        }
        Mutant::Text { spec, edits } => {
            let yaml: Vec<&Seed> = specs.iter().filter(|s| s.yaml).collect();
            let seed = yaml[spec % yaml.len()];
            let text = edits
                .iter()
                .fold(seed.text.clone(), |t, e| edit_text(&t, e));
            (seed, text)
        }
    }
}

fn config_for(settings: &Settings, doc: &generator::load::Document) -> generator::Config {
    let mut config = generator::Config::new(settings.crate_name);
    config.standalone = settings.standalone;
    config.emit_workers = std::num::NonZeroUsize::new(settings.workers);
    let first_op = doc
        .raw
        .pointer("/paths")
        .and_then(Value::as_object)
        .and_then(|paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .flat_map(|item| item.values())
                .find_map(|op| {
                    op.get("operationId")
                        .or_else(|| op.pointer("/tags/0"))
                        .cloned()
                })
        });
    match (settings.filter, first_op) {
        (1, Some(Value::String(id))) => config.include_operations = vec![id],
        (2, Some(Value::String(tag))) => config.include_tags = vec![tag],
        _ => {}
    }
    config
}

/// How far a case got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reached {
    LoadError,
    IrError,
    Emitted,
}

/// Runs the three stages on one mutant and checks what each must guarantee.
fn check(mutant: &Mutant, settings: &Settings) -> Result<Reached, TestCaseError> {
    let (seed, text) = render(mutant);
    let doc = match generator::load::load_str(&text) {
        Ok(doc) => doc,
        Err(e) => {
            prop_assert!(!e.0.is_empty() && !e.to_string().is_empty());
            return Ok(Reached::LoadError);
        }
    };
    let config = config_for(settings, &doc);
    let api = match generator::ir::build(&doc, &config) {
        Ok((api, _)) => api,
        Err(e) => {
            prop_assert!(!e.0.is_empty() && !e.to_string().is_empty());
            return Ok(Reached::IrError);
        }
    };
    let krate = match generator::emit::emit(&api, &config, &doc.sha256) {
        Ok(krate) => krate,
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "{}: the emitter printed Rust it cannot parse:\n{e}",
                seed.name
            )))
        }
    };
    let rust: Vec<_> = krate
        .files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .collect();
    prop_assert!(rust.len() >= 4, "{}: {} Rust files", seed.name, rust.len());
    for file in rust {
        if let Err(e) = syn::parse_file(&file.contents) {
            return Err(TestCaseError::fail(format!(
                "{}: {} does not parse: {e}",
                seed.name, file.path
            )));
        }
        prop_assert!(
            !file.contents.contains("compile_error!"),
            "{}: {} contains compile_error!",
            seed.name,
            file.path
        );
    }
    Ok(Reached::Emitted)
}

/// Where the cases write how far they got: they run in a child process (proptest forks for its
/// timeout), so the tally cannot be kept in memory.
fn tally_path() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutate_specs.tally")
}

fn record(reached: Reached) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(tally_path())
        .expect("tally file opens");
    writeln!(file, "{reached:?}").expect("tally written");
}

#[test]
fn mutated_specs_generate_parsable_rust_or_a_clean_error() {
    let config = ProptestConfig {
        cases: CASES,
        rng_seed: RngSeed::Fixed(SEED),
        timeout: CASE_TIMEOUT_MS,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/mutate_specs.proptest-regressions"
        )))),
        test_name: Some(concat!(
            module_path!(),
            "::mutated_specs_generate_parsable_rust_or_a_clean_error"
        )),
        ..ProptestConfig::default()
    };
    // This function runs twice: here, and again in the child process that runs the cases (which
    // starts the tally afresh; a second child only follows a crash or a hang, which fails anyway).
    eprintln!("mutate_specs: seed {SEED:#x}, {CASES} cases, {CASE_TIMEOUT_MS} ms per case");
    let _ = std::fs::remove_file(tally_path());
    let mut runner = TestRunner::new(config);
    let result = runner.run(&(mutant(), settings()), |(mutant, settings)| {
        record(check(&mutant, &settings)?);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}\n{runner}");
    }
    let tally = std::fs::read_to_string(tally_path()).unwrap_or_default();
    let count = |what: &str| tally.lines().filter(|l| *l == what).count();
    let (load, ir, emitted) = (count("LoadError"), count("IrError"), count("Emitted"));
    eprintln!(
        "mutate_specs: {} cases: {load} refused by the loader, {ir} by the IR, {emitted} emitted",
        load + ir + emitted
    );
    assert!(
        load + ir + emitted >= CASES as usize,
        "only {} cases ran (PROPTEST_CASES set?)",
        load + ir + emitted
    );
    assert!(
        emitted >= CASES as usize / 4,
        "only {emitted} of the cases reached the emitter: the mutations are too destructive to test it"
    );
}

#[test]
fn the_corpus_loads() {
    assert!(corpus().len() >= 7);
    assert!(corpus().iter().filter(|s| s.yaml).count() >= 3);
    assert!(corpus()
        .iter()
        .all(|s| s.value.is_object() && s.pointers.len() > 10));
    // Seeds are taken before the upgrade: 3.0 documents are still 3.0.
    assert!(corpus().iter().any(|s| s.value["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.0"))));
}

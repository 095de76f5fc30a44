//! Property test: mutated corpus specs never make the generator panic. Every case must end in
//! `Ok` or a clean `Err` with at least one diagnostic; a panic fails the test (and proptest shrinks
//! it to a small reproduction).
//!
//! The case count is fixed (`CASES`) so CI runs the same amount of work every time.

use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::OnceLock;

const CASES: u32 = 512;

/// The corpus specs as JSON values, with every JSON pointer in each (mutation targets).
/// `nexus.json` is left out: at 437 KB it would make each case a hundred times slower without
/// exercising anything the smaller specs do not.
fn corpus() -> &'static [(Value, Vec<String>)] {
    static CORPUS: OnceLock<Vec<(Value, Vec<String>)>> = OnceLock::new();
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
                let value: Value = if p.extension().unwrap() == "json" {
                    serde_json::from_str(&text).unwrap()
                } else {
                    yaml_to_json(&text)
                };
                let mut pointers = Vec::new();
                collect(&value, String::new(), &mut pointers);
                (value, pointers)
            })
            .collect()
    })
}

/// The generator's own loader accepts YAML; going through it keeps this test free of a YAML crate.
fn yaml_to_json(text: &str) -> Value {
    generator::load::load_str(text)
        .map(|d| d.raw)
        .unwrap_or(Value::Null)
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

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_never_panic(spec in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..4)) {
        let specs = corpus();
        let (original, pointers) = &specs[spec % specs.len()];
        let mut doc = original.clone();
        for m in &mutations {
            apply(&mut doc, pointers, m);
        }
        let text = serde_json::to_string(&doc).unwrap();
        match generator::generate(&text, &generator::Config::new("mutant")) {
            Ok(g) => prop_assert!(!g.krate.files.is_empty()),
            Err(e) => prop_assert!(!e.0.is_empty() && !e.to_string().is_empty()),
        }
    }
}

#[test]
fn the_corpus_loads() {
    assert!(corpus().len() >= 7);
    assert!(corpus().iter().all(|(v, p)| v.is_object() && p.len() > 10));
}

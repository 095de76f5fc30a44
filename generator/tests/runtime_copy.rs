//! The runtime a generated crate carries is the runtime crate's sources, byte for byte: every file
//! of `generator/runtime/src/` is embedded, and the committed client's `src/runtime/` is exactly
//! those files.

use generator::emit::runtime::{generated_path, RUNTIME_SOURCES};
use std::collections::BTreeMap;
use std::path::Path;

fn files_in(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[test]
fn every_runtime_source_is_embedded_unchanged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
    let on_disk = files_in(&dir);
    let embedded: BTreeMap<String, String> = RUNTIME_SOURCES
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    let names = |files: &BTreeMap<String, String>| files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&embedded),
        names(&on_disk),
        "RUNTIME_SOURCES must list every file of generator/runtime/src/"
    );
    assert!(
        embedded == on_disk,
        "an embedded source differs from its file"
    );
}

#[test]
fn the_committed_client_carries_the_runtime_sources_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let sources = files_in(&root.join("generator/runtime/src"));
    let copied = files_in(&root.join("generated-client/src/runtime"));
    let expected: BTreeMap<String, String> = sources
        .into_iter()
        .map(|(name, text)| {
            let path = generated_path(&name);
            let file = path.strip_prefix("src/runtime/").unwrap().to_owned();
            (file, text)
        })
        .collect();
    assert_eq!(
        copied.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (name, text) in &expected {
        assert!(
            copied[name] == *text,
            "generated-client/src/runtime/{name} differs from its source: run `cargo xtask codegen`"
        );
    }
    assert_eq!(generated_path("lib.rs"), "src/runtime/mod.rs");
}

#[test]
fn a_generated_crate_names_its_runtime_modules_and_nothing_else_at_the_root() {
    let generation = generator::generate(
        include_str!("fixtures/tagged-error.yaml"),
        &generator::Config::new("x"),
    )
    .unwrap();
    let runtime: Vec<&str> = generation
        .krate
        .files
        .iter()
        .filter(|f| f.path.starts_with("src/runtime/"))
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(runtime.len(), RUNTIME_SOURCES.len());
    // The runtime reaches nothing outside its module: no `crate::` path in any of its files
    // (the macros use `$crate::runtime::`, which is the module itself).
    for (name, text) in RUNTIME_SOURCES {
        for line in text.lines().filter(|l| l.contains("crate::")) {
            assert!(
                line.contains("$crate::runtime::"),
                "{name} names something outside the runtime: {line}"
            );
        }
    }
}

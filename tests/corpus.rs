//! The generator on real-world specs: every corpus spec becomes a standalone crate that passes
//! `cargo check` with warnings denied, and the public surface of each client is snapshotted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/corpus exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml")
            )
        })
        .collect();
    specs.sort();
    specs
}

fn crate_name(spec: &Path) -> String {
    let stem = spec
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .split('.')
        .next()
        .unwrap();
    format!("corpus-{}", stem.to_ascii_lowercase())
}

#[test]
fn every_corpus_spec_generates_a_crate_that_checks_without_warnings() {
    let specs = corpus();
    assert!(specs.len() >= 8, "corpus incomplete: {specs:?}");
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus");
    let target = work.join("target");
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for spec in &specs {
        let name = crate_name(spec);
        let started = Instant::now();
        let text = std::fs::read_to_string(spec).unwrap();
        let mut config = generator::Config::new(&name);
        config.standalone = true;
        let generation = match generator::generate(&text, &config) {
            Ok(g) => g,
            Err(e) => {
                failures.push(format!("{}: generation failed:\n{e}", spec.display()));
                continue;
            }
        };
        let generate_ms = started.elapsed().as_millis();
        let dir = work.join(&name);
        let _ = std::fs::remove_dir_all(dir.join("src"));
        for file in &generation.krate.files {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &file.contents).unwrap();
        }
        // Resolve dependencies exactly as the workspace does (cargo drops what a crate does not use).
        std::fs::copy(&lock, dir.join("Cargo.lock")).unwrap();
        let lines: usize = generation
            .krate
            .files
            .iter()
            .filter(|f| f.path.ends_with(".rs"))
            .map(|f| f.contents.lines().count())
            .sum();
        let checked = Instant::now();
        let output = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--message-format=short"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .expect("cargo runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() || stderr.contains("warning:") {
            failures.push(format!(
                "{}: cargo check failed or warned:\n{stderr}",
                spec.display()
            ));
        }
        report.push(format!(
            "{:<32} ok={} generate={}ms check={}ms lines={} generator-warnings={}",
            spec.file_name().unwrap().to_string_lossy(),
            output.status.success(),
            generate_ms,
            checked.elapsed().as_millis(),
            lines,
            generation.warnings.len()
        ));
        insta::assert_snapshot!(
            format!("surface_{name}"),
            generator::emit::api_surface(&generation.api)
        );
    }
    eprintln!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

//! Generation speed, split by phase, and the whole of `generator::generate`:
//!
//! - `parse`: the text (YAML or JSON) into one JSON value;
//! - `resolve`: version check, 3.0 -> 3.1 upgrade, keyword and `$ref` checks, typed `oas3` model;
//! - `ir`: the document to operations, schemas and error unions;
//! - `emit/tokens`: every part of every file built as a token stream (one thread);
//! - `emit/format`: those streams parsed by syn and printed by prettyplease (one thread);
//! - `emit`: both, as the generator runs them (parts rendered on one worker per core);
//! - `total`: `generator::generate`, text to files.
//!
//! `cargo bench -p generator` runs it on `spec/userplane.yaml` and on the largest public spec,
//! `../shared/specs/nexus.json` (relative to the workspace root; skipped with a note if absent).
//! Throughput is reported in spec bytes per second. Sample sizes are small on purpose: the whole
//! run takes about a minute on a 2-core machine. No assertion is made on any figure.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use generator::{emit, ir, load, Config};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator lives in the workspace")
        .to_path_buf()
}

fn specs() -> Vec<(&'static str, PathBuf, usize)> {
    let root = workspace_root();
    // (name, path, sample size): nexus takes a few hundred ms per run, so fewer samples.
    let candidates = [
        ("userplane", root.join("spec/userplane.yaml"), 30),
        ("nexus", root.join("../shared/specs/nexus.json"), 10),
    ];
    candidates
        .into_iter()
        .filter(|(name, path, _)| {
            let found = path.exists();
            if !found {
                eprintln!("bench {name}: {} not found, skipped", path.display());
            }
            found
        })
        .collect()
}

fn generate(c: &mut Criterion) {
    for (name, path, samples) in specs() {
        let text = std::fs::read_to_string(&path).expect("spec is readable");
        let config = Config::new(&format!("{name}-client"));
        // Inputs for the later phases, built once outside the measured closures.
        let value = load::parse_text(&text).expect("spec parses");
        let doc = load::load_str(&text).expect("spec loads");
        let (api, _) = ir::build(&doc, &config).expect("IR builds");
        let parts = emit::build_tokens(&api, &config);

        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(samples);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(if samples < 20 { 6 } else { 3 }));

        group.bench_function("parse", |b| {
            b.iter(|| load::parse_text(black_box(&text)).expect("spec parses"))
        });
        // The parsed value is consumed, so each iteration gets a copy made outside the timing.
        group.bench_function("resolve", |b| {
            b.iter_batched(
                || value.clone(),
                |value| load::resolve(&text, value).expect("spec resolves"),
                BatchSize::LargeInput,
            )
        });
        group.bench_function("ir", |b| {
            b.iter(|| ir::build(black_box(&doc), &config).expect("IR builds"))
        });
        group.bench_function("emit/tokens", |b| {
            b.iter(|| emit::build_tokens(black_box(&api), &config))
        });
        // Cloning the streams is a reference-count increment each (proc-macro2's own token
        // streams outside a proc macro), done outside the timing anyway.
        group.bench_function("emit/format", |b| {
            b.iter_batched(|| parts.clone(), emit::format_parts, BatchSize::SmallInput)
        });
        // The crate is returned, so dropping it (freeing the strings) is measured too, as in a real run.
        group.bench_function("emit", |b| {
            b.iter(|| emit::emit(black_box(&api), &config, &doc.sha256))
        });
        group.bench_function("total", |b| {
            b.iter(|| generator::generate(black_box(&text), &config).expect("generates"))
        });
        group.finish();
    }
}

criterion_group!(benches, generate);
criterion_main!(benches);

//! The generator's output is deterministic: every corpus spec generated twice, once with one
//! rendering thread and once with several, gives the same bytes in every file.

use std::num::NonZeroUsize;
use std::path::Path;

fn generate(text: &str, workers: usize) -> generator::GeneratedCrate {
    let mut config = generator::Config::new("determinism");
    config.emit_workers = NonZeroUsize::new(workers);
    generator::generate(text, &config)
        .expect("corpus specs generate")
        .krate
}

#[test]
fn one_worker_and_several_workers_write_the_same_bytes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut specs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml")
            )
        })
        .collect();
    specs.sort();
    assert!(specs.len() >= 8, "corpus incomplete: {specs:?}");
    for spec in &specs {
        let text = std::fs::read_to_string(spec).unwrap();
        let serial = generate(&text, 1);
        // More workers than cores, so the parts really are rendered in a different order.
        let parallel = generate(&text, 5);
        let paths = |k: &generator::GeneratedCrate| -> Vec<String> {
            k.files.iter().map(|f| f.path.clone()).collect()
        };
        assert_eq!(paths(&serial), paths(&parallel), "{}", spec.display());
        for (a, b) in serial.files.iter().zip(&parallel.files) {
            assert!(
                a.contents == b.contents,
                "{}: {} differs between 1 and 5 workers",
                spec.display(),
                a.path
            );
        }
        // And a second run with the default (one per core) matches too.
        let default = generator::generate(&text, &generator::Config::new("determinism"))
            .unwrap()
            .krate;
        assert!(default == serial, "{}: default run differs", spec.display());
    }
}

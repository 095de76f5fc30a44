//! The generated pagination helpers, end to end: a crate is generated from
//! `pagination/paged.yaml`, `pagination/stream_test.rs` is added to it as an integration test, and
//! `cargo test` runs it there (the helpers are generic over the API, so they must be proven on a
//! generated crate, not on hand-written code).

use std::path::Path;
use std::process::Command;

#[test]
fn generated_stream_helpers_walk_pages_against_a_mock_server() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("pagination");
    let spec = std::fs::read_to_string(here.join("paged.yaml")).unwrap();
    let mut config = generator::Config::new("paged");
    config.standalone = true;
    let generation = generator::generate(&spec, &config).unwrap_or_else(|e| panic!("{e}"));
    let ops: Vec<_> = generation
        .api
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .map(|op| op.id.as_str())
        .collect();
    assert_eq!(
        ops,
        ["links.list", "things.list"],
        "both list shapes must be recognised"
    );

    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus");
    let dir = work.join("paged");
    let _ = std::fs::remove_dir_all(&dir);
    for file in &generation.krate.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut contents = file.contents.clone();
        if file.path == "Cargo.toml" {
            // The generated manifest ends with `[workspace]`; the test's own dev-dependencies go
            // into the `[dev-dependencies]` table it already has.
            contents = contents.replace(
                "[dev-dependencies]\n",
                "[dev-dependencies]\nwiremock = \"0.6\"\nfutures-util = \"0.3\"\nserde_json = \"1\"\n",
            );
        }
        std::fs::write(&path, contents).unwrap();
    }
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::copy(here.join("stream_test.rs"), dir.join("tests/stream.rs")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--test", "stream"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "generated crate's stream tests failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("4 passed"),
        "expected the 4 stream tests to run:\n{stdout}"
    );
}

//! Streamed bodies, end to end: a crate is generated from `streams/streams.yaml` (an operation
//! offering JSON or server-sent events, one with events only, a binary download and upload, a
//! multipart upload), `streams/stream_test.rs` is added to it as an integration test, and
//! `cargo test` runs it there against servers on the loopback interface.

use std::path::Path;
use std::process::Command;

#[test]
fn generated_event_and_byte_streams_work_against_loopback_servers() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("streams");
    let spec = std::fs::read_to_string(here.join("streams.yaml")).unwrap();
    let mut config = generator::Config::new("streams");
    config.standalone = true;
    let generation = generator::generate(&spec, &config).unwrap_or_else(|e| panic!("{e}"));
    let methods: Vec<(&str, bool, bool)> = generation
        .api
        .operations
        .iter()
        .map(|op| {
            (
                op.id.as_str(),
                op.has_events_method(),
                op.has_byte_stream_method(),
            )
        })
        .collect();
    assert_eq!(
        methods,
        [
            ("chat.create", true, false),
            ("ticks.watch", false, false),
            ("files.download", false, true),
            ("files.upload", false, false),
            ("attachments.create", false, false),
        ],
        "which operations get `_events` and `_stream` companions"
    );

    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus");
    let dir = work.join("streams");
    let _ = std::fs::remove_dir_all(&dir);
    for file in &generation.krate.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut contents = file.contents.clone();
        if file.path == "Cargo.toml" {
            // The generated manifest ends with `[workspace]`; the test's own dev-dependencies go
            // into the `[dev-dependencies]` table it already has.
            // The test's server also needs tokio's sockets.
            contents = contents
                .replace(
                    "[dev-dependencies]\n",
                    "[dev-dependencies]\nwiremock = \"0.6\"\nfutures-util = \"0.3\"\nserde_json = \"1\"\nbytes = \"1\"\n",
                )
                .replace(
                    "features = [\"macros\", \"rt-multi-thread\"]",
                    "features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"]",
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
        stdout.contains("6 passed"),
        "expected the 6 stream tests to run:\n{stdout}"
    );
}

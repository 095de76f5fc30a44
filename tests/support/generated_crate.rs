//! Runs an integration test inside a crate generated from a test spec: the crate is written to
//! the test's scratch directory, the test file is added to its `tests/`, and `cargo test` runs
//! there (with this workspace's `Cargo.lock`, and one target directory shared by such crates), so
//! the test exercises the generated public API exactly as a user's code would.

use std::path::Path;
use std::process::Command;

/// What to add to a generated crate to run one of its integration tests.
pub struct CrateTest<'a> {
    /// The test file, copied to the crate's `tests/` under its own name.
    pub file: &'a Path,
    /// Lines for the crate's `[dev-dependencies]` (`wiremock = "0.6"`).
    pub dev_dependencies: &'a [&'a str],
    /// tokio features the test needs besides the generated `macros` and `rt-multi-thread`.
    pub tokio_features: &'a [&'a str],
    /// How many tests the file holds: all of them must run and pass.
    pub tests: usize,
}

/// Writes `krate` to `<scratch>/corpus/<name>` with `test` added, runs the test there and panics
/// with cargo's output unless exactly `test.tests` tests ran and passed.
pub fn run(krate: &generator::GeneratedCrate, name: &str, test: CrateTest<'_>) {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus");
    let dir = work.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let tokio_features = ["macros", "rt-multi-thread"]
        .iter()
        .chain(test.tokio_features)
        .map(|f| format!("\"{f}\""))
        .collect::<Vec<_>>()
        .join(", ");
    for file in &krate.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut contents = file.contents.clone();
        if file.path == "Cargo.toml" {
            // The generated manifest has a `[dev-dependencies]` table (tokio for its doctests):
            // the test's own go into it.
            let table = "[dev-dependencies]\n";
            assert!(contents.contains(table), "{contents}");
            let lines: String = test
                .dev_dependencies
                .iter()
                .map(|l| format!("{l}\n"))
                .collect();
            contents = contents.replace(table, &format!("{table}{lines}")).replace(
                "features = [\"macros\", \"rt-multi-thread\"]",
                &format!("features = [{tokio_features}]"),
            );
        }
        std::fs::write(&path, contents).unwrap();
    }
    let file_name = test.file.file_name().unwrap();
    let test_name = test.file.file_stem().unwrap().to_str().unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::copy(test.file, dir.join("tests").join(file_name)).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--test", test_name])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the generated crate's {test_name} tests failed:\n{stdout}\n{stderr}"
    );
    let passed = format!("ok. {} passed;", test.tests);
    assert!(
        stdout.contains(&passed),
        "expected the {} {test_name} tests to run:\n{stdout}",
        test.tests
    );
}

//! Auth from the spec, end to end: a crate is generated from `auth/schemes.yaml` (every kind of
//! security scheme, per-operation requirements with alternatives, schemes needed together,
//! optional `{}` and `security: []`), `auth/auth_test.rs` is added to it as an integration test,
//! and `cargo test` runs it there against wiremock, through the generated crate's public API.

use std::path::Path;
use std::process::Command;

#[test]
fn generated_clients_send_the_credentials_each_operation_accepts() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("auth");
    let spec = std::fs::read_to_string(here.join("schemes.yaml")).unwrap();
    let mut config = generator::Config::new("schemes");
    config.standalone = true;
    let generation = generator::generate(&spec, &config).unwrap_or_else(|e| panic!("{e}"));
    // Mutual TLS is not a credential a client sends: every other scheme is.
    let schemes: Vec<_> = generation
        .api
        .auth
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        schemes,
        [
            "oauth",
            "apiKeyHeader",
            "apiKeyQuery",
            "session",
            "basicAuth",
            "oidc"
        ]
    );

    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus");
    let dir = work.join("schemes");
    let _ = std::fs::remove_dir_all(&dir);
    for file in &generation.krate.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut contents = file.contents.clone();
        if file.path == "Cargo.toml" {
            // The test's own dev-dependencies go into the `[dev-dependencies]` table the generated
            // manifest already has.
            contents = contents.replace(
                "[dev-dependencies]\n",
                "[dev-dependencies]\nwiremock = \"0.6\"\nserde_json = \"1\"\n",
            );
        }
        std::fs::write(&path, contents).unwrap();
    }
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::copy(here.join("auth_test.rs"), dir.join("tests/auth.rs")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--test", "auth"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "generated crate's auth tests failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("5 passed"),
        "expected the 5 auth tests to run:\n{stdout}"
    );
}

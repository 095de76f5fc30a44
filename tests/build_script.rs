//! The `build.rs` way of using the generator (`generator::build`): a tiny crate generates its
//! client into `OUT_DIR` from its own spec and includes it, and `cargo check` passes with
//! warnings denied. The crate shares the corpus test's target directory, so the dependencies are
//! built once for both.

use std::path::Path;
use std::process::Command;

/// A table (`[dependencies]`, `[features]`) of a generated `Cargo.toml`: what a crate including
/// the client needs (its code has `#[cfg(feature = "mock")]` and other feature gates).
fn table_of(manifest: &str, header: &str) -> String {
    let start = manifest
        .find(&format!("{header}\n"))
        .unwrap_or_else(|| panic!("a {header} table"));
    let table = &manifest[start..];
    let end = table[1..].find("\n[").map_or(table.len(), |i| i + 1);
    table[..end].trim_end().to_owned()
}

#[test]
fn a_crate_generates_its_client_in_its_build_script_and_checks_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = root.join("tests/corpus/petstore-expanded.yaml");
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus");
    let dir = work.join("build-script-user");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();

    // The dependencies the generated client needs, as the generator writes them.
    let text = std::fs::read_to_string(&spec).unwrap();
    let generation = generator::generate(&text, &generator::Config::new("petstore")).unwrap();
    let manifest = generation.krate.file("Cargo.toml").unwrap();
    let dependencies = format!(
        "{}\n\n{}",
        table_of(manifest, "[dependencies]"),
        table_of(manifest, "[features]")
    );
    let generator_dir = root.join("generator").canonicalize().unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"build-script-user\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n{dependencies}\n\n[build-dependencies]\ngenerator = {{ path = {:?} }}\n\n[workspace]\n",
            generator_dir.to_str().unwrap()
        ),
    )
    .unwrap();
    std::fs::copy(&spec, dir.join("openapi.yaml")).unwrap();
    std::fs::write(
        dir.join("build.rs"),
        r#"fn main() {
    let config = generator::Config::new("petstore");
    if let Err(e) = generator::build::generate_into_out_dir("openapi.yaml", &config) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        r#"//! The Petstore client, generated at build time.
#![forbid(unsafe_code)]

include!(concat!(env!("OUT_DIR"), "/petstore/src/lib.rs"));

/// A client for a local server: the generated API is reachable from here as from any crate root.
pub fn local_client() -> Result<Client, BuildError> {
    Client::builder().base_url("http://127.0.0.1:8080").build()
}
"#,
    )
    .unwrap();
    // Resolve dependencies exactly as the workspace does.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--message-format=short"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("warning:"),
        "cargo check failed or warned:\n{stderr}"
    );
}

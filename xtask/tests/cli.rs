//! The CLI as a user meets it: exit codes, messages on stderr, files written.

use std::path::PathBuf;
use std::process::Command;

fn xtask() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_bad_spec_exits_1_naming_pointer_and_line_without_panicking() {
    let dir = scratch("bad-spec");
    let spec = dir.join("bad.yaml");
    std::fs::write(&spec, "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n").unwrap();
    let out = xtask()
        .args(["codegen", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("/paths/~1a/get/responses/200/content/application~1json/schema/$ref"),
        "{stderr}"
    );
    assert!(stderr.contains("(line 11)"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !dir.join("out").exists(),
        "nothing is written for a refused spec"
    );
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = xtask()
        .args([
            "codegen",
            "--spec",
            "/nonexistent/x.yaml",
            "--out",
            "/tmp/never",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/x.yaml"));
}

#[test]
fn generates_a_standalone_crate_and_check_detects_staleness() {
    let dir = scratch("petstore");
    let spec =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/petstore-expanded.yaml");
    let out_dir = dir.join("crate");
    let run = |extra: &[&str]| {
        let mut cmd = xtask();
        cmd.args(["codegen", "--spec"])
            .arg(&spec)
            .arg("--out")
            .arg(&out_dir)
            .args(["--crate-name", "petstore"])
            .args(extra);
        cmd.output().unwrap()
    };
    let first = run(&[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let manifest = std::fs::read_to_string(out_dir.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"petstore\"") && manifest.contains("[workspace]"),
        "{manifest}"
    );
    assert!(run(&["--check"]).status.success());
    let models = out_dir.join("src/models.rs");
    std::fs::write(
        &models,
        std::fs::read_to_string(&models).unwrap() + "// edited\n",
    )
    .unwrap();
    let stale = run(&["--check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&stale.stderr).contains("src/models.rs: differs"),
        "{}",
        String::from_utf8_lossy(&stale.stderr)
    );
}

#[test]
fn regenerating_after_a_breaking_change_bumps_the_version_and_writes_the_changelog() {
    let dir = scratch("regenerate");
    let original = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/userplane.yaml"),
    )
    .unwrap();
    let spec = dir.join("userplane.yaml");
    let out_dir = dir.join("crate");
    let run = |extra: &[&str]| {
        let out = xtask()
            .args(["codegen", "--spec"])
            .arg(&spec)
            .arg("--out")
            .arg(&out_dir)
            .args(["--crate-name", "userplane"])
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.code(), stderr)
    };
    std::fs::write(&spec, &original).unwrap();
    assert_eq!(run(&[]).0, Some(0));
    let changelog = std::fs::read_to_string(out_dir.join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## 0.1.0 (spec sha256 "), "{changelog}");

    // An error code removed: breaking, so 0.1.0 -> 0.2.0.
    std::fs::write(
        &spec,
        original.replace("const: LINK_NOT_FOUND", "const: LINK_MISSING"),
    )
    .unwrap();
    let (code, stale) = run(&["--check"]);
    assert_eq!(code, Some(1), "{stale}");
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("API changes: major"), "{stderr}");
    assert!(
        stderr.contains("variant `UpdateLinkNotFound::LinkNotFound` removed"),
        "{stderr}"
    );
    assert!(stderr.contains("version 0.1.0 -> 0.2.0"), "{stderr}");
    let manifest = std::fs::read_to_string(out_dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("version = \"0.2.0\""), "{manifest}");
    let changelog = std::fs::read_to_string(out_dir.join("CHANGELOG.md")).unwrap();
    let new_entry = changelog.find("## 0.2.0 (spec sha256 ").unwrap();
    assert!(
        new_entry < changelog.find("## 0.1.0").unwrap(),
        "{changelog}"
    );
    assert!(changelog.contains("LinkMissing"), "{changelog}");

    // Regenerating from the same spec changes nothing, and --check agrees.
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("API changes"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out_dir.join("CHANGELOG.md")).unwrap(),
        changelog
    );
    assert_eq!(run(&["--check"]).0, Some(0));

    // A hand-edited version is stale.
    let manifest_path = out_dir.join("Cargo.toml");
    std::fs::write(&manifest_path, manifest.replace("0.2.0", "0.3.0")).unwrap();
    let (code, stderr) = run(&["--check"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("Cargo.toml: differs"), "{stderr}");
}

#[test]
fn api_diff_prints_one_json_object_and_fails_on_request() {
    let dir = scratch("api-diff");
    let old = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/userplane.yaml");
    let new = dir.join("new.yaml");
    std::fs::write(
        &new,
        std::fs::read_to_string(&old)
            .unwrap()
            .replace("const: LINK_NOT_FOUND", "const: LINK_MISSING"),
    )
    .unwrap();
    let out = xtask()
        .arg("api-diff")
        .arg(&old)
        .arg(&new)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["bump"], "major");
    assert_eq!(json["changes"][0]["level"], "major");
    assert!(json["changes"][0]["pointer"]
        .as_str()
        .unwrap()
        .ends_with("/put/responses/404"));
    let failing = xtask()
        .arg("api-diff")
        .arg(&old)
        .arg(&new)
        .args(["--fail-on", "minor"])
        .output()
        .unwrap();
    assert_eq!(failing.status.code(), Some(1));
    let text = String::from_utf8_lossy(&failing.stdout);
    assert!(
        text.find("major (breaking").unwrap() < text.find("minor (additive").unwrap(),
        "{text}"
    );
    let same = xtask()
        .arg("api-diff")
        .arg(&old)
        .arg(&old)
        .args(["--json", "--fail-on", "minor"])
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&same.stdout).trim(),
        r#"{"bump":"none","changes":[]}"#
    );
}

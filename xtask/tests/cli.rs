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

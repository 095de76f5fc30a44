//! Builds and runs the generated crate's hand-written example `update_link`.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use super::workspace_root;

/// Builds `cargo build --workspace --example update_link` once per test binary (a no-op when it is
/// up to date; `--workspace` keeps the feature set of `cargo test --workspace`, so nothing is
/// rebuilt) and returns the path of the executable.
pub fn example_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let output = Command::new(cargo)
                .current_dir(workspace_root())
                .args(["build", "--workspace", "--example", "update_link"])
                .arg("--message-format=json-render-diagnostics")
                .stdin(Stdio::null())
                .output()
                .expect("run cargo build for the example");
            assert!(
                output.status.success(),
                "building the update_link example failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .filter(|m| {
                    m["reason"] == "compiler-artifact" && m["target"]["name"] == "update_link"
                })
                .find_map(|m| m["executable"].as_str().map(PathBuf::from))
                .expect("cargo reported the update_link executable")
        })
        .clone()
}

/// Runs the example with `USERPLANE_BASE_URL=base_url`, `USERPLANE_API_KEY=api_key` (unset when
/// `None`) and the given arguments.
pub async fn run_example(base_url: &str, api_key: Option<&str>, args: &[&str]) -> Output {
    let base_url = base_url.to_owned();
    let api_key = api_key.map(str::to_owned);
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(example_binary());
        command
            .args(&args)
            .env("USERPLANE_BASE_URL", &base_url)
            .env_remove("USERPLANE_API_KEY")
            .stdin(Stdio::null());
        if let Some(key) = &api_key {
            command.env("USERPLANE_API_KEY", key);
        }
        command.output().expect("run the update_link example")
    })
    .await
    .expect("the example runner did not panic")
}

/// The example's standard output, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The example's standard error, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

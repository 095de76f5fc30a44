//! `cargo check` of the sampled crates, one after the other in one shared target directory (the
//! dependencies are built once), with `RUSTFLAGS=-D warnings` as CI checks the committed client.
//! Each crate gets the workspace's `Cargo.lock`, so it resolves to the versions the project
//! tests (cargo adds what the workspace does not use, such as `uuid`).

use super::classify;
use super::generate::read_head;
use super::process;
use super::record::{CheckOutcome, CheckRecord};
use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A generated crate that takes longer than this to check is recorded as `timeout`.
pub const TIMEOUT: Duration = Duration::from_secs(900);

/// Checks the crate in `dir`, building into `target`; `logs` keeps cargo's output.
pub fn one(root: &Path, dir: &Path, target: &Path, logs: &Path) -> Result<CheckRecord, String> {
    let lock = root.join("Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy {} into {}: {e}", lock.display(), dir.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stdout_path = logs.join(format!("{name}.check.json"));
    let stderr_path = logs.join(format!("{name}.check.log"));
    let create = |path: &Path| {
        File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["check", "--message-format=json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("RUSTC_WRAPPER")
        .stdin(Stdio::null())
        .stdout(create(&stdout_path)?)
        .stderr(create(&stderr_path)?);
    let finished = process::run(cmd, TIMEOUT, None)?;
    let stdout = read_head(&stdout_path, 64 << 20);
    let stderr = read_head(&stderr_path, 1 << 20);
    let wall_ms = u64::try_from(finished.wall.as_millis()).unwrap_or(u64::MAX);
    if finished.exit == classify::Exit::TimedOut {
        return Ok(CheckRecord {
            outcome: CheckOutcome::Timeout,
            class: None,
            first_diagnostic: None,
            location: None,
            source_line: None,
            all_classes: Vec::new(),
            wall_ms,
        });
    }
    let verdict = classify::check(finished.exit == classify::Exit::Code(0), &stdout, &stderr);
    if verdict.outcome == CheckOutcome::Compiles {
        let _ = std::fs::remove_file(&stdout_path);
        let _ = std::fs::remove_file(&stderr_path);
    }
    Ok(CheckRecord {
        outcome: verdict.outcome,
        class: verdict.class,
        first_diagnostic: verdict.first_diagnostic,
        location: verdict.location,
        source_line: verdict.source_line,
        all_classes: verdict.all_classes,
        wall_ms,
    })
}

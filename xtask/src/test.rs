//! `cargo xtask test`: placeholder until the Prism harness lands (runs cargo test).

pub fn run(_args: &[String]) -> Result<(), String> {
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--workspace"])
        .current_dir(super::project_root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    status.success().then_some(()).ok_or_else(|| "tests failed".to_owned())
}

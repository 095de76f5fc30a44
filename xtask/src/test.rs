//! `cargo xtask test [CARGO TEST ARGS]`: the whole test suite, including the Prism contract tests.
//!
//! 1. Installs the pinned Prism (`@stoplight/prism-cli`) with npm into `.cache/prism/` unless that
//!    exact version is already there (a fresh machine needs only Node.js and npm).
//! 2. Runs `cargo test --workspace --no-fail-fast` (plus any extra arguments) with `PRISM_BIN` set to the absolute
//!    path of the `prism` executable; `tests/prism_contract.rs` starts Prism from it. A `PRISM_BIN`
//!    that is already set is used as it is and nothing is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Prism version the contract tests run against. 5.14.2 is the newest release that supports
/// Node.js 20 (later ones require Node.js 24).
pub const PRISM_VERSION: &str = "5.14.2";
const PRISM_PACKAGE: &str = "@stoplight/prism-cli";

pub fn run(args: &[String]) -> Result<(), String> {
    let root = super::project_root();
    let prism = prism_executable(&root)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        // Run every test binary even if one fails, so that one failure does not hide others.
        .args(["test", "--workspace", "--no-fail-fast"])
        .args(args)
        .env("PRISM_BIN", &prism)
        .current_dir(&root)
        .status()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("error: cargo test --workspace failed ({status})"))
    }
}

/// `PRISM_BIN` if set, else the pinned Prism in `.cache/prism` (installed first if missing).
pub fn prism_executable(root: &Path) -> Result<PathBuf, String> {
    match std::env::var_os("PRISM_BIN").filter(|v| !v.is_empty()) {
        Some(bin) => {
            eprintln!("using PRISM_BIN={}", Path::new(&bin).display());
            Ok(PathBuf::from(bin))
        }
        None => ensure_prism(root),
    }
}

/// The `prism` executable in `<root>/.cache/prism`, installed first if it is missing or not
/// [`PRISM_VERSION`].
fn ensure_prism(root: &Path) -> Result<PathBuf, String> {
    let prefix = root.join(".cache").join("prism");
    let bin = prism_bin(&prefix);
    if bin.is_file() && installed_version(&prefix).as_deref() == Some(PRISM_VERSION) {
        return Ok(bin);
    }
    eprintln!(
        "installing {PRISM_PACKAGE}@{PRISM_VERSION} into {} (npm)",
        prefix.display()
    );
    std::fs::create_dir_all(&prefix)
        .map_err(|e| format!("error: cannot create {}: {e}", prefix.display()))?;
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let status = Command::new(npm)
        .arg("install")
        .arg("--prefix")
        .arg(&prefix)
        .args([
            "--no-audit",
            "--no-fund",
            "--save-exact",
            "--loglevel=error",
        ])
        .arg(format!("{PRISM_PACKAGE}@{PRISM_VERSION}"))
        .current_dir(root)
        .status()
        .map_err(|e| {
            format!(
                "error: cannot run npm ({e}). The Prism contract tests need Node.js 20+ and npm: \
                 install them, or set PRISM_BIN to a prism {PRISM_VERSION} executable"
            )
        })?;
    if !status.success() {
        return Err(format!(
            "error: `npm install --prefix {} {PRISM_PACKAGE}@{PRISM_VERSION}` failed ({status}); \
             see npm's output above (is the npm registry reachable?)",
            prefix.display()
        ));
    }
    match installed_version(&prefix) {
        Some(v) if v == PRISM_VERSION && bin.is_file() => Ok(bin),
        other => Err(format!(
            "error: npm finished but {} is not {PRISM_PACKAGE} {PRISM_VERSION} (found {other:?})",
            bin.display()
        )),
    }
}

fn prism_bin(prefix: &Path) -> PathBuf {
    let name = if cfg!(windows) { "prism.cmd" } else { "prism" };
    prefix.join("node_modules").join(".bin").join(name)
}

/// The `version` of the installed package, read from its `package.json`.
fn installed_version(prefix: &Path) -> Option<String> {
    let manifest = prefix
        .join("node_modules")
        .join(PRISM_PACKAGE)
        .join("package.json");
    let text = std::fs::read_to_string(manifest).ok()?;
    let rest = &text[text.find("\"version\"")? + "\"version\"".len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

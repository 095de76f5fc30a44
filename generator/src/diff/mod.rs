//! What changed in the generated Rust API between two specs, and what that means for semver.
//!
//! Works on two IRs, never on generated code: each is reduced to its [`Surface`] (what code using
//! the crate can name, call, build and match), the surfaces are compared, and every change gets
//! the level it forces on the crate's version.
//!
//! - `surface`: the API surface model, built from an [`Api`].
//! - `compare`: two surfaces -> [`Change`]s with their [`Level`].
//! - `render`: the report as text (grouped by level, breaking first) or one JSON object.
//! - `record`: `.codegen/api.json`, the surface of a generated crate kept next to it, so a later
//!   run can compare without git or the old spec; and the version bump and changelog it drives.
//! - `evolutions`: the list of spec evolutions the unit tests and `cargo xtask semver-oracle` share.

mod compare;
pub mod evolutions;
pub mod record;
mod render;
pub mod surface;

use crate::ir::Api;
use crate::{Config, Diagnostics};
use serde::Serialize;

pub use record::Record;
pub use surface::Surface;

/// How far a change reaches, as semver sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Neither breaking nor additive: documentation, deprecation, constraints checked at runtime.
    Patch,
    /// Additive: code that compiled still compiles.
    Minor,
    /// Breaking: some code that compiled no longer does.
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// One change of the generated API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub level: Level,
    /// Where in the spec (the new one, or the old one for removals).
    pub pointer: String,
    /// What changed in spec terms, and what it means for code using the crate.
    pub message: String,
}

/// Every change between two surfaces, breaking first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    pub fn between(old: &Surface, new: &Surface) -> Report {
        Report {
            changes: compare::compare(old, new),
        }
    }

    /// The highest level of any change; `None` when nothing changed.
    pub fn bump(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }

    /// `major`, `minor`, `patch` or `none`.
    pub fn bump_str(&self) -> &'static str {
        self.bump().map_or("none", Level::as_str)
    }

    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }
}

/// Builds the IR of a spec (no code is emitted) and returns its surface.
pub fn surface_of_spec(spec_text: &str, config: &Config) -> Result<(Api, Surface), Diagnostics> {
    let doc = crate::load::load_str(spec_text)?;
    let (api, _warnings) = crate::ir::build(&doc, config).map_err(|mut e| {
        let lines = crate::load::LineIndex::new(spec_text);
        for d in &mut e.0 {
            d.line = d.line.or_else(|| lines.find(&d.pointer));
        }
        e
    })?;
    let surface = Surface::of(&api);
    Ok((api, surface))
}

/// The changes to the generated API between two specs.
pub fn diff_specs(old_text: &str, new_text: &str, config: &Config) -> Result<Report, String> {
    let (_, old) = surface_of_spec(old_text, config).map_err(|e| format!("old spec: {e}"))?;
    let (_, new) = surface_of_spec(new_text, config).map_err(|e| format!("new spec: {e}"))?;
    Ok(Report::between(&old, &new))
}

#[cfg(test)]
mod tests;

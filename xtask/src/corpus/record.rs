//! What a corpus run records per spec; `report.json` is a list of these.

use serde::{Deserialize, Serialize};

/// How generating one spec ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GenOutcome {
    Generated,
    /// The generator stopped with a diagnostic (exit code 1).
    Refused,
    Panicked,
    /// Killed after the per-spec timeout.
    Timeout,
    /// Hit the per-spec address-space cap.
    OutOfMemory,
    /// Any other end: a signal, an unexpected exit code.
    Crashed,
}

/// How `cargo check` (warnings denied) of one generated crate ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckOutcome {
    Compiles,
    CompileError,
    /// Compiles, but a warning was emitted (so `-D warnings` fails it).
    Warnings,
    /// Cargo itself failed before rustc spoke (resolution, download, manifest).
    CargoFailed,
    Timeout,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecRecord {
    /// The path under the package's `api/` folder, e.g. `amazonaws.com/wafv2.json`.
    pub spec: String,
    pub bytes: u64,
    pub outcome: GenOutcome,
    /// The masked first error (refusals, panics), shared by every spec with the same defect.
    pub class: Option<String>,
    /// The first error line, or for a generated spec its first warning.
    pub first_diagnostic: Option<String>,
    /// Generator warnings printed.
    pub warnings: usize,
    /// The distinct classes of those warnings.
    #[serde(default)]
    pub warning_classes: Vec<String>,
    /// Wall time of the generator process, start to exit.
    pub wall_ms: u64,
    /// The process's peak resident memory.
    pub peak_rss_kb: u64,
    /// Bytes of Rust written (0 unless generated).
    pub rust_bytes: u64,
    /// Present for the specs of the check sample.
    pub check: Option<CheckRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRecord {
    pub outcome: CheckOutcome,
    pub class: Option<String>,
    pub first_diagnostic: Option<String>,
    /// `src/models.rs:12`: where the first diagnostic points.
    pub location: Option<String>,
    /// The generated line at that location.
    pub source_line: Option<String>,
    /// Every distinct diagnostic class in the crate (the first can hide others).
    #[serde(default)]
    pub all_classes: Vec<String>,
    pub wall_ms: u64,
}

impl GenOutcome {
    pub fn label(self) -> &'static str {
        match self {
            GenOutcome::Generated => "generated",
            GenOutcome::Refused => "refused",
            GenOutcome::Panicked => "panicked",
            GenOutcome::Timeout => "timeout",
            GenOutcome::OutOfMemory => "out-of-memory",
            GenOutcome::Crashed => "crashed",
        }
    }
}

impl CheckOutcome {
    pub fn label(self) -> &'static str {
        match self {
            CheckOutcome::Compiles => "compiles",
            CheckOutcome::CompileError => "compile error",
            CheckOutcome::Warnings => "warnings",
            CheckOutcome::CargoFailed => "cargo failed",
            CheckOutcome::Timeout => "timeout",
        }
    }
}

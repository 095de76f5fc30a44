//! `.codegen/api.json`: the one place a generated crate records the spec it came from.

use serde::{Deserialize, Serialize};

/// Where the record lives, relative to the crate root.
pub const RECORD_PATH: &str = ".codegen/api.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// SHA-256 of the spec text the crate was generated from.
    pub spec_sha256: String,
    /// The crate's version.
    pub version: String,
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

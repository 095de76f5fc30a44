//! Generator configuration: everything optional, defaults work for any spec.
//!
//! Read from `codegen.toml` (or any file given with `--config`):
//!
//! ```toml
//! crate_name = "userplane"
//! env_prefix = "USERPLANE"
//! include_operations = ["links.update"]   # or include_tags = ["Links"]
//! [type_overrides]
//! "Link.createdAt" = "::chrono::DateTime<::chrono::Utc>"   # Type.property or a component name
//! ```

use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Config {
    /// Name of the generated package (`userplane`).
    pub crate_name: String,
    pub crate_version: String,
    /// Prefix of the environment variables `Client::from_env` reads (`USERPLANE` -> `USERPLANE_API_KEY`).
    pub env_prefix: String,
    /// Emit `[workspace]` in Cargo.toml so the crate builds on its own outside any workspace.
    pub standalone: bool,
    /// Component schema name, or `TypeName.property`, -> Rust type path (`chrono::DateTime<chrono::Utc>`).
    pub type_overrides: BTreeMap<String, String>,
    /// Only these operation ids (empty: all).
    pub include_operations: Vec<String>,
    /// Only operations with one of these tags (empty: all).
    pub include_tags: Vec<String>,
    /// Threads that render the crate's parts (`None`: one per core). The output is the same for
    /// any count; tests set it to check that.
    pub emit_workers: Option<std::num::NonZeroUsize>,
    /// APIs with at least this many operations get one cargo feature per operation group (see
    /// `emit::features`); smaller ones compile everything, with no group features.
    pub group_features_from: usize,
}

/// The default of [`Config::group_features_from`]. Below it a crate checks in seconds and the
/// features would be noise; nexus.json (193 operations) stays whole, Stripe's (452) and
/// GitHub's (845) descriptions get features.
pub const GROUP_FEATURES_FROM: usize = 200;

impl Config {
    pub fn new(crate_name: &str) -> Self {
        let stem = crate_name
            .trim_end_matches("-client")
            .trim_end_matches("_client")
            .trim_end_matches("-api");
        Config {
            crate_name: crate_name.to_owned(),
            crate_version: "0.1.0".into(),
            env_prefix: heck::ToShoutySnakeCase::to_shouty_snake_case(stem),
            standalone: false,
            type_overrides: BTreeMap::new(),
            include_operations: Vec::new(),
            include_tags: Vec::new(),
            emit_workers: None,
            group_features_from: GROUP_FEATURES_FROM,
        }
    }

    pub fn includes(&self, operation_id: Option<&str>, tags: &[String]) -> bool {
        let by_id = self.include_operations.is_empty()
            || operation_id.is_some_and(|id| self.include_operations.iter().any(|i| i == id));
        let by_tag =
            self.include_tags.is_empty() || tags.iter().any(|t| self.include_tags.contains(t));
        by_id && by_tag
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    crate_name: Option<String>,
    crate_version: Option<String>,
    env_prefix: Option<String>,
    #[serde(default)]
    type_overrides: BTreeMap<String, String>,
    #[serde(default)]
    include_operations: Vec<String>,
    #[serde(default)]
    include_tags: Vec<String>,
    group_features_from: Option<usize>,
}

impl Config {
    /// Parses a `codegen.toml`; keys it does not know are an error (a typo should not be ignored).
    pub fn from_toml(text: &str, default_name: &str) -> Result<Config, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut config = Config::new(file.crate_name.as_deref().unwrap_or(default_name));
        if let Some(v) = file.crate_version {
            config.crate_version = v;
        }
        if let Some(p) = file.env_prefix {
            config.env_prefix = p;
        }
        config.type_overrides = file.type_overrides;
        config.include_operations = file.include_operations;
        config.include_tags = file.include_tags;
        if let Some(n) = file.group_features_from {
            config.group_features_from = n;
        }
        Ok(config)
    }
}

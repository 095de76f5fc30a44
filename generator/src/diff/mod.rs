//! What changed in the generated Rust API between two specs, and what that means for semver.
//!
//! - `record`: the machine-readable record of a generated crate's API, kept next to the crate
//!   (`.codegen/api.json`) so a later run can compare without git or the old spec.

pub mod record;

pub use record::Record;

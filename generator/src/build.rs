//! Generating a client from a build script, for crates that would rather not commit generated
//! code.
//!
//! Generated code names its own modules as `crate::models`, `crate::runtime`, ..., so the client
//! must be the root of a crate: give it a small crate of its own (or make it your library's
//! root). That crate needs the generator as a build-dependency and, as dependencies and features,
//! the `[dependencies]` and `[features]` tables of the generated `Cargo.toml` (written beside the
//! sources for reference): the code is gated by those features (`rustls`, `mock`, ...).
//!
//! ```toml
//! # api-client/Cargo.toml
//! [build-dependencies]
//! generator = { path = "../path/to/generator" }
//!
//! [dependencies]   # as in OUT_DIR/<crate name>/Cargo.toml
//! bytes = "1"
//! # ...
//!
//! [features]       # as in OUT_DIR/<crate name>/Cargo.toml
//! default = ["rustls"]
//! # ...
//! ```
//!
//! ```no_run
//! // The body of `fn main` in api-client/build.rs:
//! let config = generator::Config::new("api-client");
//! if let Err(e) = generator::build::generate_into_out_dir("openapi.yaml", &config) {
//!     eprintln!("{e}");
//!     std::process::exit(1);
//! }
//! ```
//!
//! ```text
//! // api-client/src/lib.rs: crate attributes and docs of your own, then
//! include!(concat!(env!("OUT_DIR"), "/api-client/src/lib.rs"));
//! ```
//!
//! The included `lib.rs` is the generated one without its inner attributes (`#![...]` and `//!`
//! docs), which `include!` does not accept; its `mod` declarations find their files beside it.

use crate::output::{write_crate, IoError};
use crate::{Config, Diagnostics};
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a build script could not generate its client.
#[derive(Debug)]
pub enum BuildScriptError {
    /// `OUT_DIR` is not set: not running as a build script.
    NoOutDir,
    /// The spec could not be read.
    ReadSpec {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The spec was refused (pointer, line and reason of each problem).
    Refused {
        path: PathBuf,
        diagnostics: Diagnostics,
    },
    /// The generated files could not be written.
    Write(IoError),
}

impl fmt::Display for BuildScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoOutDir => f.write_str("OUT_DIR is not set: call this from a build script"),
            Self::ReadSpec { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            Self::Refused { path, diagnostics } => {
                write!(
                    f,
                    "{}: cannot generate a client:\n{diagnostics}",
                    path.display()
                )
            }
            Self::Write(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BuildScriptError {}

/// Generates the client for `spec` (relative to the crate being built) into
/// `$OUT_DIR/<crate name>/` and returns the path of the `lib.rs` to `include!`. Tells cargo to
/// run the build script again when the spec changes, and passes the generator's warnings on as
/// cargo warnings. The crate is written as a standalone one (its `Cargo.toml` lists the
/// dependencies the including crate needs).
pub fn generate_into_out_dir(
    spec: impl AsRef<Path>,
    config: &Config,
) -> Result<PathBuf, BuildScriptError> {
    let out_dir = std::env::var_os("OUT_DIR").ok_or(BuildScriptError::NoOutDir)?;
    let spec = spec.as_ref();
    println!("cargo:rerun-if-changed={}", spec.display());
    let dir = Path::new(&out_dir).join(&config.crate_name);
    let root = generate_into(spec, config, &dir)?;
    Ok(root)
}

/// [`generate_into_out_dir`] with an explicit directory and without talking to cargo except for
/// warnings: writes the crate into `dir` and returns the path of its includable `src/lib.rs`.
pub fn generate_into(
    spec: &Path,
    config: &Config,
    dir: &Path,
) -> Result<PathBuf, BuildScriptError> {
    let text = std::fs::read_to_string(spec).map_err(|source| BuildScriptError::ReadSpec {
        path: spec.to_owned(),
        source,
    })?;
    let mut config = config.clone();
    config.standalone = true;
    let mut generation =
        crate::generate(&text, &config).map_err(|diagnostics| BuildScriptError::Refused {
            path: spec.to_owned(),
            diagnostics,
        })?;
    for warning in &generation.warnings {
        // One line per warning: cargo shows `cargo:warning` lines as they are.
        println!(
            "cargo:warning={}: {}",
            spec.display(),
            warning.to_string().replace('\n', " ")
        );
    }
    for file in &mut generation.krate.files {
        if file.path == "src/lib.rs" {
            file.contents = without_inner_attributes(&file.contents);
        }
    }
    write_crate(&generation.krate, dir).map_err(BuildScriptError::Write)?;
    Ok(dir.join("src/lib.rs"))
}

/// The crate root without its inner attributes and docs, so that `include!` accepts it. Parsed
/// and printed again rather than edited as text, so an attribute over several lines goes whole.
fn without_inner_attributes(lib_rs: &str) -> String {
    match syn::parse_file(lib_rs) {
        Ok(mut file) => {
            file.attrs.clear();
            let header: String = lib_rs
                .lines()
                .take_while(|line| line.starts_with("// "))
                .map(|line| format!("{line}\n"))
                .collect();
            format!("{header}\n{}", prettyplease::unparse(&file))
        }
        // The generator printed it, so it parses; if it ever did not, the compiler says where.
        Err(_) => lib_rs.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_attributes_and_docs_are_removed_and_the_rest_kept() {
        let lib_rs = "// @generated header\n\n//! Crate docs.\n#![forbid(unsafe_code)]\n#![allow(\n    dead_code\n)]\npub mod models;\n/// Item docs stay.\npub const X: u8 = 1;\n";
        let included = without_inner_attributes(lib_rs);
        assert!(included.starts_with("// @generated header\n"), "{included}");
        assert!(!included.contains("#!["), "{included}");
        assert!(!included.contains("//!"), "{included}");
        assert!(!included.contains("dead_code"), "{included}");
        assert!(included.contains("pub mod models;"), "{included}");
        assert!(
            included.contains("/// Item docs stay.\npub const X: u8 = 1;"),
            "{included}"
        );
    }
}

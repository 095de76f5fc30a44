//! OpenAPI 3.0/3.1 -> typed async Rust client.
//!
//! Three stages with narrow interfaces, each in its own module:
//! [`load`] (text -> checked document), [`ir`] (document -> [`ir::Api`]), [`emit`] (API -> files).
//! [`generate`] runs all three.

pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod ir;
pub mod load;

pub use config::Config;
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use emit::{GeneratedCrate, GeneratedFile};

/// The result of a successful run: the crate and the warnings found on the way.
#[derive(Debug)]
pub struct Generation {
    pub krate: GeneratedCrate,
    pub api: ir::Api,
    pub warnings: Vec<Diagnostic>,
}

/// Loads `spec_text`, builds the IR and emits the client crate.
pub fn generate(spec_text: &str, config: &Config) -> Result<Generation, Diagnostics> {
    let doc = load::load_str(spec_text)?;
    let (api, ir_warnings) = ir::build(&doc, config).map_err(|mut e| {
        for d in &mut e.0 {
            d.line = d.line.or_else(|| doc.lines.find(&d.pointer));
        }
        e
    })?;
    let mut warnings = doc.warnings.clone();
    warnings.extend(ir_warnings.into_iter().map(|mut d| {
        d.line = d.line.or_else(|| doc.lines.find(&d.pointer));
        d
    }));
    let sha256 = doc.sha256.clone();
    // The document (raw JSON and typed model) is the largest structure and emitting does not need
    // it: it is freed on another thread while the crate is emitted. Its line index stays, for
    // diagnostics.
    let load::Document {
        spec, raw, lines, ..
    } = doc;
    let krate = std::thread::scope(|scope| {
        scope.spawn(move || drop((spec, raw)));
        emit::emit(&api, config, &sha256)
    })
    .map_err(|mut e| {
        for d in &mut e.0 {
            d.line = d.line.or_else(|| lines.find(&d.pointer));
        }
        e
    })?;
    Ok(Generation {
        krate,
        api,
        warnings,
    })
}

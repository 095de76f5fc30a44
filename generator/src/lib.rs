//! OpenAPI 3.0/3.1 -> typed async Rust client.
//!
//! Three stages with narrow interfaces, each in its own module:
//! [`load`] (text -> checked document), [`ir`] (document -> [`ir::Api`]), [`emit`] (API -> files).
//! [`generate`] runs all three. [`output`] writes the crate to disk (or checks it), for the
//! `openapi-rust-client` binary ([`cli`]), the repository's xtask, and build scripts ([`build`]).

pub mod build;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod output;

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
    generate_inner(spec_text, config, None).map(|(generation, _)| generation)
}

/// What a crate generated before left next to it: its record and changelog.
#[derive(Debug, Clone, Copy, Default)]
pub struct Previous<'a> {
    pub record: Option<&'a diff::Record>,
    pub changelog: Option<&'a str>,
}

/// [`generate`] over a crate generated before: compares the new API with the recorded one, sets
/// the version by Cargo's semver rules and adds `CHANGELOG.md` with a new entry when something
/// changed. The same spec over its own output gives the same files.
pub fn regenerate(
    spec_text: &str,
    config: &Config,
    previous: Previous<'_>,
) -> Result<(Generation, diff::record::Decision), Diagnostics> {
    let (generation, decision) = generate_inner(spec_text, config, Some(previous))?;
    Ok((
        generation,
        decision.expect("asked for with a previous crate"),
    ))
}

fn generate_inner(
    spec_text: &str,
    config: &Config,
    previous: Option<Previous<'_>>,
) -> Result<(Generation, Option<diff::record::Decision>), Diagnostics> {
    let doc = load::load_for_generation(spec_text)?;
    let lines = load::LineIndex::new(spec_text);
    let (api, ir_warnings) = ir::build(&doc, config).map_err(|mut e| {
        for d in &mut e.0 {
            d.line = d.line.or_else(|| lines.find(&d.pointer));
        }
        e
    })?;
    let mut warnings = doc.warnings.clone();
    warnings.extend(ir_warnings.into_iter().map(|mut d| {
        d.line = d.line.or_else(|| lines.find(&d.pointer));
        d
    }));
    let sha256 = doc.sha256.clone();
    // Regenerating compares the surface with the recorded one; the new record is written from it.
    let surface = previous.map(|_| diff::Surface::of(&api));
    let decision = previous.zip(surface.as_ref()).map(|(previous, surface)| {
        diff::record::decide(
            previous.record,
            previous.changelog,
            &sha256,
            surface,
            &config.crate_version,
        )
    });
    let mut config = config.clone();
    if let Some(decision) = &decision {
        config.crate_version = decision.version.clone();
    }
    // The document (raw JSON and typed model) is the largest structure and emitting does not need
    // it: it is freed on another thread while the crate is emitted.
    let load::Document { spec, raw, .. } = doc;
    let mut krate = std::thread::scope(|scope| {
        scope.spawn(move || drop((spec, raw)));
        emit::emit_with_surface(&api, &config, &sha256, surface)
    })
    .map_err(|mut e| {
        for d in &mut e.0 {
            d.line = d.line.or_else(|| lines.find(&d.pointer));
        }
        e
    })?;
    if let Some(decision) = &decision {
        krate.files.push(GeneratedFile {
            path: diff::record::CHANGELOG_PATH.into(),
            contents: decision.changelog.clone(),
        });
        krate.files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    let generation = Generation {
        krate,
        api,
        warnings,
    };
    Ok((generation, decision))
}

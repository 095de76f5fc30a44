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
pub use emit::{CollectFiles, FileSink, GeneratedCrate, GeneratedFile};

/// The result of a successful run: the crate and the warnings found on the way.
#[derive(Debug)]
pub struct Generation {
    pub krate: GeneratedCrate,
    pub api: ir::Api,
    pub warnings: Vec<Diagnostic>,
}

/// A successful run whose files went to a [`FileSink`]: the IR and the warnings found on the way.
#[derive(Debug)]
pub struct Outcome {
    pub api: ir::Api,
    pub warnings: Vec<Diagnostic>,
}

/// Loads `spec_text`, builds the IR and emits the client crate.
pub fn generate(spec_text: &str, config: &Config) -> Result<Generation, Diagnostics> {
    let files = emit::CollectFiles::default();
    let (outcome, _) = generate_inner(spec_text, config, None, &files)?;
    Ok(outcome.with_crate(files.into_crate()))
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
    let files = emit::CollectFiles::default();
    let (outcome, decision) = regenerate_into(spec_text, config, previous, &files)?;
    Ok((outcome.with_crate(files.into_crate()), decision))
}

/// [`regenerate`] with each file given to `sink` as soon as it is complete, rather than returned
/// in one [`GeneratedCrate`] (what writing a large crate to disk uses). On an error, files may
/// have reached `sink` already.
pub fn regenerate_into(
    spec_text: &str,
    config: &Config,
    previous: Previous<'_>,
    sink: &dyn FileSink,
) -> Result<(Outcome, diff::record::Decision), Diagnostics> {
    let (outcome, decision) = generate_inner(spec_text, config, Some(previous), sink)?;
    Ok((outcome, decision.expect("asked for with a previous crate")))
}

impl Outcome {
    fn with_crate(self, krate: GeneratedCrate) -> Generation {
        Generation {
            krate,
            api: self.api,
            warnings: self.warnings,
        }
    }
}

fn generate_inner(
    spec_text: &str,
    config: &Config,
    previous: Option<Previous<'_>>,
    sink: &dyn FileSink,
) -> Result<(Outcome, Option<diff::record::Decision>), Diagnostics> {
    let mut doc = load::load_for_generation(spec_text)?;
    let lines = load::LineIndex::new(spec_text);
    let (api, ir_warnings) = ir::build_consuming(&mut doc, config).map_err(|mut e| {
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
    std::thread::scope(|scope| {
        scope.spawn(move || drop((spec, raw)));
        emit::emit_into(&api, &config, &sha256, surface, sink)
    })
    .map_err(|mut e| {
        for d in &mut e.0 {
            d.line = d.line.or_else(|| lines.find(&d.pointer));
        }
        e
    })?;
    if let Some(decision) = &decision {
        sink.accept(GeneratedFile {
            path: diff::record::CHANGELOG_PATH.into(),
            contents: decision.changelog.clone(),
        });
    }
    Ok((Outcome { api, warnings }, decision))
}

//! The `openapi-rust-client` command: argument parsing, help text and exit codes. `src/main.rs`
//! only calls [`main`]; everything it does is library code ([`crate::regenerate`],
//! [`crate::output`]) that the repository's xtask shares.
//!
//! Arguments are parsed by hand: a handful of flags, and the generator is also a
//! build-dependency ([`crate::build`]) where every extra crate is compile time for its users.

use crate::diff::record::Decision;
use crate::output::{
    check_crate, default_crate_name, load_config, read_previous, regeneration_summary, CrateWriter,
};
use crate::{CollectFiles, Config, FileSink, Outcome, Previous};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The binary's name, as installed by `cargo install --path generator`.
pub const BIN: &str = "openapi-rust-client";

/// How the command ended; each maps to one documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the crate was written, or `--check` found it up to date.
    Ok,
    /// 1: the spec was refused; the diagnostics (pointer, line, reason) are on stderr.
    SpecRefused,
    /// 2: the command line is wrong.
    Usage,
    /// 3: a file could not be read or written.
    Io,
    /// 4: `--check` found the crate out of date.
    Stale,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::SpecRefused => 1,
            Exit::Usage => 2,
            Exit::Io => 3,
            Exit::Stale => 4,
        }
    }
}

pub const HELP: &str = "\
openapi-rust-client: generate a typed async Rust client crate from an OpenAPI 3.0/3.1 document

USAGE:
    openapi-rust-client generate --spec FILE --out DIR [--crate-name NAME] [--config FILE] [--check]
    openapi-rust-client --help | --version

COMMANDS:
    generate    Write a standalone client crate (its own [workspace], no dependency on this tool)
                into DIR. Only files whose contents change are rewritten; Rust files an earlier
                run generated and this one does not are removed. Files are written as they are
                generated and moved into place at the end: a refused spec leaves DIR as it was. Over a crate generated before,
                the API is compared with the one it records (.codegen/api.json): what changed is
                printed, the version moves by Cargo's semver rules and CHANGELOG.md gets an entry.

OPTIONS (generate):
    --spec FILE         The OpenAPI document, YAML or JSON. Required.
    --out DIR           The crate's directory; created if missing. Required.
    --crate-name NAME   The package name. Default: the spec's file name up to its first dot,
                        then `-client` (`petstore.yaml` -> `petstore-client`); a `crate_name` in
                        --config wins over the default, --crate-name over both.
    --config FILE       Settings in TOML: crate_name, crate_version, env_prefix (the environment
                        variables `Client::from_env` reads, e.g. USERPLANE -> USERPLANE_API_KEY),
                        include_operations, include_tags, group_features_from (operation
                        count from which each group gets a cargo feature; default 200),
                        [type_overrides].
    --check             Write nothing; compare DIR with what would be generated.
    -h, --help          Print this help.
    -V, --version       Print the version.

EXIT CODES:
    0   done (with --check: DIR is up to date)
    1   the spec was refused: each problem is printed with its JSON pointer, line and reason
    2   usage error (unknown flag, missing value or argument)
    3   a file could not be read or written
    4   --check: DIR differs from what would be generated (the differences are printed)

Warnings (parts of the spec supported only in part) go to stderr and do not change the exit code.
";

/// The parsed `generate` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generate {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub crate_name: Option<String>,
    pub config: Option<PathBuf>,
    pub check: bool,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Generate(Generate),
    // A `diff` command (what changes in the client between two specs) belongs here, beside
    // `generate`, sharing its flags.
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let Some(first) = args.first() else {
        return Err("no command given".into());
    };
    match first.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" => Ok(Command::Version),
        "generate" => parse_generate(&args[1..]).map(Command::Generate),
        other => Err(format!("unknown command {other:?}")),
    }
}

fn parse_generate(args: &[String]) -> Result<Generate, String> {
    let (mut spec, mut out, mut crate_name, mut config, mut check) =
        (None, None, None, None, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--spec" => spec = Some(PathBuf::from(value("--spec")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--crate-name" => crate_name = Some(value("--crate-name")?),
            "--config" => config = Some(PathBuf::from(value("--config")?)),
            "--check" => check = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Generate {
        spec: spec.ok_or("--spec FILE is required")?,
        out: out.ok_or("--out DIR is required")?,
        crate_name,
        config,
        check,
    })
}

/// Why [`generate_over`] produced no crate; the message is ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The spec, or what the crate already in the directory records, could not be read.
    Io(String),
    /// The spec was refused: every diagnostic, with its pointer and line.
    Refused(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Io(message) | Failure::Refused(message) => f.write_str(message),
        }
    }
}

/// Generates the crate for `spec` over what `out` already holds (its record and changelog: the
/// version and the changelog follow what changed), printing the warnings and the change summary
/// on stderr. The files go to `sink` (a [`CrateWriter`] over `out`, or [`CollectFiles`] to check
/// them). Shared by `generate` and the repository's `cargo xtask codegen`.
pub fn generate_over(
    spec: &Path,
    out: &Path,
    config: &Config,
    sink: &dyn FileSink,
) -> Result<(Outcome, Decision), Failure> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| Failure::Io(format!("error: cannot read {}: {e}", spec.display())))?;
    let (record, changelog) = read_previous(out).map_err(|e| Failure::Io(format!("error: {e}")))?;
    let previous = Previous {
        record: record.as_ref(),
        changelog: changelog.as_deref(),
    };
    let (outcome, decision) =
        crate::regenerate_into(&text, config, previous, sink).map_err(|e| {
            Failure::Refused(format!(
                "{}: cannot generate a client:\n{e}",
                spec.display()
            ))
        })?;
    for warning in &outcome.warnings {
        eprintln!("{}: {warning}", spec.display());
    }
    if let Some(summary) = regeneration_summary(record.as_ref(), &decision) {
        eprint!("{summary}");
    }
    Ok((outcome, decision))
}

/// The line that closes a run: crate, version, size and where it went. Shared by `generate` and
/// the repository's `cargo xtask codegen`.
pub fn generated_line(
    config: &Config,
    decision: &Decision,
    api: &crate::ir::Api,
    out: &Path,
) -> String {
    format!(
        "generated {} {} ({} operations, {} types) in {}",
        config.crate_name,
        decision.version,
        api.operations.len(),
        api.types.len(),
        out.display()
    )
}

/// Runs `generate`, reporting on stderr; returns how it ended.
pub fn generate(command: &Generate) -> Exit {
    let config = match config_for(command) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Io;
        }
    };
    let out = &command.out;
    let refused = |failure: Failure| {
        eprintln!("{failure}");
        match failure {
            Failure::Io(_) => Exit::Io,
            Failure::Refused(_) => Exit::SpecRefused,
        }
    };
    if command.check {
        let files = CollectFiles::default();
        if let Err(failure) = generate_over(&command.spec, out, &config, &files) {
            return refused(failure);
        }
        return match check_crate(&files.into_crate(), out) {
            Ok(()) => {
                eprintln!("{} is up to date", out.display());
                Exit::Ok
            }
            Err(differences) => {
                eprintln!(
                    "{} is stale; run `{BIN} generate` again:\n{}",
                    out.display(),
                    differences.join("\n")
                );
                Exit::Stale
            }
        };
    }
    // Each file is written as soon as it is printed, under a temporary name until the whole
    // crate is done: a refused spec leaves the directory as it was.
    let writer = CrateWriter::new(out);
    let (outcome, decision) = match generate_over(&command.spec, out, &config, &writer) {
        Ok(done) => done,
        Err(failure) => {
            writer.abandon();
            return refused(failure);
        }
    };
    if let Err(e) = writer.commit() {
        eprintln!("error: {e}");
        return Exit::Io;
    }
    eprintln!("{}", generated_line(&config, &decision, &outcome.api, out));
    Exit::Ok
}

/// The configuration: `--config` if given, the crate name from `--crate-name`, the file or the
/// spec's name, and always standalone (a crate generated anywhere must build on its own).
pub fn config_for(command: &Generate) -> Result<Config, String> {
    let default_name = command
        .crate_name
        .clone()
        .unwrap_or_else(|| default_crate_name(&command.spec));
    let mut config = match &command.config {
        Some(path) => load_config(path, &default_name)?,
        None => Config::new(&default_name),
    };
    if let Some(name) = &command.crate_name {
        config.crate_name = name.clone();
    }
    config.standalone = true;
    Ok(config)
}

/// The binary's entry point.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let exit = match parse(&args) {
        Ok(Command::Help) => {
            print!("{HELP}");
            Exit::Ok
        }
        Ok(Command::Version) => {
            println!("{BIN} {}", env!("CARGO_PKG_VERSION"));
            Exit::Ok
        }
        Ok(Command::Generate(command)) => generate(&command),
        Err(message) => {
            eprintln!("error: {message}\n\nRun `{BIN} --help` for usage.");
            Exit::Usage
        }
    };
    ExitCode::from(exit.code())
}

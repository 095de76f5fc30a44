//! `cargo xtask bench-peers`: our generator side by side with pinned peer generators.
//!
//! For each spec, every tool is run `--runs` times (default 5) in a rotating order, after one
//! untimed warm-up run, measuring wall time (median, `Instant` around the process) and peak RSS
//! (median of `/usr/bin/time -f %M`, i.e. the child's `ru_maxrss`). Then, one crate at a time, the
//! lines of generated Rust and the cold `cargo check` time of each generated crate: a fresh empty
//! `CARGO_TARGET_DIR` per crate, the dependencies fetched beforehand into the shared registry
//! (`cargo fetch`, untimed), then `cargo check --offline` with `CARGO_INCREMENTAL=0`. The
//! "crate only" column re-checks just the generated crate (`cargo clean -p NAME`, then check) to
//! separate its own cost from its dependencies'.
//! Our crate is checked twice: as generated (TLS through the default `rustls` feature) and with
//! `--no-default-features`, because progenitor's crate enables no TLS backend at all, and, when it
//! has per-group features (large APIs), with one group alone for a sample of groups (the largest,
//! the median and the smallest by gated operation items).
//!
//! Peers are installed on demand into `.cache/peers/` (gitignored): `cargo install --locked` for
//! the Rust ones, `pip install --target` for openapi-generator (its jar ships in the wheel and runs
//! on the machine's Java). A peer that cannot be installed, or that cannot read a spec, is reported
//! in the table with its error. Generated crates go to a temporary folder outside the workspace.
//!
//! The default specs are the Userplane spec (and its 3.0 copy), petstore and `nexus.json` from
//! `shared/specs/`, and GitHub's and Stripe's descriptions, fetched and pinned by `large`.
//! `--skip-check` leaves out the (slow) `cargo check` columns; `--runs N` sets the run count;
//! `--no-large` leaves out GitHub's and Stripe's specs; `--spec FILE` (repeatable) replaces the
//! default spec list. Nothing here asserts on a figure.
//!
//! `args` reads the command line, `install` gets the peers, `large` the large specs, `measure`
//! takes the figures and `report` prints them; this file runs the whole and chooses the specs.

mod args;
mod install;
mod large;
mod measure;
mod report;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use args::parse;
use install::{cargo_peer, openapi_generator, Kind, Tool, OAS3_GEN, OPENAPI_GENERATOR, PROGENITOR};
use measure::{cold_check, measure_generation, rust_lines, sampled_groups};
use report::{machine, table, targets};

struct Spec {
    path: PathBuf,
    label: String,
    crate_name: String,
    bytes: usize,
    version: String,
}

/// Figures for one tool on one spec.
struct Row {
    label: String,
    kind: Kind,
    /// Why there are no figures (not installed, or it could not read the spec).
    failure: Option<String>,
    times: Vec<Duration>,
    rss_kb: Vec<u64>,
    out_dir: PathBuf,
    loc: usize,
    check: Option<Result<(Duration, Duration), String>>,
    /// Ours only: the same check with `--no-default-features` (no TLS), the like-for-like
    /// comparison with progenitor's crate, which enables no TLS backend.
    check_no_tls: Option<Result<(Duration, Duration), String>>,
    /// Ours only, for a crate with per-group features: the check with one group alone
    /// (`--no-default-features --features rustls,GROUP`), for a sample of groups.
    check_groups: Vec<(String, CheckTimes)>,
}

/// A cold `cargo check` and the crate-only check after it, or why it failed.
type CheckTimes = Result<(Duration, Duration), String>;

pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let root = super::project_root();
    let peers_dir = root.join(".cache/peers");
    let specs = specs(&root, &args.specs, !args.no_large)?;
    let time_bin = Path::new("/usr/bin/time");
    if !time_bin.exists() {
        eprintln!("note: /usr/bin/time is missing, peak RSS will be n/a (install it: apt-get install -y time)");
    }

    eprintln!("== building ours: cargo build --release -p xtask");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--release", "-p", "xtask"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p xtask failed".into());
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(|d| root.join(d))
        .unwrap_or_else(|| root.join("target"));
    let tools = vec![
        Tool {
            label: "ours".into(),
            kind: Kind::Ours,
            program: Ok((target_dir.join("release/xtask"), Vec::new())),
        },
        Tool {
            label: format!("oas3-gen {OAS3_GEN}"),
            kind: Kind::Oas3Gen,
            program: cargo_peer(&cargo, &peers_dir, "oas3-gen", OAS3_GEN, "oas3-gen"),
        },
        Tool {
            label: format!("progenitor {PROGENITOR}"),
            kind: Kind::Progenitor,
            program: cargo_peer(
                &cargo,
                &peers_dir,
                "cargo-progenitor",
                PROGENITOR,
                "cargo-progenitor",
            ),
        },
        Tool {
            label: format!("openapi-generator {OPENAPI_GENERATOR}"),
            kind: Kind::OpenapiGenerator,
            program: openapi_generator(&peers_dir),
        },
    ];

    let work = std::env::temp_dir().join("userplane-bench-peers");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;

    let mut results = Vec::new();
    for spec in &specs {
        eprintln!(
            "== generating from {} ({} runs per tool)",
            spec.label, args.runs
        );
        let rows = measure_generation(spec, &tools, args.runs, &work, time_bin);
        results.push(rows);
    }
    for rows in &mut results {
        for row in rows.iter_mut().filter(|r| r.failure.is_none()) {
            row.loc = rust_lines(&row.out_dir);
            if !args.skip_check {
                eprintln!(
                    "== cold cargo check: {} ({})",
                    row.label,
                    row.out_dir.display()
                );
                row.check = Some(cold_check(&cargo, &row.out_dir, &work, &[]));
                if row.kind == Kind::Ours {
                    eprintln!("== cold cargo check: ours --no-default-features");
                    row.check_no_tls = Some(cold_check(
                        &cargo,
                        &row.out_dir,
                        &work,
                        &["--no-default-features"],
                    ));
                    for group in sampled_groups(&row.out_dir) {
                        eprintln!("== cold cargo check: ours, group `{group}` alone");
                        let features = format!("rustls,{group}");
                        let check = cold_check(
                            &cargo,
                            &row.out_dir,
                            &work,
                            &["--no-default-features", "--features", &features],
                        );
                        row.check_groups.push((group, check));
                    }
                }
            }
        }
    }

    println!("{}", machine());
    for (spec, rows) in specs.iter().zip(&results) {
        println!("{}", table(spec, rows, args.skip_check));
    }
    println!("{}", targets(&specs, &results));
    Ok(())
}

/// The default specs (with GitHub's and Stripe's unless `large` is off), or those given with
/// `--spec`; a default one that is absent is left out with a note.
fn specs(root: &Path, given: &[PathBuf], large: bool) -> Result<Vec<Spec>, String> {
    let defaults = [
        ("spec/userplane.yaml", "userplane"),
        ("xtask/bench-data/userplane-3.0.yaml", "userplane"),
        ("../shared/specs/petstore-expanded.yaml", "petstore"),
        ("../shared/specs/nexus.json", "nexus"),
    ];
    let chosen: Vec<(PathBuf, String, bool)> = if given.is_empty() {
        let mut chosen: Vec<_> = defaults
            .iter()
            .map(|(p, n)| (root.join(p), (*n).to_owned(), false))
            .collect();
        if large {
            let fetched = large::large_specs(root)?;
            chosen.extend(fetched.into_iter().map(|(p, n)| (p, n.to_owned(), true)));
        }
        chosen
    } else {
        given
            .iter()
            .map(|p| (p.clone(), crate_name(p), true))
            .collect()
    };
    let mut out = Vec::new();
    for (path, crate_name, required) in chosen {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required => {
                eprintln!("note: {} not readable ({e}), left out", path.display());
                continue;
            }
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let version = text
            .lines()
            .find_map(|l| {
                let l = l.trim().trim_start_matches('"');
                l.strip_prefix("openapi").map(|rest| {
                    rest.trim_start_matches(['"', ':', ' '])
                        .trim_end_matches([',', '"', '\''])
                        .trim_matches(['"', '\''])
                        .to_owned()
                })
            })
            .unwrap_or_else(|| "?".into());
        let label = path
            .strip_prefix(root)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| path.display().to_string());
        let label = label
            .strip_prefix("../")
            .map(|l| format!("/work/{l}"))
            .unwrap_or(label);
        out.push(Spec {
            bytes: text.len(),
            path,
            label,
            crate_name,
            version,
        });
    }
    Ok(out)
}

fn crate_name(spec: &Path) -> String {
    super::codegen::spec_stem(spec)
}

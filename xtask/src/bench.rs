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
//! `--no-default-features`, because progenitor's crate enables no TLS backend at all.
//!
//! Peers are installed on demand into `.cache/peers/` (gitignored): `cargo install --locked` for
//! the Rust ones, `pip install --target` for openapi-generator (its jar ships in the wheel and runs
//! on the machine's Java). A peer that cannot be installed, or that cannot read a spec, is reported
//! in the table with its error. Generated crates go to a temporary folder outside the workspace.
//!
//! `--skip-check` leaves out the (slow) `cargo check` columns; `--runs N` sets the run count;
//! `--spec FILE` (repeatable) replaces the default spec list. Nothing here asserts on a figure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const OAS3_GEN: &str = "0.29.0";
const PROGENITOR: &str = "0.14.0";
const OPENAPI_GENERATOR: &str = "7.26.0";

struct Args {
    runs: usize,
    skip_check: bool,
    specs: Vec<PathBuf>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        runs: 5,
        skip_check: false,
        specs: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n\n{}", super::USAGE))
        };
        match arg.as_str() {
            "--skip-check" => out.skip_check = true,
            "--runs" => {
                out.runs = value("--runs")?
                    .parse()
                    .map_err(|e| format!("--runs: {e}"))?;
                if out.runs == 0 {
                    return Err("--runs must be at least 1".into());
                }
            }
            "--spec" => out.specs.push(value("--spec")?.into()),
            other => return Err(format!("unknown argument {other:?}\n\n{}", super::USAGE)),
        }
    }
    Ok(out)
}

/// How to run one generator: a program, arguments before the per-spec ones, and its label.
#[derive(Clone)]
struct Tool {
    label: String,
    kind: Kind,
    /// The program and its leading arguments, or why the tool is not available.
    program: Result<(PathBuf, Vec<String>), String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ours,
    Oas3Gen,
    Progenitor,
    OpenapiGenerator,
}

impl Tool {
    /// The command that generates a crate named `name` from `spec` into `out`.
    fn command(&self, spec: &Path, out: &Path, name: &str) -> Option<Command> {
        let (program, lead) = self.program.as_ref().ok()?;
        let mut cmd = Command::new(program);
        cmd.args(lead);
        match self.kind {
            Kind::Ours => cmd
                .arg("codegen")
                .arg("--spec")
                .arg(spec)
                .arg("--out")
                .arg(out)
                .args(["--crate-name", name]),
            // oas3-gen names the crate after the output folder, which is `name` here.
            Kind::Oas3Gen => cmd
                .args([
                    "generate",
                    "client-mod",
                    "--workspace",
                    "--quiet",
                    "--color",
                    "never",
                    "--input",
                ])
                .arg(spec)
                .arg("--output")
                .arg(out),
            Kind::Progenitor => cmd
                .args(["progenitor", "--input"])
                .arg(spec)
                .arg("--output")
                .arg(out)
                .args(["--name", name, "--version", "0.1.0"]),
            Kind::OpenapiGenerator => cmd
                .args([
                    "generate",
                    "--generator-name",
                    "rust",
                    "--quiet",
                    "--input-spec",
                ])
                .arg(spec)
                .arg("--output")
                .arg(out)
                .args(["--package-name", name]),
        };
        cmd.env("RUST_BACKTRACE", "0");
        Some(cmd)
    }
}

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
}

pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let root = super::project_root();
    let peers_dir = root.join(".cache/peers");
    let specs = specs(&root, &args.specs)?;
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

/// The default specs, or those given with `--spec`; a default one that is absent is left out with a note.
fn specs(root: &Path, given: &[PathBuf]) -> Result<Vec<Spec>, String> {
    let defaults = [
        ("spec/userplane.yaml", "userplane"),
        ("xtask/bench-data/userplane-3.0.yaml", "userplane"),
        ("../shared/specs/petstore-expanded.yaml", "petstore"),
        ("../shared/specs/nexus.json", "nexus"),
    ];
    let chosen: Vec<(PathBuf, String, bool)> = if given.is_empty() {
        defaults
            .iter()
            .map(|(p, n)| (root.join(p), (*n).to_owned(), false))
            .collect()
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

/// A Rust peer from crates.io, installed with `cargo install --locked` under `.cache/peers/<crate>`.
fn cargo_peer(
    cargo: &str,
    peers: &Path,
    krate: &str,
    version: &str,
    bin: &str,
) -> Result<(PathBuf, Vec<String>), String> {
    let root = peers.join(krate);
    let exe = root.join("bin").join(bin);
    if !exe.exists() {
        eprintln!("== installing {krate} {version} into {}", root.display());
        let status = Command::new(cargo)
            .args(["install", krate, "--version", version, "--locked", "--root"])
            .arg(&root)
            .status()
            .map_err(|e| format!("cannot run cargo install: {e}"))?;
        if !status.success() || !exe.exists() {
            return Err(format!(
                "`cargo install {krate} --version {version}` failed ({status})"
            ));
        }
    }
    Ok((exe, Vec::new()))
}

/// openapi-generator from PyPI (the wheel carries the jar), run directly as `java -jar`.
fn openapi_generator(peers: &Path) -> Result<(PathBuf, Vec<String>), String> {
    let java = Command::new("java").arg("-version").output();
    match java {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return Err(format!(
                "`java -version` failed: {}",
                first_error(&o.stderr)
            ))
        }
        Err(e) => return Err(format!("no Java runtime (`java -version`: {e})")),
    }
    let target = peers.join("openapi-generator");
    let jar = target.join("openapi_generator_cli/openapi-generator.jar");
    if !jar.exists() {
        eprintln!(
            "== installing openapi-generator-cli {OPENAPI_GENERATOR} into {}",
            target.display()
        );
        let pip = if Command::new("pip")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok()
        {
            "pip"
        } else {
            "pip3"
        };
        let out = Command::new(pip)
            .args(["install", "--quiet", "--target"])
            .arg(&target)
            .arg(format!("openapi-generator-cli=={OPENAPI_GENERATOR}"))
            .output()
            .map_err(|e| format!("cannot run pip: {e}"))?;
        if !out.status.success() {
            return Err(format!("pip install failed: {}", first_error(&out.stderr)));
        }
        if !jar.exists() {
            return Err(format!("the wheel has no jar at {} (it would be downloaded at run time, which needs a network)", jar.display()));
        }
    }
    Ok((
        PathBuf::from("java"),
        vec!["-jar".into(), jar.display().to_string()],
    ))
}

fn measure_generation(
    spec: &Spec,
    tools: &[Tool],
    runs: usize,
    work: &Path,
    time_bin: &Path,
) -> Vec<Row> {
    let spec_dir = work.join(crate_name(&spec.path));
    let mut rows: Vec<Row> = tools
        .iter()
        .map(|t| Row {
            label: t.label.clone(),
            kind: t.kind,
            failure: t
                .program
                .as_ref()
                .err()
                .map(|e| format!("unavailable: {e}")),
            times: Vec::new(),
            rss_kb: Vec::new(),
            out_dir: spec_dir.join(tool_dir(t.kind)).join(&spec.crate_name),
            loc: 0,
            check: None,
            check_no_tls: None,
        })
        .collect();
    // Warm-up (file cache, JIT'd JVM start-up data) and a check that the tool reads the spec at all.
    for (tool, row) in tools.iter().zip(rows.iter_mut()) {
        if row.failure.is_some() {
            continue;
        }
        if let Err(e) = run_once(tool, spec, &row.out_dir, time_bin) {
            row.failure = Some(e);
        }
    }
    for run in 0..runs {
        let mut order: Vec<usize> = (0..tools.len()).collect();
        order.rotate_left(run % tools.len());
        for i in order {
            if rows[i].failure.is_some() {
                continue;
            }
            match run_once(&tools[i], spec, &rows[i].out_dir, time_bin) {
                Ok((time, rss)) => {
                    rows[i].times.push(time);
                    rows[i].rss_kb.extend(rss);
                }
                Err(e) => rows[i].failure = Some(e),
            }
        }
        eprintln!("   run {}/{runs} done", run + 1);
    }
    rows
}

fn tool_dir(kind: Kind) -> &'static str {
    match kind {
        Kind::Ours => "ours",
        Kind::Oas3Gen => "oas3-gen",
        Kind::Progenitor => "progenitor",
        Kind::OpenapiGenerator => "openapi-generator",
    }
}

/// One generation into a fresh `out`: wall time, and peak RSS when `/usr/bin/time` is there.
fn run_once(
    tool: &Tool,
    spec: &Spec,
    out: &Path,
    time_bin: &Path,
) -> Result<(Duration, Option<u64>), String> {
    let _ = std::fs::remove_dir_all(out);
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let inner = tool
        .command(&spec.path, out, &spec.crate_name)
        .ok_or("not available")?;
    let rss_file = out.with_extension("rss");
    let mut cmd = if time_bin.exists() {
        let mut c = Command::new(time_bin);
        c.args(["-f", "%M", "-o"])
            .arg(&rss_file)
            .arg(inner.get_program())
            .args(inner.get_args());
        for (k, v) in inner.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c
    } else {
        inner
    };
    cmd.stdin(Stdio::null());
    let start = Instant::now();
    let output = cmd.output().map_err(|e| format!("cannot start: {e}"))?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        let mut text = output.stderr.clone();
        text.extend_from_slice(&output.stdout);
        return Err(format!(
            "cannot generate ({}): {}",
            output.status,
            first_error(&text)
        ));
    }
    let rss = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()));
    Ok((elapsed, rss))
}

/// The most telling lines of a tool's error output (at most two), shortened for a table cell.
fn first_error(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let telling: Vec<&str> = lines
        .iter()
        .filter(|l| {
            let lower = l.to_lowercase();
            ["error", "fail", "exception", "panicked", "invalid"]
                .iter()
                .any(|w| lower.contains(w))
                && !lower.starts_with("command exited")
        })
        .take(2)
        .copied()
        .collect();
    let line = if telling.is_empty() {
        lines.last().copied().unwrap_or("no output").to_owned()
    } else {
        telling.join(" / ")
    };
    let line = line.replace('|', "\\|");
    if line.chars().count() > 200 {
        format!("{}…", line.chars().take(200).collect::<String>())
    } else {
        line
    }
}

/// Lines in the `.rs` files under `dir`.
fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut total = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                total += rust_lines(&path);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += std::fs::read_to_string(&path)
                .map(|t| t.lines().count())
                .unwrap_or(0);
        }
    }
    total
}

/// Cold `cargo check` of the crate in `dir` with a fresh target folder, then the crate alone;
/// `extra` goes to both checks (features).
fn cold_check(
    cargo: &str,
    dir: &Path,
    work: &Path,
    extra: &[&str],
) -> Result<(Duration, Duration), String> {
    let target = work.join("check-target");
    let _ = std::fs::remove_dir_all(&target);
    let cargo_cmd = |args: &[&str]| {
        let mut c = Command::new(cargo);
        c.args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_BUILD_JOBS");
        c
    };
    let run = |args: &[&str]| -> Result<Duration, String> {
        let start = Instant::now();
        let out = cargo_cmd(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let elapsed = start.elapsed();
        if out.status.success() {
            Ok(elapsed)
        } else {
            Err(format!(
                "`cargo {}` failed: {}",
                args.join(" "),
                first_error(&out.stderr)
            ))
        }
    };
    let check: Vec<&str> = ["check", "--offline", "--quiet"]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    run(&["fetch", "--quiet"])?;
    let cold = run(&check)?;
    let name = package_name(dir).ok_or("no package name in Cargo.toml")?;
    run(&["clean", "--offline", "--quiet", "-p", &name])?;
    let own = run(&check)?;
    let _ = std::fs::remove_dir_all(&target);
    Ok((cold, own))
}

fn package_name(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let package = text.split("[package]").nth(1)?;
    let line = package
        .lines()
        .find(|l| l.trim_start().starts_with("name"))?;
    Some(line.split('=').nth(1)?.trim().trim_matches('"').to_owned())
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

impl Row {
    fn median_secs(&self) -> Option<f64> {
        median(
            &mut self
                .times
                .iter()
                .map(Duration::as_secs_f64)
                .collect::<Vec<_>>(),
        )
    }

    fn median_rss_mb(&self) -> Option<f64> {
        median(
            &mut self
                .rss_kb
                .iter()
                .map(|&kb| kb as f64 / 1024.0)
                .collect::<Vec<_>>(),
        )
    }

    fn check_secs(&self) -> Option<f64> {
        match &self.check {
            Some(Ok((cold, _))) => Some(cold.as_secs_f64()),
            _ => None,
        }
    }

    fn check_no_tls_secs(&self) -> Option<f64> {
        match &self.check_no_tls {
            Some(Ok((cold, _))) => Some(cold.as_secs_f64()),
            _ => None,
        }
    }
}

fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.1} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn table(spec: &Spec, rows: &[Row], skip_check: bool) -> String {
    let mut out = format!(
        "### {} (OpenAPI {}, {} bytes)\n\n",
        spec.label,
        spec.version,
        thousands(spec.bytes)
    );
    out.push_str("| tool | median time | time / ours | peak RSS | LOC (.rs) | cold `cargo check` | crate-only check |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
    let ours = rows
        .iter()
        .find(|r| r.kind == Kind::Ours)
        .and_then(Row::median_secs);
    for row in rows {
        if let Some(failure) = &row.failure {
            out.push_str(&format!("| {} | n/a ({failure}) | | | | | |\n", row.label));
            continue;
        }
        let time = row.median_secs().map(secs).unwrap_or_else(|| "n/a".into());
        let ratio = match (row.median_secs(), ours) {
            (Some(t), Some(o)) if o > 0.0 => format!("{:.2}x", t / o),
            _ => "n/a".into(),
        };
        let rss = row
            .median_rss_mb()
            .map(|mb| format!("{mb:.1} MB"))
            .unwrap_or_else(|| "n/a (no /usr/bin/time)".into());
        let (cold, own) = match &row.check {
            None if skip_check => ("n/a (--skip-check)".to_owned(), String::new()),
            None => ("n/a".to_owned(), String::new()),
            Some(Ok((cold, own))) => (secs(cold.as_secs_f64()), secs(own.as_secs_f64())),
            Some(Err(e)) => (format!("n/a ({e})"), String::new()),
        };
        out.push_str(&format!(
            "| {} | {time} | {ratio} | {rss} | {} | {cold} | {own} |\n",
            row.label,
            thousands(row.loc)
        ));
        match &row.check_no_tls {
            Some(Ok((cold, own))) => out.push_str(&format!(
                "| {} without TLS (`--no-default-features`) | | | | | {} | {} |\n",
                row.label,
                secs(cold.as_secs_f64()),
                secs(own.as_secs_f64())
            )),
            Some(Err(e)) => out.push_str(&format!(
                "| {} without TLS (`--no-default-features`) | | | | | n/a ({e}) | |\n",
                row.label
            )),
            None => {}
        }
    }
    let runs: Vec<String> = rows
        .iter()
        .filter(|r| !r.times.is_empty())
        .map(|r| {
            format!(
                "{}: {}",
                r.label,
                r.times
                    .iter()
                    .map(|t| secs(t.as_secs_f64()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    out.push_str(&format!("\nAll runs, in order: {}\n", runs.join("; ")));
    out
}

/// The targets that this run can judge, met or missed.
fn targets(specs: &[Spec], results: &[Vec<Row>]) -> String {
    let find = |label: &str, kind: Kind| -> Option<&Row> {
        let i = specs.iter().position(|s| s.label.ends_with(label))?;
        results[i]
            .iter()
            .find(|r| r.kind == kind && r.failure.is_none())
    };
    let verdict = |ok: bool| if ok { "met" } else { "missed" };
    let mut out = String::from("### Targets\n\n");
    if let (Some(ours), Some(oas3), Some(prog)) = (
        find("nexus.json", Kind::Ours),
        find("nexus.json", Kind::Oas3Gen),
        find("nexus.json", Kind::Progenitor),
    ) {
        if let (Some(o), Some(a), Some(p)) =
            (ours.median_secs(), oas3.median_secs(), prog.median_secs())
        {
            out.push_str(&format!(
                "- nexus.json at least 3x faster than oas3-gen: {:.2}x, {}\n",
                a / o,
                verdict(a / o >= 3.0)
            ));
            out.push_str(&format!(
                "- nexus.json at least 8x faster than progenitor: {:.2}x, {}\n",
                p / o,
                verdict(p / o >= 8.0)
            ));
        }
        if let (Some(o), Some(a), Some(p)) = (
            ours.median_rss_mb(),
            oas3.median_rss_mb(),
            prog.median_rss_mb(),
        ) {
            out.push_str(&format!(
                "- nexus.json peak RSS lower than both: {o:.1} MB vs {a:.1} MB (oas3-gen), {p:.1} MB (progenitor), {}\n",
                verdict(o < a && o < p)
            ));
        }
    }
    if let Some(t) = find("spec/userplane.yaml", Kind::Ours).and_then(Row::median_secs) {
        out.push_str(&format!(
            "- spec/userplane.yaml in under 20 ms (whole process): {}, {}\n",
            secs(t),
            verdict(t < 0.020)
        ));
    }
    // Progenitor's crate enables no TLS backend, so like for like is ours without TLS; the
    // default build (with rustls) is shown beside it.
    let ours = find("spec/userplane.yaml", Kind::Ours);
    let ours_check = ours.and_then(Row::check_secs);
    let ours_no_tls = ours.and_then(Row::check_no_tls_secs);
    let prog_check = find("userplane-3.0.yaml", Kind::Progenitor).and_then(Row::check_secs);
    if let (Some(o), Some(n), Some(p)) = (ours_check, ours_no_tls, prog_check) {
        out.push_str(&format!(
            "- generated Userplane crate cold `cargo check` no slower than progenitor on the 3.0 copy (neither with TLS): {} vs {}, {} (ours with its default `rustls` feature: {})\n",
            secs(n),
            secs(p),
            verdict(n <= p),
            secs(o)
        ));
    }
    out
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    format!("Machine: {cores} cores ({cpu}), {mem} memory\n")
}

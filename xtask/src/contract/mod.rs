//! `cargo xtask contract SPEC... [--rounds N] [--fuzz CASES] [--seed S] [--work DIR]`: does the
//! generated client decode what a server following the spec sends?
//!
//! For each spec: generates the client with `contract_decoders()`, writes the plan (one request
//! per operation and its declared statuses, see [`plan`]) and a harness crate next to it
//! (`harness/main.rs`), builds both (every spec shares one target directory), then
//!
//! 1. `--fuzz CASES` (default 64, 0 to skip): arbitrary statuses, headers and bodies into every
//!    operation's decoder: never a panic, status and raw body always kept;
//! 2. `--rounds N` (default 3, 0 to skip): starts `prism mock -d SPEC` and asks it for every
//!    declared status of every operation (`Prefer: code=N, dynamic=true`), N times, each answer a
//!    new body Prism invents from the schema; every answer with the asked status must decode.
//!
//! Each failure is printed with the operation, status, body and decode error; the exit code is
//! non-zero if any spec has one. Prism comes from `PRISM_BIN`, else the pinned one in `.cache/`.

mod plan;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const HARNESS_MAIN: &str = include_str!("harness/main.rs");

struct Args {
    specs: Vec<PathBuf>,
    rounds: u64,
    fuzz: u64,
    seed: u64,
    work: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        specs: Vec::new(),
        rounds: 3,
        fuzz: 64,
        seed: 0x0c04_7ac7,
        work: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number\n\n{}", super::USAGE))
        };
        match arg.as_str() {
            "--rounds" => out.rounds = number("--rounds")?,
            "--fuzz" => out.fuzz = number("--fuzz")?,
            "--seed" => out.seed = number("--seed")?,
            "--work" => {
                out.work = Some(it.next().ok_or("--work needs a directory")?.into());
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown argument {flag:?}\n\n{}", super::USAGE))
            }
            spec => out.specs.push(spec.into()),
        }
    }
    if out.specs.is_empty() {
        return Err(format!("contract needs a spec\n\n{}", super::USAGE));
    }
    Ok(out)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let root = super::project_root();
    let work = args
        .work
        .clone()
        .unwrap_or_else(|| root.join("target").join("contract"));
    let target = work.join("target");
    let prism = if args.rounds > 0 {
        Some(super::test::prism_executable(&root)?)
    } else {
        None
    };
    let mut summaries = Vec::new();
    let mut failed = Vec::new();
    for spec in &args.specs {
        eprintln!("== contract {}", spec.display());
        match one_spec(&root, spec, &work, &target, prism.as_deref(), &args) {
            Ok(lines) => {
                for line in lines {
                    let ok =
                        line.contains("\"failures\":0") && line.contains("\"without_decoder\":[]");
                    if !ok {
                        failed.push(spec.display().to_string());
                    }
                    summaries.push(format!("{}: {line}", spec.display()));
                }
            }
            Err(e) => {
                failed.push(spec.display().to_string());
                summaries.push(format!("{}: error: {e}", spec.display()));
            }
        }
    }
    eprintln!("== summary\n{}", summaries.join("\n"));
    if failed.is_empty() {
        Ok(())
    } else {
        failed.dedup();
        Err(format!("error: contract failures in {}", failed.join(", ")))
    }
}

/// Generates, builds and runs the harness for one spec; returns its `CONTRACT` summary lines.
fn one_spec(
    root: &Path,
    spec: &Path,
    work: &Path,
    target: &Path,
    prism: Option<&Path>,
    args: &Args,
) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let stem = crate_stem(spec);
    let dir = work.join(&stem);
    let client_name = format!("contract-{stem}");
    let harness_name = format!("contract-harness-{stem}");
    let mut config = generator::Config::new(&client_name);
    config.contract_decoders = true;
    let generation =
        generator::generate(&text, &config).map_err(|e| format!("generation failed:\n{e}"))?;
    let _ = std::fs::remove_dir_all(dir.join("client").join("src"));
    for file in &generation.krate.files {
        write(&dir.join("client").join(&file.path), &file.contents)?;
    }
    let parsed = generator::load::parse_text(&text).map_err(|e| e.to_string())?;
    let plan = plan::plan(&parsed.value);
    let plan_path = dir.join("plan.json");
    write(
        &plan_path,
        &serde_json::to_string_pretty(&plan).map_err(|e| e.to_string())?,
    )?;
    write(
        &dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"client\", \"harness\"]\n",
    )?;
    write(
        &dir.join("harness").join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{harness_name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nclient = {{ package = \"{client_name}\", path = \"../client\" }}\n\
             proptest = {{ version = \"1\", default-features = false, features = [\"std\"] }}\n\
             reqwest = {{ version = \"0.12\", default-features = false }}\n\
             serde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"rt\", \"time\"] }}\n"
        ),
    )?;
    write(
        &dir.join("harness").join("src").join("main.rs"),
        HARNESS_MAIN,
    )?;
    // The versions the workspace tests (cargo adds what it lacks).
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", &harness_name])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the harness did not build ({status})"));
    }
    let harness = target.join("debug").join(&harness_name);
    let mut summaries = Vec::new();
    if args.fuzz > 0 {
        let mut command = Command::new(&harness);
        command
            .arg("fuzz")
            .arg(&plan_path)
            .arg(args.fuzz.to_string())
            .arg(args.seed.to_string());
        summaries.push(run_harness(command, None)?);
    }
    if let Some(prism) = prism.filter(|_| args.rounds > 0) {
        let port = free_port()?;
        let log_path = dir.join("prism.log");
        let log = File::create(&log_path).map_err(|e| e.to_string())?;
        let mut server = Command::new(prism)
            .args(["mock", "-d", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", prism.display()))?;
        let mut command = Command::new(&harness);
        command
            .arg("prism")
            .arg(&plan_path)
            .arg(format!("http://127.0.0.1:{port}"))
            .arg(args.rounds.to_string());
        let result = run_harness(command, Some(&mut server));
        // Exactly the process started above (Prism is one Node process).
        let _ = server.kill();
        let _ = server.wait();
        match result {
            Ok(line) => summaries.push(line),
            Err(e) => {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                let tail: String = log
                    .lines()
                    .rev()
                    .take(20)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                return Err(format!("{e}\nPrism's last output:\n{tail}"));
            }
        }
    }
    Ok(summaries)
}

/// Runs the harness, passing its report through; returns its `CONTRACT` line. With `server`,
/// stops early if that process exits first (Prism refused the spec).
fn run_harness(mut command: Command, mut server: Option<&mut Child>) -> Result<String, String> {
    let out_path = std::env::temp_dir().join(format!("contract-{}.out", std::process::id()));
    let out = File::create(&out_path).map_err(|e| e.to_string())?;
    let mut child = command
        .stdout(out)
        .spawn()
        .map_err(|e| format!("cannot run the harness: {e}"))?;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if let Some(server) = server.as_deref_mut() {
            if let Some(exit) = server.try_wait().map_err(|e| e.to_string())? {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("Prism exited ({exit}) before the harness finished"));
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let output = std::fs::read_to_string(&out_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    print!("{output}");
    let summary = output
        .lines()
        .find_map(|l| l.strip_prefix("CONTRACT "))
        .map(str::to_owned);
    match (status.code(), summary) {
        (Some(0 | 1), Some(summary)) => Ok(summary),
        _ => Err(format!("the harness failed ({status})")),
    }
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A crate-name-safe stem of the spec's file name without its extension
/// (`apicurio-registry.json` -> `apicurio-registry`, `googleapis.com_drive.json` ->
/// `googleapis-com-drive`).
fn crate_stem(spec: &Path) -> String {
    let name = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = [".json", ".yaml", ".yml"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(&name);
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('-');
    if trimmed.is_empty() {
        "spec".into()
    } else {
        trimmed.into()
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

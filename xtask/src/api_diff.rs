//! `cargo xtask api-diff OLD NEW`: the changes to the generated Rust API between two specs, each
//! with its semver level. OLD and NEW are files or `git:REV:path`.

use generator::Config;
use std::path::Path;
use std::process::Command;

struct Args {
    old: String,
    new: String,
    json: bool,
    fail_on: Option<generator::diff::Level>,
    config: Option<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let usage = || format!("\n\n{}", super::USAGE);
    let mut specs = Vec::new();
    let mut json = false;
    let mut fail_on = None;
    let mut config = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--fail-on" => {
                fail_on = Some(match it.next().map(String::as_str) {
                    Some("major") => generator::diff::Level::Major,
                    Some("minor") => generator::diff::Level::Minor,
                    other => {
                        return Err(format!(
                            "--fail-on takes `major` or `minor`, not {other:?}{}",
                            usage()
                        ))
                    }
                })
            }
            "--config" => {
                config = Some(
                    it.next()
                        .cloned()
                        .ok_or_else(|| format!("--config needs a value{}", usage()))?,
                )
            }
            other if other.starts_with("--") => {
                return Err(format!("unknown argument {other:?}{}", usage()))
            }
            spec => specs.push(spec.to_owned()),
        }
    }
    let [old, new] = <[String; 2]>::try_from(specs)
        .map_err(|_| format!("api-diff needs two specs, OLD and NEW{}", usage()))?;
    Ok(Args {
        old,
        new,
        json,
        fail_on,
        config,
    })
}

pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("error: cannot read {path}: {e}"))?;
            Config::from_toml(&text, "api").map_err(|e| format!("error: {path}: {e}"))?
        }
        None => Config::new("api"),
    };
    let old = read_spec(&args.old)?;
    let new = read_spec(&args.new)?;
    let report = generator::diff::diff_specs(&old, &new, &config)
        .map_err(|e| format!("error: cannot compare {} and {}: {e}", args.old, args.new))?;
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    match (args.fail_on, report.bump()) {
        (Some(limit), Some(bump)) if bump >= limit => Err(format!(
            "error: the API change is {} (--fail-on {})",
            bump.as_str(),
            limit.as_str()
        )),
        _ => Ok(()),
    }
}

/// A spec's text from a file, or from git with `git:REV:path` (path from the repository root).
fn read_spec(source: &str) -> Result<String, String> {
    if let Some(rest) = source.strip_prefix("git:") {
        let (rev, path) = rest
            .split_once(':')
            .ok_or_else(|| format!("error: {source}: expected git:REV:path"))?;
        let out = Command::new("git")
            .args(["show", &format!("{rev}:{path}")])
            .current_dir(super::project_root())
            .output()
            .map_err(|e| format!("error: cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "error: git show {rev}:{path}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        return String::from_utf8(out.stdout)
            .map_err(|_| format!("error: {source} is not UTF-8 text"));
    }
    std::fs::read_to_string(Path::new(source))
        .map_err(|e| format!("error: cannot read {source}: {e}"))
}

//! `cargo xtask codegen`: spec -> client crate on disk, or a staleness check.

use generator::{Config, GeneratedCrate};
use std::path::{Path, PathBuf};

struct Args {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
    config: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        check: false,
        spec: None,
        out: None,
        crate_name: None,
        config: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n\n{}", super::USAGE))
        };
        match arg.as_str() {
            "--check" => out.check = true,
            "--spec" => out.spec = Some(value("--spec")?.into()),
            "--out" => out.out = Some(value("--out")?.into()),
            "--crate-name" => out.crate_name = Some(value("--crate-name")?),
            "--config" => out.config = Some(value("--config")?.into()),
            other => return Err(format!("unknown argument {other:?}\n\n{}", super::USAGE)),
        }
    }
    Ok(out)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let root = super::project_root();
    let custom = args.spec.is_some() || args.out.is_some();
    let (spec, out_dir, config) = if custom {
        let spec = args.spec.ok_or("--out needs --spec")?;
        let out = args.out.ok_or("--spec needs --out")?;
        let name = args
            .crate_name
            .clone()
            .unwrap_or_else(|| default_crate_name(&spec));
        let mut config = match &args.config {
            Some(path) => load_config(path, &name)?,
            None => Config::new(&name),
        };
        config.crate_name = name;
        // A crate generated anywhere must build on its own, outside this workspace.
        config.standalone = true;
        (spec, out, config)
    } else {
        let config = load_config(&root.join("codegen.toml"), "userplane")?;
        (
            root.join("spec/userplane.yaml"),
            root.join("generated-client"),
            config,
        )
    };
    let text = std::fs::read_to_string(&spec)
        .map_err(|e| format!("error: cannot read {}: {e}", spec.display()))?;
    // What the crate already there records: its API and version, compared with the new ones.
    let record_path = out_dir.join(generator::diff::record::RECORD_PATH);
    let record = match std::fs::read_to_string(&record_path) {
        Ok(json) => Some(
            generator::diff::Record::from_json(&json)
                .map_err(|e| format!("error: {}: {e}\n  help: a record written by another generator version; delete it to start the changelog over (the version restarts from codegen.toml)", out_dir.display()))?,
        ),
        Err(_) => None,
    };
    let changelog =
        std::fs::read_to_string(out_dir.join(generator::diff::record::CHANGELOG_PATH)).ok();
    let previous = generator::Previous {
        record: record.as_ref(),
        changelog: changelog.as_deref(),
    };
    let (generation, decision) = generator::regenerate(&text, &config, previous)
        .map_err(|e| format!("{}: cannot generate a client:\n{e}", spec.display()))?;
    for w in &generation.warnings {
        eprintln!("{}: {w}", spec.display());
    }
    let old_version = record.as_ref().map(|r| r.version.as_str());
    if let Some(report) = &decision.report {
        eprint!("{}", report.to_text());
        eprintln!(
            "version {} -> {}",
            old_version.unwrap_or("(none)"),
            decision.version
        );
    }
    if args.check {
        return check(&generation.krate, &out_dir);
    }
    write(&generation.krate, &out_dir)?;
    eprintln!(
        "generated {} {} ({} operations, {} types) in {}",
        config.crate_name,
        decision.version,
        generation.api.operations.len(),
        generation.api.types.len(),
        out_dir.display()
    );
    Ok(())
}

fn default_crate_name(spec: &Path) -> String {
    format!("{}-client", spec_stem(spec))
}

/// The spec's file name up to its first dot, lowercased, other characters turned into `-`
/// (`userplane-draft.openapi.yaml` -> `userplane-draft`): a crate-name-safe label.
pub fn spec_stem(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    let stem = stem.split('.').next().unwrap_or(stem);
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name.trim_matches('-').to_owned()
}

fn load_config(path: &Path, default_name: &str) -> Result<Config, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Config::from_toml(&text, default_name)
            .map_err(|e| format!("error: {}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::new(default_name)),
        Err(e) => Err(format!("error: cannot read {}: {e}", path.display())),
    }
}

fn write(krate: &GeneratedCrate, dir: &Path) -> Result<(), String> {
    for file in &krate.files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("error: cannot create {}: {e}", parent.display()))?;
        }
        // Leave untouched files alone so cargo does not rebuild what did not change.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            std::fs::write(&path, &file.contents)
                .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn check(krate: &GeneratedCrate, dir: &Path) -> Result<(), String> {
    let mut stale = Vec::new();
    for file in &krate.files {
        let path = dir.join(&file.path);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == file.contents => {}
            Ok(existing) => {
                let old: Vec<&str> = existing.lines().collect();
                let new: Vec<&str> = file.contents.lines().collect();
                let first = old
                    .iter()
                    .zip(&new)
                    .position(|(a, b)| a != b)
                    .unwrap_or(old.len().min(new.len()));
                stale.push(format!(
                    "  {}: differs from line {} ({} lines committed, {} generated)\n    committed: {}\n    generated: {}",
                    file.path,
                    first + 1,
                    old.len(),
                    new.len(),
                    old.get(first).unwrap_or(&"<end of file>"),
                    new.get(first).unwrap_or(&"<end of file>")
                ));
            }
            Err(_) => stale.push(format!("  {}: missing", file.path)),
        }
    }
    if stale.is_empty() {
        eprintln!("{} is up to date", dir.display());
        Ok(())
    } else {
        Err(format!(
            "{} is stale (files, version or changelog); run `cargo xtask codegen`:\n{}",
            dir.display(),
            stale.join("\n")
        ))
    }
}

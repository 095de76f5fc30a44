//! `cargo xtask codegen`: spec -> client crate on disk, or a staleness check.

use generator::GeneratedCrate;
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
        // The same settings as `openapi-rust-client generate` (standalone crate, name from the
        // flag, the config file or the spec).
        let command = generator::cli::Generate {
            spec: args.spec.ok_or("--out needs --spec")?,
            out: args.out.ok_or("--spec needs --out")?,
            crate_name: args.crate_name,
            config: args.config,
            check: args.check,
        };
        let config = generator::cli::config_for(&command).map_err(|e| format!("error: {e}"))?;
        (command.spec, command.out, config)
    } else {
        let config = generator::output::load_config(&root.join("codegen.toml"), "userplane")
            .map_err(|e| format!("error: {e}"))?;
        (
            root.join("spec/userplane.yaml"),
            root.join("generated-client"),
            config,
        )
    };
    if args.check {
        let files = generator::CollectFiles::default();
        generator::cli::generate_over(&spec, &out_dir, &config, &files)
            .map_err(|failure| failure.to_string())?;
        return check(&files.into_crate(), &out_dir);
    }
    // Files are written as they are printed and moved into place once all are (see `CrateWriter`).
    let writer = generator::output::CrateWriter::new(&out_dir);
    let (outcome, decision) = generator::cli::generate_over(&spec, &out_dir, &config, &writer)
        .map_err(|failure| failure.to_string())?;
    writer.commit().map_err(|e| format!("error: {e}"))?;
    eprintln!(
        "{}",
        generator::cli::generated_line(&config, &decision, &outcome.api, &out_dir)
    );
    Ok(())
}

/// The spec's file name up to its first dot, as a crate-name-safe label (see
/// [`generator::output::spec_stem`]).
pub fn spec_stem(spec: &Path) -> String {
    generator::output::spec_stem(spec)
}

fn check(krate: &GeneratedCrate, dir: &Path) -> Result<(), String> {
    match generator::output::check_crate(krate, dir) {
        Ok(()) => {
            eprintln!("{} is up to date", dir.display());
            Ok(())
        }
        Err(stale) => Err(format!(
            "{} is stale (files, version or changelog); run `cargo xtask codegen`:\n{}",
            dir.display(),
            stale.join("\n")
        )),
    }
}

//! The peer generators: pinned versions, installed on demand into `.cache/peers/`, and the
//! command line each one is run with.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::measure::first_error;

pub(super) const OAS3_GEN: &str = "0.29.0";
pub(super) const PROGENITOR: &str = "0.14.0";
pub(super) const OPENAPI_GENERATOR: &str = "7.26.0";

/// How to run one generator: a program, arguments before the per-spec ones, and its label.
#[derive(Clone)]
pub(super) struct Tool {
    pub(super) label: String,
    pub(super) kind: Kind,
    /// The program and its leading arguments, or why the tool is not available.
    pub(super) program: Result<(PathBuf, Vec<String>), String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Ours,
    Oas3Gen,
    Progenitor,
    OpenapiGenerator,
}

impl Tool {
    /// The command that generates a crate named `name` from `spec` into `out`.
    pub(super) fn command(&self, spec: &Path, out: &Path, name: &str) -> Option<Command> {
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

/// A Rust peer from crates.io, installed with `cargo install --locked` under `.cache/peers/<crate>`.
pub(super) fn cargo_peer(
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
pub(super) fn openapi_generator(peers: &Path) -> Result<(PathBuf, Vec<String>), String> {
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

pub(super) fn tool_dir(kind: Kind) -> &'static str {
    match kind {
        Kind::Ours => "ours",
        Kind::Oas3Gen => "oas3-gen",
        Kind::Progenitor => "progenitor",
        Kind::OpenapiGenerator => "openapi-generator",
    }
}

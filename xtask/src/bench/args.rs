//! The command line of `bench-peers`.

use std::path::PathBuf;

pub(super) struct Args {
    pub(super) runs: usize,
    pub(super) skip_check: bool,
    /// Leave out GitHub's and Stripe's specs (fetched on first use, slow to generate for peers).
    pub(super) no_large: bool,
    pub(super) specs: Vec<PathBuf>,
}

pub(super) fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        runs: 5,
        skip_check: false,
        no_large: false,
        specs: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n\n{}", crate::USAGE))
        };
        match arg.as_str() {
            "--skip-check" => out.skip_check = true,
            "--no-large" => out.no_large = true,
            "--runs" => {
                out.runs = value("--runs")?
                    .parse()
                    .map_err(|e| format!("--runs: {e}"))?;
                if out.runs == 0 {
                    return Err("--runs must be at least 1".into());
                }
            }
            "--spec" => out.specs.push(value("--spec")?.into()),
            other => return Err(format!("unknown argument {other:?}\n\n{}", crate::USAGE)),
        }
    }
    Ok(out)
}

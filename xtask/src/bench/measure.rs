//! Measuring: generation time and peak memory per run, lines of generated Rust, and the cold
//! `cargo check` of each generated crate.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::install::{tool_dir, Tool};
use super::{crate_name, Row, Spec};

pub(super) fn measure_generation(
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
            check_groups: Vec::new(),
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

/// One generation into a fresh `out`: wall time, and peak RSS when `/usr/bin/time` is there.
pub(super) fn run_once(
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
pub(super) fn first_error(bytes: &[u8]) -> String {
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
pub(super) fn rust_lines(dir: &Path) -> usize {
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
pub(super) fn cold_check(
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

pub(super) fn package_name(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let package = text.split("[package]").nth(1)?;
    let line = package
        .lines()
        .find(|l| l.trim_start().starts_with("name"))?;
    Some(line.split('=').nth(1)?.trim().trim_matches('"').to_owned())
}

pub(super) fn median(values: &mut [f64]) -> Option<f64> {
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

/// For a generated crate with per-group features (its `full` feature lists them): the largest
/// group, the one of median size and the smallest, sized by how many items of
/// `src/operations.rs` are gated on them. Empty for a crate without groups.
pub(super) fn sampled_groups(dir: &Path) -> Vec<String> {
    let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return Vec::new();
    };
    // `full = [ "a", "b", ... ]`, on one line or several.
    let Some(full) = manifest
        .split_once("\nfull = [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
    else {
        return Vec::new();
    };
    let operations = std::fs::read_to_string(dir.join("src/operations.rs")).unwrap_or_default();
    let mut sized: Vec<(usize, String)> = full
        .split(',')
        .map(|g| g.trim().trim_matches('"').to_owned())
        .filter(|g| !g.is_empty() && g != "other-models")
        .map(|g| {
            let gate = format!("#[cfg(feature = \"{g}\")]");
            (operations.matches(&gate).count(), g)
        })
        .collect();
    // Largest first; equal sizes by name, so the sample is the same on every run.
    sized.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let picks = match sized.len() {
        0 => vec![],
        1 => vec![0],
        2 => vec![0, 1],
        n => vec![0, n / 2, n - 1],
    };
    picks.into_iter().map(|i| sized[i].1.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::sampled_groups;

    #[test]
    fn groups_are_sampled_largest_median_smallest_from_the_full_feature() {
        let dir = std::env::temp_dir().join(format!("bench-groups-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[features]\ndefault = [\"rustls\", \"full\"]\nfull = [\n    \"a\",\n    \"b\",\n    \"c\",\n    \"d\",\n    \"other-models\",\n]\n",
        )
        .unwrap();
        let gate =
            |g: &str, n: usize| format!("#[cfg(feature = \"{g}\")]\nfn x() {{}}\n").repeat(n);
        let ops = [gate("a", 1), gate("b", 5), gate("c", 3), gate("d", 3)].concat();
        std::fs::write(dir.join("src/operations.rs"), ops).unwrap();
        // Sizes: b 5, c 3, d 3, a 1 (c before d by name); `other-models` is never sampled.
        assert_eq!(sampled_groups(&dir), ["b", "d", "a"]);
        std::fs::write(
            dir.join("Cargo.toml"),
            "[features]\ndefault = [\"rustls\"]\n",
        )
        .unwrap();
        assert!(sampled_groups(&dir).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

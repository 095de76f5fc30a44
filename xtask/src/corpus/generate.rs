//! Generation over the corpus: one release-CLI process per spec (`xtask codegen --spec`), so a
//! panic, an abort or a memory blow-up stays in that spec's record, `jobs` at a time.

use super::classify::{self, Exit};
use super::process;
use super::record::{GenOutcome, SpecRecord};
use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

pub struct Settings {
    /// The release `xtask` binary.
    pub cli: PathBuf,
    /// The package's `api/` folder.
    pub api: PathBuf,
    /// Where crates are generated, one folder per crate name.
    pub crates: PathBuf,
    /// Where each run's stderr is kept (`<crate>.log`).
    pub logs: PathBuf,
    pub jobs: usize,
    /// The time any spec gets, plus [`Settings::timeout_per_mb`] for each MB of it.
    pub timeout: Duration,
    pub timeout_per_mb: Duration,
    pub memory_cap: u64,
}

impl Settings {
    /// A spec's time limit grows with its size: the target is time in line with size (the
    /// per-MB figures), so a 45 MB description is not a timeout for taking 45 times longer.
    pub fn timeout_for(&self, bytes: u64) -> Duration {
        self.timeout + self.timeout_per_mb.mul_f64(bytes as f64 / 1_048_576.0)
    }
}

/// Generates every spec in `specs` (path, bytes; `names[i]` is the crate name of `specs[i]`),
/// keeping on disk only the crates named in `keep` (the check sample). Records come back in
/// `specs` order.
pub fn all(
    specs: &[(String, u64)],
    names: &[String],
    keep: &HashSet<String>,
    settings: &Settings,
) -> Result<Vec<SpecRecord>, String> {
    for dir in [&settings.crates, &settings.logs] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let records: Mutex<Vec<Option<SpecRecord>>> = Mutex::new(vec![None; specs.len()]);
    let first_error: Mutex<Option<String>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..settings.jobs.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((spec, bytes)) = specs.get(i) else {
                    break;
                };
                let name = &names[i];
                match one(spec, *bytes, name, keep.contains(name), settings) {
                    Ok(record) => records.lock().expect("no worker panics")[i] = Some(record),
                    Err(e) => {
                        first_error
                            .lock()
                            .expect("no worker panics")
                            .get_or_insert(e);
                        next.store(specs.len(), Ordering::Relaxed);
                    }
                }
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if finished.is_multiple_of(200) || finished == specs.len() {
                    eprintln!("  generated {finished}/{}", specs.len());
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().expect("no worker panics") {
        return Err(e);
    }
    Ok(records
        .into_inner()
        .expect("no worker panics")
        .into_iter()
        .flatten()
        .collect())
}

fn one(
    spec: &str,
    bytes: u64,
    name: &str,
    keep: bool,
    settings: &Settings,
) -> Result<SpecRecord, String> {
    let out = settings.crates.join(name);
    let _ = std::fs::remove_dir_all(&out);
    let log_path = settings.logs.join(format!("{name}.log"));
    let log = File::create(&log_path)
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let mut cmd = Command::new(&settings.cli);
    cmd.arg("codegen")
        .arg("--spec")
        .arg(settings.api.join(spec))
        .arg("--out")
        .arg(&out)
        .args(["--crate-name", name])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    let finished = process::run(cmd, settings.timeout_for(bytes), Some(settings.memory_cap))?;
    let stderr = read_head(&log_path, 1 << 20);
    let verdict = classify::generation(finished.exit, &stderr);
    let rust_bytes = if verdict.outcome == GenOutcome::Generated {
        rust_bytes(&out)
    } else {
        0
    };
    if !keep || verdict.outcome != GenOutcome::Generated {
        let _ = std::fs::remove_dir_all(&out);
    }
    // A run that ended well and said nothing has no log worth keeping.
    if finished.exit == Exit::Code(0) && verdict.warnings == 0 {
        let _ = std::fs::remove_file(&log_path);
    }
    Ok(SpecRecord {
        spec: spec.to_owned(),
        bytes,
        outcome: verdict.outcome,
        class: verdict.class,
        first_diagnostic: verdict.first_diagnostic,
        warnings: verdict.warnings,
        warning_classes: verdict.warning_classes,
        wall_ms: u64::try_from(finished.wall.as_millis()).unwrap_or(u64::MAX),
        peak_rss_kb: finished.peak_rss_kb,
        rust_bytes,
        check: None,
    })
}

/// Runs the specs at `indices` again, one at a time, and keeps the faster of the two wall times:
/// the parallel pass shares the machine, and an outlier in time per MB should be the spec's own
/// cost, not a neighbour's build. Only generated specs are re-timed.
pub fn retime(
    records: &mut [SpecRecord],
    indices: &[usize],
    settings: &Settings,
) -> Result<(), String> {
    let scratch = settings.crates.join(".retime");
    for &i in indices {
        let record = &mut records[i];
        if record.outcome != GenOutcome::Generated {
            continue;
        }
        let mut cmd = Command::new(&settings.cli);
        cmd.arg("codegen")
            .arg("--spec")
            .arg(settings.api.join(&record.spec))
            .arg("--out")
            .arg(&scratch)
            .args(["--crate-name", "retime"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let limit = settings.timeout_for(record.bytes);
        let finished = process::run(cmd, limit, Some(settings.memory_cap))?;
        let _ = std::fs::remove_dir_all(&scratch);
        if finished.exit == Exit::Code(0) {
            let ms = u64::try_from(finished.wall.as_millis()).unwrap_or(u64::MAX);
            record.wall_ms = record.wall_ms.min(ms);
        }
    }
    Ok(())
}

/// The first `limit` bytes of a file as text (a log can hold thousands of warnings).
pub fn read_head(path: &Path, limit: u64) -> String {
    use std::io::Read;
    let mut text = Vec::new();
    if let Ok(file) = File::open(path) {
        let _ = file.take(limit).read_to_end(&mut text);
    }
    String::from_utf8_lossy(&text).into_owned()
}

fn rust_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => stack.push(path),
                Ok(meta) if path.extension().is_some_and(|e| e == "rs") => total += meta.len(),
                _ => {}
            }
        }
    }
    total
}

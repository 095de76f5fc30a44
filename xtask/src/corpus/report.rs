//! Records -> figures (`Summary`, pure) -> `report.md`, `report.json` and a few stdout lines.

use super::record::{CheckOutcome, GenOutcome, SpecRecord};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Time per MB is measured on specs at least this large: below it, process start-up and the
/// fixed cost of writing a crate dominate and the figure says nothing about the spec's size.
pub const PER_MB_MIN_BYTES: u64 = 256 * 1024;

/// Specs sharing one failure class, with the first few as examples.
#[derive(Debug, PartialEq)]
pub struct ClassGroup<'a> {
    pub class: String,
    pub count: usize,
    pub examples: Vec<&'a SpecRecord>,
}

#[derive(Debug, PartialEq)]
pub struct PerMb<'a> {
    /// Specs measured (generated, at least [`PER_MB_MIN_BYTES`]).
    pub counted: usize,
    pub median_ms: f64,
    /// The slowest per MB first: (record, ms per MB).
    pub slowest: Vec<(&'a SpecRecord, f64)>,
}

impl PerMb<'_> {
    /// The slowest spec's time per MB over the median (the target: at most 3).
    pub fn worst_ratio(&self) -> f64 {
        self.slowest
            .first()
            .map_or(0.0, |(_, ms)| ms / self.median_ms)
    }
}

#[derive(Debug, PartialEq)]
pub struct Summary<'a> {
    pub total: usize,
    pub outcomes: BTreeMap<GenOutcome, usize>,
    /// Refusals and panics, by class, most frequent first.
    pub refusals: Vec<ClassGroup<'a>>,
    pub panics: Vec<ClassGroup<'a>>,
    /// Timeouts, out-of-memory and crashes, one by one.
    pub aborted: Vec<&'a SpecRecord>,
    pub slowest: Vec<&'a SpecRecord>,
    /// Generator warning classes over the generated specs: (class, specs, first spec), most first.
    pub warning_classes: Vec<(String, usize, &'a str)>,
    pub per_mb: Option<PerMb<'a>>,
    pub checked: usize,
    pub checks: BTreeMap<CheckOutcome, usize>,
    pub compile_errors: Vec<ClassGroup<'a>>,
    pub check_warnings: Vec<ClassGroup<'a>>,
    pub check_other: Vec<&'a SpecRecord>,
    /// Every diagnostic class with the number of checked crates it appears in, most first.
    pub every_check_class: Vec<(String, usize)>,
}

const EXAMPLES: usize = 5;
const SLOWEST: usize = 15;

pub fn summarise(records: &[SpecRecord]) -> Summary<'_> {
    let mut outcomes = BTreeMap::new();
    for r in records {
        *outcomes.entry(r.outcome).or_insert(0) += 1;
    }
    let of = |outcome| records.iter().filter(move |r| r.outcome == outcome);
    let refusals = group(of(GenOutcome::Refused), |r| r.class.clone());
    let panics = group(of(GenOutcome::Panicked), |r| r.class.clone());
    let aborted = records
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                GenOutcome::Timeout | GenOutcome::OutOfMemory | GenOutcome::Crashed
            )
        })
        .collect();
    let mut slowest: Vec<&SpecRecord> = records.iter().collect();
    slowest.sort_by(|a, b| b.wall_ms.cmp(&a.wall_ms).then(a.spec.cmp(&b.spec)));
    slowest.truncate(SLOWEST);

    let mut warned: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for r in records {
        for class in &r.warning_classes {
            warned
                .entry(class.as_str())
                .or_insert((0, r.spec.as_str()))
                .0 += 1;
        }
    }
    let mut warning_classes: Vec<(String, usize, &str)> = warned
        .into_iter()
        .map(|(class, (n, spec))| (class.to_owned(), n, spec))
        .collect();
    warning_classes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

    let checked: Vec<&SpecRecord> = records.iter().filter(|r| r.check.is_some()).collect();
    let mut checks = BTreeMap::new();
    for r in &checked {
        let outcome = r.check.as_ref().expect("filtered").outcome;
        *checks.entry(outcome).or_insert(0) += 1;
    }
    let check_of = |outcome| {
        checked
            .iter()
            .copied()
            .filter(move |r| r.check.as_ref().is_some_and(|c| c.outcome == outcome))
    };
    let check_class = |r: &SpecRecord| r.check.as_ref().and_then(|c| c.class.clone());
    let mut every: BTreeMap<&str, usize> = BTreeMap::new();
    for c in checked.iter().filter_map(|r| r.check.as_ref()) {
        for class in &c.all_classes {
            *every.entry(class.as_str()).or_insert(0) += 1;
        }
    }
    let mut every_check_class: Vec<(String, usize)> =
        every.into_iter().map(|(c, n)| (c.to_owned(), n)).collect();
    every_check_class.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Summary {
        total: records.len(),
        outcomes,
        refusals,
        panics,
        aborted,
        slowest,
        warning_classes,
        per_mb: per_mb(records),
        checked: checked.len(),
        checks,
        compile_errors: group(check_of(CheckOutcome::CompileError), check_class),
        check_warnings: group(check_of(CheckOutcome::Warnings), check_class),
        check_other: check_of(CheckOutcome::CargoFailed)
            .chain(check_of(CheckOutcome::Timeout))
            .collect(),
        every_check_class,
    }
}

fn group<'a>(
    records: impl Iterator<Item = &'a SpecRecord>,
    class: impl Fn(&SpecRecord) -> Option<String>,
) -> Vec<ClassGroup<'a>> {
    let mut groups: BTreeMap<String, Vec<&SpecRecord>> = BTreeMap::new();
    for r in records {
        let key = class(r).unwrap_or_else(|| "(no diagnostic)".into());
        groups.entry(key).or_default().push(r);
    }
    let mut out: Vec<ClassGroup> = groups
        .into_iter()
        .map(|(class, members)| ClassGroup {
            class,
            count: members.len(),
            examples: members.into_iter().take(EXAMPLES).collect(),
        })
        .collect();
    // Most frequent first; the class text breaks ties so the order is stable.
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.class.cmp(&b.class)));
    out
}

/// Generation time per MB of spec, for the generated specs of at least [`PER_MB_MIN_BYTES`].
pub fn ms_per_mb(r: &SpecRecord) -> Option<f64> {
    (r.outcome == GenOutcome::Generated && r.bytes >= PER_MB_MIN_BYTES)
        .then(|| r.wall_ms as f64 / (r.bytes as f64 / 1_048_576.0))
}

fn per_mb(records: &[SpecRecord]) -> Option<PerMb<'_>> {
    let mut rates: Vec<(&SpecRecord, f64)> = records
        .iter()
        .filter_map(|r| Some((r, ms_per_mb(r)?)))
        .collect();
    if rates.is_empty() {
        return None;
    }
    rates.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.spec.cmp(&b.0.spec)));
    let n = rates.len();
    let median_ms = if n % 2 == 1 {
        rates[n / 2].1
    } else {
        (rates[n / 2 - 1].1 + rates[n / 2].1) / 2.0
    };
    rates.reverse();
    rates.truncate(SLOWEST);
    Some(PerMb {
        counted: n,
        median_ms,
        slowest: rates,
    })
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1_048_576.0)
}

/// The few lines printed at the end of a run.
pub fn stdout_summary(s: &Summary) -> String {
    let mut out = String::new();
    let outcomes: Vec<String> = s
        .outcomes
        .iter()
        .map(|(o, n)| format!("{} {n}", o.label()))
        .collect();
    let generated = s.outcomes.get(&GenOutcome::Generated).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "{} specs: {} ({:.1}% generate)",
        s.total,
        outcomes.join(", "),
        percent(generated, s.total)
    );
    for g in s.refusals.iter().take(5) {
        let _ = writeln!(out, "  refused x{}: {}", g.count, g.class);
    }
    if let Some(p) = &s.per_mb {
        let _ = writeln!(
            out,
            "time per MB (specs >= {} KB, {} of them): median {:.0} ms, slowest {:.0} ms ({:.1}x)",
            PER_MB_MIN_BYTES / 1024,
            p.counted,
            p.median_ms,
            p.slowest.first().map_or(0.0, |x| x.1),
            p.worst_ratio()
        );
    }
    if s.checked > 0 {
        let checks: Vec<String> = s
            .checks
            .iter()
            .map(|(o, n)| format!("{} {n}", o.label()))
            .collect();
        let compiles = s.checks.get(&CheckOutcome::Compiles).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "checked {}: {} ({:.1}% compile without warnings)",
            s.checked,
            checks.join(", "),
            percent(compiles, s.checked)
        );
        for g in s.compile_errors.iter().chain(&s.check_warnings).take(8) {
            let _ = writeln!(out, "  x{}: {}", g.count, g.class);
        }
    }
    out
}

/// `report.md`: the figures, then every failure class with examples.
pub fn markdown(s: &Summary, settings: &str) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "# Corpus report\n\n{settings}\n");
    let _ = writeln!(
        w,
        "## Generation\n\n| outcome | specs | % |\n|---|---:|---:|"
    );
    for (o, n) in &s.outcomes {
        let _ = writeln!(w, "| {} | {n} | {:.2} |", o.label(), percent(*n, s.total));
    }
    let _ = writeln!(w, "| total | {} | |\n", s.total);
    section_classes(w, "Refusals by class", &s.refusals, false);
    section_classes(w, "Panics by class", &s.panics, false);
    if !s.aborted.is_empty() {
        let _ = writeln!(w, "## Timeouts, out-of-memory, crashes\n");
        for r in &s.aborted {
            let _ = writeln!(
                w,
                "- `{}` ({}): {}, {} ms, peak {} MB{}",
                r.spec,
                mb(r.bytes),
                r.outcome.label(),
                r.wall_ms,
                r.peak_rss_kb / 1024,
                r.first_diagnostic
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(w);
    }
    if let Some(p) = &s.per_mb {
        let _ = writeln!(
            w,
            "## Time per MB\n\nGenerated specs of at least {} KB ({} of them): median {:.0} ms per MB; \
             slowest {:.0} ms per MB, {:.2}x the median (target: at most 3x).\n",
            PER_MB_MIN_BYTES / 1024,
            p.counted,
            p.median_ms,
            p.slowest.first().map_or(0.0, |x| x.1),
            p.worst_ratio()
        );
        let _ = writeln!(
            w,
            "| spec | size | wall | ms per MB | x median |\n|---|---:|---:|---:|---:|"
        );
        for (r, rate) in &p.slowest {
            let _ = writeln!(
                w,
                "| `{}` | {} | {} ms | {rate:.0} | {:.2} |",
                r.spec,
                mb(r.bytes),
                r.wall_ms,
                rate / p.median_ms
            );
        }
        let _ = writeln!(w);
    }
    let _ = writeln!(
        w,
        "## Slowest specs\n\n| spec | size | outcome | wall | peak memory |\n|---|---:|---|---:|---:|"
    );
    for r in &s.slowest {
        let _ = writeln!(
            w,
            "| `{}` | {} | {} | {} ms | {} MB |",
            r.spec,
            mb(r.bytes),
            r.outcome.label(),
            r.wall_ms,
            r.peak_rss_kb / 1024
        );
    }
    let _ = writeln!(w);
    if !s.warning_classes.is_empty() {
        let warned = s.warning_classes.iter().map(|c| c.1).max().unwrap_or(0);
        let _ = writeln!(
            w,
            "## Generator warnings by class\n\nThe most common class is in {warned} specs.\n\n\
             | class | specs | first spec |\n|---|---:|---|"
        );
        for (class, n, spec) in &s.warning_classes {
            let _ = writeln!(w, "| {} | {n} | `{spec}` |", class.replace('|', "\\|"));
        }
        let _ = writeln!(w);
    }
    if s.checked > 0 {
        let _ = writeln!(
            w,
            "## Check sample (`cargo check`, warnings denied)\n\n| outcome | crates | % |\n|---|---:|---:|"
        );
        for (o, n) in &s.checks {
            let _ = writeln!(w, "| {} | {n} | {:.2} |", o.label(), percent(*n, s.checked));
        }
        let _ = writeln!(w, "| total | {} | |\n", s.checked);
        section_classes(w, "Compile errors by class", &s.compile_errors, true);
        section_classes(w, "Warnings by class", &s.check_warnings, true);
        if !s.every_check_class.is_empty() {
            let _ = writeln!(
                w,
                "### Every diagnostic class (not only the first per crate)\n\n| class | crates |\n|---|---:|"
            );
            for (class, n) in &s.every_check_class {
                let _ = writeln!(w, "| {} | {n} |", class.replace('|', "\\|"));
            }
            let _ = writeln!(w);
        }
        if !s.check_other.is_empty() {
            let _ = writeln!(w, "### Cargo failures and check timeouts\n");
            for r in &s.check_other {
                let c = r.check.as_ref().expect("checked");
                let _ = writeln!(
                    w,
                    "- `{}`: {}: {}",
                    r.spec,
                    c.outcome.label(),
                    c.first_diagnostic.as_deref().unwrap_or("")
                );
            }
            let _ = writeln!(w);
        }
    }
    out
}

fn section_classes(w: &mut String, title: &str, groups: &[ClassGroup], check: bool) {
    if groups.is_empty() {
        return;
    }
    let level = if check { "###" } else { "##" };
    let _ = writeln!(w, "{level} {title}\n");
    for g in groups {
        let _ = writeln!(w, "- **x{}** {}", g.count, g.class.replace('|', "\\|"));
        for r in &g.examples {
            match (&r.check, check) {
                (Some(c), true) => {
                    let _ = writeln!(
                        w,
                        "  - `{}` at `{}`: {}\n    `{}`",
                        r.spec,
                        c.location.as_deref().unwrap_or("?"),
                        c.first_diagnostic.as_deref().unwrap_or(""),
                        c.source_line.as_deref().unwrap_or("")
                    );
                }
                _ => {
                    let _ = writeln!(
                        w,
                        "  - `{}`: {}",
                        r.spec,
                        r.first_diagnostic.as_deref().unwrap_or("")
                    );
                }
            }
        }
    }
    let _ = writeln!(w);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::record::CheckRecord;

    fn record(
        spec: &str,
        bytes: u64,
        outcome: GenOutcome,
        class: Option<&str>,
        wall_ms: u64,
    ) -> SpecRecord {
        SpecRecord {
            spec: spec.into(),
            bytes,
            outcome,
            class: class.map(Into::into),
            first_diagnostic: class.map(|c| format!("error: /x: {c}")),
            warnings: 0,
            warning_classes: Vec::new(),
            wall_ms,
            peak_rss_kb: 10_240,
            rust_bytes: 0,
            check: None,
        }
    }

    fn checked(mut r: SpecRecord, outcome: CheckOutcome, class: Option<&str>) -> SpecRecord {
        r.check = Some(CheckRecord {
            outcome,
            class: class.map(Into::into),
            first_diagnostic: class.map(Into::into),
            location: Some("src/models.rs:3".into()),
            source_line: Some("pub struct X;".into()),
            all_classes: class.into_iter().map(Into::into).collect(),
            wall_ms: 1000,
        });
        r
    }

    const MB: u64 = 1_048_576;

    fn corpus() -> Vec<SpecRecord> {
        vec![
            record("a.json", MB, GenOutcome::Generated, None, 100),
            record("b.json", MB, GenOutcome::Generated, None, 120),
            record("c.json", 2 * MB, GenOutcome::Generated, None, 900),
            record("d.json", 1000, GenOutcome::Generated, None, 50),
            record("e.json", 10, GenOutcome::Refused, Some("relative URL"), 5),
            record(
                "f.json",
                10,
                GenOutcome::Refused,
                Some("missing field `_`"),
                5,
            ),
            record("g.json", 10, GenOutcome::Refused, Some("relative URL"), 5),
            record("h.json", 10, GenOutcome::Timeout, None, 60_000),
        ]
    }

    #[test]
    fn counts_outcomes_and_groups_refusals_most_frequent_first() {
        let records = corpus();
        let s = summarise(&records);
        assert_eq!(s.total, 8);
        assert_eq!(s.outcomes[&GenOutcome::Generated], 4);
        assert_eq!(s.outcomes[&GenOutcome::Refused], 3);
        assert_eq!(s.outcomes[&GenOutcome::Timeout], 1);
        assert_eq!(s.refusals.len(), 2);
        assert_eq!(s.refusals[0].class, "relative URL");
        assert_eq!(s.refusals[0].count, 2);
        let specs: Vec<&str> = s.refusals[0]
            .examples
            .iter()
            .map(|r| r.spec.as_str())
            .collect();
        assert_eq!(specs, ["e.json", "g.json"]);
        assert_eq!(s.aborted.len(), 1);
        assert_eq!(s.slowest[0].spec, "h.json");
    }

    #[test]
    fn time_per_mb_leaves_out_small_specs_and_compares_the_slowest_to_the_median() {
        let records = corpus();
        let p = summarise(&records).per_mb.expect("three large specs");
        assert_eq!(
            p.counted, 3,
            "d.json is below the floor, the timeout did not generate"
        );
        // 100, 120 and 450 ms per MB.
        assert_eq!(p.median_ms, 120.0);
        assert_eq!(p.slowest[0].0.spec, "c.json");
        assert_eq!(p.slowest[0].1, 450.0);
        assert_eq!(p.worst_ratio(), 3.75);
        assert!(summarise(&records[3..]).per_mb.is_none());
    }

    #[test]
    fn check_results_are_counted_and_classed_and_reach_the_markdown() {
        let mut records = corpus();
        records[0] = checked(records[0].clone(), CheckOutcome::Compiles, None);
        records[1] = checked(
            records[1].clone(),
            CheckOutcome::CompileError,
            Some("E0308: mismatched types"),
        );
        records[2] = checked(
            records[2].clone(),
            CheckOutcome::Warnings,
            Some("unused_imports: unused import: `_`"),
        );
        let s = summarise(&records);
        assert_eq!(s.checked, 3);
        assert_eq!(s.checks[&CheckOutcome::Compiles], 1);
        assert_eq!(s.compile_errors[0].class, "E0308: mismatched types");
        assert_eq!(s.check_warnings[0].examples[0].spec, "c.json");
        assert_eq!(s.every_check_class.len(), 2);
        records[0].warning_classes = vec!["`_` is ignored".into()];
        records[3].warning_classes = vec!["`_` is ignored".into(), "other".into()];
        let s = summarise(&records);
        assert_eq!(
            s.warning_classes[0],
            ("`_` is ignored".to_owned(), 2, "a.json")
        );
        let md = markdown(&s, "settings");
        assert!(md.contains("| E0308: mismatched types | 1 |"), "{md}");
        assert!(md.contains("| `_` is ignored | 2 | `a.json` |"), "{md}");
        assert!(md.contains("| compile error | 1 | 33.33 |"), "{md}");
        assert!(md.contains("- **x2** relative URL"), "{md}");
        assert!(
            md.contains("`b.json` at `src/models.rs:3`: E0308: mismatched types"),
            "{md}"
        );
        let out = stdout_summary(&s);
        assert!(
            out.contains("8 specs: generated 4, refused 3, timeout 1 (50.0% generate)"),
            "{out}"
        );
        assert!(
            out.contains("checked 3: compiles 1, compile error 1, warnings 1 (33.3%"),
            "{out}"
        );
    }
}

//! Reporting: the Markdown table per spec, the targets the issue sets, and the machine.

use std::time::Duration;

use super::install::Kind;
use super::measure::median;
use super::{Row, Spec};

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

pub(super) fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.1} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

pub(super) fn thousands(n: usize) -> String {
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

pub(super) fn table(spec: &Spec, rows: &[Row], skip_check: bool) -> String {
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
        for (group, check) in &row.check_groups {
            let (cold, own) = match check {
                Ok((cold, own)) => (secs(cold.as_secs_f64()), secs(own.as_secs_f64())),
                Err(e) => (format!("n/a ({e})"), String::new()),
            };
            out.push_str(&format!(
                "| {} with group `{group}` alone | | | | | {cold} | {own} |\n",
                row.label
            ));
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
pub(super) fn targets(specs: &[Spec], results: &[Vec<Row>]) -> String {
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
    // The large-API issue's target: the lead over the fastest peer holds at every size.
    for label in ["nexus.json", "api.github.com.json", "stripe.com.json"] {
        let (Some(ours), Some(oas3)) = (find(label, Kind::Ours), find(label, Kind::Oas3Gen)) else {
            continue;
        };
        if let (Some(o), Some(a), Some(om), Some(am)) = (
            ours.median_secs(),
            oas3.median_secs(),
            ours.median_rss_mb(),
            oas3.median_rss_mb(),
        ) {
            out.push_str(&format!(
                "- {label} at least 4x faster than oas3-gen and at most half its peak RSS: {:.2}x, {om:.1} MB vs {am:.1} MB, {}\n",
                a / o,
                verdict(a / o >= 4.0 && om <= am / 2.0)
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

pub(super) fn machine() -> String {
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

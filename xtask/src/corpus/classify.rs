//! Pure classification: a generator run (exit + stderr) or a `cargo check` (its JSON messages)
//! becomes an outcome, a reason class and a first diagnostic. No processes, no files.
//!
//! A class is the diagnostic's message with its particulars masked (quoted names, numbers), so
//! the same defect in two specs lands in one bucket: "`Self` is not a valid identifier" and
//! "`self` is not ..." are one class; the pointer and spec stay in the example.

use super::record::{CheckOutcome, GenOutcome};
use serde_json::Value;

/// How a generator process ended, as far as the classifier needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// Killed by us after the per-spec timeout.
    TimedOut,
}

/// What one generator run amounted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenVerdict {
    pub outcome: GenOutcome,
    pub class: Option<String>,
    pub first_diagnostic: Option<String>,
    pub warnings: usize,
    /// Each distinct generator warning class, in order of appearance.
    pub warning_classes: Vec<String>,
}

/// Classifies a run of `xtask codegen` from how it exited and what it wrote on stderr.
pub fn generation(exit: Exit, stderr: &str) -> GenVerdict {
    let warnings = stderr.lines().filter(|l| is_generator_warning(l)).count();
    let mut warning_classes: Vec<String> = Vec::new();
    for line in stderr.lines().filter(|l| is_generator_warning(l)) {
        let text = line
            .split_once(": warning: ")
            .map_or_else(|| line.trim_start_matches("warning: "), |(_, w)| w);
        let class = mask(diagnostic_message(text));
        if !warning_classes.contains(&class) {
            warning_classes.push(class);
        }
    }
    let first_warning = stderr
        .lines()
        .find(|l| is_generator_warning(l))
        .map(str::to_owned);
    let panic_line = stderr
        .lines()
        .find(|l| l.contains("panicked at") || l.contains("has overflowed its stack"));
    let oom_line = stderr.lines().find(|l| {
        l.starts_with("memory allocation of")
            || l.contains("unable to allocate")
            || l.contains("out of memory")
    });
    let first_error = stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .map(str::to_owned);
    let (outcome, class, first) = match exit {
        Exit::TimedOut => (GenOutcome::Timeout, None, first_error),
        _ if oom_line.is_some() => (GenOutcome::OutOfMemory, None, oom_line.map(str::to_owned)),
        _ if panic_line.is_some() => {
            // The message follows the "panicked at file:line:col:" line.
            let message = stderr
                .lines()
                .skip_while(|l| !l.contains("panicked at"))
                .nth(1)
                .map(str::to_owned);
            let first = panic_line.map(|l| match &message {
                Some(m) => format!("{l} {m}"),
                None => l.to_owned(),
            });
            let class = message.as_deref().or(panic_line).map(mask);
            (GenOutcome::Panicked, class, first)
        }
        Exit::Code(0) => (GenOutcome::Generated, None, first_warning),
        Exit::Code(1) if first_error.is_some() => {
            let class = first_error.as_deref().map(|l| mask(diagnostic_message(l)));
            (GenOutcome::Refused, class, first_error)
        }
        Exit::Code(code) => (
            GenOutcome::Crashed,
            Some(format!("exit code {code}")),
            stderr.lines().next().map(str::to_owned),
        ),
        Exit::Signal(signal) => (
            GenOutcome::Crashed,
            Some(format!("signal {signal}")),
            stderr.lines().next().map(str::to_owned),
        ),
    };
    GenVerdict {
        outcome,
        class,
        first_diagnostic: first,
        warnings,
        warning_classes,
    }
}

/// The CLI prints each generator warning as `SPEC: warning: POINTER ...`.
fn is_generator_warning(line: &str) -> bool {
    line.contains(": warning: ") || line.starts_with("warning: ")
}

/// The message part of `error: /pointer (line 6): message` (or `error: /pointer: message`).
pub fn diagnostic_message(line: &str) -> &str {
    let rest = line.strip_prefix("error: ").unwrap_or(line);
    if let Some(at) = rest.find("): ").filter(|_| rest.contains(" (line ")) {
        return &rest[at + 3..];
    }
    if rest.starts_with('/') || rest.starts_with('#') {
        if let Some(at) = rest.find(": ") {
            return &rest[at + 2..];
        }
    }
    rest
}

/// The particulars of a message masked: text in backticks or quotes becomes `_`, digit runs `N`,
/// and the result is cut at 140 characters, so one defect in many specs is one class.
pub fn mask(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' => {
                // Skip to the matching delimiter; an unmatched one is kept as it is.
                let rest: String = chars.clone().collect();
                match rest.find(c) {
                    Some(end) => {
                        out.push(c);
                        out.push('_');
                        out.push(c);
                        for _ in 0..rest[..end].chars().count() + 1 {
                            chars.next();
                        }
                    }
                    None => out.push(c),
                }
            }
            d if d.is_ascii_digit() => {
                out.push('N');
                while chars.peek().is_some_and(|n| n.is_ascii_digit()) {
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    let out = out.trim();
    match out.char_indices().nth(140) {
        Some((at, _)) => format!("{}...", &out[..at]),
        None => out.to_owned(),
    }
}

/// What one `cargo check` of a generated crate amounted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckVerdict {
    pub outcome: CheckOutcome,
    pub class: Option<String>,
    pub first_diagnostic: Option<String>,
    /// `src/models.rs:12` of the first diagnostic's primary span.
    pub location: Option<String>,
    /// The generated line that the first diagnostic points at.
    pub source_line: Option<String>,
    /// Every distinct diagnostic class of the crate, the first one's included.
    pub all_classes: Vec<String>,
}

/// One rustc diagnostic, reduced to what the report shows.
struct Message {
    is_error: bool,
    code: Option<String>,
    text: String,
    location: Option<String>,
    source_line: Option<String>,
}

/// Classifies `cargo check --message-format=json` run with `RUSTFLAGS=-D warnings`: an error with
/// an `E` code or none is a compile error; an error whose code is a lint name is a warning that
/// `-D warnings` denied. Cargo's own failures (no rustc message) are `CargoFailed`.
pub fn check(success: bool, stdout: &str, stderr: &str) -> CheckVerdict {
    let messages: Vec<Message> = stdout.lines().filter_map(rustc_message).collect();
    let is_lint = |m: &&Message| {
        m.code
            .as_deref()
            .is_some_and(|c| !(c.starts_with('E') && c[1..].chars().all(|d| d.is_ascii_digit())))
    };
    let hard = messages.iter().find(|m| m.is_error && !is_lint(m));
    let lint = messages.iter().find(|m| is_lint(m));
    let cargo_warning = stderr.lines().find(|l| l.starts_with("warning:"));
    let class_of = |m: &Message| match &m.code {
        Some(code) => format!("{code}: {}", mask(&m.text)),
        None => mask(&m.text),
    };
    // Every distinct class in the crate, in order: the first one can hide the others.
    let mut all_classes: Vec<String> = Vec::new();
    for m in messages.iter().filter(|m| m.is_error || is_lint(m)) {
        let class = class_of(m);
        if !all_classes.contains(&class) {
            all_classes.push(class);
        }
    }
    let verdict = |outcome, m: &Message| CheckVerdict {
        outcome,
        class: Some(class_of(m)),
        first_diagnostic: Some(m.text.clone()),
        location: m.location.clone(),
        source_line: m.source_line.clone(),
        all_classes: all_classes.clone(),
    };
    if let Some(m) = hard {
        return verdict(CheckOutcome::CompileError, m);
    }
    if let Some(m) = lint {
        return verdict(CheckOutcome::Warnings, m);
    }
    if !success {
        let first = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .or_else(|| stderr.lines().next())
            .map(str::to_owned);
        return CheckVerdict {
            outcome: CheckOutcome::CargoFailed,
            class: first.as_deref().map(|l| format!("cargo: {}", mask(l))),
            first_diagnostic: first,
            location: None,
            source_line: None,
            all_classes: Vec::new(),
        };
    }
    if let Some(line) = cargo_warning {
        return CheckVerdict {
            outcome: CheckOutcome::Warnings,
            class: Some(format!("cargo: {}", mask(line))),
            first_diagnostic: Some(line.to_owned()),
            location: None,
            source_line: None,
            all_classes: Vec::new(),
        };
    }
    CheckVerdict {
        outcome: CheckOutcome::Compiles,
        class: None,
        first_diagnostic: None,
        location: None,
        source_line: None,
        all_classes: Vec::new(),
    }
}

/// A `compiler-message` line of cargo's JSON output, unless it is a summary ("aborting due to").
fn rustc_message(line: &str) -> Option<Message> {
    let value: Value = serde_json::from_str(line).ok()?;
    if value.get("reason")?.as_str()? != "compiler-message" {
        return None;
    }
    let message = value.get("message")?;
    let level = message.get("level")?.as_str()?;
    let text = message.get("message")?.as_str()?.to_owned();
    let spans = message.get("spans").and_then(Value::as_array);
    let primary = spans.and_then(|s| {
        s.iter()
            .find(|span| span.get("is_primary").and_then(Value::as_bool) == Some(true))
    });
    if primary.is_none() && (text.starts_with("aborting due to") || text.contains(" emitted")) {
        return None;
    }
    let code = message
        .get("code")
        .and_then(|c| c.get("code"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let location = primary.and_then(|span| {
        let file = span.get("file_name")?.as_str()?;
        let line = span.get("line_start")?.as_u64()?;
        Some(format!("{file}:{line}"))
    });
    let source_line = primary
        .and_then(|span| span.get("text")?.as_array()?.first()?.get("text")?.as_str())
        .map(|t| t.trim().to_owned());
    Some(Message {
        is_error: level == "error",
        code,
        text,
        location,
        source_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_classed_by_its_masked_message_and_keeps_the_pointer() {
        let stderr = "api/x.json: warning: /paths/~1a (line 3): `not` is ignored\n\
            api/x.json: cannot generate a client:\n\
            error: /components/securitySchemes/oauth (line 12): relative URL without a base: `/oauth/authorize`\n  help: fix it\n";
        let v = generation(Exit::Code(1), stderr);
        assert_eq!(v.outcome, GenOutcome::Refused);
        assert_eq!(v.class.as_deref(), Some("relative URL without a base: `_`"));
        assert_eq!(v.warnings, 1);
        assert!(v
            .first_diagnostic
            .unwrap()
            .starts_with("error: /components/securitySchemes/oauth (line 12)"));
    }

    #[test]
    fn two_specs_with_the_same_defect_share_a_class() {
        let a = generation(
            Exit::Code(1),
            "error: /info: does not match the OpenAPI schema: missing field `version` at line 3 column 9\n",
        );
        let b = generation(
            Exit::Code(1),
            "error: /info (line 40): does not match the OpenAPI schema: missing field `title` at line 41 column 2\n",
        );
        assert_eq!(a.class, b.class);
        assert_eq!(
            a.class.as_deref(),
            Some("does not match the OpenAPI schema: missing field `_` at line N column N")
        );
    }

    #[test]
    fn panics_timeouts_and_memory_exhaustion_are_told_apart() {
        let panic = generation(
            Exit::Code(101),
            "\nthread 'main' panicked at generator/src/ir/schema.rs:10:5:\nindex out of bounds: the len is 3 but the index is 7\nnote: run with RUST_BACKTRACE=1\n",
        );
        assert_eq!(panic.outcome, GenOutcome::Panicked);
        assert_eq!(
            panic.class.as_deref(),
            Some("index out of bounds: the len is N but the index is N")
        );
        assert!(panic.first_diagnostic.unwrap().contains("schema.rs:10:5"));

        let oom = generation(
            Exit::Signal(6),
            "memory allocation of 4294967296 bytes failed\n",
        );
        assert_eq!(oom.outcome, GenOutcome::OutOfMemory);
        assert_eq!(generation(Exit::TimedOut, "").outcome, GenOutcome::Timeout);
        let crash = generation(Exit::Signal(11), "");
        assert_eq!(crash.outcome, GenOutcome::Crashed);
        assert_eq!(crash.class.as_deref(), Some("signal 11"));
    }

    #[test]
    fn a_success_counts_its_warnings() {
        let v = generation(
            Exit::Code(0),
            "s.json: warning: /a (line 1): x\ns.json: warning: /b: y\ns.json: warning: /c: x\ngenerated c (1 operations, 0 types) in d\n",
        );
        assert_eq!(v.outcome, GenOutcome::Generated);
        assert_eq!(v.warnings, 3);
        assert_eq!(v.warning_classes, ["x", "y"]);
        assert_eq!(
            v.first_diagnostic.as_deref(),
            Some("s.json: warning: /a (line 1): x")
        );
    }

    #[test]
    fn mask_hides_names_and_numbers_but_not_words() {
        assert_eq!(
            mask("expected `i64`, found `&Vec<String>` in 2 places"),
            "expected `_`, found `_` in N places"
        );
        assert_eq!(mask("unmatched ` stays"), "unmatched ` stays");
        assert_eq!(mask(&"x".repeat(300)).len(), 143);
    }

    fn compiler_message(level: &str, code: Option<&str>, text: &str) -> String {
        serde_json::json!({
            "reason": "compiler-message",
            "message": {
                "level": level,
                "message": text,
                "code": code.map(|c| serde_json::json!({"code": c})),
                "spans": [{
                    "is_primary": true,
                    "file_name": "src/operations.rs",
                    "line_start": 7,
                    "text": [{"text": "    use crate::runtime::RequestBody;"}]
                }]
            }
        })
        .to_string()
    }

    #[test]
    fn a_denied_lint_is_a_warning_and_an_e_code_is_a_compile_error() {
        let summary = r#"{"reason":"compiler-message","message":{"level":"error","message":"aborting due to 1 previous error","code":null,"spans":[]}}"#;
        let lint = compiler_message(
            "error",
            Some("unused_imports"),
            "unused import: `RequestBody`",
        );
        let v = check(false, &format!("{lint}\n{summary}\n"), "");
        assert_eq!(v.outcome, CheckOutcome::Warnings);
        assert_eq!(
            v.class.as_deref(),
            Some("unused_imports: unused import: `_`")
        );
        assert_eq!(v.location.as_deref(), Some("src/operations.rs:7"));
        assert_eq!(
            v.source_line.as_deref(),
            Some("use crate::runtime::RequestBody;")
        );

        let hard = compiler_message("error", Some("E0308"), "mismatched types");
        let v = check(false, &format!("{lint}\n{hard}\n{lint}\n{summary}\n"), "");
        assert_eq!(v.outcome, CheckOutcome::CompileError);
        assert_eq!(v.class.as_deref(), Some("E0308: mismatched types"));
        assert_eq!(
            v.all_classes,
            [
                "unused_imports: unused import: `_`",
                "E0308: mismatched types"
            ]
        );

        let uncoded = compiler_message("error", None, "expected identifier, found keyword `Self`");
        let v = check(false, &uncoded, "");
        assert_eq!(v.outcome, CheckOutcome::CompileError);
    }

    #[test]
    fn cargo_failures_and_clean_checks() {
        let v = check(
            false,
            r#"{"reason":"build-finished","success":false}"#,
            "    Updating crates.io index\nerror: failed to select a version for `uuid`\n",
        );
        assert_eq!(v.outcome, CheckOutcome::CargoFailed);
        assert_eq!(
            v.first_diagnostic.as_deref(),
            Some("error: failed to select a version for `uuid`")
        );
        let v = check(true, r#"{"reason":"build-finished","success":true}"#, "");
        assert_eq!(v.outcome, CheckOutcome::Compiles);
        assert_eq!(v.class, None);
    }
}

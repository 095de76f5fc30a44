//! The `use` lines of a generated file, written after its items so that a file imports exactly
//! what it uses: an unused import is a compiler warning in the user's build, and hiding it behind
//! `#[allow(unused_imports)]` would hide real mistakes too.

use super::Gate;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// What a file may import; [`Imports::render`] keeps what the file's text uses.
#[derive(Debug, Default)]
pub(crate) struct Imports {
    entries: Vec<Import>,
    /// Each importable name and the units ([`Usage`]) it makes used; built on first use.
    units_by_name: std::sync::OnceLock<FxHashMap<String, Vec<u32>>>,
}

#[derive(Debug)]
enum Import {
    /// `use path::{names};`, each name kept if used.
    Names(&'static str, Vec<String>),
    /// `use path::*;`, kept if any of `provides` is used.
    Glob(&'static str, HashSet<String>),
}

impl Imports {
    pub fn names(mut self, path: &'static str, names: &[&str]) -> Self {
        let names = names.iter().map(|n| (*n).to_owned()).collect();
        self.entries.push(Import::Names(path, names));
        self
    }

    pub fn glob(mut self, path: &'static str, provides: impl IntoIterator<Item = String>) -> Self {
        self.entries
            .push(Import::Glob(path, provides.into_iter().collect()));
        self
    }

    /// Which of the names this file may import `text` (one part) uses: its bare identifiers
    /// ([`for_each_identifier`]) looked up among each `names` entry's names and each `glob`
    /// entry's `provides`. Taken on the thread that printed the part, so that only this small
    /// list, not every identifier of a 2-million-line file, is kept until the file is joined.
    pub fn usage(&self, text: &str) -> Usage {
        let units_by_name = self.units_by_name.get_or_init(|| self.units_by_name());
        let mut used = Vec::new();
        for_each_identifier(text, |id| {
            if let Some(units) = units_by_name.get(id) {
                used.extend_from_slice(units);
            }
        });
        used.sort_unstable();
        used.dedup();
        Usage(used)
    }

    /// Looked up for every identifier of every part (Stripe: 9 % of a run's instructions with
    /// SipHash), so with the Fx hash.
    fn units_by_name(&self) -> FxHashMap<String, Vec<u32>> {
        let mut by_name: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut unit = 0u32;
        for entry in &self.entries {
            match entry {
                Import::Names(_, names) => {
                    for name in names {
                        by_name.entry(name.clone()).or_default().push(unit);
                        unit += 1;
                    }
                }
                Import::Glob(_, provides) => {
                    for name in provides {
                        by_name.entry(name.clone()).or_default().push(unit);
                    }
                    unit += 1;
                }
            }
        }
        by_name
    }

    /// The `use` lines for what the parts use: each part's [`Usage`] and the gate it is
    /// compiled under. A name is imported under the union of the gates of the parts using it
    /// (with group features off, an import only their parts use would be unused), one line per
    /// path and gate, in declaration order, formatted as prettyplease formats the rest of the
    /// file.
    pub fn render(&self, parts: &[(&Usage, &Gate)]) -> String {
        let text = self.unformatted(parts);
        match syn::parse_file(&text) {
            Ok(file) if !text.is_empty() => prettyplease::unparse(&file),
            _ => text,
        }
    }

    fn unformatted(&self, parts: &[(&Usage, &Gate)]) -> String {
        // Each importable name's gate, widened part by part: one pass over what the parts use
        // (a pass over the parts per name was names x parts, 1.5 s on Graph beta's 22,000
        // operations and 13,000 models).
        let units = self
            .entries
            .iter()
            .map(|entry| match entry {
                Import::Names(_, names) => names.len(),
                Import::Glob(..) => 1,
            })
            .sum();
        let mut gates: Vec<Option<Gate>> = vec![None; units];
        for (usage, gate) in parts {
            for &unit in &usage.0 {
                match &mut gates[unit as usize] {
                    Some(acc) => _ = acc.widen(gate),
                    slot => *slot = Some((*gate).clone()),
                }
            }
        }
        let mut gates = gates.into_iter();
        let mut out = String::new();
        for entry in &self.entries {
            match entry {
                Import::Names(path, names) => {
                    let mut by_gate: BTreeMap<Gate, BTreeSet<&str>> = BTreeMap::new();
                    for (name, gate) in names.iter().zip(gates.by_ref()) {
                        if let Some(gate) = gate {
                            by_gate.entry(gate).or_default().insert(name);
                        }
                    }
                    for (gate, kept) in by_gate {
                        let kept: Vec<&str> = kept.into_iter().collect();
                        let list = match kept.as_slice() {
                            [one] => (*one).to_owned(),
                            _ => format!("{{{}}}", kept.join(", ")),
                        };
                        out.push_str(&format!("{}use {path}::{list};\n", gate.attr_text()));
                    }
                }
                Import::Glob(path, _) => {
                    if let Some(gate) = gates.next().flatten() {
                        out.push_str(&format!("{}use {path}::*;\n", gate.attr_text()));
                    }
                }
            }
        }
        out
    }
}

/// The importable names (in [`Imports`]' order, `names` entries name by name, a `glob` entry as
/// one) a part uses, ascending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Usage(Vec<u32>);

/// The identifiers of Rust source `text` that stand bare, as a set.
#[cfg(test)]
fn identifiers(text: &str) -> HashSet<&str> {
    let mut out = HashSet::new();
    for_each_identifier(text, |id| {
        out.insert(id);
    });
    out
}

/// Calls `f` with each identifier of Rust source `text` that stands bare, that is what an import
/// would serve: outside comments and string and character literals, and not after `::` (in
/// `crate::runtime::Validate` only `crate` is bare; `Validate::validate` uses `Validate`).
fn for_each_identifier<'t>(text: &'t str, mut f: impl FnMut(&'t str)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            b'"' => i = skip_string(bytes, i + 1),
            b'r' if raw_string_start(bytes, i).is_some() => {
                let hashes = raw_string_start(bytes, i).unwrap_or(0);
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                i = text[body..]
                    .find(&close)
                    .map_or(bytes.len(), |n| body + n + close.len());
            }
            b'b' if bytes.get(i + 1) == Some(&b'"') => i = skip_string(bytes, i + 2),
            b'\'' => {
                // A char literal ('a', '\n', '\'') or a lifetime ('a, '_): skip only the former.
                let end = if bytes.get(i + 1) == Some(&b'\\') {
                    text[i + 3..].find('\'').map(|n| i + 3 + n)
                } else {
                    let next = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (bytes.get(i + 1 + next) == Some(&b'\'')).then_some(i + 1 + next)
                };
                i = match end {
                    Some(e) => e + 1,
                    // A lifetime's name is not an identifier an import could serve.
                    None => {
                        let name = &bytes[i + 1..];
                        i + 1
                            + name
                                .iter()
                                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                                .count()
                    }
                };
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                i += identifier_len(&bytes[i..]);
                if !after_path_separator(&bytes[..start]) {
                    f(&text[start..i]);
                }
            }
            // Digits with suffixes (`200u16`) are not identifiers.
            c if c.is_ascii_digit() => i += identifier_len(&bytes[i..]),
            // Indentation is a large share of the text: a run of spaces in one step.
            b' ' => i += bytes[i..].iter().take_while(|b| **b == b' ').count(),
            _ => i += 1,
        }
    }
}

/// The length of the identifier (or number) `bytes` starts with.
fn identifier_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(bytes.len())
}

/// Whether `before` ends with `::` and optional whitespace (the next identifier is a path's
/// tail, not a bare name).
fn after_path_separator(before: &[u8]) -> bool {
    let end = before
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    before[..end].ends_with(b"::")
}

/// The index after the closing quote of a string whose body starts at `i`.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `Some(number of #)` when a raw string (`r"`, `r#"`, ...) starts at `i`.
fn raw_string_start(bytes: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
        return None;
    }
    let hashes = bytes[i + 1..].iter().take_while(|b| **b == b'#').count();
    (bytes.get(i + 1 + hashes) == Some(&b'"')).then_some(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_skip_comments_strings_and_chars() {
        let text = r##"
            /// Uses `Nullable` in prose only.
            fn f<'a>(x: &'a Validate) -> BTreeMap { let s = "RequestBody"; let r = r#"Call"#; let c = 'x'; let e = '\''; 200u16 }
            fn g() { crate::runtime::Outcome::new(); Call :: new(); }
            /* Outcome */ // RawResponse
        "##;
        let ids = identifiers(text);
        for used in [
            "f", "x", "Validate", "BTreeMap", "s", "r", "c", "e", "crate", "Call",
        ] {
            assert!(ids.contains(used), "{used} missing from {ids:?}");
        }
        for unused in [
            "Nullable",
            "RequestBody",
            "Outcome",
            "RawResponse",
            "u16",
            "a",
            "runtime",
            "new",
        ] {
            assert!(!ids.contains(unused), "{unused} wrongly found");
        }
    }

    #[test]
    fn only_used_imports_are_written() {
        let imports = Imports::default()
            .names(
                "crate::runtime",
                &["Validate", "Nullable", "InvalidRequest"],
            )
            .names("serde", &["Serialize"])
            .glob("crate::models", ["Link".to_owned(), "Other".to_owned()]);
        let used = imports.usage("fn f(l: Link) -> Result<(), InvalidRequest> { Validate }");
        assert_eq!(
            imports.render(&[(&used, &Gate::Always)]),
            "use crate::runtime::{InvalidRequest, Validate};\nuse crate::models::*;\n"
        );
        let unused = imports.usage("// Link, Validate\nfn f() {}");
        assert_eq!(imports.render(&[(&unused, &Gate::Always)]), "");
    }

    #[test]
    fn an_import_gets_the_gates_of_the_parts_using_it() {
        let imports = Imports::default()
            .names("crate::runtime", &["Validate", "Nullable", "Call"])
            .glob("crate::models", ["Link".to_owned()]);
        let repos = Gate::Any(["repos".to_owned()].into());
        let users = Gate::Any(["users".to_owned()].into());
        let usages = [
            imports.usage("Validate Call"),
            imports.usage("Validate Link"),
            imports.usage("Call"),
        ];
        let parts = [
            (&usages[0], &repos),
            (&usages[1], &users),
            (&usages[2], &Gate::Always),
        ];
        assert_eq!(
            imports.render(&parts),
            "use crate::runtime::Call;\n#[cfg(any(feature = \"repos\", feature = \"users\"))]\nuse crate::runtime::Validate;\n#[cfg(feature = \"users\")]\nuse crate::models::*;\n"
        );
    }
}

//! The `use` lines of a generated file, written after its items so that a file imports exactly
//! what it uses: an unused import is a compiler warning in the user's build, and hiding it behind
//! `#[allow(unused_imports)]` would hide real mistakes too.

use std::collections::{BTreeSet, HashSet};

/// What a file may import; [`Imports::render`] keeps what the file's text uses.
#[derive(Debug, Default)]
pub(crate) struct Imports {
    entries: Vec<Import>,
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

    /// The `use` lines for the identifiers `used`, one per path, in declaration order, formatted
    /// as prettyplease formats the rest of the file.
    pub fn render(&self, used: &HashSet<&str>) -> String {
        let text = self.unformatted(used);
        match syn::parse_file(&text) {
            Ok(file) if !text.is_empty() => prettyplease::unparse(&file),
            _ => text,
        }
    }

    fn unformatted(&self, used: &HashSet<&str>) -> String {
        let mut out = String::new();
        for entry in &self.entries {
            match entry {
                Import::Names(path, names) => {
                    let kept: BTreeSet<&str> = names
                        .iter()
                        .map(String::as_str)
                        .filter(|n| used.contains(n))
                        .collect();
                    match kept.len() {
                        0 => {}
                        1 => {
                            out.push_str(&format!("use {path}::{};\n", kept.first().unwrap_or(&"")))
                        }
                        _ => out.push_str(&format!(
                            "use {path}::{{{}}};\n",
                            kept.into_iter().collect::<Vec<_>>().join(", ")
                        )),
                    }
                }
                Import::Glob(path, provides) => {
                    if provides.iter().any(|n| used.contains(n.as_str())) {
                        out.push_str(&format!("use {path}::*;\n"));
                    }
                }
            }
        }
        out
    }
}

/// The identifiers of Rust source `text` that stand bare, that is what an import would serve:
/// outside comments and string and character literals, and not after `::` (in
/// `crate::runtime::Validate` only `crate` is bare; `Validate::validate` uses `Validate`).
pub(crate) fn identifiers(text: &str) -> HashSet<&str> {
    let bytes = text.as_bytes();
    let mut out = HashSet::new();
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
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let before = text[..start].trim_end();
                if !before.ends_with("::") {
                    out.insert(&text[start..i]);
                }
            }
            // Digits with suffixes (`200u16`) are not identifiers.
            c if c.is_ascii_digit() => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
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
        let used: HashSet<&str> = ["Validate", "InvalidRequest", "Link"].into_iter().collect();
        assert_eq!(
            imports.render(&used),
            "use crate::runtime::{InvalidRequest, Validate};\nuse crate::models::*;\n"
        );
        assert_eq!(imports.render(&HashSet::new()), "");
    }
}

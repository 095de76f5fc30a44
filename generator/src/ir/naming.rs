//! Rust names for spec names: case conversion (heck), keyword escaping, and collision-free
//! allocation within one namespace.

use heck::{ToPascalCase, ToSnakeCase};
use rustc_hash::{FxHashMap, FxHashSet};

/// Strict and reserved keywords of Rust 2021, plus names that would shadow what generated code uses.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Type names the generated crate itself defines or imports; a schema with one of these names gets a suffix.
const RESERVED_TYPES: &[&str] = &[
    "Client",
    "ClientBuilder",
    "Error",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Call",
    "Response",
    "Nullable",
    "Value",
    "BTreeMap",
    "HashMap",
    "ApiError",
    "ApiKey",
    "Self",
    "Default",
    "Serialize",
    "Deserialize",
    "Validate",
    "InvalidRequest",
    "RequestOptions",
    "Outcome",
    "RawResponse",
    "BuildError",
    "RetryPolicy",
    "UnexpectedResponse",
    "RequestBody",
    "RequestParts",
];

/// Spells out punctuation so enum values such as `"."`, `"-"` or `"+1"` still get readable names.
fn spell_symbols(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let word = match c {
            '.' => " dot ",
            '-' if s.len() == 1 => " minus ",
            '+' => " plus ",
            '*' => " star ",
            '/' if s.len() == 1 => " slash ",
            '#' => " hash ",
            '@' => " at ",
            '%' => " percent ",
            '&' => " and ",
            '=' => " eq ",
            '<' => " lt ",
            '>' => " gt ",
            '!' => " not ",
            '?' => " question ",
            '~' => " tilde ",
            '$' => " dollar ",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(word);
    }
    out
}

fn ascii_ident(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect()
}

/// Each spelling's converted name, per thread: a large spec converts the same few thousand
/// property and schema names hundreds of thousands of times (GitHub's spec: about 5 % of a run in
/// case conversion).
struct Converted {
    pascal: FxHashMap<String, String>,
    snake: FxHashMap<String, String>,
}

thread_local! {
    static CONVERTED: std::cell::RefCell<Converted> = std::cell::RefCell::new(Converted {
        pascal: FxHashMap::default(),
        snake: FxHashMap::default(),
    });
}

/// `convert(raw)`, from the thread's memo of `which` when it was asked before.
fn memoized(
    raw: &str,
    which: fn(&mut Converted) -> &mut FxHashMap<String, String>,
    convert: fn(&str) -> String,
) -> String {
    CONVERTED.with(|memo| {
        if let Some(name) = which(&mut memo.borrow_mut()).get(raw) {
            return name.clone();
        }
        let name = convert(raw);
        which(&mut memo.borrow_mut()).insert(raw.to_owned(), name.clone());
        name
    })
}

/// `UpperCamelCase` name for a type or variant. Never empty, never starts with a digit.
pub fn pascal(raw: &str) -> String {
    memoized(raw, |memo| &mut memo.pascal, convert_pascal)
}

fn convert_pascal(raw: &str) -> String {
    let mut s = ascii_ident(&spell_symbols(raw)).to_pascal_case();
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    // The one PascalCase keyword, and it cannot be a raw identifier either.
    if s == "Self" {
        s.push_str("Value");
    }
    s
}

/// A type name: PascalCase, not a keyword or a name the generated crate reserves.
pub fn type_name(raw: &str) -> String {
    let s = pascal(raw);
    if RESERVED_TYPES.contains(&s.as_str()) {
        format!("{s}Model")
    } else {
        s
    }
}

/// `snake_case` name for a field, parameter or method; keywords get a trailing underscore.
pub fn snake(raw: &str) -> String {
    memoized(raw, |memo| &mut memo.snake, convert_snake)
}

fn convert_snake(raw: &str) -> String {
    // heck splits `linkURL` into `link_url`, `IPv4` into `i_pv4`; both acceptable and stable.
    let mut s = ascii_ident(&spell_symbols(raw)).to_snake_case();
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if KEYWORDS.contains(&s.as_str()) || s == "_" {
        s.push('_');
    }
    s
}

/// Naive English singular, used only to build type-name prefixes (`links.update` -> `UpdateLink`).
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses")
        || word.ends_with("xes")
        || word.ends_with("ches")
        || word.ends_with("shes")
    {
        word[..word.len() - 2].to_owned()
    } else if word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && word.len() > 3
    {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// A set of names in use; `claim` hands out the first free candidate, or the last one with the
/// smallest free numeric suffix (2, 3, ...).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: FxHashSet<String>,
    /// Per base name, a suffix below which every numbered name is taken, so that numbering the
    /// thousandth `Item` does not try the 998 before it again (Microsoft Graph has that many).
    next_suffix: FxHashMap<String, u32>,
}

impl Namespace {
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Frees `name`; a numbered name freed makes its number the next one handed out again.
    pub fn release(&mut self, name: &str) {
        if !self.taken.remove(name) {
            return;
        }
        // `Item23` may be `Item` + 23 or `Item2` + 3: every reading lowers its base's hint.
        let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        for split in name.len() - digits..name.len() {
            let (base, number) = name.split_at(split);
            if number.starts_with('0') {
                continue;
            }
            if let (Ok(n), Some(hint)) = (number.parse::<u32>(), self.next_suffix.get_mut(base)) {
                *hint = (*hint).min(n);
            }
        }
    }

    pub fn claim<'a>(&mut self, candidates: impl IntoIterator<Item = &'a str>) -> String {
        let mut last = None;
        for c in candidates {
            if !self.taken.contains(c) {
                self.taken.insert(c.to_owned());
                return c.to_owned();
            }
            last = Some(c);
        }
        let base = last.unwrap_or("Unnamed");
        let mut n = self.next_suffix.get(base).copied().unwrap_or(2).max(2);
        loop {
            let candidate = format!("{base}{n}");
            if !self.taken.contains(&candidate) {
                self.taken.insert(candidate.clone());
                self.next_suffix.insert(base.to_owned(), n + 1);
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names_reuse_the_smallest_free_number() {
        let mut names = Namespace::default();
        let item = |names: &mut Namespace| names.claim(["Item"]);
        assert_eq!(item(&mut names), "Item");
        assert_eq!(item(&mut names), "Item2");
        assert_eq!(item(&mut names), "Item3");
        assert_eq!(item(&mut names), "Item4");
        names.release("Item3");
        assert_eq!(item(&mut names), "Item3");
        assert_eq!(item(&mut names), "Item5");
        // `Item23` read as `Item2` + 3 frees that number of the base `Item2` too.
        assert_eq!(names.claim(["Item2"]), "Item22");
        assert_eq!(names.claim(["Item2"]), "Item23");
        assert_eq!(names.claim(["Item2"]), "Item24");
        names.release("Item23");
        assert_eq!(names.claim(["Item2"]), "Item23");
        names.reserve("Item6");
        assert_eq!(item(&mut names), "Item7");
    }

    #[test]
    fn odd_enum_values_get_distinct_names() {
        assert_eq!(pascal("."), "Dot");
        assert_eq!(pascal("X"), "X");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("1xx"), "V1xx");
        assert_eq!(pascal("jira_service_management"), "JiraServiceManagement");
        assert_eq!(pascal("self"), "SelfValue");
        assert_eq!(type_name("Self"), "SelfValue");
    }

    #[test]
    fn keywords_and_digits_are_escaped() {
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("linkURL"), "link_url");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(type_name("Error"), "ErrorModel");
    }

    #[test]
    fn claim_suffixes_collisions() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim(["A"]), "A");
        assert_eq!(ns.claim(["A"]), "A2");
        assert_eq!(ns.claim(["A", "B"]), "B");
    }

    #[test]
    fn singular_forms() {
        assert_eq!(singular("links"), "link");
        assert_eq!(singular("policies"), "policy");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("me"), "me");
    }
}

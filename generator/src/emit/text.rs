//! Writing items straight as text, in exactly the layout prettyplease gives their tokens, for the
//! repetitive items of large APIs (see `render`). A writer only writes layouts it knows: any line
//! that prettyplease might break (longer than [`UNBROKEN`] columns) makes it decline, and the
//! item goes the token way.

use crate::ir::{FloatWidth, IntKind, TypeRef};

/// prettyplease breaks a line only past its margin (89 columns, minus the closing delimiters
/// that follow a group): a line of at most this many columns comes out as one line.
pub(crate) const UNBROKEN: usize = 80;

/// prettyplease's margin: a group (a call's arguments, a signature's parameters, a type's
/// generic arguments) is broken when the text from its opening to the next place the line could
/// break, usually the end of the line, goes past this column.
pub(crate) const MARGIN: usize = 89;

/// Whether a line of `parts` at `indent` columns stays within [`MARGIN`]: where the layouts of
/// `mock_text` know the rule exactly, they use this rather than [`ItemText::line`]'s margin of
/// safety.
pub(crate) fn fits(indent: usize, parts: &[&str]) -> bool {
    indent + parts.iter().map(|p| p.len()).sum::<usize>() <= MARGIN
}

/// One top-level item being written.
#[derive(Default)]
pub(crate) struct ItemText {
    out: String,
    /// A line was too long to be sure of prettyplease's layout.
    declined: bool,
}

impl ItemText {
    /// A line of `parts` at `indent` columns. Its width is checked: doc lines and string
    /// literals alone on a line are never broken, so they go through [`ItemText::verbatim`].
    pub fn line(&mut self, indent: usize, parts: &[&str]) {
        let width = indent + parts.iter().map(|p| p.len()).sum::<usize>();
        self.declined |= width > UNBROKEN;
        self.verbatim(indent, parts);
    }

    /// A line prettyplease prints as it is, whatever its width.
    pub fn verbatim(&mut self, indent: usize, parts: &[&str]) {
        self.out.extend(std::iter::repeat_n(' ', indent));
        for part in parts {
            self.out.push_str(part);
        }
        self.out.push('\n');
    }

    /// `///` lines for doc text as [`super::doc_lines`] gives it.
    pub fn docs(&mut self, indent: usize, lines: &[String]) {
        for line in lines {
            // prettyplease writes `#[doc = ...]` for these; `doc_lines` never makes them.
            self.declined |= line.contains('\n') || line.starts_with('/');
            self.verbatim(indent, &["///", line]);
        }
    }

    /// Appends lines written apart (a nested block, written before its header is known).
    pub fn append(&mut self, other: ItemText) {
        self.out.push_str(&other.out);
        self.declined |= other.declined;
    }

    /// `Self { .. }` with `inits` as a constructor's body (at 8 columns), closing the function.
    pub fn constructor_body(&mut self, inits: &[String]) -> Option<()> {
        self.struct_literal(8, "Self", inits)?;
        self.verbatim(4, &["}"]);
        Some(())
    }

    /// `path { .. }` with `inits` (`name: value` each), alone on its line at `indent` (a
    /// function's value): on one line while it is at most 34 columns wide without its closing
    /// brace (prettyplease's `end_with_max_width` for struct literals), else one field per line,
    /// each as [`field_init_lines`] lays it out.
    pub fn struct_literal(&mut self, indent: usize, path: &str, inits: &[String]) -> Option<()> {
        let literal = format!("{path} {{ {} }}", inits.join(", "));
        if inits.is_empty() {
            self.verbatim(indent, &[path, " {}"]);
        } else if literal.len() - 1 <= 34 {
            self.verbatim(indent, &[&literal]);
        } else {
            self.verbatim(indent, &[path, " {"]);
            for (i, init) in inits.iter().enumerate() {
                self.field_init_lines(indent + 4, init, i + 1 == inits.len())?;
            }
            self.verbatim(indent, &["}"]);
        }
        Some(())
    }

    /// One `name: value,` of a struct literal broken one field a line. Past the margin (which
    /// counts the comma, except the last field's, a break token's) prettyplease breaks the
    /// value where it can: a call's one argument goes on a line of its own (`Box::new(\n
    /// X::example(),\n)`), the method of `receiver.method()` too (`"id"\n    .to_owned()`); a
    /// value with no place to break (a path, `Vec::new()`) stays as it is. `None` for other
    /// values (nested calls with arguments).
    fn field_init_lines(&mut self, indent: usize, init: &str, last: bool) -> Option<()> {
        let counted = if last { 0 } else { 1 };
        if indent + init.len() + counted <= MARGIN {
            self.verbatim(indent, &[init, ","]);
            return Some(());
        }
        let has_arguments = |text: &str| {
            text.match_indices('(')
                .any(|(at, _)| !text[at + 1..].starts_with(')'))
        };
        let (name, value) = init.split_once(": ")?;
        if has_arguments(value) {
            let (callee, argument) = value.strip_suffix(')')?.split_once('(')?;
            if callee.contains('.') || has_arguments(argument) {
                return None;
            }
            self.verbatim(indent, &[name, ": ", callee, "("]);
            self.verbatim(indent + 4, &[argument, ","]);
            self.verbatim(indent, &["),"]);
            return Some(());
        }
        match value.rfind('.') {
            Some(dot) if value.ends_with("()") && !value[..dot].contains('(') => {
                self.verbatim(indent, &[name, ": ", &value[..dot]]);
                self.verbatim(indent + 4, &[&value[dot..], ","]);
            }
            _ => self.verbatim(indent, &[init, ","]),
        }
        Some(())
    }

    /// Lines laid out by `layout`, the first starting at `indent` columns (see `layout`).
    pub fn laid_out(&mut self, layout: super::layout::Layout, indent: usize) {
        match layout.print(indent) {
            Some(text) => self.out.push_str(&text),
            None => self.declined = true,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    pub fn finish(self) -> Option<String> {
        (!self.declined).then_some(self.out)
    }
}

/// A string literal as quote writes it (and prettyplease prints it back).
pub(crate) fn str_lit(s: &str) -> String {
    proc_macro2::Literal::string(s).to_string()
}

/// [`super::types::rust_type`] as printed text; `None` for a user's type override (a path that
/// prettyplease would normalise).
pub(crate) fn type_text(ty: &TypeRef) -> Option<String> {
    let mut out = String::new();
    write_type(ty, &mut out).then_some(out)
}

fn write_type(ty: &TypeRef, out: &mut String) -> bool {
    let simple = match ty {
        TypeRef::Named(name) => {
            if name.contains("::") || name.contains('<') {
                return false;
            }
            name.as_str()
        }
        TypeRef::String => "String",
        TypeRef::Bool => "bool",
        TypeRef::Int(k) => match k {
            IntKind::I8 => "i8",
            IntKind::I16 => "i16",
            IntKind::I32 => "i32",
            IntKind::I64 => "i64",
            IntKind::U8 => "u8",
            IntKind::U16 => "u16",
            IntKind::U32 => "u32",
            IntKind::U64 => "u64",
        },
        TypeRef::Float(FloatWidth::F32) => "f32",
        TypeRef::Float(FloatWidth::F64) => "f64",
        TypeRef::DateTime => "::chrono::DateTime<::chrono::Utc>",
        TypeRef::Date => "::chrono::NaiveDate",
        TypeRef::Uuid => "::uuid::Uuid",
        TypeRef::Bytes => "Vec<u8>",
        // A struct holding uploads derives neither serde nor `PartialEq`: `models` writes it.
        TypeRef::Upload => return false,
        TypeRef::Any => "::serde_json::Value",
        TypeRef::Array(inner) => return wrapped("Vec<", inner, out),
        TypeRef::Map(inner) => return wrapped("BTreeMap<String, ", inner, out),
        TypeRef::Option(inner) => return wrapped("Option<", inner, out),
    };
    out.push_str(simple);
    true
}

fn wrapped(open: &str, inner: &TypeRef, out: &mut String) -> bool {
    out.push_str(open);
    let ok = write_type(inner, out);
    out.push('>');
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_decline_and_doc_lines_do_not() {
        let mut item = ItemText::default();
        item.verbatim(0, &["///", &" x".repeat(100)]);
        item.line(4, &["pub a: bool,"]);
        assert!(item.finish().is_some());
        let mut item = ItemText::default();
        item.line(4, &["pub a: ", &"B".repeat(80), ","]);
        assert!(item.finish().is_none());
    }

    #[test]
    fn types_print_as_prettyplease_prints_their_tokens() {
        let ty = TypeRef::Option(Box::new(TypeRef::Map(Box::new(TypeRef::Array(Box::new(
            TypeRef::DateTime,
        ))))));
        let tokens = super::super::types::rust_type(&ty);
        let printed = prettyplease::unparse(&syn::parse_quote!(type T = #tokens;));
        let text = type_text(&ty).unwrap();
        assert_eq!(printed, format!("type T = {text};\n"));
        assert_eq!(type_text(&TypeRef::Named("my::Override".into())), None);
    }
}

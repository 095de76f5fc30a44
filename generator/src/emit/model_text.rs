//! The models' repetitive items written as text (see `render` and `text`): plain structs with
//! their serde macro calls and builders, string enums with their impls, aliases and `Validate`
//! impls, untagged unions, which are most of a large API's models. What this does not write
//! (lines it cannot be sure of, tagged unions) stays tokens.

use super::doc_lines;
use super::features::SERDE_ROUNDTRIP;
use super::layout::{Expr, Layout};
use super::models::{
    emit_builder, enum_reason, needs_validation, serde_field_kind, setter_name, struct_checks,
    validate_impl, Serde,
};
use super::render::Piece;
use super::text::{self, str_lit, type_text, ItemText};
use super::types::TypeIndex;
use crate::ir::{Checks, EnumValue, Field, Struct, TypeDef, TypeKind, TypeRef, Union, Wrapper};
use quote::format_ident;

/// The pieces of a model's part, or `None` when the part goes the token way whole.
pub(super) fn type_pieces(t: &TypeDef, serde: Serde, index: &TypeIndex<'_>) -> Option<Vec<Piece>> {
    match &t.kind {
        TypeKind::Struct(s) => struct_pieces(t, s, serde, index),
        TypeKind::Enum(values) => enum_pieces(t, values),
        TypeKind::Alias(ty) => {
            let mut out = head(t);
            out.line(0, &["pub type ", &t.name, " = ", &type_text(ty)?, ";"]);
            Some(vec![Piece::Item(out.finish()?)])
        }
        TypeKind::Union(u) => union_pieces(t, u, serde, index),
    }
}

/// The type's docs and `#[deprecated]`.
fn head(t: &TypeDef) -> ItemText {
    let mut out = ItemText::default();
    out.docs(0, &doc_lines([t.description.as_deref()]));
    if t.deprecated {
        out.verbatim(0, &["#[deprecated]"]);
    }
    out
}

fn struct_pieces(
    t: &TypeDef,
    s: &Struct,
    serde: Serde,
    index: &TypeIndex<'_>,
) -> Option<Vec<Piece>> {
    let mut out = head(t);
    let all_optional = s.fields.iter().all(|f| f.wrapper() != Wrapper::Plain);
    // The serde impls are macro calls after the struct (`models::serde_impls`).
    let derives = if serde.built && all_optional {
        "#[derive(Debug, Clone, PartialEq, Default)]"
    } else {
        "#[derive(Debug, Clone, PartialEq)]"
    };
    out.verbatim(0, &[derives]);
    out.verbatim(0, &["#[non_exhaustive]"]);
    if s.fields.is_empty() && s.extra.is_none() {
        out.line(0, &["pub struct ", &t.name, " {}"]);
    } else {
        out.line(0, &["pub struct ", &t.name, " {"]);
        for f in &s.fields {
            field(&mut out, f)?;
        }
        if let Some(ty) = &s.extra {
            out.verbatim(
                4,
                &["/// Properties beyond the declared ones (`additionalProperties`)."],
            );
            let ty = format!("BTreeMap<String, {}>", type_text(ty)?);
            field_line(&mut out, "additional_properties", &ty);
        }
        out.verbatim(0, &["}"]);
    }
    let name = format_ident!("{}", t.name);
    let mut pieces = vec![Piece::Item(out.finish()?)];
    pieces.extend(serde_texts(&t.name, s, serde)?);
    if serde.built {
        pieces.push(match builder_text(&t.name, s) {
            Some(text) => Piece::Item(text),
            None => Piece::Tokens(emit_builder(&name, s)),
        });
    }
    let empty_impl = format!("impl Validate for {} {{}}", t.name);
    pieces.push(match validate_text(t, s, index) {
        Some(text) if text.is_empty() && empty_impl.len() <= 80 => Piece::Item(empty_impl + "\n"),
        Some(text) if !text.is_empty() => Piece::Item(text),
        _ => Piece::Tokens(validate_impl(&name, struct_checks(s, index))),
    });
    Some(pieces)
}

/// `models::serde_impls` as text: the two macro calls, each after its `cfg` when only
/// `serde-roundtrip` needs it.
fn serde_texts(name: &str, s: &Struct, serde: Serde) -> Option<[Piece; 2]> {
    // The macros' argument as prettyplease spaces its tokens: `Name { kind field = "json", ... }`.
    let mut words: Vec<String> = Vec::with_capacity(4 * s.fields.len() + 5);
    words.push(name.to_owned());
    if s.fields.is_empty() {
        words.push("{}".into());
    } else {
        words.push("{".into());
        for (i, f) in s.fields.iter().enumerate() {
            words.push(serde_field_kind(f).into());
            words.push(f.rust_name.clone());
            words.push("=".into());
            let mut json = str_lit(&f.name);
            if i + 1 < s.fields.len() {
                json.push(',');
            }
            words.push(json);
        }
        words.push("}".into());
    }
    if s.extra.is_some() {
        words.push("extra".into());
        words.push("additional_properties".into());
    }
    let call = |path: &str, always: bool| {
        let mut text = if always {
            String::new()
        } else {
            format!("#[cfg(feature = {})]\n", str_lit(SERDE_ROUNDTRIP))
        };
        let mut call = Layout::default();
        call.macro_fill_stmt(path, words.iter().map(String::as_str));
        text.push_str(&call.print(0)?);
        Some(Piece::Item(text))
    };
    Some([
        call(
            "crate::runtime::impl_serialize_struct!",
            serde.serialize().is_some(),
        )?,
        call(
            "crate::runtime::impl_deserialize_struct!",
            serde.deserialize().is_some(),
        )?,
    ])
}

/// An untagged union (`models::emit_union`): the enum serde's derive reads and writes, and its
/// `Validate`. A tagged union's hand-written serde impls go the token way.
fn union_pieces(t: &TypeDef, u: &Union, serde: Serde, index: &TypeIndex<'_>) -> Option<Vec<Piece>> {
    if u.tag.is_some() || u.variants.is_empty() {
        return None;
    }
    let mut out = head(t);
    // `models::Serde::derives`: what only `serde-roundtrip` needs is derived under its `cfg`.
    let roundtrip = |derive: &str| {
        format!(
            "#[cfg_attr(feature = {}, derive(serde::{derive}))]",
            str_lit(SERDE_ROUNDTRIP)
        )
    };
    match (serde.serialize().is_some(), serde.deserialize().is_some()) {
        (true, false) => {
            out.verbatim(0, &["#[derive(Debug, Clone, PartialEq, Serialize)]"]);
            out.verbatim(0, &[&roundtrip("Deserialize")]);
        }
        (false, true) => {
            out.verbatim(0, &["#[derive(Debug, Clone, PartialEq, Deserialize)]"]);
            out.verbatim(0, &[&roundtrip("Serialize")]);
        }
        _ => out.verbatim(
            0,
            &["#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]"],
        ),
    }
    out.verbatim(0, &["#[serde(untagged)]"]);
    out.line(0, &["pub enum ", &t.name, " {"]);
    for v in &u.variants {
        if !v.tag_values.is_empty() {
            out.docs(4, &[format!(" `{}`", v.tag_values.join("`, `"))]);
        }
        let ty = type_text(&v.ty)?;
        line_or(&mut out, 4, &[&v.name, "(", &ty, "),"], |l| {
            l.tuple_variant(&v.name, &ty)
        });
    }
    out.verbatim(0, &["}"]);
    let definition = Piece::Item(out.finish()?);

    let mut out = ItemText::default();
    line_or(&mut out, 0, &["impl Validate for ", &t.name, " {"], |l| {
        l.impl_header(Some("Validate"), &t.name)
    });
    out.verbatim(
        4,
        &["fn validate(&self, path: &str) -> Result<(), InvalidRequest> {"],
    );
    out.verbatim(8, &["match self {"]);
    let mut any = false;
    for v in &u.variants {
        let mut body = ItemText::default();
        check_text(&mut body, 16, "value", &v.ty, &Checks::default(), index);
        if body.is_empty() {
            out.line(12, &["Self::", &v.name, "(_) => {}"]);
        } else {
            any = true;
            out.line(12, &["Self::", &v.name, "(value) => {"]);
            out.append(body);
            out.verbatim(12, &["}"]);
        }
    }
    out.verbatim(8, &["}"]);
    out.verbatim(8, &["Ok(())"]);
    out.verbatim(4, &["}"]);
    out.verbatim(0, &["}"]);
    let validate = if any {
        Piece::Item(out.finish()?)
    } else {
        let empty_impl = format!("impl Validate for {} {{}}", t.name);
        if empty_impl.len() > text::UNBROKEN {
            return None;
        }
        Piece::Item(empty_impl + "\n")
    };
    Some(vec![definition, validate])
}

/// `models::emit_builder` as text: `new` taking the required fields, a setter per optional one.
fn builder_text(name: &str, s: &Struct) -> Option<String> {
    let mut out = ItemText::default();
    line_or(&mut out, 0, &["impl ", name, " {"], |l| {
        l.impl_header(None, name)
    });
    out.verbatim(
        4,
        &["/// A value with the required fields; set optional ones with the methods below."],
    );
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.wrapper() == Wrapper::Plain)
        .collect();
    if required.len() > 7 {
        out.verbatim(4, &["#[allow(clippy::too_many_arguments)]"]);
    }
    let params = required
        .iter()
        .map(|f| {
            Some((
                f.rust_name.as_str(),
                format!("impl Into<{}>", type_text(&f.ty)?),
            ))
        })
        .collect::<Option<Vec<(&str, String)>>>()?;
    let params: Vec<(&str, &str)> = params.iter().map(|(n, t)| (*n, t.as_str())).collect();
    signature(&mut out, "pub fn new", &params);
    let mut inits: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            let n = &f.rust_name;
            match (f.wrapper(), f.boxed) {
                (Wrapper::Plain, false) => format!("{n}: {n}.into()"),
                (Wrapper::Plain, true) => format!("{n}: Box::new({n}.into())"),
                (Wrapper::Option, _) => format!("{n}: None"),
                (Wrapper::Nullable, _) => format!("{n}: Nullable::Absent"),
            }
        })
        .collect();
    if s.extra.is_some() {
        inits.push("additional_properties: BTreeMap::new()".into());
    }
    out.constructor_body(&inits)?;
    for f in s.fields.iter().filter(|f| f.wrapper() != Wrapper::Plain) {
        let setter = setter_name(&f.rust_name).to_string();
        let ty = type_text(&f.ty)?;
        out.docs(4, &[format!(" Sets `{}`.", f.name)]);
        let value = if f.boxed {
            "Box::new(value.into())"
        } else {
            "value.into()"
        };
        let field = &f.rust_name;
        // A nullable field takes `Nullable` itself (to send `null`) unless it is boxed.
        let takes_nullable = f.wrapper() == Wrapper::Nullable && !f.boxed;
        if takes_nullable {
            out.verbatim(4, &["///"]);
            out.verbatim(4, &["/// A value, or `Nullable::Null` to send `null`."]);
        }
        let arg = if takes_nullable {
            format!("Nullable<{ty}>")
        } else {
            ty.clone()
        };
        let head = format!("pub fn {setter}");
        let param = format!("impl Into<{arg}>");
        signature(&mut out, &head, &[("mut self", ""), ("value", &param)]);
        let assign: [&str; 5] = match f.wrapper() {
            _ if takes_nullable => ["self.", field, " = ", "value.into()", ";"],
            Wrapper::Nullable => ["self.", field, " = Nullable::Value(", value, ");"],
            _ => ["self.", field, " = Some(", value, ");"],
        };
        out.line(8, &assign);
        out.verbatim(8, &["self"]);
        out.verbatim(4, &["}"]);
    }
    if let Some(ty) = &s.extra {
        let ty = type_text(ty)?;
        out.verbatim(4, &["/// Sets the properties beyond the declared ones."]);
        let value = format!("BTreeMap<String, {ty}>");
        let head = "pub fn additional_properties";
        signature(&mut out, head, &[("mut self", ""), ("value", &value)]);
        out.verbatim(8, &["self.additional_properties = value;"]);
        out.verbatim(8, &["self"]);
        out.verbatim(4, &["}"]);
    }
    out.verbatim(0, &["}"]);
    out.finish()
}

/// The struct's `Validate` impl as `models::struct_checks` and `validate_impl` write it: "" when
/// no field has anything to check, `None` when declined.
fn validate_text(t: &TypeDef, s: &Struct, index: &TypeIndex<'_>) -> Option<String> {
    let mut out = ItemText::default();
    line_or(&mut out, 0, &["impl Validate for ", &t.name, " {"], |l| {
        l.impl_header(Some("Validate"), &t.name)
    });
    out.verbatim(
        4,
        &["fn validate(&self, path: &str) -> Result<(), InvalidRequest> {"],
    );
    let mut any = false;
    for f in &s.fields {
        let mut body = ItemText::default();
        check_text(&mut body, 12, "value", &f.ty, &f.checks, index);
        if body.is_empty() {
            continue;
        }
        any = true;
        match f.wrapper() {
            Wrapper::Plain => {
                out.verbatim(8, &["{"]);
                out.line(12, &["let value = &self.", &f.rust_name, ";"]);
            }
            Wrapper::Option => if_let_field(&mut out, "Some", &f.rust_name),
            Wrapper::Nullable => {
                if_let_field(&mut out, "crate::runtime::Nullable::Value", &f.rust_name)
            }
        }
        let json = str_lit(&f.name);
        let join = ["let path = &crate::runtime::join_path(path, ", &json, ");"];
        line_or(&mut out, 12, &join, |l| {
            let call = Expr::call(
                "crate::runtime::join_path",
                vec![Expr::word("path"), Expr::word(json.as_str())],
            );
            l.let_stmt("path", &call.reference());
        });
        out.append(body);
        out.verbatim(8, &["}"]);
    }
    if !any {
        return Some(String::new());
    }
    out.verbatim(8, &["Ok(())"]);
    out.verbatim(4, &["}"]);
    out.verbatim(0, &["}"]);
    out.finish()
}

/// `parts` as one line at `indent` when it is short enough for prettyplease to leave it whole
/// (see `text`), else as `lay_out` describes it to `layout`, broken as prettyplease breaks it.
fn line_or(out: &mut ItemText, indent: usize, parts: &[&str], lay_out: impl FnOnce(&mut Layout)) {
    if indent + parts.iter().map(|part| part.len()).sum::<usize>() <= text::UNBROKEN {
        out.verbatim(indent, parts);
    } else {
        let mut layout = Layout::default();
        lay_out(&mut layout);
        out.laid_out(layout, indent);
    }
}

/// `if let pattern(value) = &self.field {` opening a field's checks in `validate`.
fn if_let_field(out: &mut ItemText, pattern: &str, field: &str) {
    let line = ["if let ", pattern, "(value) = &self.", field, " {"];
    line_or(out, 8, &line, |l| {
        let value = Expr::word("self").field(field).reference();
        l.if_let_header(pattern, "value", &value);
    });
}

/// `models::check_value` as text: the statements checking `value` at `indent`.
pub(super) fn check_text(
    out: &mut ItemText,
    indent: usize,
    value: &str,
    ty: &TypeRef,
    checks: &Checks,
    index: &TypeIndex<'_>,
) {
    let usize_lit = |n: u64| proc_macro2::Literal::usize_suffixed(n as usize).to_string();
    for (bound, check, len) in [
        (checks.min_length, "check_min_length", ""),
        (checks.max_length, "check_max_length", ""),
        (checks.min_items, "check_min_items", ".len()"),
        (checks.max_items, "check_max_items", ".len()"),
    ] {
        if let Some(n) = bound {
            out.line(
                indent,
                &[
                    "crate::runtime::",
                    check,
                    "(path, ",
                    value,
                    len,
                    ", ",
                    &usize_lit(n),
                    ")?;",
                ],
            );
        }
    }
    if matches!(ty, TypeRef::Int(_) | TypeRef::Float(_)) {
        for (bound, check) in [
            (checks.minimum, "check_minimum"),
            (checks.maximum, "check_maximum"),
            (checks.exclusive_minimum, "check_exclusive_minimum"),
            (checks.exclusive_maximum, "check_exclusive_maximum"),
        ] {
            if let Some(b) = bound {
                let b = proc_macro2::Literal::f64_suffixed(b).to_string();
                out.line(
                    indent,
                    &[
                        "crate::runtime::",
                        check,
                        "(path, *",
                        value,
                        " as f64, ",
                        &b,
                        ")?;",
                    ],
                );
            }
        }
    }
    match ty {
        TypeRef::Named(n) if index.is_generated(n) && needs_validation(n, index, 0) => {
            out.line(
                indent,
                &["crate::runtime::Validate::validate(", value, ", path)?;"],
            );
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => {
            let inner_checks = checks.inner.as_deref().cloned().unwrap_or_default();
            let mut body = ItemText::default();
            check_text(&mut body, indent + 4, "item", inner, &inner_checks, index);
            if body.is_empty() {
                return;
            }
            if matches!(ty, TypeRef::Map(_)) {
                out.line(indent, &["for (key, item) in ", value, ".iter() {"]);
                out.line(
                    indent + 4,
                    &["let path = &crate::runtime::join_path(path, key);"],
                );
            } else {
                out.line(
                    indent,
                    &["for (i, item) in ", value, ".iter().enumerate() {"],
                );
                out.line(
                    indent + 4,
                    &["let path = &crate::runtime::index_path(path, i);"],
                );
            }
            out.append(body);
            out.verbatim(indent, &["}"]);
        }
        TypeRef::Option(inner) => {
            let mut body = ItemText::default();
            check_text(&mut body, indent + 4, "item", inner, checks, index);
            if !body.is_empty() {
                out.line(indent, &["if let Some(item) = ", value, " {"]);
                out.append(body);
                out.verbatim(indent, &["}"]);
            }
        }
        _ => {}
    }
}

fn field(out: &mut ItemText, f: &Field) -> Option<()> {
    out.docs(4, &doc_lines([f.description.as_deref()]));
    if f.deprecated {
        out.verbatim(4, &["#[deprecated]"]);
    }
    let mut ty = type_text(&f.ty)?;
    if f.boxed {
        ty = format!("Box<{ty}>");
    }
    let (open, close) = match f.wrapper() {
        Wrapper::Plain => ("", ""),
        Wrapper::Option => ("Option<", ">"),
        Wrapper::Nullable => ("Nullable<", ">"),
    };
    field_line(out, &f.rust_name, &[open, &ty, close].concat());
    Some(())
}

/// `pub name: Type,` in a struct, its type's generic arguments broken where it is too long.
fn field_line(out: &mut ItemText, name: &str, ty: &str) {
    line_or(out, 4, &["pub ", name, ": ", ty, ","], |l| {
        l.field(name, ty)
    });
}

/// A builder method's signature up to its opening brace, `head(params) -> Self {`, broken as
/// prettyplease breaks it when it is too long for its line.
fn signature(out: &mut ItemText, head: &str, params: &[(&str, &str)]) {
    let mut one_line = format!("{head}(");
    for (i, (name, ty)) in params.iter().enumerate() {
        if i > 0 {
            one_line.push_str(", ");
        }
        one_line.push_str(name);
        if !ty.is_empty() {
            one_line.push_str(": ");
            one_line.push_str(ty);
        }
    }
    one_line.push_str(") -> Self {");
    line_or(out, 4, &[&one_line], |l| l.signature(head, params, "Self"));
}

/// The enum, its `as_str`, `From<&str>`, `impl_string_enum!` and `Validate`, as
/// `models::emit_enum` writes them: one item each.
fn enum_pieces(t: &TypeDef, values: &[EnumValue]) -> Option<Vec<Piece>> {
    let name = t.name.as_str();
    let literals: Vec<String> = values.iter().map(|v| str_lit(&v.value)).collect();
    let mut out = head(t);
    out.verbatim(
        0,
        &["#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]"],
    );
    out.verbatim(0, &["#[non_exhaustive]"]);
    out.line(0, &["pub enum ", name, " {"]);
    for v in values {
        let head = format!("`{}`", v.value);
        out.docs(
            4,
            &doc_lines([Some(head.as_str()), v.description.as_deref()]),
        );
        out.line(4, &[&v.variant, ","]);
    }
    out.verbatim(
        4,
        &["/// A value this version of the client does not know (servers may add values)."],
    );
    out.verbatim(4, &["Unknown(String),"]);
    out.verbatim(0, &["}"]);
    let definition = out.finish()?;

    let mut out = ItemText::default();
    line_or(&mut out, 0, &["impl ", name, " {"], |l| {
        l.impl_header(None, name)
    });
    out.verbatim(4, &["/// The value as it appears on the wire."]);
    out.verbatim(4, &["pub fn as_str(&self) -> &str {"]);
    out.verbatim(8, &["match self {"]);
    for (v, lit) in values.iter().zip(&literals) {
        let pattern = format!("Self::{}", v.variant);
        line_or(&mut out, 12, &[&pattern, " => ", lit, ","], |l| {
            l.word_arm(&pattern, &Expr::word(lit.as_str()))
        });
    }
    out.verbatim(12, &["Self::Unknown(value) => value,"]);
    out.verbatim(8, &["}"]);
    out.verbatim(4, &["}"]);
    out.verbatim(0, &["}"]);
    let as_str = out.finish()?;

    let mut out = ItemText::default();
    let from = "::std::convert::From<&str>";
    line_or(&mut out, 0, &["impl ", from, " for ", name, " {"], |l| {
        l.impl_header(Some(from), name)
    });
    out.verbatim(4, &["fn from(value: &str) -> Self {"]);
    out.verbatim(8, &["match value {"]);
    for (v, lit) in values.iter().zip(&literals) {
        let variant = format!("Self::{}", v.variant);
        line_or(&mut out, 12, &[lit, " => ", &variant, ","], |l| {
            l.word_arm(lit, &Expr::word(variant.as_str()))
        });
    }
    out.verbatim(12, &["other => Self::Unknown(other.to_owned()),"]);
    out.verbatim(8, &["}"]);
    out.verbatim(4, &["}"]);
    out.verbatim(0, &["}"]);
    let from = out.finish()?;

    let mut out = ItemText::default();
    let path = "crate::runtime::impl_string_enum!";
    line_or(&mut out, 0, &[path, "(", name, ");"], |l| {
        l.macro_stmt(path, name)
    });
    let string_enum = out.finish()?;

    let mut out = ItemText::default();
    line_or(&mut out, 0, &["impl Validate for ", name, " {"], |l| {
        l.impl_header(Some("Validate"), name)
    });
    out.verbatim(
        4,
        &["fn validate(&self, path: &str) -> Result<(), InvalidRequest> {"],
    );
    out.verbatim(8, &["match self {"]);
    // The reason never fits on the arm's line (it is over 50 characters), so prettyplease
    // always breaks the call this way.
    out.verbatim(12, &["Self::Unknown(_) => {"]);
    out.verbatim(16, &["Err("]);
    out.verbatim(20, &["InvalidRequest::new("]);
    out.verbatim(24, &["path,"]);
    let reason = enum_reason(values);
    out.verbatim(24, &[&str_lit(&reason), ","]);
    out.verbatim(20, &["),"]);
    out.verbatim(16, &[")"]);
    out.verbatim(12, &["}"]);
    out.verbatim(12, &["_ => Ok(()),"]);
    out.verbatim(8, &["}"]);
    out.verbatim(4, &["}"]);
    out.verbatim(0, &["}"]);
    let validate = out.finish()?;
    Some(
        [definition, as_str, from, string_enum, validate]
            .into_iter()
            .map(Piece::Item)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model only sent and one only received, in an API with group features: each has one
    /// serde impl behind `serde-roundtrip`. Names long enough to break the macro calls' lines,
    /// JSON names that need escapes, a field, builder signatures, checks, a string enum's items
    /// and a union's variant too long for their lines, and extra properties.
    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: reports, version: '1'}
paths:
  /reports:
    post:
      operationId: reports.create
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/UsageReportRequestWithEveryOptionalSetting'}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/FreeFormReportLabels'}}}}
components:
  schemas:
    UsageReportRequestWithEveryOptionalSetting:
      type: object
      required: [a, identifier_of_the_customer_account_billed]
      properties:
        a: {type: integer}
        identifier_of_the_customer_account_billed: {type: string}
        include_the_cost_breakdown_by_day_region: {type: boolean}
        line_item_description: {type: string}
        'say "hi" \ there': {type: string}
        cost_breakdown: {type: boolean, nullable: true}
        include_the_tax_breakdown: {type: boolean}
        description_of_the_usage_report_line: {type: string, nullable: true, minLength: 1}
    CardNetworkPreferredByTheCustomerWhenSeveralAreAvailable:
      type: string
      enum: [visa, a_value_long_enough_that_its_match_arms_do_not_fit_on_their_lines_at_all]
    MonthlyBillingThresholdsForTheReportingPeriods:
      type: object
      properties: {currency: {type: string, minLength: 3}}
    FreeFormReportLabels:
      type: object
      properties:
        name: {type: string}
        secret_scanning_push_protection_enabled_for_new_repositories_and_forks: {type: boolean}
        network: {$ref: '#/components/schemas/CardNetworkPreferredByTheCustomerWhenSeveralAreAvailable'}
        owner:
          oneOf:
            - {type: string}
            - {$ref: '#/components/schemas/MonthlyBillingThresholdsForTheReportingPeriods'}
      additionalProperties: {type: string}
"#;

    #[test]
    fn serde_calls_and_lines_too_long_are_written_as_text_in_prettyplease_s_layout() {
        let mut config = crate::Config::new("reports");
        config.group_features_from = 1;
        // In debug builds, generating checks every text-written part against prettyplease.
        let generation = crate::generate(SPEC, &config).unwrap();
        let api = &generation.api;
        let index = TypeIndex::new(api);
        for t in &api.types {
            let TypeKind::Struct(s) = &t.kind else {
                let pieces = type_pieces(t, Serde::grouped(false), &index).expect(&t.name);
                assert!(pieces.iter().all(|p| matches!(p, Piece::Item(_))));
                continue;
            };
            let serde = Serde::grouped(t.name.starts_with("UsageReport"));
            let pieces = serde_texts(&t.name, s, serde).unwrap();
            assert!(pieces.iter().all(|p| matches!(p, Piece::Item(_))));
            let pieces = struct_pieces(t, s, serde, &index).unwrap();
            let kinds: Vec<bool> = pieces.iter().map(|p| matches!(p, Piece::Item(_))).collect();
            assert!(kinds.iter().all(|k| *k), "{} {kinds:?}", t.name);
        }
        let text = generation.krate.file("src/models.rs").unwrap();
        for expected in [
            "#[cfg(feature = \"serde-roundtrip\")]\ncrate::runtime::impl_deserialize_struct!(\n    UsageReportRequestWithEveryOptionalSetting { required a = \"a\", required\n    identifier_of_the_customer_account_billed =\n",
            "    pub secret_scanning_push_protection_enabled_for_new_repositories_and_forks: Option<\n        bool,\n    >,\n",
            "#[cfg(feature = \"reports\")]\n#[cfg(feature = \"serde-roundtrip\")]\ncrate::runtime::impl_serialize_struct!(\n    FreeFormReportLabels { optional name = \"name\", optional\n",
            "\"say \\\"hi\\\" \\\\ there\"",
            // A nullable field's checks, whose lines are too long.
            "        if let crate::runtime::Nullable::Value(value) = &self\n            .description_of_the_usage_report_line\n        {\n            let path = &crate::runtime::join_path(\n                path,\n                \"description_of_the_usage_report_line\",\n            );\n",
            // A string enum's long name and arms.
            "impl ::std::convert::From<&str>\nfor CardNetworkPreferredByTheCustomerWhenSeveralAreAvailable {\n",
            "            Self::AValueLongEnoughThatItsMatchArmsDoNotFitOnTheirLinesAtAll => {\n                \"a_value_long_enough_that_its_match_arms_do_not_fit_on_their_lines_at_all\"\n            }\n",
            "            \"a_value_long_enough_that_its_match_arms_do_not_fit_on_their_lines_at_all\" => {\n                Self::AValueLongEnoughThatItsMatchArmsDoNotFitOnTheirLinesAtAll\n            }\n",
            "crate::runtime::impl_string_enum!(\n    CardNetworkPreferredByTheCustomerWhenSeveralAreAvailable\n);\n",
            // An untagged union received only, its variant too long for its line.
            "#[derive(Debug, Clone, PartialEq, Deserialize)]\n#[cfg_attr(feature = \"serde-roundtrip\", derive(serde::Serialize))]\n#[serde(untagged)]\npub enum Owner {\n    String(String),\n    MonthlyBillingThresholdsForTheReportingPeriods(\n        MonthlyBillingThresholdsForTheReportingPeriods,\n    ),\n}\n",
            "            Self::String(_) => {}\n            Self::MonthlyBillingThresholdsForTheReportingPeriods(value) => {\n                crate::runtime::Validate::validate(value, path)?;\n            }\n",
            // The builder's signatures, too long for their lines.
            "    pub fn new(\n        a: impl Into<i64>,\n        identifier_of_the_customer_account_billed: impl Into<String>,\n    ) -> Self {\n",
            "    pub fn include_the_cost_breakdown_by_day_region(\n        mut self,\n        value: impl Into<bool>,\n    ) -> Self {\n",
        ] {
            assert!(text.contains(expected), "{expected:?} missing:\n{text}");
        }
    }
}

//! The models' repetitive items written as text (see `render` and `text`): plain structs, string
//! enums with their impls, aliases and empty `Validate` impls, which are most of a large API's
//! models. What this does not write (builders, `Validate` impls with checks, unions) stays tokens.

use super::models::{emit_builder, enum_reason, struct_checks, validate_impl, Serde};
use super::render::Piece;
use super::text::{str_lit, type_text, ItemText};
use super::types::TypeIndex;
use super::{doc_lines, features};
use crate::ir::{EnumValue, Field, Struct, TypeDef, TypeKind, Wrapper};
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
        TypeKind::Union(_) => None,
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
    let (serde_derives, roundtrip) = serde.derive_names();
    let all_optional = s.fields.iter().all(|f| f.wrapper() != Wrapper::Plain);
    let default = if serde.built && all_optional {
        "Default, "
    } else {
        ""
    };
    out.line(
        0,
        &[
            "#[derive(Debug, Clone, PartialEq, ",
            default,
            serde_derives,
            ")]",
        ],
    );
    if let Some(derive) = roundtrip {
        let feature = str_lit(features::SERDE_ROUNDTRIP);
        out.line(
            0,
            &[
                "#[cfg_attr(feature = ",
                &feature,
                ", derive(",
                derive,
                "))]",
            ],
        );
    }
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
            out.verbatim(4, &["#[serde(flatten)]"]);
            let ty = type_text(ty)?;
            out.line(
                4,
                &["pub additional_properties: BTreeMap<String, ", &ty, ">,"],
            );
        }
        out.verbatim(0, &["}"]);
    }
    let name = format_ident!("{}", t.name);
    let mut pieces = vec![Piece::Item(out.finish()?)];
    if serde.built {
        pieces.push(Piece::Tokens(emit_builder(&name, s)));
    }
    let checks = struct_checks(s, index);
    let empty_impl = format!("impl Validate for {} {{}}", t.name);
    pieces.push(if checks.is_empty() && empty_impl.len() <= 80 {
        Piece::Item(empty_impl + "\n")
    } else {
        Piece::Tokens(validate_impl(&name, checks))
    });
    Some(pieces)
}

fn field(out: &mut ItemText, f: &Field) -> Option<()> {
    out.docs(4, &doc_lines([f.description.as_deref()]));
    if f.deprecated {
        out.verbatim(4, &["#[deprecated]"]);
    }
    let rename = (f.rust_name != f.name).then(|| format!("rename = {}", str_lit(&f.name)));
    let wrapper_args = match f.wrapper() {
        Wrapper::Plain => None,
        Wrapper::Option if f.required => Some("default"),
        Wrapper::Option => Some("default, skip_serializing_if = \"Option::is_none\""),
        Wrapper::Nullable => Some("default, skip_serializing_if = \"Nullable::is_absent\""),
    };
    match (&rename, wrapper_args) {
        (None, None) => {}
        (Some(rename), None) => out.line(4, &["#[serde(", rename, ")]"]),
        (None, Some(args)) => out.line(4, &["#[serde(", args, ")]"]),
        (Some(rename), Some(args)) => out.line(4, &["#[serde(", rename, ", ", args, ")]"]),
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
    out.line(4, &["pub ", &f.rust_name, ": ", open, &ty, close, ","]);
    Some(())
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
    out.line(0, &["impl ", name, " {"]);
    out.verbatim(4, &["/// The value as it appears on the wire."]);
    out.verbatim(4, &["pub fn as_str(&self) -> &str {"]);
    out.verbatim(8, &["match self {"]);
    for (v, lit) in values.iter().zip(&literals) {
        out.line(12, &["Self::", &v.variant, " => ", lit, ","]);
    }
    out.verbatim(12, &["Self::Unknown(value) => value,"]);
    out.verbatim(8, &["}"]);
    out.verbatim(4, &["}"]);
    out.verbatim(0, &["}"]);
    let as_str = out.finish()?;

    let mut out = ItemText::default();
    out.line(0, &["impl ::std::convert::From<&str> for ", name, " {"]);
    out.verbatim(4, &["fn from(value: &str) -> Self {"]);
    out.verbatim(8, &["match value {"]);
    for (v, lit) in values.iter().zip(&literals) {
        out.line(12, &[lit, " => Self::", &v.variant, ","]);
    }
    out.verbatim(12, &["other => Self::Unknown(other.to_owned()),"]);
    out.verbatim(8, &["}"]);
    out.verbatim(4, &["}"]);
    out.verbatim(0, &["}"]);
    let from = out.finish()?;

    let mut out = ItemText::default();
    out.line(0, &["crate::runtime::impl_string_enum!(", name, ");"]);
    let string_enum = out.finish()?;

    let mut out = ItemText::default();
    out.line(0, &["impl Validate for ", name, " {"]);
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

//! An operation's parameter struct and its `new` and setters written as text (see `render` and
//! `text`), as `operations::emit_params_struct` writes them; the rest of the operation's part
//! (its methods, request builder and decoder) stays tokens.

use super::doc_lines;
use super::render::Piece;
use super::text::{type_text, ItemText};
use crate::ir::{Operation, ParamLocation};

/// The struct and its impl, or `None` when declined (or the operation has no parameter struct).
pub(super) fn params_pieces(op: &Operation) -> Option<Vec<Piece>> {
    let name = op.params_type.as_deref()?;
    let params: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .collect();
    let mut out = ItemText::default();
    out.docs(
        0,
        &[format!(
            " Query, header and cookie parameters of `{}`.",
            op.id
        )],
    );
    let derives = if op.has_with_method() {
        "#[derive(Debug, Clone, PartialEq, Default)]"
    } else {
        "#[derive(Debug, Clone, PartialEq)]"
    };
    out.verbatim(0, &[derives]);
    out.verbatim(0, &["#[non_exhaustive]"]);
    out.line(0, &["pub struct ", name, " {"]);
    let mut types = Vec::with_capacity(params.len());
    for p in &params {
        let loc = match p.location {
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
            ParamLocation::Path => "path",
        };
        let required = if p.required { ", required" } else { "" };
        let head = format!("`{}` ({loc} parameter{required})", p.name);
        out.docs(
            4,
            &doc_lines([Some(head.as_str()), p.description.as_deref()]),
        );
        if p.deprecated {
            out.verbatim(4, &["#[deprecated]"]);
        }
        let ty = type_text(&p.ty)?;
        if p.required {
            out.line(4, &["pub ", &p.rust_name, ": ", &ty, ","]);
        } else {
            out.line(4, &["pub ", &p.rust_name, ": Option<", &ty, ">,"]);
        }
        types.push(ty);
    }
    out.verbatim(0, &["}"]);
    let definition = out.finish()?;

    let mut out = ItemText::default();
    out.line(0, &["impl ", name, " {"]);
    out.verbatim(
        4,
        &["/// The required parameters; set optional ones with the methods below."],
    );
    let required: Vec<String> = params
        .iter()
        .zip(&types)
        .filter(|(p, _)| p.required)
        .map(|(p, ty)| format!("{}: impl Into<{ty}>", p.rust_name))
        .collect();
    if required.len() > 7 {
        out.verbatim(4, &["#[allow(clippy::too_many_arguments)]"]);
    }
    // The same widths as `model_text::builder_text`: one line, one parameter a line, or declined.
    let one_line = format!("pub fn new({}) -> Self {{", required.join(", "));
    if 4 + one_line.len() <= 80 {
        out.line(4, &[&one_line]);
    } else if 4 + one_line.len() > 100 {
        out.verbatim(4, &["pub fn new("]);
        for param in &required {
            out.line(8, &[param, ","]);
        }
        out.verbatim(4, &[") -> Self {"]);
    } else {
        return None;
    }
    let inits: Vec<String> = params
        .iter()
        .map(|p| match p.required {
            true => format!("{0}: {0}.into()", p.rust_name),
            false => format!("{}: None", p.rust_name),
        })
        .collect();
    out.constructor_body(&inits)?;
    for (p, ty) in params.iter().zip(&types).filter(|(p, _)| !p.required) {
        let setter = if p.rust_name == "new" {
            "with_new"
        } else {
            p.rust_name.as_str()
        };
        out.docs(4, &[format!(" Sets `{}`.", p.name)]);
        out.line(
            4,
            &[
                "pub fn ",
                setter,
                "(mut self, value: impl Into<",
                ty,
                ">) -> Self {",
            ],
        );
        out.line(8, &["self.", &p.rust_name, " = Some(value.into());"]);
        out.verbatim(8, &["self"]);
        out.verbatim(4, &["}"]);
    }
    out.verbatim(0, &["}"]);
    let builder = out.finish()?;
    Some(vec![Piece::Item(definition), Piece::Item(builder)])
}

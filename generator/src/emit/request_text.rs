//! An operation's request function written as text (see `render`, `text` and `layout`), as
//! `requests::emit_request_fn` writes it. Declined: operations with security requirements,
//! binary and multipart bodies, and deep-object map parameters (rare shapes whose layouts are
//! left to prettyplease).

use super::layout::{Expr, Layout};
use super::model_text::check_text;
use super::operation_text::signature_text;
use super::requests::{taken_by_reference, ToText};
use super::text::{str_lit, ItemText};
use super::types::TypeIndex;
use crate::ir::{Media, Operation, Param, ParamLocation, ParamStyle, TypeRef};

/// `fn <base>_request(..) -> Result<RequestParts, InvalidRequest>`, or `None` when declined.
pub(super) fn request_fn_text(op: &Operation, base: &str, index: &TypeIndex<'_>) -> Option<String> {
    if op.security.is_some() {
        return None;
    }
    let args = signature_text(op)?;
    let params: Vec<(&str, &str)> = args.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let mut out = ItemText::default();
    let mut signature = Layout::default();
    signature.signature(
        &format!("fn {base}_request"),
        &params,
        "Result<RequestParts, InvalidRequest>",
    );
    out.laid_out(signature, 0);
    write_checks(&mut out, op, index);

    let path_params = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| {
            // Strings are passed straight from the argument, with no intermediate copy.
            let text = match &p.ty {
                TypeRef::String => Expr::word(&p.rust_name),
                ty => text_of(Expr::word(&p.rust_name), ty, index).method("as_str", Vec::new()),
            };
            Expr::Tuple(vec![Expr::word(str_lit(&p.name)), text])
        })
        .collect();
    let parts = Expr::call(
        "RequestParts::for_template",
        vec![
            Expr::word(str_lit(&op.id)),
            Expr::word(format!("::reqwest::Method::{}", op.http_method.as_str())),
            Expr::word(str_lit(&op.path)),
            Expr::Array(path_params).reference(),
        ],
    )
    .tried();
    let non_path: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .collect();
    let mutable = !non_path.is_empty() || op.body.is_some();
    let mut head = Layout::default();
    head.let_stmt(if mutable { "mut parts" } else { "parts" }, &parts);
    out.laid_out(head, 4);

    for location in [
        ParamLocation::Query,
        ParamLocation::Header,
        ParamLocation::Cookie,
    ] {
        for p in non_path.iter().filter(|p| p.location == location) {
            if p.required {
                out.verbatim(4, &["{"]);
                out.line(8, &["let value = &params.", &p.rust_name, ";"]);
            } else {
                out.line(4, &["if let Some(value) = &params.", &p.rust_name, " {"]);
            }
            write_param(&mut out, p, index)?;
            out.verbatim(4, &["}"]);
        }
    }
    if let Some(body) = &op.body {
        let value = match &body.media {
            Media::Json => "RequestBody::json(body)?",
            Media::Form => "RequestBody::form(body)?",
            Media::Text => "RequestBody::Text(body.to_owned())",
            Media::Binary(_) | Media::Multipart => return None,
        };
        out.line(4, &["parts.body = ", value, ";"]);
    }
    out.verbatim(4, &["Ok(parts)"]);
    out.verbatim(0, &["}"]);
    out.finish()
}

/// The parameters' and the body's checks, each in a block of its own.
fn write_checks(out: &mut ItemText, op: &Operation, index: &TypeIndex<'_>) {
    for p in &op.params {
        let mut checks = ItemText::default();
        check_text(&mut checks, 8, "value", &p.ty, &p.checks, index);
        if checks.is_empty() {
            continue;
        }
        let by_ref = taken_by_reference(&p.ty);
        let value = match (p.location, by_ref) {
            (ParamLocation::Path, true) => p.rust_name.clone(),
            (ParamLocation::Path, false) => format!("&{}", p.rust_name),
            _ => format!("&params.{}", p.rust_name),
        };
        if p.required || p.location == ParamLocation::Path {
            out.verbatim(4, &["{"]);
            out.line(8, &["let value = ", &value, ";"]);
        } else {
            out.line(4, &["if let Some(value) = ", &value, " {"]);
        }
        out.line(8, &["let path = ", &str_lit(&p.name), ";"]);
        out.append(checks);
        out.verbatim(4, &["}"]);
    }
    let Some(body) = &op.body else { return };
    if matches!(body.media, Media::Json | Media::Form | Media::Multipart) {
        let mut checks = ItemText::default();
        check_text(&mut checks, 8, "body", &body.ty, &Default::default(), index);
        if !checks.is_empty() {
            out.verbatim(4, &["{"]);
            out.verbatim(8, &["let path = \"body\";"]);
            out.append(checks);
            out.verbatim(4, &["}"]);
        }
    }
}

/// What a query, header or cookie parameter adds to the request (`requests::query_stmt`), at
/// 8 columns; `None` for a deep-object map.
fn write_param(out: &mut ItemText, p: &Param, index: &TypeIndex<'_>) -> Option<()> {
    let push = |list: &str, text: Expr| {
        let name = Expr::word(str_lit(&p.name));
        match list {
            "query" => Expr::word("parts").method("push_query", vec![name, text]),
            list => Expr::word("parts")
                .field(list)
                .method("push", vec![Expr::Tuple(vec![name, text])]),
        }
    };
    let value = || Expr::word("value");
    let mut body = Layout::default();
    // A list: one query pair per item, or the items joined into one value.
    let mut per_item = |header: &str, stmt: Expr| {
        out.verbatim(8, &[header]);
        let mut body = Layout::default();
        body.stmt(&stmt, true);
        out.laid_out(body, 12);
        out.verbatim(8, &["}"]);
    };
    let joined = |body: &mut Layout, items: String, separator: &str| {
        body.let_stmt("joined: Vec<String>", &Expr::fitted(items));
        let joined = Expr::word("joined").method("join", vec![Expr::word(str_lit(separator))]);
        body.stmt(&push("query", joined), true);
    };
    match (p.location, &p.ty) {
        (ParamLocation::Header, ty) => {
            body.stmt(&push("headers", text_of(value(), ty, index)), true)
        }
        (ParamLocation::Cookie, ty) => {
            body.stmt(&push("cookies", text_of(value(), ty, index)), true)
        }
        (_, TypeRef::Array(inner)) => {
            let text = text_of(Expr::word("item"), inner, index);
            if p.explode && p.style != ParamStyle::DeepObject {
                per_item("for item in value.iter() {", push("query", text));
                return Some(());
            }
            let separator = match p.style {
                ParamStyle::SpaceDelimited => " ",
                ParamStyle::PipeDelimited => "|",
                _ => ",",
            };
            let items = format!("value.iter().map(|item| {}).collect()", text.flat());
            joined(&mut body, items, separator);
        }
        (_, TypeRef::Map(inner)) => {
            let text = text_of(Expr::word("item"), inner, index);
            if p.style == ParamStyle::DeepObject {
                return None;
            }
            if p.explode {
                let key = Expr::word("key").method("as_str", Vec::new());
                let stmt = Expr::word("parts").method("push_query", vec![key, text]);
                per_item("for (key, item) in value.iter() {", stmt);
                return Some(());
            }
            let items = format!(
                "value.iter().flat_map(|(key, item)| [key.clone(), {}]).collect()",
                text.flat()
            );
            joined(&mut body, items, ",");
        }
        (_, ty) => body.stmt(&push("query", text_of(value(), ty, index)), true),
    }
    out.laid_out(body, 8);
    Some(())
}

/// How a parameter value becomes text ([`ToText`]).
fn text_of(value: Expr, ty: &TypeRef, index: &TypeIndex<'_>) -> Expr {
    match ToText::of(ty, index) {
        ToText::ToOwned => value.method("to_owned", Vec::new()),
        ToText::ToString => value.method("to_string", Vec::new()),
        ToText::Rfc3339 => value.method(
            "to_rfc3339_opts",
            vec![
                Expr::word("::chrono::SecondsFormat::AutoSi"),
                Expr::word("true"),
            ],
        ),
        ToText::ParamText => Expr::call("crate::runtime::param_text", vec![value]),
    }
}

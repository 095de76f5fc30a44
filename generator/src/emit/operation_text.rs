//! An operation's items written as text (see `render`, `text` and `layout`), as `operations`
//! writes them: the parameter struct with its `new` and setters, the public methods (with
//! `_with`, `_events` and `_stream` companions) and the decoders. The request builder is in
//! `request_text`. Paginated methods stay tokens.

use super::doc_lines;
use super::errors::status_text;
use super::layout::{Expr, Layout};
use super::operations::{
    emit_decode, emit_head_decode, emit_methods, emit_params_struct, emit_request, events_only,
    has_head_decoder, method_doc_parts, with_doc,
};
use super::render::Piece;
use super::text::{type_text, ItemText};
use super::types::TypeIndex;
use crate::ir::{Body, Media, Operation, ParamLocation, StatusMatch, TypeRef};
use proc_macro2::TokenStream;

/// The operation's items one by one, each written as text where this module (or `request_text`)
/// can write it and as tokens otherwise.
pub(super) fn operation_pieces(
    op: &Operation,
    base: &str,
    owner: Option<&str>,
    index: &TypeIndex<'_>,
) -> Vec<Piece> {
    fn piece(text: Option<String>, tokens: impl FnOnce() -> TokenStream) -> Piece {
        match text {
            Some(text) => Piece::Item(text),
            None => Piece::Tokens(tokens()),
        }
    }
    let mut pieces = match op.params_type {
        Some(_) => params_pieces(op)
            .unwrap_or_else(|| vec![Piece::Tokens(emit_params_struct(op).unwrap_or_default())]),
        None => Vec::new(),
    };
    pieces.push(piece(methods_text(op, base, owner), || {
        emit_methods(op, base, owner)
    }));
    pieces.push(piece(
        super::request_text::request_fn_text(op, base, index),
        || emit_request(op, base, index),
    ));
    if !events_only(op) {
        pieces.push(piece(decode_text(op, base), || emit_decode(op, base)));
    }
    if has_head_decoder(op) {
        pieces.push(piece(head_decode_text(op, base), || {
            emit_head_decode(op, base)
        }));
    }
    pieces
}

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
    let required: Vec<(&str, String)> = params
        .iter()
        .zip(&types)
        .filter(|(p, _)| p.required)
        .map(|(p, ty)| (p.rust_name.as_str(), format!("impl Into<{ty}>")))
        .collect();
    if required.len() > 7 {
        out.verbatim(4, &["#[allow(clippy::too_many_arguments)]"]);
    }
    let required: Vec<(&str, &str)> = required.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let mut signature = Layout::default();
    signature.signature("pub fn new", &required, "Self");
    out.laid_out(signature, 4);
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
        let value = format!("impl Into<{ty}>");
        let mut signature = Layout::default();
        signature.signature(
            &format!("pub fn {setter}"),
            &[("mut self", ""), ("value", &value)],
            "Self",
        );
        out.laid_out(signature, 4);
        out.line(8, &["self.", &p.rust_name, " = Some(value.into());"]);
        out.verbatim(8, &["self"]);
        out.verbatim(4, &["}"]);
    }
    out.verbatim(0, &["}"]);
    let builder = out.finish()?;
    Some(vec![Piece::Item(definition), Piece::Item(builder)])
}

/// The operation's arguments as `(name, type)`: path parameters in template order, the
/// parameter struct, the body (`operations::signature`).
pub(super) fn signature_text(op: &Operation) -> Option<Vec<(String, String)>> {
    let mut args = Vec::new();
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        args.push((p.rust_name.clone(), arg_type_text(&p.ty)?));
    }
    if let Some(params) = &op.params_type {
        args.push(("params".to_owned(), format!("&{params}")));
    }
    if let Some(body) = &op.body {
        args.push(("body".to_owned(), body_type_text(body)?));
    }
    Some(args)
}

/// `operations::arg_type` as text: how a method (or a mock's matcher) takes a parameter's value.
pub(super) fn arg_type_text(ty: &TypeRef) -> Option<String> {
    Some(match ty {
        TypeRef::String => "&str".to_owned(),
        TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Any => {
            format!("&{}", type_text(ty)?)
        }
        other => type_text(other)?,
    })
}

fn body_type_text(body: &Body) -> Option<String> {
    Some(match &body.media {
        Media::Binary(_) => "impl Into<crate::runtime::Upload>".to_owned(),
        Media::Text => "&str".to_owned(),
        _ => format!("&{}", type_text(&body.ty)?),
    })
}

/// `operations::success_type` as text.
fn success_text(op: &Operation) -> Option<String> {
    if let Some(events) = op.success.events.as_ref().filter(|e| e.only) {
        return events_type_text(&events.data);
    }
    Some(match (&op.success.ty, &op.success.media) {
        (Some(TypeRef::Bytes), _) | (_, Some(Media::Binary(_))) => "::bytes::Bytes".to_owned(),
        (Some(ty), _) => type_text(ty)?,
        (None, _) => "()".to_owned(),
    })
}

fn events_type_text(data: &TypeRef) -> Option<String> {
    Some(format!("crate::runtime::EventStream<{}>", type_text(data)?))
}

/// `operations::events_open` as text.
fn events_open_text(op: &Operation) -> &'static str {
    match op.success.events.as_ref().map(|e| &e.data) {
        Some(TypeRef::String) | None => "crate::runtime::EventStream::text",
        Some(_) => "crate::runtime::EventStream::json",
    }
}

/// The impl block of the operation's public methods (`operations::emit_methods`); `None` for a
/// paginated operation (its `_stream` method is left to the tokens) or when declined.
pub(super) fn methods_text(op: &Operation, base: &str, owner: Option<&str>) -> Option<String> {
    if op.pagination.is_some() {
        return None;
    }
    let error = &op.error_type;
    let call_type = |success: &str| format!("Call<{success}, {error}>");
    let args = signature_text(op)?;
    let arg_names: Vec<&str> = args.iter().map(|(name, _)| name.as_str()).collect();
    // How each method makes its call (`operations::emit_methods`'s `call`).
    let client = || match owner {
        Some(_) => Expr::word("self").field("client"),
        None => Expr::word("self"),
    };
    let request = |passed: Vec<Expr>| Expr::call(format!("{base}_request"), passed);
    let streaming = |passed: Vec<Expr>, open: &str| {
        Expr::call(
            "Call::streaming",
            vec![
                client(),
                request(passed),
                Expr::word(format!("{base}_decode_head")),
                Expr::word(open),
            ],
        )
    };
    let call = |passed: Vec<Expr>| match events_only(op) {
        true => streaming(passed, events_open_text(op)),
        false => Expr::call(
            "Call::new",
            vec![
                client(),
                request(passed),
                Expr::word(format!("{base}_decode")),
            ],
        ),
    };
    let names = || arg_names.iter().map(|n| Expr::word(*n)).collect::<Vec<_>>();

    let mut out = ItemText::default();
    match owner {
        Some(ty) => out.line(0, &["impl<'a> ", ty, "<'a> {"]),
        None => out.verbatim(0, &["impl crate::runtime::Client {"]),
    }
    let success = success_text(op)?;
    let docs = doc_lines(method_doc_parts(op).iter().map(|p| p.as_deref()));
    let method = Method {
        op,
        docs: &docs,
        name: &op.method_name,
    };
    if op.has_with_method() {
        // The main method passes the parameter struct's default.
        let params = op.params_type.as_deref().unwrap_or_default();
        let main_args: Vec<_> = args.iter().filter(|(n, _)| n != "params").collect();
        let passed = arg_names
            .iter()
            .map(|n| match *n {
                "params" => Expr::call(format!("{params}::default"), Vec::new()).reference(),
                n => Expr::word(n),
            })
            .collect();
        method.write(&mut out, &main_args, &call_type(&success), call(passed));
        let with_name = format!("{}_with", op.method_name);
        let with = Method {
            op,
            docs: &[with_doc(op)],
            name: &with_name,
        };
        let args: Vec<_> = args.iter().collect();
        with.write(&mut out, &args, &call_type(&success), call(names()));
    } else {
        let args: Vec<_> = args.iter().collect();
        method.write(&mut out, &args, &call_type(&success), call(names()));
    }
    let all_args: Vec<_> = args.iter().collect();
    if op.has_events_method() {
        let name = format!("{}_events", op.method_name);
        let data = op
            .success
            .events
            .as_ref()
            .map_or(&TypeRef::String, |e| &e.data);
        let doc = format!(
            " [`Self::{}`] as server-sent events (`text/event-stream`): a stream of typed events, read as they arrive.",
            op.method_name
        );
        let events = Method {
            op,
            docs: &[doc],
            name: &name,
        };
        let body = streaming(names(), events_open_text(op));
        events.write(
            &mut out,
            &all_args,
            &call_type(&events_type_text(data)?),
            body,
        );
    }
    if op.has_byte_stream_method() {
        let name = format!("{}_stream", op.method_name);
        let doc = format!(
            " [`Self::{}`] with the body as a stream of chunks, read as they arrive and never held whole.",
            op.method_name
        );
        let bytes = Method {
            op,
            docs: &[doc],
            name: &name,
        };
        let body = streaming(names(), "crate::runtime::ByteStream::from_response");
        let ret = call_type("crate::runtime::ByteStream");
        bytes.write(&mut out, &all_args, &ret, body);
    }
    out.verbatim(0, &["}"]);
    out.finish()
}

/// A public method of an operation: its docs, name and `#[deprecated]` when the operation is.
struct Method<'a> {
    op: &'a Operation,
    docs: &'a [String],
    name: &'a str,
}

impl Method<'_> {
    /// The method taking `&self` and `args`, returning `ret`, whose body is `call`.
    fn write(&self, out: &mut ItemText, args: &[&(String, String)], ret: &str, call: Expr) {
        out.docs(4, self.docs);
        if self.op.deprecated {
            out.verbatim(4, &["#[deprecated]"]);
        }
        let mut params = vec![("&self", "")];
        params.extend(args.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        let mut signature = Layout::default();
        signature.signature(&format!("pub fn {}", self.name), &params, ret);
        out.laid_out(signature, 4);
        let mut body = Layout::default();
        body.stmt(&call, false);
        out.laid_out(body, 8);
        out.verbatim(4, &["}"]);
    }
}

/// The response decoder (`operations::emit_decode_fn`).
pub(super) fn decode_text(op: &Operation, base: &str) -> Option<String> {
    let success = success_text(op)?;
    let body = || Expr::word("response").field("body");
    let value = match (&op.success.ty, &op.success.media) {
        (None, _) => unit_success(),
        (_, Some(Media::Binary(_))) | (Some(TypeRef::Bytes), _) => {
            Expr::call("Outcome::Success", vec![body().method("clone", Vec::new())])
        }
        (_, Some(Media::Text)) => {
            Expr::call("crate::runtime::text_success", vec![body().reference()])
        }
        _ => Expr::call("crate::runtime::json_success", vec![body().reference()]),
    };
    decoder_text(op, &format!("fn {base}_decode"), &success, value)
}

/// The decoder of a streamed call's head (`operations::emit_head_decode_fn`).
pub(super) fn head_decode_text(op: &Operation, base: &str) -> Option<String> {
    decoder_text(op, &format!("fn {base}_decode_head"), "()", unit_success())
}

fn unit_success() -> Expr {
    Expr::call("Outcome::Success", vec![Expr::Tuple(Vec::new())])
}

/// A decoder: `success` for the success statuses, the error type's `decode` for the rest; a
/// `default` success is every status.
fn decoder_text(op: &Operation, head: &str, success: &str, value: Expr) -> Option<String> {
    let error = &op.error_type;
    let ret = format!("Outcome<{success}, {error}>");
    let takes_all = op.success.statuses.contains(&StatusMatch::Default);
    // A head decoder that takes every status never reads the response.
    let response = match takes_all && head.ends_with("_decode_head") {
        true => "_response",
        false => "response",
    };
    let mut out = ItemText::default();
    let mut signature = Layout::default();
    signature.signature(head, &[(response, "&RawResponse")], &ret);
    out.laid_out(signature, 0);
    let mut body = Layout::default();
    if takes_all {
        body.stmt(&value, false);
        out.laid_out(body, 4);
    } else {
        let patterns: Vec<String> = match op.success.statuses.is_empty() {
            true => vec!["200..=299".to_owned()],
            false => op.success.statuses.iter().map(status_text).collect(),
        };
        out.verbatim(4, &["match response.status.as_u16() {"]);
        body.arm(&patterns.join(" | "), &value);
        let decode = Expr::call(format!("{error}::decode"), vec![Expr::word("response")]);
        body.arm("_", &decode);
        out.laid_out(body, 8);
        out.verbatim(4, &["}"]);
    }
    out.verbatim(0, &["}"]);
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::errors_text::error_pieces;
    use crate::emit::request_text::request_fn_text;
    use crate::ir::naming::snake;

    /// The writers decline only what they say they decline: on nexus.json (193 operations, 43 of
    /// them paginated) every other item is written as text. (Debug builds check the texts
    /// against prettyplease on every test spec.)
    #[test]
    fn nexus_items_are_all_text_but_the_paginated_methods() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/nexus.json");
        let spec = std::fs::read_to_string(path).unwrap();
        let generation = crate::generate(&spec, &crate::Config::new("nexus")).unwrap();
        let api = &generation.api;
        let index = TypeIndex::new(api);
        let mut declined = Vec::new();
        let mut paginated = 0;
        for op in &api.operations {
            let base = snake(&op.type_prefix);
            let items = [
                (
                    "params",
                    op.params_type.is_none() || params_pieces(op).is_some(),
                ),
                (
                    "methods",
                    methods_text(op, &base, Some("GroupApi")).is_some(),
                ),
                ("request", request_fn_text(op, &base, &index).is_some()),
                ("decode", decode_text(op, &base).is_some()),
                ("errors", error_pieces(op, 0, &index).is_some()),
            ];
            for (item, written) in items {
                let binary_body = matches!(
                    op.body.as_ref().map(|b| &b.media),
                    Some(Media::Binary(_) | Media::Multipart)
                );
                match (item, written) {
                    ("methods", false) if op.pagination.is_some() => paginated += 1,
                    ("request", false) if binary_body => {}
                    (_, false) => declined.push(format!("{item} of {}", op.id)),
                    _ => {}
                }
            }
        }
        assert_eq!(declined, Vec::<String>::new());
        assert_eq!((api.operations.len(), paginated), (193, 43));
    }
}

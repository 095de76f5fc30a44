//! An operation's error type written as text (see `render`, `text` and `layout`), as
//! `errors::emit_operation_errors` writes it: the alias of a shared enum, or the enum, its
//! `kind` and `decode`, its `ErrorDetails` impl and its `Display`. Operations with a per-code
//! (tagged) error status stay tokens.

use super::doc_lines;
use super::errors::{
    decoded_as, find_string_field, status_doc, status_text, Decoded, CODE_FIELDS, MESSAGE_FIELDS,
};
use super::layout::{Expr, Layout};
use super::render::Piece;
use super::text::{str_lit, type_text, ItemText};
use super::types::TypeIndex;
use crate::ir::{ErrorBody, ErrorCase, Operation, StatusMatch, TypeRef, Wrapper};

/// The items of the operation's error part, or `None` when declined.
pub(super) fn error_pieces(
    op: &Operation,
    sharers: usize,
    index: &TypeIndex<'_>,
) -> Option<Vec<Piece>> {
    if let Some(shared) = &op.error_shared_with {
        let mut out = ItemText::default();
        out.verbatim(
            0,
            &[&format!(
                "/// Errors of `{}` (`{} {}`): the same declared responses as [`{shared}`].",
                op.id, op.http_method, op.path
            )],
        );
        // A type alias of a bare name has nowhere to break.
        out.verbatim(0, &["pub type ", &op.error_type, " = ", shared, ";"]);
        return Some(vec![Piece::Item(out.finish()?)]);
    }
    if op
        .errors
        .iter()
        .any(|e| matches!(e.body, ErrorBody::Tagged(_)))
    {
        return None;
    }
    let name = op.error_type.as_str();
    Some(vec![
        Piece::Item(enum_text(op, sharers)?),
        Piece::Item(inherent_impl_text(op)?),
        Piece::Item(details_impl_text(op, index)?),
        Piece::Item(display_text(name)?),
    ])
}

fn enum_text(op: &Operation, sharers: usize) -> Option<String> {
    let mut doc = format!(" Errors of `{}` (`{} {}`).", op.id, op.http_method, op.path);
    if sharers > 0 {
        doc.push_str(&format!(
            " {sharers} other operations declare the same error responses and use this type."
        ));
    }
    let mut out = ItemText::default();
    out.docs(0, &[doc]);
    out.verbatim(0, &["#[derive(Debug, Clone, PartialEq)]"]);
    out.verbatim(0, &["#[non_exhaustive]"]);
    if op.errors.is_empty() {
        out.verbatim(0, &["pub enum ", &op.error_type, " {}"]);
        return out.finish();
    }
    out.verbatim(0, &["pub enum ", &op.error_type, " {"]);
    for e in &op.errors {
        let description = e
            .description
            .as_deref()
            .filter(|d| !d.chars().all(|c| c.is_ascii_digit()));
        out.docs(
            4,
            &doc_lines([Some(status_doc(&e.status).as_str()), description]),
        );
        let ty = match &e.body {
            ErrorBody::None => {
                out.verbatim(4, &[&e.variant, ","]);
                continue;
            }
            ErrorBody::Typed { ty, .. } => type_text(ty)?,
            ErrorBody::Tagged(t) => t.type_name.clone(),
        };
        let mut variant = Layout::default();
        variant.tuple_variant(&e.variant, &ty);
        out.laid_out(variant, 4);
    }
    out.verbatim(0, &["}"]);
    out.finish()
}

/// `kind` and `decode` (`errors::emit_decode`).
fn inherent_impl_text(op: &Operation) -> Option<String> {
    let mut out = ItemText::default();
    out.verbatim(0, &["impl ", &op.error_type, " {"]);
    out.verbatim(4, &["/// The variant's name, e.g. `NotFound`."]);
    out.verbatim(4, &["pub fn kind(&self) -> &'static str {"]);
    let kinds = op.errors.iter().map(|e| {
        let binding = if e.body == ErrorBody::None {
            ""
        } else {
            "(..)"
        };
        let pattern = format!("Self::{}{binding}", e.variant);
        (pattern, Expr::word(str_lit(&e.variant)))
    });
    match_self(&mut out, kinds.collect());
    out.verbatim(4, &["}"]);

    out.verbatim(
        4,
        &["/// Reads a response whose status is not one of the operation's successes."],
    );
    // A range or `default` after a code overlaps it; that is intended.
    if op
        .errors
        .iter()
        .any(|e| !matches!(e.status, StatusMatch::Code(_)))
    {
        out.verbatim(4, &["#[allow(unreachable_patterns)]"]);
    }
    let only_default = match op.errors.as_slice() {
        [e] if e.status == StatusMatch::Default => Some(e),
        _ => None,
    };
    // Every status is the `default` response; one without a body does not read the response.
    let response = match only_default {
        Some(e) if e.body == ErrorBody::None => "_response",
        _ => "response",
    };
    let mut signature = Layout::default();
    signature.signature(
        "pub(crate) fn decode<T>",
        &[(response, "&crate::runtime::RawResponse")],
        "crate::runtime::Outcome<T, Self>",
    );
    out.laid_out(signature, 4);
    let undeclared = || {
        Expr::call(
            "crate::runtime::Outcome::Unexpected",
            vec![Expr::format_macro(
                "\"status {status} is not declared for this operation\"",
            )],
        )
    };
    let mut body = Layout::default();
    match (only_default, op.errors.is_empty()) {
        (Some(e), _) => {
            body.stmt(&error_value(e), false);
            out.laid_out(body, 8);
        }
        (None, true) => {
            out.verbatim(8, &["let status = response.status.as_u16();"]);
            body.stmt(&undeclared(), false);
            out.laid_out(body, 8);
        }
        (None, false) => {
            out.verbatim(8, &["match response.status.as_u16() {"]);
            for e in &op.errors {
                body.arm(&status_text(&e.status), &error_value(e));
            }
            if !op.errors.iter().any(|e| e.status == StatusMatch::Default) {
                body.arm("status", &undeclared());
            }
            out.laid_out(body, 12);
            out.verbatim(8, &["}"]);
        }
    }
    out.verbatim(4, &["}"]);
    out.verbatim(0, &["}"]);
    out.finish()
}

/// The value a declared error status decodes to.
fn error_value(e: &ErrorCase) -> Expr {
    let variant = format!("Self::{}", e.variant);
    let body = || Expr::word("response").field("body");
    let read = |function: &str, into: Expr| {
        Expr::call(
            format!("crate::runtime::{function}"),
            vec![body().reference(), into],
        )
    };
    let api_error = |value: Expr| Expr::call("crate::runtime::Outcome::ApiError", vec![value]);
    match decoded_as(&e.body) {
        Decoded::Unit => api_error(Expr::word(variant)),
        Decoded::Text => read("text_error", Expr::word(variant)),
        Decoded::Bytes => api_error(Expr::call(
            variant,
            vec![body().method("to_vec", Vec::new())],
        )),
        Decoded::Json => read("json_error", Expr::word(variant)),
        Decoded::Tagged(t) => read(
            "json_error",
            Expr::fitted(format!(
                "|body| {variant}({}::from_body(body))",
                t.type_name
            )),
        ),
    }
}

/// `impl crate::runtime::ErrorDetails`: the code and message each variant's body carries.
fn details_impl_text(op: &Operation, index: &TypeIndex<'_>) -> Option<String> {
    let mut out = ItemText::default();
    let mut header = Layout::default();
    header.impl_header(Some("crate::runtime::ErrorDetails"), &op.error_type);
    out.laid_out(header, 0);
    for (method, fields) in [("code", CODE_FIELDS), ("message", MESSAGE_FIELDS)] {
        out.verbatim(4, &["fn ", method, "(&self) -> Option<&str> {"]);
        let arms = op
            .errors
            .iter()
            .map(|e| detail_arm(e, method, fields, index))
            .collect();
        match_self(&mut out, arms);
        out.verbatim(4, &["}"]);
    }
    out.verbatim(0, &["}"]);
    out.finish()
}

/// The arm of `code()` (`method`) or `message()` for a variant: the body's field of that name,
/// or `None`.
fn detail_arm(
    e: &ErrorCase,
    method: &str,
    fields: &[&str],
    index: &TypeIndex<'_>,
) -> (String, Expr) {
    let variant = &e.variant;
    let ty = match &e.body {
        ErrorBody::None => return (format!("Self::{variant}"), Expr::word("None")),
        ErrorBody::Tagged(_) => {
            let details = format!("crate::runtime::ErrorDetails::{method}");
            return (
                format!("Self::{variant}(e)"),
                Expr::call(details, vec![Expr::word("e")]),
            );
        }
        ErrorBody::Typed { ty, .. } => ty,
    };
    if method == "message" && *ty == TypeRef::String {
        let text = Expr::word("text").method("as_str", Vec::new());
        return (
            format!("Self::{variant}(text)"),
            Expr::call("Some", vec![text]),
        );
    }
    let Some(field) = find_string_field(ty, fields, index) else {
        return (format!("Self::{variant}(..)"), Expr::word("None"));
    };
    let value = Expr::word("body").field(&field.rust_name);
    let access = match field.wrapper() {
        Wrapper::Plain => Expr::call("Some", vec![value.method("as_str", Vec::new())]),
        Wrapper::Option => value.method("as_deref", Vec::new()),
        Wrapper::Nullable => value
            .method("as_ref", Vec::new())
            .method("into_option", Vec::new())
            .method("map", vec![Expr::fitted("|s| s.as_str()")]),
    };
    (format!("Self::{variant}(body)"), access)
}

/// `match self { arms }` as a method's body (at 8 columns), or `match *self {}` without arms.
fn match_self(out: &mut ItemText, arms: Vec<(String, Expr)>) {
    if arms.is_empty() {
        out.verbatim(8, &["match *self {}"]);
        return;
    }
    out.verbatim(8, &["match self {"]);
    let mut body = Layout::default();
    for (pattern, value) in &arms {
        body.arm(pattern, value);
    }
    out.laid_out(body, 12);
    out.verbatim(8, &["}"]);
}

/// `crate::runtime::impl_error_display!(Name);`
fn display_text(name: &str) -> Option<String> {
    let mut out = ItemText::default();
    let mut call = Layout::default();
    call.macro_stmt("crate::runtime::impl_error_display!", name);
    out.laid_out(call, 0);
    out.finish()
}

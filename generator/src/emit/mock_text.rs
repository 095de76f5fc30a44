//! `mock.rs`'s per-operation items written as text (see `render` and `text`), as `mocks` writes
//! their tokens: the accessors on `MockApi` and the group handles, each operation's expectation
//! alias, marker and trait impls and parameter matchers, and how its errors are answered. What
//! these do not write (tagged error answers, lines they cannot be sure prettyplease keeps or
//! breaks as written here) goes the token way, one item or one part at a time.

use super::errors::{decoded_as, Decoded};
use super::layout::Layout;
use super::mock_errors::mock_status;
use super::mocks::{
    json_body, marker_doc, matcher, respond_doc, success_answer, ExpectationItem, GroupPart,
    Matcher, RespondBody, SuccessAnswer,
};
use super::operation_text::arg_type_text;
use super::render::Piece;
use super::requests::ToText;
use super::text::{fits, str_lit, type_text, ItemText};
use super::types::TypeIndex;
use super::Gate;
use crate::ir::{Operation, TypeRef};

/// The group's handle and accessors, or `None` when one of them declines (the part is one or
/// two items: all of it goes the token way).
pub(super) fn group_pieces(part: &GroupPart<'_>) -> Option<Vec<Piece>> {
    let mut methods = ItemText::default();
    let mock = part.mock();
    for (last, handle, gate) in &part.children {
        let (method, doc) = part.subgroup_accessor(last);
        cfg_line(&mut methods, 4, gate);
        methods.docs(4, &[doc]);
        let returns = format!("{handle}<'_>");
        signature(&mut methods, &method, &[("&self", "")], &returns);
        methods.struct_literal(8, handle, &[format!("mock: {mock}")])?;
        methods.verbatim(4, &["}"]);
    }
    for (op, ty, gate) in &part.ops {
        let (method, doc) = GroupPart::operation_accessor(op, ty);
        cfg_line(&mut methods, 4, gate);
        methods.docs(4, &[doc]);
        signature(&mut methods, &method, &[("&self", "")], ty);
        let http_method = format!("::reqwest::Method::{}", op.http_method.as_str());
        let args = [mock, &str_lit(&op.id), &http_method, &str_lit(&op.path)];
        call(&mut methods, 8, "TypedExpectation::register", &args, "")?;
        methods.verbatim(4, &["}"]);
    }
    let Some(handle) = &part.ty else {
        if methods.is_empty() {
            return Some(Vec::new());
        }
        let mut out = ItemText::default();
        out.verbatim(0, &["impl MockApi {"]);
        out.append(methods);
        out.verbatim(0, &["}"]);
        return Some(vec![Piece::Item(out.finish()?)]);
    };
    let mut out = ItemText::default();
    cfg_line(&mut out, 0, &part.gate);
    out.docs(0, &[part.handle_doc()]);
    out.verbatim(0, &["#[derive(Debug, Clone, Copy)]"]);
    out.line(0, &["pub struct ", handle, "<'a> {"]);
    out.verbatim(4, &["mock: &'a MockApi,"]);
    out.verbatim(0, &["}"]);
    cfg_line(&mut out, 0, &part.gate);
    out.line(0, &["impl ", handle, "<'_> {"]);
    out.append(methods);
    out.verbatim(0, &["}"]);
    Some(vec![Piece::Item(out.finish()?)])
}

/// The operation's expectation items, each text or (declined alone) tokens.
pub(super) fn expectation_pieces(
    op: &Operation,
    ty: &str,
    marker: &str,
    index: &TypeIndex<'_>,
) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    for item in ExpectationItem::ALL {
        match expectation_item_text(item, op, ty, marker, index) {
            Some(text) if text.is_empty() => {}
            Some(text) => pieces.push(Piece::Item(text)),
            None => pieces.push(Piece::Tokens(super::mocks::expectation_item(
                item, op, ty, marker, index,
            ))),
        }
    }
    Some(pieces)
}

/// One item of the expectation: "" when the operation has none, `None` when declined.
fn expectation_item_text(
    item: ExpectationItem,
    op: &Operation,
    ty: &str,
    marker: &str,
    index: &TypeIndex<'_>,
) -> Option<String> {
    let mut out = ItemText::default();
    match item {
        ExpectationItem::Alias => {
            out.docs(0, &[super::mocks::expectation_doc(op)]);
            let aliased = format!("TypedExpectation<{marker}>");
            type_lines(&mut out, 0, &["pub type ", ty, " = "], &aliased)?;
        }
        ExpectationItem::Marker => {
            out.docs(0, &[marker_doc(op, ty)]);
            out.line(0, &["pub enum ", marker, " {}"]);
        }
        ExpectationItem::JsonBody => {
            if let Some(body) = json_body(op, index) {
                impl_header(&mut out, "MockJsonBody", marker);
                type_lines(&mut out, 4, &["type Body = "], &type_text(body)?)?;
                out.verbatim(0, &["}"]);
            }
        }
        ExpectationItem::JsonSuccess => {
            if let SuccessAnswer::Json { status, ty } = success_answer(op, index) {
                impl_header(&mut out, "MockJsonSuccess", marker);
                out.verbatim(4, &["const STATUS: u16 = ", &status_lit(status), ";"]);
                type_lines(&mut out, 4, &["type Success = "], &type_text(ty)?)?;
                out.verbatim(0, &["}"]);
            }
        }
        ExpectationItem::Errors => {
            if !op.errors.is_empty() {
                impl_header(&mut out, "MockErrors", marker);
                out.verbatim(4, &["type Error = ", &op.error_type, ";"]);
                out.verbatim(0, &["}"]);
            }
        }
        ExpectationItem::Matchers => {
            let mut methods = ItemText::default();
            for m in op.params.iter().filter_map(matcher) {
                matcher_text(&mut methods, &m, index)?;
            }
            if let SuccessAnswer::Respond { status, body } = success_answer(op, index) {
                let doc = respond_doc(status);
                let status = status_lit(status);
                let (arg, answer) = match body {
                    RespondBody::Empty => (
                        "",
                        format!("MockAnswer::raw({status}, ::bytes::Bytes::new())"),
                    ),
                    RespondBody::Bytes => (
                        ", body: impl Into<::bytes::Bytes>",
                        format!("MockAnswer::raw({status}, body)"),
                    ),
                    RespondBody::Text => {
                        (", text: &str", format!("MockAnswer::text({status}, text)"))
                    }
                };
                methods.docs(4, &[doc]);
                methods.line(4, &["pub fn respond(self", arg, ") -> Self {"]);
                let statement = ["self.expectation().answer(", &answer, ");"];
                if !fits(8, &statement) {
                    return None;
                }
                methods.verbatim(8, &statement);
                methods.verbatim(8, &["self"]);
                methods.verbatim(4, &["}"]);
            }
            if !methods.is_empty() {
                out.line(0, &["impl ", ty, " {"]);
                out.append(methods);
                out.verbatim(0, &["}"]);
            }
        }
    }
    out.finish()
}

/// `impl Trait for Type {` as `layout` breaks it.
fn impl_header(out: &mut ItemText, trait_name: &str, ty: &str) {
    let mut header = Layout::default();
    header.impl_header(Some(trait_name), ty);
    out.laid_out(header, 0);
}

/// `head` then the type `ty` and `;` (`pub type A = B<C>;`): past the margin the type's generic
/// arguments go one a line (`B<\n    C,\n>;`); declined when one of them is itself past it.
fn type_lines(out: &mut ItemText, indent: usize, head: &[&str], ty: &str) -> Option<()> {
    let mut one_line = head.to_vec();
    one_line.extend([ty, ";"]);
    let Some((outer, arguments)) = ty.strip_suffix('>').and_then(|t| t.split_once('<')) else {
        // A path without generic arguments is never broken.
        out.verbatim(indent, &one_line);
        return Some(());
    };
    if fits(indent, &one_line) {
        out.verbatim(indent, &one_line);
        return Some(());
    }
    let mut first = head.to_vec();
    first.extend([outer, "<"]);
    out.verbatim(indent, &first);
    for argument in generic_arguments(arguments) {
        if !fits(indent + 4, &[argument, ","]) {
            return None;
        }
        out.verbatim(indent + 4, &[argument, ","]);
    }
    out.verbatim(indent, &[">;"]);
    Some(())
}

/// The top-level comma-separated arguments of `A, B<C, D>`.
fn generic_arguments(arguments: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in arguments.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(arguments[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(arguments[start..].trim());
    out
}

/// A parameter matcher: `pub fn owner(self, value: &str) -> Self { .. }`.
fn matcher_text(out: &mut ItemText, m: &Matcher<'_>, index: &TypeIndex<'_>) -> Option<()> {
    let arg = arg_type_text(&m.param.ty)?;
    out.docs(4, &[m.doc()]);
    signature(out, &m.method, &[("self", ""), ("value", &arg)], "Self");
    let json = str_lit(&m.param.name);
    let value = value_text(&m.param.ty, index);
    let one_line = [
        "self.expectation().",
        m.register,
        "(",
        &json,
        ", ",
        &value,
        ");",
    ];
    if fits(8, &one_line) {
        out.verbatim(8, &one_line);
    } else {
        // The method chain breaks before `.register`, then, if still too long, its arguments.
        out.verbatim(8, &["self.expectation()"]);
        call(out, 12, &format!(".{}", m.register), &[&json, &value], ";")?;
    }
    out.verbatim(8, &["self"]);
    out.verbatim(4, &["}"]);
    Some(())
}

/// How the operation's errors are answered, or `None` (the part goes the token way) for tagged
/// errors, whose code matches are not written here.
pub(super) fn error_answer_pieces(op: &Operation) -> Option<Vec<Piece>> {
    let mut out = ItemText::default();
    impl_header(&mut out, "MockErrorAnswer", &op.error_type);
    out.verbatim(4, &["fn mock_answer(&self) -> MockAnswer {"]);
    out.verbatim(8, &["match self {"]);
    for e in &op.errors {
        let status = status_lit(mock_status(op, e));
        let (binding, answer) = match decoded_as(&e.body) {
            Decoded::Unit => (
                "",
                format!("MockAnswer::raw({status}, ::bytes::Bytes::new())"),
            ),
            Decoded::Text => ("text", format!("MockAnswer::text({status}, text.as_str())")),
            Decoded::Bytes => ("bytes", format!("MockAnswer::raw({status}, bytes.clone())")),
            Decoded::Json => ("body", format!("MockAnswer::json({status}, body)")),
            Decoded::Tagged(_) => return None,
        };
        let variant = format!("{}::{}", op.error_type, e.variant);
        let pattern = match binding {
            "" => format!("{variant} => "),
            _ => format!("{variant}({binding}) => "),
        };
        // The arm's width without its comma (a break token's) decides; past the margin the
        // answer goes in a block, or, when a binding's parentheses are past it, the binding on
        // a line of its own (a unit variant's path is never broken).
        let pattern_breaks = !binding.is_empty() && !fits(12, &[&pattern]);
        if fits(12, &[&pattern, &answer]) {
            out.verbatim(12, &[&pattern, &answer, ","]);
        } else if !pattern_breaks && fits(16, &[&answer]) {
            out.verbatim(12, &[&pattern, "{"]);
            out.verbatim(16, &[&answer]);
            out.verbatim(12, &["}"]);
        } else if pattern_breaks && fits(12, &[") => ", &answer]) {
            out.verbatim(12, &[&variant, "("]);
            out.verbatim(16, &[binding, ","]);
            out.verbatim(12, &[") => ", &answer, ","]);
        } else {
            return None;
        }
    }
    out.verbatim(8, &["}"]);
    out.verbatim(4, &["}"]);
    out.verbatim(0, &["}"]);
    Some(vec![Piece::Item(out.finish()?)])
}

/// A method's signature (`pub fn name(params) -> returns {`) at 4 columns, as `layout`
/// breaks it; each parameter is a name and its type ("" for a receiver).
fn signature(out: &mut ItemText, method: &str, params: &[(&str, &str)], returns: &str) {
    let mut signature = Layout::default();
    signature.signature(&format!("pub fn {method}"), params, returns);
    out.laid_out(signature, 4);
}

/// `callee(args)` then `tail` at `indent`: on one line, or one argument a line past the
/// margin. Declined for an argument that is past the margin on its own line and not a string
/// literal (which is never broken).
fn call(out: &mut ItemText, indent: usize, callee: &str, args: &[&str], tail: &str) -> Option<()> {
    let joined = args.join(", ");
    let one_line = [callee, "(", &joined, ")", tail];
    if fits(indent, &one_line) {
        out.verbatim(indent, &one_line);
        return Some(());
    }
    out.verbatim(indent, &[callee, "("]);
    for arg in args {
        if !arg.starts_with('"') && !fits(indent + 4, &[arg, ","]) {
            return None;
        }
        out.verbatim(indent + 4, &[arg, ","]);
    }
    out.verbatim(indent, &[")", tail]);
    Some(())
}

/// A gate's `#[cfg(..)]` before a method or item (declined when long: prettyplease breaks a long
/// `any(..)` list).
fn cfg_line(out: &mut ItemText, indent: usize, gate: &Gate) {
    if *gate != Gate::Always {
        out.line(indent, &[&gate.attr_text()]);
    }
}

/// A status as quote writes a `u16`: `404u16`.
fn status_lit(status: u16) -> String {
    proc_macro2::Literal::u16_suffixed(status).to_string()
}

/// [`ToText`] of `value` as text: the parameter's value as the client writes it.
fn value_text(ty: &TypeRef, index: &TypeIndex<'_>) -> String {
    match ToText::of(ty, index) {
        ToText::ToOwned => "value.to_owned()",
        ToText::ToString => "value.to_string()",
        ToText::Rfc3339 => "value.to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true)",
        ToText::ParamText => "crate::runtime::param_text(value)",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::types::TypeIndex;

    /// Names long enough that prettyplease breaks signatures, calls, generic arguments, match
    /// arms and struct fields: debug builds check every written part against its layout.
    const SPEC: &str = "openapi: 3.1.0
info: {title: Reports, version: '1'}
paths:
  /organizations/{organization_identifier}/billing/usage-reports/{report_identifier}:
    get:
      operationId: billingReports.getOrganizationUsageReportWithAllTheDetails
      parameters:
        - {name: organization_identifier, in: path, required: true, schema: {type: string}}
        - {name: report_identifier, in: path, required: true, schema: {type: integer}}
        - {name: only_entries_created_after_this_moment, in: query, schema: {type: string, format: date-time}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/UsageReportLineItemWithTheCostBreakdown'}}}}}
        '422': {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/ValidationProblem'}}}}
        '503': {description: down}
components:
  schemas:
    UsageReportLineItemWithTheCostBreakdown:
      type: object
      required: [description_of_the_line_item_as_shown_on_the_invoice, cost]
      properties:
        description_of_the_line_item_as_shown_on_the_invoice: {type: string}
        cost: {$ref: '#/components/schemas/CostOfTheLineItemInEitherCurrencyOrCreditsWithDetails'}
    CostOfTheLineItemInEitherCurrencyOrCreditsWithDetails:
      oneOf:
        - $ref: '#/components/schemas/CurrencyAmountOfTheLineItemWithTheCurrencyCodeAndCents'
        - {type: integer}
    CurrencyAmountOfTheLineItemWithTheCurrencyCodeAndCents:
      type: object
      properties: {cents: {type: integer}}
    ValidationProblem: {type: object, properties: {title: {type: string}}}
";

    #[test]
    fn long_names_are_written_as_text_in_prettyplease_s_broken_layouts() {
        let generation = crate::generate(SPEC, &crate::Config::new("reports")).unwrap();
        let api = &generation.api;
        let index = TypeIndex::new(api);
        let op = &api.operations[0];
        let marker = op.type_prefix.as_str();
        let ty = format!("{marker}Expectation");
        let pieces = expectation_pieces(op, &ty, marker, &index).unwrap();
        assert_eq!(pieces.len(), 5, "alias, marker, success, errors, matchers");
        assert!(pieces.iter().all(|p| matches!(p, Piece::Item(_))));
        assert!(error_answer_pieces(op).is_some());
        let types: Vec<_> = api.types.iter().collect();
        let have = super::super::examples::with_examples(api, &index);
        let values = super::super::example_text::test_values_pieces(
            &types,
            None,
            &have,
            &api.input_types(),
            &index,
        )
        .unwrap();
        assert_eq!(values.len(), types.len());
        let text = generation.krate.file("src/mock.rs").unwrap();
        for broken in [
            // A type alias's generic argument, a chain and its arguments.
            " = TypedExpectation<\n    GetOrganizationUsageReportWithAllTheDetailsBillingReport,\n>;",
            "        self.expectation()\n            .query_param(\n",
            // A match arm's binding on a line of its own, an answer in a block.
            "::UnprocessableEntity(\n                body,\n            ) => MockAnswer::json(422u16, body),",
            "::ServiceUnavailable => {\n                MockAnswer::raw(503u16, ::bytes::Bytes::new())\n            }",
            // A struct field's method call and a union's argument.
            "            description_of_the_line_item_as_shown_on_the_invoice: \"description_of_the_line_item_as_shown_on_the_invoice\"\n                .to_owned(),",
            "        Self::CurrencyAmountOfTheLineItemWithTheCurrencyCodeAndCents(\n",
        ] {
            assert!(text.contains(broken), "{broken:?} missing:\n{text}");
        }
    }
}

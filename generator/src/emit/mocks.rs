//! `src/mock.rs`, compiled only with the crate's `mock` feature: typed expectations per
//! operation on the runtime's `MockApi` (`mock.links().update().link_id("lnk_9")
//! .respond_error(UpdateLinkGone::LinkGone(ErrorBody::example()))`), the status and body each
//! typed error is written as, and the models' test values (`examples`).

use super::example_text::test_values_pieces;
use super::examples::{emit_type_examples, tidy_setter_calls, with_examples};
use super::mock_errors::error_answers;
use super::mock_text;
use super::operations::arg_type;
use super::requests::to_text;
use super::types::{rust_type, TypeIndex};
use super::{job, job_at, FeatureGroups, Gate, Imports, ItemJob, Piece, RustFile};
use crate::ir::naming::{pascal, snake, Namespace};
use crate::ir::{Api, ErrorBody, Media, Operation, ParamLocation, StatusMatch, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, HashSet};

/// Methods the expectation builders and `MockApi` have: a parameter matcher or operation with
/// one of these names gets a suffix instead.
const BUILDER_METHODS: &[&str] = &[
    "body",
    "body_matches",
    "check",
    "delay",
    "received",
    "received_bodies",
    "respond",
    "respond_error",
    "respond_with",
    "times",
    "expectation",
    "new",
];
/// How many models' test values one part (one module under their gate) holds at most.
const TYPES_PER_PART: usize = 64;
/// What the file names from the runtime (`pub use` above the items).
const RUNTIME_NAMES: &[&str] = &[
    "Expectation",
    "MockAnswer",
    "MockApi",
    "MockErrorAnswer",
    "MockErrors",
    "MockJsonBody",
    "MockJsonSuccess",
    "MockRequest",
    "TypedExpectation",
];
const MOCK_API_METHODS: &[&str] = &[
    "start_server",
    "in_process",
    "base_url",
    "configure",
    "expect",
    "unmatched",
    "verify",
    "transport",
];

pub fn emit_mocks<'a>(
    api: &'a Api,
    index: &'a TypeIndex<'a>,
    features: &'a FeatureGroups,
) -> RustFile<'a> {
    let mut groups: BTreeMap<Vec<String>, Vec<&Operation>> = BTreeMap::new();
    groups.entry(vec![]).or_default();
    for op in &api.operations {
        for depth in 1..=op.group.len() {
            groups.entry(op.group[..depth].to_vec()).or_default();
        }
        groups.entry(op.group.clone()).or_default().push(op);
    }
    let mut names = Namespace::default();
    for name in RUNTIME_NAMES {
        names.reserve(name);
    }
    for t in &api.types {
        names.reserve(&t.name);
    }
    for op in &api.operations {
        names.reserve(&op.error_type);
        for e in &op.errors {
            if let ErrorBody::Tagged(t) = &e.body {
                names.reserve(&t.type_name);
            }
        }
    }
    let group_types: BTreeMap<Vec<String>, String> = groups
        .keys()
        .filter(|g| !g.is_empty())
        .map(|g| {
            let name = format!("{}Mock", pascal(&g.join("_")));
            (g.clone(), names.claim([name.as_str()]))
        })
        .collect();
    // As in `operations`: a group's handle and accessor are compiled with any operation under it.
    let mut group_gates: BTreeMap<Vec<String>, Gate> = BTreeMap::new();
    for op in &api.operations {
        let gate = features.operation(op);
        for depth in 1..=op.group.len() {
            group_gates
                .entry(op.group[..depth].to_vec())
                .and_modify(|g| {
                    g.widen(&gate);
                })
                .or_insert_with(|| gate.clone());
        }
    }
    let gate_of = |g: &[String]| group_gates.get(g).cloned().unwrap_or(Gate::Always);
    let mut items: Vec<ItemJob<'a>> = Vec::new();
    for (group, ops) in groups {
        let children: Vec<(String, String, Gate)> = super::child_groups(&group_types, &group)
            .map(|(g, name)| {
                let last = g.last().expect("non-empty group").clone();
                (last, name.clone(), gate_of(g))
            })
            .collect();
        let owner = group_types.get(&group).cloned();
        let ops: Vec<(&Operation, String)> = ops
            .into_iter()
            .map(|op| {
                let name = format!("{}Expectation", op.type_prefix);
                (op, names.claim([name.as_str()]))
            })
            .collect();
        let markers: Vec<String> = ops
            .iter()
            .map(|(op, _)| names.claim([op.type_prefix.as_str()]))
            .collect();
        let accessors: Vec<(&Operation, String, Gate)> = ops
            .iter()
            .map(|(op, ty)| (*op, ty.clone(), features.operation(op)))
            .collect();
        let own_gate = gate_of(&group);
        // The root part holds only accessors, each with its own gate.
        let part_gate = match group.is_empty() {
            true => Gate::union(
                children
                    .iter()
                    .map(|c| &c.2)
                    .chain(accessors.iter().map(|a| &a.2)),
            )
            .unwrap_or(Gate::Always),
            false => own_gate.clone(),
        };
        let part = std::sync::Arc::new(GroupPart {
            group: group.clone(),
            ty: owner.clone(),
            children,
            ops: accessors,
            gate: own_gate,
        });
        let text = std::sync::Arc::clone(&part);
        items.push(
            job(move || part.tokens())
                .with_pieces(move || mock_text::group_pieces(&text))
                .compiled_under(part_gate),
        );
        for ((op, ty), marker) in ops.into_iter().zip(markers) {
            let (text_ty, text_marker) = (ty.clone(), marker.clone());
            items.push(
                job_at(super::operation_pointer(op), move || {
                    emit_expectation(op, &ty, &marker, index)
                })
                .with_pieces(move || {
                    mock_text::expectation_pieces(op, &text_ty, &text_marker, index)
                })
                .gated(features.operation(op)),
            );
            // How the error enum is answered: compiled with every operation using the enum.
            if !op.errors.is_empty() && op.error_shared_with.is_none() {
                items.push(
                    job_at(super::operation_pointer(op), move || error_answers(op))
                        .with_pieces(move || mock_text::error_answer_pieces(op))
                        .gated(features.error_gate(op)),
                );
            }
        }
    }
    // Shared, not copied per type: a copy per job made Stripe's run hold 2,938 copies of a set of
    // 2,900 names (about 200 MB).
    let have = std::sync::Arc::new(with_examples(api, index));
    let inputs = std::sync::Arc::new(api.input_types());
    // The models' test values under one gate share its `cfg`: one module per gate (in chunks, so
    // a part stays small), rather than the gate before every `impl`. A large API's gates are long
    // (Stripe: a 60-feature `any(...)`, 64 lines, before 817 of the impls: half of `mock.rs`).
    let mut by_gate: Vec<(Gate, Vec<&'a crate::ir::TypeDef>)> = Vec::new();
    let mut gate_slot: std::collections::HashMap<Gate, usize> = std::collections::HashMap::new();
    for t in &api.types {
        let gate = features.model(&t.name);
        let slot = *gate_slot.entry(gate.clone()).or_insert_with(|| {
            by_gate.push((gate, Vec::new()));
            by_gate.len() - 1
        });
        by_gate[slot].1.push(t);
    }
    let mut modules = 0usize;
    for (gate, types) in by_gate {
        for chunk in types.chunks(TYPES_PER_PART) {
            let module = (gate != Gate::Always).then(|| {
                modules += 1;
                format!("test_values_{modules}")
            });
            let part = std::sync::Arc::new(TestValues {
                types: chunk.to_vec(),
                module,
                have: std::sync::Arc::clone(&have),
                inputs: std::sync::Arc::clone(&inputs),
            });
            let text = std::sync::Arc::clone(&part);
            items.push(
                job_at(chunk[0].origin.clone(), move || part.tokens(index))
                    .with_pieces(move || text.pieces(index))
                    // The module is one item: its `cfg` is the gate's, written by `render`.
                    .gated(gate.clone())
                    .finished_by(tidy_setter_calls),
            );
        }
    }
    // Examples and setters fill every field, the spec's deprecated ones too.
    let has_deprecated = api.types.iter().any(|t| {
        t.deprecated
            || matches!(&t.kind, crate::ir::TypeKind::Struct(s) if s.fields.iter().any(|f| f.deprecated))
    });
    let head = job(move || {
        let allow = has_deprecated.then(|| quote!(#![allow(deprecated)]));
        quote! {
            //! Typed test doubles of the API (the crate's `mock` feature).
            //!
            //! A [`MockApi`] holds expectations, one per operation call you expect, built with
            //! the operation's name: `mock.links().update()` matches requests to `links.update`,
            //! narrowed by path and query parameters (`.link_id("lnk_9")`) and body (`.body(&b)`
            //! or `.body_matches(|b| ..)`); `.respond(&value)`, `.respond_error(error)` (the
            //! status and JSON the spec declares for that error) or `.respond_with(answer)` add
            //! the next answer, and the last one repeats (`503` then `200` is two answers).
            //! `.times(n)` expects exactly `n` calls; dropping the `MockApi` checks every count
            //! and fails the test on a request no expectation matched, naming the operation and
            //! what differed.
            //!
            //! [`MockApi::start_server`] answers on a local port (wiremock);
            //! [`MockApi::in_process`] answers through the client's transport hook, below its
            //! auth, retries, timeouts and decoding, with no socket (answer delays follow the
            //! tokio clock, so a paused clock skips them). `configure` points a `ClientBuilder`
            //! at either. Every model has `example()` and a setter per field here, so a response
            //! or error body is one expression.
            #allow
        }
    });
    let error_types = api.operations.iter().flat_map(|op| {
        let tagged = op.errors.iter().filter_map(|e| match &e.body {
            ErrorBody::Tagged(t) => Some(t.type_name.clone()),
            _ => None,
        });
        std::iter::once(op.error_type.clone()).chain(tagged)
    });
    let imports = Imports::default()
        .glob("crate::errors", error_types.collect::<Vec<_>>())
        .glob("crate::models", api.types.iter().map(|t| t.name.clone()))
        .names("std::collections", &["BTreeMap"]);
    let reexport = job(|| {
        quote! {
            pub use crate::runtime::mock::{
                Expectation, MockAnswer, MockApi, MockErrorAnswer, MockErrors, MockJsonBody,
                MockJsonSuccess, MockRequest, TypedExpectation,
            };
        }
    });
    RustFile::new(head, imports, std::iter::once(reexport).chain(items))
}

/// One part of the models' test values: `types` at the top level, or in `module` under the
/// part's gate.
struct TestValues<'a> {
    types: Vec<&'a crate::ir::TypeDef>,
    module: Option<String>,
    have: std::sync::Arc<HashSet<&'a str>>,
    inputs: std::sync::Arc<HashSet<&'a str>>,
}

impl TestValues<'_> {
    fn tokens(&self, index: &TypeIndex<'_>) -> TokenStream {
        let impls: Vec<TokenStream> = self
            .types
            .iter()
            .map(|t| {
                let input = self.inputs.contains(t.name.as_str());
                emit_type_examples(t, input, &self.have, index)
            })
            .filter(|impls| !impls.is_empty())
            .collect();
        match &self.module {
            _ if impls.is_empty() => TokenStream::new(),
            None => quote!(#(#impls)*),
            Some(module) => {
                let module = format_ident!("{}", module);
                quote! {
                    /// Test values of the models compiled under this `cfg`.
                    mod #module {
                        use super::*;
                        #(#impls)*
                    }
                }
            }
        }
    }

    fn pieces(&self, index: &TypeIndex<'_>) -> Option<Vec<Piece>> {
        test_values_pieces(
            &self.types,
            self.module.as_deref(),
            &self.have,
            &self.inputs,
            index,
        )
    }
}

/// A method name that does not shadow one of `taken`.
fn free_name(name: &str, taken: &[&str], suffix: &str) -> String {
    if taken.contains(&name) {
        format!("{name}_{suffix}")
    } else {
        name.to_owned()
    }
}

/// A group's handle (`LinksMock<'a>`) with its subgroup and operation accessors; for the root,
/// those accessors on `MockApi` itself.
pub(super) struct GroupPart<'a> {
    pub group: Vec<String>,
    /// The handle's type (`None` for the root).
    pub ty: Option<String>,
    /// Each subgroup: its last name segment, handle type and gate.
    pub children: Vec<(String, String, Gate)>,
    /// Each operation: its expectation type and gate.
    pub ops: Vec<(&'a Operation, String, Gate)>,
    pub gate: Gate,
}

impl GroupPart<'_> {
    /// The accessor of subgroup `last`: its method name and doc.
    pub fn subgroup_accessor(&self, last: &str) -> (String, String) {
        let path: Vec<&str> = self
            .group
            .iter()
            .map(String::as_str)
            .chain([last])
            .collect();
        let doc = format!(
            " Expectations for the operations under `{}`.",
            path.join(".")
        );
        (free_name(&snake(last), MOCK_API_METHODS, "group"), doc)
    }

    /// The accessor of an operation's expectation of type `ty`: its method name and doc.
    pub fn operation_accessor(op: &Operation, ty: &str) -> (String, String) {
        let doc = format!(" A new expectation of `{}`: see [`{ty}`].", op.id);
        (
            free_name(&op.method_name, MOCK_API_METHODS, "operation"),
            doc,
        )
    }

    pub fn handle_doc(&self) -> String {
        format!(
            " Expectations for the operations under `{}`; get one with `mock.{}()`.",
            self.group.join("."),
            self.group.join("().")
        )
    }

    /// What the accessors register on: `self` on `MockApi`, its `mock` in a handle.
    pub fn mock(&self) -> &'static str {
        if self.ty.is_some() {
            "self.mock"
        } else {
            "self"
        }
    }

    fn tokens(&self) -> TokenStream {
        let mock = if self.ty.is_some() {
            quote!(self.mock)
        } else {
            quote!(self)
        };
        let subgroups = self.children.iter().map(|(last, name, gate)| {
            let cfg = gate.attr();
            let (method, doc) = self.subgroup_accessor(last);
            let method = format_ident!("{}", method);
            let ty = format_ident!("{}", name);
            quote! {
                #cfg
                #[doc = #doc]
                pub fn #method(&self) -> #ty<'_> {
                    #ty { mock: #mock }
                }
            }
        });
        let operations = self.ops.iter().map(|(op, ty, gate)| {
            let cfg = gate.attr();
            let (method, doc) = Self::operation_accessor(op, ty);
            let method = format_ident!("{}", method);
            let ty = format_ident!("{}", ty);
            let (id, template) = (&op.id, &op.path);
            let http_method = format_ident!("{}", op.http_method.as_str());
            quote! {
                #cfg
                #[doc = #doc]
                pub fn #method(&self) -> #ty {
                    TypedExpectation::register(#mock, #id, ::reqwest::Method::#http_method, #template)
                }
            }
        });
        let methods: Vec<TokenStream> = subgroups.chain(operations).collect();
        let Some(ty) = &self.ty else {
            if methods.is_empty() {
                return TokenStream::new();
            }
            return quote! { impl MockApi { #(#methods)* } };
        };
        let ty = format_ident!("{}", ty);
        let doc = self.handle_doc();
        let cfg = self.gate.attr();
        quote! {
            #cfg
            #[doc = #doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #ty<'a> {
                mock: &'a MockApi,
            }
            #cfg
            impl #ty<'_> {
                #(#methods)*
            }
        }
    }
}

/// One operation's expectation: its marker type and the marker's trait impls (what the generic
/// `TypedExpectation` methods take), the alias users name, and the parameter matchers. One
/// [`ExpectationItem`] each, so a writer of text can decline one of them alone.
fn emit_expectation(op: &Operation, ty: &str, marker: &str, index: &TypeIndex<'_>) -> TokenStream {
    let items = ExpectationItem::ALL.map(|item| expectation_item(item, op, ty, marker, index));
    quote!(#(#items)*)
}

/// The top-level items of an operation's expectation, in file order.
#[derive(Debug, Clone, Copy)]
pub(super) enum ExpectationItem {
    Alias,
    Marker,
    JsonBody,
    JsonSuccess,
    Errors,
    Matchers,
}

impl ExpectationItem {
    pub const ALL: [ExpectationItem; 6] = [
        ExpectationItem::Alias,
        ExpectationItem::Marker,
        ExpectationItem::JsonBody,
        ExpectationItem::JsonSuccess,
        ExpectationItem::Errors,
        ExpectationItem::Matchers,
    ];
}

/// One item of [`emit_expectation`] as tokens (none when the operation has no such item).
pub(super) fn expectation_item(
    item: ExpectationItem,
    op: &Operation,
    ty: &str,
    marker: &str,
    index: &TypeIndex<'_>,
) -> TokenStream {
    let name = format_ident!("{}", ty);
    let marker_ident = format_ident!("{}", marker);
    let marker = &marker_ident;
    match item {
        ExpectationItem::Alias => {
            let doc = expectation_doc(op);
            quote! {
                #[doc = #doc]
                pub type #name = TypedExpectation<#marker>;
            }
        }
        ExpectationItem::Marker => {
            let doc = marker_doc(op, ty);
            quote! {
                #[doc = #doc]
                pub enum #marker {}
            }
        }
        ExpectationItem::JsonBody => match json_body(op, index) {
            Some(body) => {
                let ty = rust_type(body);
                quote! {
                    impl MockJsonBody for #marker {
                        type Body = #ty;
                    }
                }
            }
            None => TokenStream::new(),
        },
        ExpectationItem::JsonSuccess => match success_answer(op, index) {
            SuccessAnswer::Json { status, ty } => {
                let ty = rust_type(ty);
                quote! {
                    impl MockJsonSuccess for #marker {
                        const STATUS: u16 = #status;
                        type Success = #ty;
                    }
                }
            }
            _ => TokenStream::new(),
        },
        // An operation without declared errors has an error type with no values: nothing to
        // answer.
        ExpectationItem::Errors if op.errors.is_empty() => TokenStream::new(),
        ExpectationItem::Errors => {
            let error_type = format_ident!("{}", op.error_type);
            quote! {
                impl MockErrors for #marker {
                    type Error = #error_type;
                }
            }
        }
        ExpectationItem::Matchers => {
            let params = op.params.iter().filter_map(matcher).map(|m| {
                let method = format_ident!("{}", m.method);
                let register = format_ident!("{}", m.register);
                let arg = arg_type(&m.param.ty);
                let text = to_text(quote!(value), &m.param.ty, index);
                let json = &m.param.name;
                let doc = m.doc();
                quote! {
                    #[doc = #doc]
                    pub fn #method(self, value: #arg) -> Self {
                        self.expectation().#register(#json, #text);
                        self
                    }
                }
            });
            let respond = match success_answer(op, index) {
                SuccessAnswer::Respond { status, body } => {
                    let doc = respond_doc(status);
                    let (args, answer) = match body {
                        RespondBody::Empty => (
                            quote!(),
                            quote!(MockAnswer::raw(#status, ::bytes::Bytes::new())),
                        ),
                        RespondBody::Bytes => (
                            quote!(, body: impl Into<::bytes::Bytes>),
                            quote!(MockAnswer::raw(#status, body)),
                        ),
                        RespondBody::Text => (
                            quote!(, text: &str),
                            quote!(MockAnswer::text(#status, text)),
                        ),
                    };
                    Some(quote! {
                        #[doc = #doc]
                        pub fn respond(self #args) -> Self {
                            self.expectation().answer(#answer);
                            self
                        }
                    })
                }
                _ => None,
            };
            let methods: Vec<TokenStream> = params.chain(respond).collect();
            if methods.is_empty() {
                return TokenStream::new();
            }
            quote! { impl #name { #(#methods)* } }
        }
    }
}

pub(super) fn expectation_doc(op: &Operation) -> String {
    format!(
        " An expectation of `{}` (`{} {}`): its parameter matchers are here; body matchers, answers and call counts on [`TypedExpectation`].",
        op.id, op.http_method, op.path
    )
}

pub(super) fn marker_doc(op: &Operation, ty: &str) -> String {
    format!(
        " The operation `{}` as a type: the `Op` of [`{ty}`], its trait impls give the body, success and error types.",
        op.id
    )
}

pub(super) fn respond_doc(status: u16) -> String {
    format!(" Answers {status} with this value.")
}

/// A parameter matcher of an expectation: `.owner("octocat")`.
pub(super) struct Matcher<'a> {
    pub param: &'a crate::ir::Param,
    pub method: String,
    /// The `Expectation` method recording it: `path_param`, `query_param` or `header`.
    pub register: &'static str,
    what: &'static str,
}

impl Matcher<'_> {
    pub fn doc(&self) -> String {
        format!(
            " Matches requests whose {} `{}` is `value`.",
            self.what, self.param.name
        )
    }
}

/// The matcher of `p`: none for cookies and for lists, maps and optional values.
pub(super) fn matcher(p: &crate::ir::Param) -> Option<Matcher<'_>> {
    let (register, what) = match p.location {
        ParamLocation::Path => ("path_param", "path parameter"),
        ParamLocation::Query => ("query_param", "query parameter"),
        ParamLocation::Header => ("header", "header"),
        ParamLocation::Cookie => return None,
    };
    if matches!(
        p.ty,
        TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Option(_)
    ) {
        return None;
    }
    Some(Matcher {
        param: p,
        method: free_name(&p.rust_name, BUILDER_METHODS, "param"),
        register,
        what,
    })
}

/// The JSON request body a `.body(..)` matcher takes (none for other media and overrides).
pub(super) fn json_body<'a>(op: &'a Operation, index: &TypeIndex<'_>) -> Option<&'a TypeRef> {
    op.body
        .as_ref()
        .filter(|b| b.media == Media::Json && !uses_override(&b.ty, index))
        .map(|b| &b.ty)
}

fn uses_override(ty: &TypeRef, index: &TypeIndex<'_>) -> bool {
    match ty {
        TypeRef::Named(n) => !index.is_generated(n),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
            uses_override(inner, index)
        }
        _ => false,
    }
}

/// How `respond` answers with the first declared success status.
pub(super) enum SuccessAnswer<'a> {
    /// The typed JSON success body: the marker's `MockJsonSuccess` impl (the generic method
    /// reads it).
    Json { status: u16, ty: &'a TypeRef },
    /// Any other body: the expectation's own `respond` method.
    Respond { status: u16, body: RespondBody },
    /// A success type the config maps to a Rust path: no `respond`.
    None,
}

pub(super) enum RespondBody {
    Empty,
    Bytes,
    Text,
}

pub(super) fn success_answer<'a>(op: &'a Operation, index: &TypeIndex<'_>) -> SuccessAnswer<'a> {
    let status = op
        .success
        .statuses
        .iter()
        .find_map(|s| match s {
            StatusMatch::Code(c) => Some(*c),
            _ => None,
        })
        .unwrap_or(200);
    let respond = |body| SuccessAnswer::Respond { status, body };
    match (&op.success.ty, &op.success.media) {
        (None, _) => respond(RespondBody::Empty),
        (_, Some(Media::Binary(_))) | (Some(TypeRef::Bytes), _) => respond(RespondBody::Bytes),
        (_, Some(Media::Text)) => respond(RespondBody::Text),
        (Some(ty), _) if !uses_override(ty, index) => SuccessAnswer::Json { status, ty },
        _ => SuccessAnswer::None,
    }
}

#[cfg(test)]
mod tests {
    const SPEC: &str = "openapi: 3.1.0
info: {title: Pets, version: '2'}
paths:
  /pets/{id}:
    get:
      operationId: pets.get
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
        '404': {description: none, content: {text/plain: {schema: {type: string}}}}
        4XX: {description: client, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
        default: {description: other}
  /health:
    get:
      operationId: verify
      responses: {'204': {description: fine}}
components:
  schemas:
    Pet:
      type: object
      required: [name, tags]
      properties:
        name: {type: string}
        tags: {type: array, items: {type: string}}
        example: {type: string}
    Problem: {type: object, properties: {title: {type: string}}}
";

    fn mock_rs() -> String {
        let generation = crate::generate(SPEC, &crate::Config::new("pets")).unwrap();
        generation.krate.file("src/mock.rs").unwrap().to_owned()
    }

    #[test]
    fn parameters_are_matched_as_the_client_writes_them() {
        let text = mock_rs();
        for expected in [
            "pub type GetPetExpectation = TypedExpectation<GetPet>;",
            "pub fn id(self, value: i64) -> Self {\n        self.expectation().path_param(\"id\", value.to_string());",
            "pub fn verbose(self, value: bool) -> Self {\n        self.expectation().query_param(\"verbose\", value.to_string());",
            // The generic `respond` answers the first success status with the success type.
            "impl MockJsonSuccess for GetPet {\n    const STATUS: u16 = 200u16;\n    type Success = Pet;\n}",
            "impl MockErrors for GetPet {\n    type Error = GetPetError;\n}",
            // A top-level operation named like a `MockApi` method gets a suffix.
            "pub fn verify_operation(&self) -> VerifyExpectation {",
            // A success without a body is answered by the operation's own `respond`.
            "impl VerifyExpectation {\n    /// Answers 204 with this value.\n    pub fn respond(self) -> Self {\n        self.expectation().answer(MockAnswer::raw(204u16, ::bytes::Bytes::new()));",
        ] {
            assert!(text.contains(expected), "{expected:?} missing:\n{text}");
        }
        // `verify` declares no errors and `get` no JSON body: no `respond_error` or `body`.
        assert!(!text.contains("impl MockErrors for Verify"), "{text}");
        assert!(!text.contains("impl MockJsonBody"), "{text}");
    }

    #[test]
    fn with_group_features_the_test_values_under_one_gate_share_its_cfg() {
        let mut config = crate::Config::new("pets");
        config.group_features_from = 1;
        let generation = crate::generate(SPEC, &config).unwrap();
        let text = generation.krate.file("src/mock.rs").unwrap();
        // `Pet` and `Problem` are reached from `pets` only: one module, one `cfg`.
        let module = "#[cfg(feature = \"pets\")]\n/// Test values of the models compiled under this `cfg`.\nmod test_values_1 {\n    use super::*;\n    impl Pet {";
        assert!(text.contains(module), "{text}");
        assert!(text.contains("    impl Problem {"), "{text}");
        assert_eq!(text.matches("mod test_values_").count(), 1, "{text}");
    }

    #[test]
    fn ranges_and_default_are_answered_with_a_status_their_variant_decodes_from() {
        let text = mock_rs();
        // 404 is its own variant, so the 4XX range is answered 400 and `default` 500.
        for expected in [
            "GetPetError::NotFound(text) => MockAnswer::text(404u16, text.as_str()),",
            "GetPetError::ClientError(body) => MockAnswer::json(400u16, body),",
            "GetPetError::Default => MockAnswer::raw(500u16, ::bytes::Bytes::new()),",
        ] {
            assert!(text.contains(expected), "{expected:?} missing:\n{text}");
        }
    }

    #[test]
    fn examples_fill_required_fields_and_a_field_named_example_keeps_the_constructor() {
        let text = mock_rs();
        assert!(
            text.contains("Self {\n            name: \"name\".to_owned(),\n            tags: Vec::new(),\n            example: None,\n        }"),
            "{text}"
        );
        assert!(!text.contains("example = example"), "{text}");
        assert!(
            text.contains("    crate::runtime::mock_setter!(Plain tags: Vec<String>);\n"),
            "{text}"
        );
    }
}

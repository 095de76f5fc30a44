//! The client surface: accessors for operation groups (`client.links()`), one method per
//! operation, parameter structs, and for each operation a request builder and a response decoder.

use super::errors::status_pattern;
use super::requests::emit_request_fn;
use super::types::{rust_type, TypeIndex};
use super::{docs, job, job_at, FeatureGroups, Gate, Imports, ItemJob, RustFile};
use crate::ir::naming::{pascal, snake, Namespace};
use crate::ir::{
    Api, Body, FieldStep, Media, Operation, PageKind, ParamLocation, StatusMatch, TypeRef, Wrapper,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

pub fn emit_operations<'a>(
    api: &'a Api,
    index: &'a TypeIndex<'a>,
    features: &'a FeatureGroups,
    contract_decoders: bool,
) -> RustFile<'a> {
    // Group tree: group path -> operations. BTreeMap keeps output order stable.
    let mut groups: BTreeMap<Vec<String>, Vec<&Operation>> = BTreeMap::new();
    groups.entry(vec![]).or_default();
    for op in &api.operations {
        for depth in 1..=op.group.len() {
            groups.entry(op.group[..depth].to_vec()).or_default();
        }
        groups.entry(op.group.clone()).or_default().push(op);
    }
    let mut fn_names = Namespace::default();
    let taken: Vec<String> = api.types.iter().map(|t| t.name.clone()).collect();
    let mut struct_names = Namespace::default();
    for t in &taken {
        struct_names.reserve(t);
    }
    for op in &api.operations {
        struct_names.reserve(&op.error_type);
    }
    let group_idents: BTreeMap<Vec<String>, String> = groups
        .keys()
        .filter(|g| !g.is_empty())
        .map(|g| {
            (
                g.clone(),
                struct_names.claim([format!("{}Api", pascal(&g.join("_"))).as_str()]),
            )
        })
        .collect();

    // A group's type and accessor are compiled with any operation under it.
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
    let mut items: Vec<ItemJob<'a>> = Vec::new();
    let mut decoders: Vec<(&'a Operation, String, Gate)> = Vec::new();
    for (group, ops) in groups {
        let children: Vec<Child> = super::child_groups(&group_idents, &group)
            .map(|(g, name)| Child {
                last: g.last().expect("non-empty group").clone(),
                ty: name.clone(),
                gate: group_gates.get(g).cloned().unwrap_or(Gate::Always),
            })
            .collect();
        let group_ty = group_idents.get(&group).cloned();
        let own_gate = group_gates.get(&group).cloned().unwrap_or(Gate::Always);
        // The root part holds only accessors, each with its child's gate.
        let part_gate = match group.is_empty() {
            true => Gate::union(children.iter().map(|c| &c.gate)).unwrap_or(Gate::Always),
            false => own_gate.clone(),
        };
        // The group's type and accessors first, then each operation as one part of its own (its
        // parameter struct, its methods in an impl block of their own, its request builder and
        // decoder), so the parts are small and independent when rendered.
        let ty = group_ty.clone();
        items.push(
            job(move || emit_group(&group, ty.as_deref(), &children, &own_gate))
                .compiled_under(part_gate),
        );
        for op in ops {
            let base = fn_names.claim([snake(&op.type_prefix).as_str()]);
            decoders.push((op, base.clone(), features.operation(op)));
            let fn_base = base.clone();
            let group_ty_for_text = group_ty.clone();
            let owner = group_ty.clone();
            items.push(
                job_at(super::operation_pointer(op), move || {
                    let params = emit_params_struct(op);
                    let rest = emit_operation(op, &base, owner.as_deref(), index);
                    quote!(#params #rest)
                })
                .with_pieces(move || {
                    Some(super::operation_text::operation_pieces(
                        op,
                        &fn_base,
                        group_ty_for_text.as_deref(),
                        index,
                    ))
                })
                .gated(features.operation(op)),
            );
        }
    }
    if contract_decoders {
        items.push(job(move || emit_contract_decoders(&decoders)));
    }
    // Methods of deprecated operations, and methods naming deprecated types, are still defined
    // here; the allow is written only when the spec deprecates something.
    let any_deprecated =
        api.operations.iter().any(|op| op.deprecated) || api.types.iter().any(|t| t.deprecated);
    let head = job(move || {
        let allow_deprecated = any_deprecated.then(|| quote!(#![allow(deprecated)]));
        quote! {
            //! One method per operation, grouped as the operation ids are (`links.update` ->
            //! `client.links().update(..)`).
            #allow_deprecated
        }
    });
    let error_types = api.operations.iter().flat_map(|op| {
        let tagged = op.errors.iter().filter_map(|e| match &e.body {
            crate::ir::ErrorBody::Tagged(t) => Some(t.type_name.clone()),
            _ => None,
        });
        std::iter::once(op.error_type.clone()).chain(tagged)
    });
    let imports = Imports::default()
        .glob("crate::errors", error_types.collect::<Vec<_>>())
        .glob("crate::models", api.types.iter().map(|t| t.name.clone()))
        .names(
            "crate::runtime",
            &[
                "Call",
                "InvalidRequest",
                "Outcome",
                "RawResponse",
                "RequestBody",
                "RequestParts",
            ],
        )
        .names("std::collections", &["BTreeMap"]);
    RustFile::new(head, imports, items)
}

/// `contract_decoders()`: each operation's `METHOD /path` and its decoder behind
/// `decode_erased`, so that a contract harness can decode any response of any operation without
/// knowing the crate's types. Each entry is compiled under its operation's feature gate.
fn emit_contract_decoders(decoders: &[(&Operation, String, Gate)]) -> TokenStream {
    let entries = decoders.iter().map(|(op, base, gate)| {
        let key = format!("{} {}", op.http_method.as_str(), op.path);
        let decode_fn = format_ident!("{}_decode", base);
        let cfg = gate.attr();
        quote! {
            #cfg
            decoders.push((
                #key,
                (|raw| crate::runtime::decode_erased(raw, #decode_fn)) as crate::runtime::ErasedDecoder,
            ));
        }
    });
    quote! {
        /// Every operation's response decoder by `METHOD /path`, each giving what a call would
        /// return with the decoded values dropped. For contract tests (`cargo xtask contract`).
        #[doc(hidden)]
        pub fn contract_decoders() -> Vec<(&'static str, crate::runtime::ErasedDecoder)> {
            let mut decoders: Vec<(&'static str, crate::runtime::ErasedDecoder)> = Vec::new();
            #(#entries)*
            decoders
        }
    }
}

/// A subgroup of a group: its last name, its handle type and its gate.
struct Child {
    last: String,
    ty: String,
    gate: Gate,
}

/// A group's part: for the root, the `Client` impl with the accessors of the top-level groups;
/// otherwise the group's handle type (`LinksApi<'a>`) and the accessors of its subgroups. Each
/// accessor has its subgroup's gate; the handle type has the group's own (`gate`).
fn emit_group(group: &[String], ty: Option<&str>, children: &[Child], gate: &Gate) -> TokenStream {
    let accessors: Vec<TokenStream> = children
        .iter()
        .map(
            |Child {
                 last,
                 ty: name,
                 gate,
             }| {
                let cfg = gate.attr();
                let method = format_ident!("{}", snake(last));
                let ty = format_ident!("{}", name);
                let path: Vec<&str> = group
                    .iter()
                    .map(String::as_str)
                    .chain([last.as_str()])
                    .collect();
                let doc = format!(" Operations under `{}`.", path.join("."));
                // On `Client` itself the client is `self`; on a group handle, the one it holds.
                let client = if group.is_empty() {
                    quote!(self)
                } else {
                    quote!(self.client)
                };
                quote! {
                    #cfg
                    #[doc = #doc]
                    pub fn #method(&self) -> #ty<'_> {
                        #ty { client: #client }
                    }
                }
            },
        )
        .collect();
    let Some(ty) = ty else {
        if accessors.is_empty() {
            return TokenStream::new();
        }
        return quote! {
            impl crate::runtime::Client {
                #(#accessors)*
            }
        };
    };
    let ty = format_ident!("{}", ty);
    // Each operation brings its own `impl` block; this one only holds subgroup accessors.
    let subgroups = (!accessors.is_empty()).then(|| quote! { impl<'a> #ty<'a> { #(#accessors)* } });
    let cfg = gate.attr();
    let doc = format!(
        " Operations under `{}`; get one with `client.{}()`.",
        group.join("."),
        group.join("().")
    );
    let subgroups = subgroups.map(|impl_block| quote!(#cfg #impl_block));
    quote! {
        #cfg
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #ty<'a> {
            client: &'a crate::runtime::Client,
        }

        #subgroups
    }
}

/// The argument type of a parameter: `&str` for strings, the value itself for everything else.
pub(super) fn arg_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&str),
        TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Any => {
            let t = rust_type(ty);
            quote!(&#t)
        }
        other => rust_type(other),
    }
}

pub(super) fn emit_params_struct(op: &Operation) -> Option<TokenStream> {
    let name = format_ident!("{}", op.params_type.as_ref()?);
    let fields = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(|p| {
            let ident = format_ident!("{}", p.rust_name);
            let ty = rust_type(&p.ty);
            let ty = if p.required { ty } else { quote!(Option<#ty>) };
            let loc = match p.location {
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                ParamLocation::Cookie => "cookie",
                ParamLocation::Path => "path",
            };
            let head = format!(
                "`{}` ({loc} parameter{})",
                p.name,
                if p.required { ", required" } else { "" }
            );
            let doc = docs([Some(head.as_str()), p.description.as_deref()]);
            let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
            quote! { #doc #deprecated pub #ident: #ty, }
        });
    let all_optional = op.has_with_method();
    let default = all_optional.then(|| quote!(Default,));
    let non_path: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .collect();
    let new_params = non_path.iter().filter(|p| p.required).map(|p| {
        let ident = format_ident!("{}", p.rust_name);
        let ty = rust_type(&p.ty);
        quote!(#ident: impl Into<#ty>)
    });
    let inits = non_path.iter().map(|p| {
        let ident = format_ident!("{}", p.rust_name);
        if p.required {
            quote!(#ident: #ident.into(),)
        } else {
            quote!(#ident: None,)
        }
    });
    let setters = non_path.iter().filter(|p| !p.required).map(|p| {
        let ident = format_ident!("{}", p.rust_name);
        let setter = if p.rust_name == "new" {
            format_ident!("with_new")
        } else {
            ident.clone()
        };
        let ty = rust_type(&p.ty);
        let doc = format!(" Sets `{}`.", p.name);
        quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#ident = Some(value.into());
                self
            }
        }
    });
    let many = (non_path.iter().filter(|p| p.required).count() > 7)
        .then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let doc = format!(" Query, header and cookie parameters of `{}`.", op.id);
    // `#[non_exhaustive]` with `new` and setters: a parameter the spec adds later is a new setter.
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        impl #name {
            /// The required parameters; set optional ones with the methods below.
            #many
            pub fn new(#(#new_params),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
        }
    })
}

/// The arguments of an operation's method (and of its request builder), with their names:
/// path parameters in template order, then the parameter struct, then the body.
fn signature(op: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut args = Vec::new();
    let mut names = Vec::new();
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let ident = format_ident!("{}", p.rust_name);
        let ty = arg_type(&p.ty);
        args.push(quote!(#ident: #ty));
        names.push(quote!(#ident));
    }
    if let Some(params_ty) = &op.params_type {
        let ty = format_ident!("{}", params_ty);
        args.push(quote!(params: &#ty));
        names.push(quote!(params));
    }
    if let Some(body) = &op.body {
        let ty = body_arg_type(body);
        args.push(quote!(body: #ty));
        names.push(quote!(body));
    }
    (args, names)
}

/// The arguments of the operation's main method, and what it passes to the request builder:
/// [`signature`] without the parameter struct when every parameter in it is optional.
fn method_args(op: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let (args, names) = signature(op);
    if !op.has_with_method() {
        return (args, names);
    }
    let params_ty = format_ident!("{}", op.params_type.as_deref().unwrap_or_default());
    let mut kept = Vec::new();
    let mut passed = Vec::new();
    for (arg, name) in args.into_iter().zip(names) {
        if name.to_string() == "params" {
            passed.push(quote!(&#params_ty::default()));
        } else {
            kept.push(arg);
            passed.push(name);
        }
    }
    (kept, passed)
}

/// One operation's part but its parameter struct (`emit_params_struct`, which comes first): its
/// public method(s) in an impl block on the group's type (`owner`, or `Client` for the root), and
/// its private request builder and decoder(s).
fn emit_operation(
    op: &Operation,
    base: &str,
    owner: Option<&str>,
    index: &TypeIndex<'_>,
) -> TokenStream {
    let methods = emit_methods(op, base, owner);
    let request = emit_request(op, base, index);
    let decode = emit_decode(op, base);
    let head = emit_head_decode(op, base);
    quote!(#methods #request #decode #head)
}

/// Whether the operation's only success is an event stream (it has no whole-body decoder).
pub(super) fn events_only(op: &Operation) -> bool {
    op.success.events.as_ref().is_some_and(|e| e.only)
}

/// Whether the operation's calls can open their success as a stream once its head arrives.
pub(super) fn has_head_decoder(op: &Operation) -> bool {
    op.success.events.is_some() || op.has_byte_stream_method()
}

pub(super) fn emit_request(op: &Operation, base: &str, index: &TypeIndex<'_>) -> TokenStream {
    let (args, _) = signature(op);
    emit_request_fn(op, &format_ident!("{}_request", base), &args, index)
}

pub(super) fn emit_decode(op: &Operation, base: &str) -> TokenStream {
    if events_only(op) {
        return TokenStream::new();
    }
    let error = format_ident!("{}", op.error_type);
    let name = format_ident!("{}_decode", base);
    emit_decode_fn(op, &name, &success_type(op), &error)
}

pub(super) fn emit_head_decode(op: &Operation, base: &str) -> TokenStream {
    if !has_head_decoder(op) {
        return TokenStream::new();
    }
    let error = format_ident!("{}", op.error_type);
    emit_head_decode_fn(op, &format_ident!("{}_decode_head", base), &error)
}

/// The operation's public method(s) in an impl block of their own.
pub(super) fn emit_methods(op: &Operation, base: &str, owner: Option<&str>) -> TokenStream {
    let method = format_ident!("{}", op.method_name);
    let request_fn = format_ident!("{}_request", base);
    let decode_fn = format_ident!("{}_decode", base);
    let head_fn = format_ident!("{}_decode_head", base);
    let error = format_ident!("{}", op.error_type);
    let success = success_type(op);
    let (args, arg_names) = signature(op);
    let doc = docs(method_doc_parts(op).iter().map(|p| p.as_deref()));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    let client = match owner {
        Some(_) => quote!(self.client),
        None => quote!(self),
    };
    let events_only = events_only(op);
    // How the main method (and `_with`) make their call: decoded whole, or, for an operation
    // whose only success is an event stream, opened as one.
    let call = |passed: &[TokenStream]| {
        if events_only {
            let open = events_open(op);
            quote!(Call::streaming(#client, #request_fn(#(#passed),*), #head_fn, #open))
        } else {
            quote!(Call::new(#client, #request_fn(#(#passed),*), #decode_fn))
        }
    };
    let public = {
        let pagination = emit_pagination(op, &client, &request_fn, &decode_fn, &error);
        let streams = emit_stream_methods(op, &client, &request_fn, &head_fn, &error);
        let (method_args, passed) = method_args(op);
        let with_call = call(&arg_names);
        let main_call = call(&passed);
        let with = op.has_with_method().then(|| {
            let with = format_ident!("{}_with", op.method_name);
            let doc = with_doc(op);
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #with(&self, #(#args),*) -> Call<#success, #error> {
                    #with_call
                }
            }
        });
        quote! {
            #doc
            #deprecated
            pub fn #method(&self, #(#method_args),*) -> Call<#success, #error> {
                #main_call
            }
            #with
            #pagination
            #streams
        }
    };

    let owner = match owner {
        Some(ty) => {
            let ty = format_ident!("{}", ty);
            quote!(impl<'a> #ty<'a>)
        }
        None => quote!(impl crate::runtime::Client),
    };
    quote! {
        #owner {
            #public
        }
    }
}

/// The main method's documentation: summary, description, endpoint and errors.
pub(super) fn method_doc_parts(op: &Operation) -> Vec<Option<String>> {
    let description = op
        .description
        .clone()
        .filter(|d| Some(d) != op.summary.as_ref());
    vec![
        op.summary.clone(),
        description,
        Some(format!("`{} {}` (`{}`)", op.http_method, op.path, op.id)),
        Some(errors_summary(op)),
    ]
}

pub(super) fn with_doc(op: &Operation) -> String {
    format!(
        " [`Self::{}`] with its optional parameters (`{}`).",
        op.method_name,
        op.params_type.as_deref().unwrap_or_default()
    )
}

fn errors_summary(op: &Operation) -> String {
    if op.errors.is_empty() {
        return format!("Errors: `{}`.", op.error_type);
    }
    let list: Vec<String> = op
        .errors
        .iter()
        .map(|e| match &e.status {
            StatusMatch::Code(c) => format!("{c} `{}`", e.variant),
            StatusMatch::Range(r) => format!("{r}xx `{}`", e.variant),
            StatusMatch::Default => format!("other `{}`", e.variant),
        })
        .collect();
    format!("Errors (`{}`): {}.", op.error_type, list.join(", "))
}

/// The runtime function that opens an event stream whose data is the operation's event type.
fn events_open(op: &Operation) -> TokenStream {
    match op.success.events.as_ref().map(|e| &e.data) {
        Some(TypeRef::String) | None => quote!(crate::runtime::EventStream::text),
        Some(_) => quote!(crate::runtime::EventStream::json),
    }
}

fn events_type(data: &TypeRef) -> TokenStream {
    let data = rust_type(data);
    quote!(crate::runtime::EventStream<#data>)
}

fn success_type(op: &Operation) -> TokenStream {
    if let Some(events) = op.success.events.as_ref().filter(|e| e.only) {
        return events_type(&events.data);
    }
    match (&op.success.ty, &op.success.media) {
        (Some(TypeRef::Bytes), _) | (_, Some(Media::Binary(_))) => quote!(::bytes::Bytes),
        (Some(ty), _) => rust_type(ty),
        (None, _) => quote!(()),
    }
}

fn body_arg_type(body: &Body) -> TokenStream {
    match &body.media {
        Media::Binary(_) => quote!(impl Into<crate::runtime::Upload>),
        Media::Text => quote!(&str),
        _ => {
            let t = rust_type(&body.ty);
            quote!(&#t)
        }
    }
}

/// The `_events` and `_stream` companions: the success opened as an event stream or a byte stream
/// as soon as its head arrives. They take every parameter, as `_with` does.
fn emit_stream_methods(
    op: &Operation,
    client: &TokenStream,
    request_fn: &syn::Ident,
    head_fn: &syn::Ident,
    error: &syn::Ident,
) -> TokenStream {
    let (args, arg_names) = signature(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let events = op.has_events_method().then(|| {
        let name = format_ident!("{}_events", op.method_name);
        let data = op.success.events.as_ref().map(|e| &e.data).unwrap_or(&TypeRef::String);
        let ty = events_type(data);
        let open = events_open(op);
        let doc = format!(
            " [`Self::{}`] as server-sent events (`text/event-stream`): a stream of typed events, read as they arrive.",
            op.method_name
        );
        quote! {
            #[doc = #doc]
            #deprecated
            pub fn #name(&self, #(#args),*) -> Call<#ty, #error> {
                Call::streaming(#client, #request_fn(#(#arg_names),*), #head_fn, #open)
            }
        }
    });
    let bytes = op.has_byte_stream_method().then(|| {
        let name = format_ident!("{}_stream", op.method_name);
        let doc = format!(
            " [`Self::{}`] with the body as a stream of chunks, read as they arrive and never held whole.",
            op.method_name
        );
        quote! {
            #[doc = #doc]
            #deprecated
            pub fn #name(&self, #(#args),*) -> Call<crate::runtime::ByteStream, #error> {
                Call::streaming(#client, #request_fn(#(#arg_names),*), #head_fn, crate::runtime::ByteStream::from_response)
            }
        }
    });
    quote!(#events #bytes)
}

/// The decoder of a streamed call: which statuses are the success (opened as a stream), and the
/// error type's `decode` for the rest.
fn emit_head_decode_fn(op: &Operation, name: &syn::Ident, error: &syn::Ident) -> TokenStream {
    if op.success.statuses.contains(&StatusMatch::Default) {
        return quote! {
            fn #name(_response: &RawResponse) -> Outcome<(), #error> {
                Outcome::Success(())
            }
        };
    }
    let success_patterns: Vec<TokenStream> = if op.success.statuses.is_empty() {
        vec![quote!(200..=299)]
    } else {
        op.success.statuses.iter().map(status_pattern).collect()
    };
    quote! {
        fn #name(response: &RawResponse) -> Outcome<(), #error> {
            match response.status.as_u16() {
                #(#success_patterns)|* => Outcome::Success(()),
                _ => #error::decode(response),
            }
        }
    }
}

/// The response decoder: success statuses here, everything else by the error type's own
/// `decode` (see `errors`), which operations with the same error responses share.
fn emit_decode_fn(
    op: &Operation,
    name: &syn::Ident,
    success: &TokenStream,
    error: &syn::Ident,
) -> TokenStream {
    let success_value = match (&op.success.ty, &op.success.media) {
        (None, _) => quote!(Outcome::Success(())),
        (_, Some(Media::Binary(_))) | (Some(TypeRef::Bytes), _) => {
            quote!(Outcome::Success(response.body.clone()))
        }
        (_, Some(Media::Text)) => quote!(crate::runtime::text_success(&response.body)),
        _ => quote!(crate::runtime::json_success(&response.body)),
    };
    let success_patterns: Vec<TokenStream> = if op.success.statuses.is_empty() {
        vec![quote!(200..=299)]
    } else {
        op.success.statuses.iter().map(status_pattern).collect()
    };
    // A `default` success response matches every status: no error can follow it.
    if op.success.statuses.contains(&StatusMatch::Default) {
        return quote! {
            fn #name(response: &RawResponse) -> Outcome<#success, #error> {
                #success_value
            }
        };
    }
    quote! {
        fn #name(response: &RawResponse) -> Outcome<#success, #error> {
            match response.status.as_u16() {
                #(#success_patterns)|* => #success_value,
                _ => #error::decode(response),
            }
        }
    }
}

/// A path through optional fields. `owned`: moves out of `root` (`Option<leaf>`); otherwise
/// borrows (`Option<&leaf>`).
fn walk_steps(root: TokenStream, steps: &[FieldStep], owned: bool) -> TokenStream {
    let mut expr = quote!(Some(#root));
    for step in steps {
        let f = format_ident!("{}", step.rust_name);
        expr = match (step.wrapper, owned) {
            (Wrapper::Plain, true) => quote!(#expr.map(|v| v.#f)),
            (Wrapper::Option, true) => quote!(#expr.and_then(|v| v.#f)),
            (Wrapper::Nullable, true) => quote!(#expr.and_then(|v| v.#f.into_option())),
            (Wrapper::Plain, false) => quote!(#expr.map(|v| &v.#f)),
            (Wrapper::Option, false) => quote!(#expr.and_then(|v| v.#f.as_ref())),
            (Wrapper::Nullable, false) => quote!(#expr.and_then(|v| v.#f.as_ref().into_option())),
        };
    }
    expr
}

/// `<method>_stream`: a `Stream` of every item across pages, for operations `ir::pagination` recognised.
fn emit_pagination(
    op: &Operation,
    client: &TokenStream,
    request_fn: &syn::Ident,
    decode_fn: &syn::Ident,
    error: &syn::Ident,
) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let stream_fn = format_ident!("{}_stream", op.method_name);
    let method = format_ident!("{}", op.method_name);
    let item = rust_type(&pagination.item_ty);
    let param = format_ident!("{}", pagination.param);
    let param_def = op.params.iter().find(|p| p.rust_name == pagination.param)?;
    let params_ty = format_ident!("{}", op.params_type.as_ref()?);

    let mut args = Vec::new();
    let mut owned = Vec::new();
    let mut rebind = Vec::new();
    let mut call_args = Vec::new();
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let ident = format_ident!("{}", p.rust_name);
        let ty = arg_type(&p.ty);
        args.push(quote!(#ident: #ty));
        match &p.ty {
            TypeRef::String => {
                owned.push(quote!(let #ident: String = #ident.to_owned();));
                call_args.push(quote!(&#ident));
                rebind.push(quote!(let #ident = #ident.clone();));
            }
            TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Any => {
                owned.push(quote!(let #ident = #ident.clone();));
                call_args.push(quote!(&#ident));
                rebind.push(quote!(let #ident = #ident.clone();));
            }
            // Numbers, booleans, uuids and dates are `Copy`: each page's future copies them.
            _ => call_args.push(quote!(#ident)),
        }
    }
    args.push(quote!(params: &#params_ty));
    call_args.push(quote!(&params));

    let (initial, set_param, next) = match &pagination.kind {
        PageKind::PageNumber { has_more } => {
            let flag = walk_steps(quote!(&response), has_more, false);
            let initial = if param_def.required {
                quote!(params.#param)
            } else {
                quote!(params.#param.unwrap_or(1))
            };
            let set = if param_def.required {
                quote!(params.#param = page;)
            } else {
                quote!(params.#param = Some(page);)
            };
            (
                initial,
                set,
                quote! { let next = #flag.copied().unwrap_or(false).then(|| page + 1); },
            )
        }
        PageKind::Token { next: steps } => {
            let token = walk_steps(quote!(&response), steps, false);
            let initial = if param_def.required {
                quote!(Some(params.#param.clone()))
            } else {
                quote!(params.#param.clone())
            };
            let set = if param_def.required {
                quote!(params.#param = page.clone().unwrap_or_default();)
            } else {
                quote!(params.#param = page.clone();)
            };
            (
                initial,
                set,
                quote! { let next = #token.filter(|t| !t.is_empty()).cloned().map(Some); },
            )
        }
    };
    let items = walk_steps(quote!(response), &pagination.items, true);
    let doc = format!(
        " Every item of [`Self::{method}`], page after page, as a stream. It ends when the server says there is no more, on an empty page, on the first error, or after [`crate::runtime::DEFAULT_MAX_PAGES`] pages."
    );
    Some(quote! {
        #[doc = #doc]
        pub fn #stream_fn(&self, #(#args),*) -> impl ::futures_core::Stream<Item = Result<#item, crate::runtime::Error<#error>>> + Send + 'static {
            let client = #client.clone();
            let params = params.clone();
            #(#owned)*
            let initial = #initial;
            crate::runtime::paginate(initial, crate::runtime::DEFAULT_MAX_PAGES, move |page| {
                let client = client.clone();
                let mut params = params.clone();
                #set_param
                #(#rebind)*
                async move {
                    let response = Call::new(&client, #request_fn(#(#call_args),*), #decode_fn).send().await?;
                    #next
                    let items = #items.unwrap_or_default();
                    Ok(crate::runtime::Page { items, next })
                }
            })
        }
    })
}

/// The public surface of the client as Rust signatures, one trait per operation group: what a
/// reviewer needs to see to notice that a spec change (or a generator change) broke callers.
pub fn api_surface(api: &Api) -> TokenStream {
    surface_of(&api.operations)
}

/// [`api_surface`] of some operations (in API order): the README's examples need only the first
/// of each group.
pub fn surface_of<'a>(operations: impl IntoIterator<Item = &'a Operation>) -> TokenStream {
    let mut groups: BTreeMap<Vec<String>, Vec<TokenStream>> = BTreeMap::new();
    for op in operations {
        let method = format_ident!("{}", op.method_name);
        let error = format_ident!("{}", op.error_type);
        let success = success_type(op);
        let (args, _) = signature(op);
        let (main_args, _) = method_args(op);
        let doc = format!(" {} {}", op.http_method, op.path);
        let with = op.has_with_method().then(|| {
            let with = format_ident!("{}_with", op.method_name);
            quote!(fn #with(&self, #(#args),*) -> Call<#success, #error>;)
        });
        let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
        let stream = op.pagination.as_ref().map(|p| {
            let name = format_ident!("{}_stream", op.method_name);
            let item = rust_type(&p.item_ty);
            quote!(fn #name(&self, #(#args),*) -> impl Stream<Item = Result<#item, Error<#error>>>;)
        });
        let events = op.has_events_method().then(|| {
            let name = format_ident!("{}_events", op.method_name);
            let data = op
                .success
                .events
                .as_ref()
                .map(|e| &e.data)
                .unwrap_or(&TypeRef::String);
            let ty = events_type(data);
            quote!(fn #name(&self, #(#args),*) -> Call<#ty, #error>;)
        });
        let bytes = op.has_byte_stream_method().then(|| {
            let name = format_ident!("{}_stream", op.method_name);
            quote!(fn #name(&self, #(#args),*) -> Call<crate::runtime::ByteStream, #error>;)
        });
        groups.entry(op.group.clone()).or_default().push(quote! {
            #[doc = #doc]
            #deprecated
            fn #method(&self, #(#main_args),*) -> Call<#success, #error>;
            #with
            #stream
            #events
            #bytes
        });
    }
    let traits = groups.into_iter().map(|(group, methods)| {
        let name = if group.is_empty() {
            format_ident!("Client")
        } else {
            format_ident!("{}Api", pascal(&group.join("_")))
        };
        quote! { trait #name { #(#methods)* } }
    });
    quote! { #(#traits)* }
}

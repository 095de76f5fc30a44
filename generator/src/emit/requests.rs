//! Each operation's request function: the path filled segment by segment, query, header and
//! cookie parameters as text, and the body (JSON, form, text, bytes or multipart parts).

use super::models::check_value;
use super::types::TypeIndex;
use crate::ir::{
    Body, Media, Operation, Param, ParamLocation, ParamStyle, TypeKind, TypeRef, Wrapper,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// How a parameter value becomes text: `Display` for scalars and enums, JSON for anything else.
/// Decided here once; the token writer ([`to_text`]) and the text writers spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ToText {
    /// `value.to_owned()` (a `&str`).
    ToOwned,
    /// `value.to_string()` (`Display`).
    ToString,
    /// `value.to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true)`.
    Rfc3339,
    /// `crate::runtime::param_text(value)` (JSON).
    ParamText,
}

impl ToText {
    pub(super) fn of(ty: &TypeRef, index: &TypeIndex<'_>) -> Self {
        match ty {
            TypeRef::String => ToText::ToOwned,
            TypeRef::Named(n) => match index.get(n).map(|t| &t.kind) {
                Some(TypeKind::Enum(_)) => ToText::ToString,
                Some(TypeKind::Alias(inner))
                    if !matches!(
                        inner,
                        TypeRef::Named(_)
                            | TypeRef::Any
                            | TypeRef::Map(_)
                            | TypeRef::Array(_)
                            | TypeRef::Option(_)
                    ) =>
                {
                    ToText::of(inner, index)
                }
                _ => ToText::ParamText,
            },
            TypeRef::DateTime => ToText::Rfc3339,
            TypeRef::Any | TypeRef::Map(_) | TypeRef::Array(_) => ToText::ParamText,
            _ => ToText::ToString,
        }
    }
}

/// Whether a method takes a parameter of this type by reference (so its checks get it as is;
/// other path parameters are borrowed for them).
pub(super) fn taken_by_reference(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::String | TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Any
    )
}

/// [`ToText`] of `value` as tokens.
pub(super) fn to_text(value: TokenStream, ty: &TypeRef, index: &TypeIndex<'_>) -> TokenStream {
    match ToText::of(ty, index) {
        ToText::ToOwned => quote!(#value.to_owned()),
        ToText::ToString => quote!(#value.to_string()),
        ToText::Rfc3339 => quote!(#value.to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true)),
        ToText::ParamText => quote!(crate::runtime::param_text(#value)),
    }
}

pub(super) fn emit_request_fn(
    op: &Operation,
    name: &syn::Ident,
    args: &[TokenStream],
    index: &TypeIndex<'_>,
) -> TokenStream {
    let mut checks = Vec::new();
    for p in &op.params {
        let ident = format_ident!("{}", p.rust_name);
        let json = &p.name;
        let value = match p.location {
            ParamLocation::Path => quote!(#ident),
            _ => quote!(&params.#ident),
        };
        let by_ref = taken_by_reference(&p.ty) || p.location != ParamLocation::Path;
        let value = if by_ref { value } else { quote!(&#value) };
        if let Some(body) = check_value(&quote!(value), &p.ty, &p.checks, index) {
            checks.push(if p.required || p.location == ParamLocation::Path {
                quote! { { let value = #value; let path = #json; #body } }
            } else {
                quote! { if let Some(value) = #value { let path = #json; #body } }
            });
        }
    }
    if let Some(body) = &op.body {
        if matches!(body.media, Media::Json | Media::Form | Media::Multipart) {
            if let Some(b) = check_value(&quote!(body), &body.ty, &Default::default(), index) {
                checks.push(quote! { { let path = "body"; #b } });
            }
        }
    }

    // Path parameters in template order, as text; the runtime encodes each into its segment.
    let path_params: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| {
            let ident = format_ident!("{}", p.rust_name);
            let json = &p.name;
            // Strings are passed straight from the argument, with no intermediate copy.
            let text = match &p.ty {
                TypeRef::String => quote!(#ident),
                ty => {
                    let t = to_text(quote!(#ident), ty, index);
                    quote!(#t.as_str())
                }
            };
            quote!((#json, #text))
        })
        .collect();

    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut cookies = Vec::new();
    for p in op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
    {
        let ident = format_ident!("{}", p.rust_name);
        let json = &p.name;
        let stmt = match p.location {
            ParamLocation::Query => query_stmt(p, index),
            ParamLocation::Header => {
                let text = to_text(quote!(value), &p.ty, index);
                quote! { parts.headers.push((#json, #text)); }
            }
            ParamLocation::Cookie => {
                let text = to_text(quote!(value), &p.ty, index);
                quote! { parts.cookies.push((#json, #text)); }
            }
            ParamLocation::Path => unreachable!("filtered above"),
        };
        let target = match p.location {
            ParamLocation::Query => &mut query,
            ParamLocation::Header => &mut headers,
            _ => &mut cookies,
        };
        target.push(if p.required {
            quote! { { let value = &params.#ident; #stmt } }
        } else {
            quote! { if let Some(value) = &params.#ident { #stmt } }
        });
    }

    let body_expr = match &op.body {
        None => quote!(RequestBody::None),
        Some(b) => match &b.media {
            Media::Json => quote!(RequestBody::json(body)?),
            Media::Form => quote!(RequestBody::form(body)?),
            Media::Text => quote!(RequestBody::Text(body.to_owned())),
            Media::Binary(ct) => {
                quote!(RequestBody::Bytes { data: body.into(), content_type: #ct.to_owned() })
            }
            Media::Multipart => multipart_expr(b, index),
        },
    };
    let op_id = &op.id;
    let template = &op.path;
    let http_method = format_ident!("{}", op.http_method.as_str());
    let body_stmt = op.body.is_some().then(|| quote!(parts.body = #body_expr;));
    let security_stmt = op.security.as_deref().map(|requirement| {
        let security = super::manifest::security_tokens(requirement);
        quote!(parts.security = Some(#security);)
    });
    let mutable = (!query.is_empty()
        || !headers.is_empty()
        || !cookies.is_empty()
        || op.body.is_some()
        || security_stmt.is_some())
    .then(|| quote!(mut));
    quote! {
        fn #name(#(#args),*) -> Result<RequestParts, InvalidRequest> {
            #(#checks)*
            let #mutable parts = RequestParts::for_template(
                #op_id,
                ::reqwest::Method::#http_method,
                #template,
                &[#(#path_params),*],
            )?;
            #(#query)*
            #(#headers)*
            #(#cookies)*
            #body_stmt
            #security_stmt
            Ok(parts)
        }
    }
}

fn query_stmt(p: &Param, index: &TypeIndex<'_>) -> TokenStream {
    let json = &p.name;
    match &p.ty {
        TypeRef::Array(inner) => {
            let text = to_text(quote!(item), inner, index);
            if p.explode && p.style != ParamStyle::DeepObject {
                quote! { for item in value.iter() { parts.push_query(#json, #text); } }
            } else {
                let sep = match p.style {
                    ParamStyle::SpaceDelimited => " ",
                    ParamStyle::PipeDelimited => "|",
                    _ => ",",
                };
                quote! {
                    let joined: Vec<String> = value.iter().map(|item| #text).collect();
                    parts.push_query(#json, joined.join(#sep));
                }
            }
        }
        TypeRef::Map(inner) => {
            let text = to_text(quote!(item), inner, index);
            if p.style == ParamStyle::DeepObject {
                quote! { for (key, item) in value.iter() { parts.push_query(format!("{}[{}]", #json, key), #text); } }
            } else if p.explode {
                quote! { for (key, item) in value.iter() { parts.push_query(key.as_str(), #text); } }
            } else {
                quote! {
                    let joined: Vec<String> = value.iter().flat_map(|(key, item)| [key.clone(), #text]).collect();
                    parts.push_query(#json, joined.join(","));
                }
            }
        }
        other => {
            let text = to_text(quote!(value), other, index);
            quote! { parts.push_query(#json, #text); }
        }
    }
}

fn multipart_expr(b: &Body, index: &TypeIndex<'_>) -> TokenStream {
    let TypeRef::Named(n) = &b.ty else {
        return quote!(RequestBody::Multipart(vec![
            crate::runtime::MultipartField::text(
                "body",
                ::serde_json::to_string(body).unwrap_or_default()
            )
        ]));
    };
    let Some(TypeKind::Struct(s)) = index.get(n).map(|t| &t.kind) else {
        return quote!(RequestBody::Multipart(vec![
            crate::runtime::MultipartField::text(
                "body",
                ::serde_json::to_string(body).unwrap_or_default()
            )
        ]));
    };
    let parts = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let json = &f.name;
        // A file part is labelled as its `Upload` says (by default, after its field). Bytes in a
        // struct shared with other uses are copied; an `Upload` clone shares its bytes or stream.
        // The spec's `encoding` types a part; a file's own `Upload::content_type` wins.
        let part_type = b
            .part_types
            .iter()
            .find(|(name, _)| name == json)
            .map(|(_, ct)| ct);
        let file = |data: TokenStream| match part_type {
            Some(ct) => {
                quote!(crate::runtime::MultipartField::upload(#json, #data).or_content_type(#ct))
            }
            None => quote!(crate::runtime::MultipartField::upload(#json, #data)),
        };
        let text = |value: TokenStream| match part_type {
            Some(ct) => {
                quote!(crate::runtime::MultipartField::text(#json, #value).content_type(#ct))
            }
            None => quote!(crate::runtime::MultipartField::text(#json, #value)),
        };
        let push = |part: TokenStream| quote!(fields.push(#part););
        let push = match &f.ty {
            TypeRef::Upload => push(file(quote!(value.clone()))),
            TypeRef::Bytes => push(file(quote!(::bytes::Bytes::from(value.clone())))),
            // An array of files is one part per file, under the same name.
            TypeRef::Array(item) if matches!(**item, TypeRef::Upload | TypeRef::Bytes) => {
                let data = match **item {
                    TypeRef::Upload => quote!(item.clone()),
                    _ => quote!(::bytes::Bytes::from(item.clone())),
                };
                let part = push(file(data));
                quote!(for item in value.iter() { #part })
            }
            TypeRef::String => push(text(quote!(value.clone()))),
            TypeRef::Named(_) | TypeRef::Any | TypeRef::Array(_) | TypeRef::Map(_) => push(text(
                quote!(::serde_json::to_string(value).unwrap_or_default()),
            )),
            _ => push(text(quote!(value.to_string()))),
        };
        match f.wrapper() {
            Wrapper::Plain => quote! { { let value = &body.#ident; #push } },
            Wrapper::Option => quote! { if let Some(value) = &body.#ident { #push } },
            Wrapper::Nullable => {
                quote! { if let crate::runtime::Nullable::Value(value) = &body.#ident { #push } }
            }
        }
    });
    quote! {{
        let mut fields = ::std::vec::Vec::new();
        #(#parts)*
        RequestBody::Multipart(fields)
    }}
}

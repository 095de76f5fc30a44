//! Error types: for every operation an enum with one variant per declared error status, and for
//! every status whose body is a tagged union an enum with one variant per declared code plus
//! `Other` for codes the spec does not list.

use super::types::{rust_type, TypeIndex};
use super::{docs, job, job_at, FeatureGroups, Imports, RustFile};
use crate::ir::{
    Api, ErrorBody, ErrorCase, Field, Media, Operation, StatusMatch, TaggedError, TypeKind,
    TypeRef, Wrapper,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit_errors<'a>(
    api: &'a Api,
    index: &'a TypeIndex<'a>,
    groups: &'a FeatureGroups,
) -> RustFile<'a> {
    // How many operations alias each shared error type, counted once rather than per operation.
    let mut sharers: std::collections::HashMap<&str, usize> = Default::default();
    for op in &api.operations {
        if let Some(shared) = &op.error_shared_with {
            *sharers.entry(shared.as_str()).or_default() += 1;
        }
    }
    let items = api.operations.iter().map(move |op| {
        let sharers = sharers.get(op.error_type.as_str()).copied().unwrap_or(0);
        // An alias is compiled with its operation; an enum with every operation using it.
        let gate = match op.error_shared_with {
            Some(_) => groups.operation(op),
            None => groups.error_gate(op),
        };
        job_at(super::operation_pointer(op), move || {
            emit_operation_errors(op, sharers, index)
        })
        .with_pieces(move || super::errors_text::error_pieces(op, sharers, index))
        .gated(gate)
    });
    // The one allow: an error enum's variants hold each status's body as the spec shapes it, so
    // their sizes differ by nature; boxing the large ones would tie the API to those sizes.
    let head = job(|| {
        quote! {
            //! Typed errors, one enum per operation.
            //!
            //! An operation's error enum has a variant per error status the spec declares. Where the
            //! body of a status is a union told apart by a code, that variant holds an enum with a variant
            //! per code and an `Other` variant for codes this version of the client does not know.
            //! Statuses the spec does not declare, and bodies that do not decode, surface as
            //! [`crate::runtime::Error::UnexpectedResponse`] with the raw status, headers and body.
            #![allow(clippy::large_enum_variant)]
        }
    });
    let imports = Imports::default()
        .glob("crate::models", api.types.iter().map(|t| t.name.clone()))
        .names("std::collections", &["BTreeMap"]);
    RustFile::new(head, imports, items)
}

pub fn status_doc(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => format!("HTTP {c}"),
        StatusMatch::Range(r) => format!("HTTP {r}xx"),
        StatusMatch::Default => "Any other status (the spec's `default` response)".into(),
    }
}

fn emit_operation_errors(op: &Operation, sharers: usize, index: &TypeIndex<'_>) -> TokenStream {
    if let Some(shared) = &op.error_shared_with {
        let name = format_ident!("{}", op.error_type);
        let target = format_ident!("{}", shared);
        let doc = format!(
            " Errors of `{}` (`{} {}`): the same declared responses as [`{}`].",
            op.id, op.http_method, op.path, shared
        );
        return quote! { #[doc = #doc] pub type #name = #target; };
    }
    let name = format_ident!("{}", op.error_type);
    let mut doc = format!(" Errors of `{}` (`{} {}`).", op.id, op.http_method, op.path);
    if sharers > 0 {
        doc.push_str(&format!(
            " {sharers} other operations declare the same error responses and use this type."
        ));
    }
    let tagged: Vec<TokenStream> = op
        .errors
        .iter()
        .filter_map(|e| match &e.body {
            ErrorBody::Tagged(t) => Some(emit_tagged(t, e, index)),
            _ => None,
        })
        .collect();
    let variants = op.errors.iter().map(|e| {
        let ident = format_ident!("{}", e.variant);
        let d = docs([
            Some(status_doc(&e.status).as_str()),
            e.description
                .as_deref()
                .filter(|d| !d.chars().all(|c| c.is_ascii_digit())),
        ]);
        match body_type(e) {
            Some(ty) => quote! { #d #ident(#ty), },
            None => quote! { #d #ident, },
        }
    });
    let code_arms = op.errors.iter().map(|e| {
        let ident = format_ident!("{}", e.variant);
        match &e.body {
            ErrorBody::Tagged(_) => {
                quote! { Self::#ident(e) => crate::runtime::ErrorDetails::code(e), }
            }
            ErrorBody::Typed { ty, .. } => match string_field(ty, CODE_FIELDS, index) {
                Some(access) => quote! { Self::#ident(body) => #access, },
                None => quote! { Self::#ident(..) => None, },
            },
            ErrorBody::None => quote! { Self::#ident => None, },
        }
    });
    let message_arms = op.errors.iter().map(|e| {
        let ident = format_ident!("{}", e.variant);
        let ty = match &e.body {
            ErrorBody::Tagged(t) => Some(&t.body),
            ErrorBody::Typed { ty, .. } => Some(ty),
            ErrorBody::None => None,
        };
        let access = ty.and_then(|ty| string_field(ty, MESSAGE_FIELDS, index));
        match (&e.body, access) {
            (ErrorBody::Tagged(_), _) => {
                quote! { Self::#ident(e) => crate::runtime::ErrorDetails::message(e), }
            }
            (
                ErrorBody::Typed {
                    ty: TypeRef::String,
                    ..
                },
                _,
            ) => quote! { Self::#ident(text) => Some(text.as_str()), },
            (ErrorBody::Typed { .. }, Some(access)) => quote! { Self::#ident(body) => #access, },
            (ErrorBody::None, _) => quote! { Self::#ident => None, },
            _ => quote! { Self::#ident(..) => None, },
        }
    });
    let names = op.errors.iter().map(|e| {
        let ident = format_ident!("{}", e.variant);
        let label = &e.variant;
        match &e.body {
            ErrorBody::None => quote! { Self::#ident => #label, },
            _ => quote! { Self::#ident(..) => #label, },
        }
    });
    let decode = emit_decode(op);
    let has_variants = !op.errors.is_empty();
    let (code_body, message_body, name_body) = if has_variants {
        (
            quote!(match self { #(#code_arms)* }),
            quote!(match self { #(#message_arms)* }),
            quote!(match self { #(#names)* }),
        )
    } else {
        (
            quote!(match *self {}),
            quote!(match *self {}),
            quote!(match *self {}),
        )
    };
    quote! {
        #(#tagged)*

        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The variant's name, e.g. `NotFound`.
            pub fn kind(&self) -> &'static str {
                #name_body
            }

            #decode
        }

        impl crate::runtime::ErrorDetails for #name {
            fn code(&self) -> Option<&str> {
                #code_body
            }
            fn message(&self) -> Option<&str> {
                #message_body
            }
        }

        crate::runtime::impl_error_display!(#name);
    }
}

/// `decode`: a response whose status is not a success of the operation -> the variant its status
/// declares, or `Unexpected` for a status the spec does not list (and for a body that does not
/// decode). Statuses are tried in spec order, so `404` wins over `4XX` over `default`.
fn emit_decode(op: &Operation) -> TokenStream {
    let mut arms = Vec::new();
    let mut only_default = None;
    for e in &op.errors {
        let pattern = status_pattern(&e.status);
        let variant = format_ident!("{}", e.variant);
        let value = match decoded_as(&e.body) {
            Decoded::Unit => quote!(crate::runtime::Outcome::ApiError(Self::#variant)),
            Decoded::Text => quote!(crate::runtime::text_error(&response.body, Self::#variant)),
            Decoded::Bytes => {
                quote!(crate::runtime::Outcome::ApiError(Self::#variant(response.body.to_vec())))
            }
            Decoded::Json => quote!(crate::runtime::json_error(&response.body, Self::#variant)),
            Decoded::Tagged(t) => {
                let enum_ty = format_ident!("{}", t.type_name);
                quote!(crate::runtime::json_error(&response.body, |body| Self::#variant(#enum_ty::from_body(body))))
            }
        };
        if e.status == StatusMatch::Default && op.errors.len() == 1 {
            only_default = Some((value.clone(), !matches!(e.body, ErrorBody::None)));
        }
        arms.push(quote! { #pattern => #value, });
    }
    if !op.errors.iter().any(|e| e.status == StatusMatch::Default) {
        arms.push(quote! {
            status => crate::runtime::Outcome::Unexpected(format!("status {status} is not declared for this operation")),
        });
    }
    // A range or `default` after a code (`404`, then `4XX`) overlaps it; that is intended.
    let overlapping = op
        .errors
        .iter()
        .any(|e| !matches!(e.status, StatusMatch::Code(_)))
        .then(|| quote!(#[allow(unreachable_patterns)]));
    // A `match` with one arm binding everything reads (and lints) better as a `let`.
    // Every status is the `default` response; one without a body does not read the response.
    let reads_response = only_default.as_ref().is_none_or(|(_, reads)| *reads);
    let response = if reads_response {
        format_ident!("response")
    } else {
        format_ident!("_response")
    };
    let body = match (op.errors.as_slice(), only_default) {
        (_, Some((value, _))) => value,
        ([], None) => quote! {
            let status = response.status.as_u16();
            crate::runtime::Outcome::Unexpected(format!("status {status} is not declared for this operation"))
        },
        (_, None) => quote! {
            match response.status.as_u16() {
                #(#arms)*
            }
        },
    };
    quote! {
        /// Reads a response whose status is not one of the operation's successes.
        #overlapping
        pub(crate) fn decode<T>(#response: &crate::runtime::RawResponse) -> crate::runtime::Outcome<T, Self> {
            #body
        }
    }
}

/// How an error status's body is read into its variant (the decoders) and written back from it
/// (the mock's answers).
pub(super) enum Decoded<'a> {
    /// No body.
    Unit,
    Text,
    Bytes,
    Json,
    /// JSON, then the per-code enum picks the variant.
    Tagged(&'a crate::ir::TaggedError),
}

pub(super) fn decoded_as(body: &ErrorBody) -> Decoded<'_> {
    match body {
        ErrorBody::None => Decoded::Unit,
        ErrorBody::Typed {
            media: Media::Text, ..
        }
        | ErrorBody::Typed {
            ty: TypeRef::String,
            ..
        } => Decoded::Text,
        ErrorBody::Typed {
            media: Media::Binary(_),
            ..
        }
        | ErrorBody::Typed {
            ty: TypeRef::Bytes, ..
        } => Decoded::Bytes,
        ErrorBody::Typed { .. } => Decoded::Json,
        ErrorBody::Tagged(t) => Decoded::Tagged(t),
    }
}

/// The `match` pattern of a status: a code, a range, or `_` for `default`.
pub fn status_pattern(status: &StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(c) => quote!(#c),
        StatusMatch::Range(r) => {
            let lo = *r as u16 * 100;
            let hi = lo + 99;
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// [`status_pattern`] as printed text.
pub fn status_text(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => format!("{c}u16"),
        StatusMatch::Range(r) => {
            let lo = *r as u16 * 100;
            format!("{lo}u16..={}u16", lo + 99)
        }
        StatusMatch::Default => "_".to_owned(),
    }
}

/// The payload type of an operation error variant.
fn body_type(e: &ErrorCase) -> Option<TokenStream> {
    match &e.body {
        ErrorBody::None => None,
        ErrorBody::Typed { ty, .. } => Some(rust_type(ty)),
        ErrorBody::Tagged(t) => {
            let ident = format_ident!("{}", t.type_name);
            Some(quote!(#ident))
        }
    }
}

/// An expression of type `Option<&str>` reading the first of `names` that is a string field of
/// the struct `ty`, from a binding `body: &Struct`.
fn string_field(ty: &TypeRef, names: &[&str], index: &TypeIndex<'_>) -> Option<TokenStream> {
    let f = find_string_field(ty, names, index)?;
    let ident = format_ident!("{}", f.rust_name);
    Some(match f.wrapper() {
        Wrapper::Plain => quote!(Some(body.#ident.as_str())),
        Wrapper::Option => quote!(body.#ident.as_deref()),
        Wrapper::Nullable => quote!(body.#ident.as_ref().into_option().map(|s| s.as_str())),
    })
}

/// The field [`string_field`] reads: the first of `names` that is a string field of `ty`.
pub(super) fn find_string_field<'a>(
    ty: &TypeRef,
    names: &[&str],
    index: &'a TypeIndex<'_>,
) -> Option<&'a Field> {
    let TypeRef::Named(n) = ty else { return None };
    let TypeKind::Struct(s) = &index.get(n)?.kind else {
        return None;
    };
    names.iter().find_map(|name| {
        s.fields
            .iter()
            .find(|f| f.name == *name && f.ty == TypeRef::String && !f.boxed)
    })
}

/// The fields an error's `code()` and `message()` come from, in order of preference.
pub(super) const CODE_FIELDS: &[&str] = &["code", "error", "error_code", "errorCode"];
pub(super) const MESSAGE_FIELDS: &[&str] = &["message", "detail", "error_description", "title"];

fn emit_tagged(t: &TaggedError, case: &ErrorCase, index: &TypeIndex<'_>) -> TokenStream {
    let name = format_ident!("{}", t.type_name);
    let body = rust_type(&t.body);
    let field = format_ident!("{}", t.tag_field);
    let doc = format!(
        " {} errors, told apart by `{}`.",
        status_doc(&case.status),
        t.tag
    );
    let variants: Vec<syn::Ident> = t
        .codes
        .iter()
        .map(|c| format_ident!("{}", c.variant))
        .collect();
    let values: Vec<&str> = t.codes.iter().map(|c| c.value.as_str()).collect();
    let variant_docs = t.codes.iter().map(|c| {
        let head = format!("`{}`", c.value);
        docs([Some(head.as_str()), c.doc.as_deref()])
    });
    let (tag_expr, code_ret, code_expr) = if t.tag_required {
        (
            quote!(body.#field.as_str()),
            quote!(&str),
            quote!(self.body().#field.as_str()),
        )
    } else {
        (
            quote!(body.#field.as_deref().unwrap_or_default()),
            quote!(Option<&str>),
            quote!(self.body().#field.as_deref()),
        )
    };
    let from_body_doc = format!(" Picks the variant from the body's `{}` value.", t.tag);
    let code_for_details = if t.tag_required {
        quote!(Some(self.code()))
    } else {
        quote!(self.code())
    };
    let message = match string_field(&t.body, MESSAGE_FIELDS, index) {
        Some(access) => quote! { let body = self.body(); #access },
        None => quote!(None),
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants(#body), )*
            /// A code the spec does not list for this status.
            Other(#body),
        }

        impl #name {
            #[doc = #from_body_doc]
            pub fn from_body(body: #body) -> Self {
                match #tag_expr {
                    #( #values => Self::#variants(body), )*
                    _ => Self::Other(body),
                }
            }

            /// The decoded body, whatever the variant.
            pub fn body(&self) -> &#body {
                match self {
                    #( Self::#variants(body) )|* | Self::Other(body) => body,
                }
            }

            /// The error code as sent by the server.
            pub fn code(&self) -> #code_ret {
                #code_expr
            }
        }

        impl crate::runtime::ErrorDetails for #name {
            fn code(&self) -> Option<&str> {
                #code_for_details
            }
            fn message(&self) -> Option<&str> {
                #message
            }
        }
    }
}

//! Named types: structs, open string enums, unions, aliases, each with a `Validate` impl that
//! checks the spec's constraints before a request is sent.

use super::types::{rust_type, TypeIndex};
use super::{docs, job, job_at, FeatureGroups, Gate, Imports, RustFile};
use crate::ir::{
    Api, Checks, EnumValue, Field, Struct, TypeDef, TypeKind, TypeRef, Union, Wrapper,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit_models<'a>(
    api: &'a Api,
    index: &'a TypeIndex<'a>,
    groups: &'a FeatureGroups,
) -> RustFile<'a> {
    // Built by code using the crate (constructor and setters): reachable from a request.
    let built = api.input_types();
    let mut inputs = built.clone();
    let mut outputs = api.output_types();
    // A type no operation uses derives both traits, and so does a tagged union (its impls are
    // written by hand, both always): every type they contain needs both too.
    let unused: Vec<TypeRef> = api
        .types
        .iter()
        .filter(|t| {
            let unused = !inputs.contains(t.name.as_str()) && !outputs.contains(t.name.as_str());
            unused || matches!(&t.kind, TypeKind::Union(u) if u.tag.is_some())
        })
        .map(|t| TypeRef::Named(t.name.clone()))
        .collect();
    let contained: std::collections::HashSet<String> = api
        .reachable(unused.iter().collect())
        .into_iter()
        .map(str::to_owned)
        .collect();
    let both: Vec<&str> = api
        .types
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| contained.contains(*n))
        .collect();
    inputs.extend(&both);
    outputs.extend(&both);
    let lean = !groups.groups.is_empty();
    let serde_of = move |name: &str| Serde {
        built: built.contains(name),
        sent: inputs.contains(name),
        received: outputs.contains(name),
        lean,
    };
    let tagged_unions: Vec<Gate> = api
        .types
        .iter()
        .filter(
            |t| matches!(&t.kind, TypeKind::Union(u) if u.variants.iter().any(|v| v.inject_tag)),
        )
        .map(|t| groups.model(&t.name))
        .collect();
    let items = api.types.iter().map(move |t| {
        let serde = serde_of(&t.name);
        job_at(t.origin.clone(), move || emit_type(t, serde, index))
            .with_pieces(move || super::model_text::type_pieces(t, serde, index))
            .gated(groups.model(&t.name))
    });
    let helper = Gate::union(&tagged_unions).map(|gate| {
        job(|| {
            quote! {
                /// Serialises `inner` and adds the union's tag property, which the variant type does not carry.
                fn serialize_tagged<S: serde::Serializer, T: serde::Serialize>(
                    serializer: S,
                    tag: &str,
                    value: &str,
                    inner: &T,
                ) -> ::std::result::Result<S::Ok, S::Error> {
                    use serde::ser::Error as _;
                    let mut json = ::serde_json::to_value(inner).map_err(S::Error::custom)?;
                    if let ::serde_json::Value::Object(map) = &mut json {
                        map.insert(tag.to_owned(), ::serde_json::Value::String(value.to_owned()));
                    }
                    serde::Serialize::serialize(&json, serializer)
                }
            }
        })
        .gated(gate)
    });
    // Each allow only where the spec makes it necessary: a union's variants hold the spec's types
    // as they are (boxing the large ones would tie the API to their sizes), and the spec's
    // deprecated types and fields are still used by the types that contain them.
    let has_unions = api
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Union(_)));
    let has_deprecated = api.types.iter().any(|t| {
        t.deprecated
            || matches!(&t.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.deprecated))
    });
    let head = job(move || {
        let allows = [
            has_unions.then(|| quote!(#![allow(clippy::large_enum_variant)])),
            has_deprecated.then(|| quote!(#![allow(deprecated)])),
        ];
        quote! {
            //! Request and response types of the API.
            //!
            //! Response types accept fields the spec does not list (servers add fields over time), and
            //! string enums keep values they do not know in an `Unknown` variant.
            #(#allows)*
        }
    });
    let imports = Imports::default()
        .names(
            "crate::runtime",
            &["InvalidRequest", "Nullable", "Validate"],
        )
        .names("serde", &["Deserialize", "Serialize"])
        .names("std::collections", &["BTreeMap"]);
    RustFile::new(head, imports, items.chain(helper))
}

/// Which serde traits a type implements. In an API with group features (a large one, see
/// `features`) a type only sent is decoded, and a type only received encoded, only with the
/// `serde-roundtrip` feature (which `mock` turns on): those derives are most of what such a crate
/// costs to check (BENCHMARKS.md). Smaller APIs, and types no operation uses, derive both.
#[derive(Debug, Clone, Copy)]
pub(super) struct Serde {
    /// Code using the crate builds values of the type (it is reachable from a request).
    pub built: bool,
    /// Encoded: sent, or inside a type that derives both.
    sent: bool,
    received: bool,
    lean: bool,
}

impl Serde {
    /// The derive list's serde part (`Serialize, Deserialize`), and a `cfg_attr` deriving what
    /// only `serde-roundtrip` needs: for untagged unions, which serde's derive writes.
    fn derives(self) -> (TokenStream, TokenStream) {
        let feature = super::features::SERDE_ROUNDTRIP;
        match (self.serialize(), self.deserialize()) {
            (Some(_), None) => (
                quote!(Serialize),
                quote!(#[cfg_attr(feature = #feature, derive(serde::Deserialize))]),
            ),
            (None, Some(_)) => (
                quote!(Deserialize),
                quote!(#[cfg_attr(feature = #feature, derive(serde::Serialize))]),
            ),
            _ => (quote!(Serialize, Deserialize), TokenStream::new()),
        }
    }

    /// `Some` (no attribute) when `Serialize` is always implemented, `None` when only with
    /// `serde-roundtrip`.
    pub(super) fn serialize(self) -> Option<TokenStream> {
        self.gate(self.sent)
    }

    /// `Some` (no attribute) when `Deserialize` is always implemented, `None` when only with
    /// `serde-roundtrip`.
    pub(super) fn deserialize(self) -> Option<TokenStream> {
        self.gate(self.received)
    }

    fn gate(self, used: bool) -> Option<TokenStream> {
        let unused = !self.sent && !self.received;
        (!self.lean || unused || used).then(TokenStream::new)
    }

    /// The `cfg` of an impl that only `serde-roundtrip` needs.
    fn roundtrip_cfg() -> TokenStream {
        let feature = super::features::SERDE_ROUNDTRIP;
        quote!(#[cfg(feature = #feature)])
    }
}

#[cfg(test)]
impl Serde {
    /// A model of an API with group features, sent (and built) or received.
    pub(super) fn grouped(sent: bool) -> Serde {
        Serde {
            built: sent,
            sent,
            received: !sent,
            lean: true,
        }
    }
}

fn emit_type(t: &TypeDef, serde: Serde, index: &TypeIndex<'_>) -> TokenStream {
    let input = serde.built;
    let name = format_ident!("{}", t.name);
    let doc = docs([t.description.as_deref()]);
    let deprecated = t.deprecated.then(|| quote!(#[deprecated]));
    match &t.kind {
        TypeKind::Struct(s) => emit_struct(&name, doc, deprecated, s, input, serde, index),
        TypeKind::Enum(values) => emit_enum(&name, doc, deprecated, values),
        TypeKind::Union(u) => emit_union(&name, doc, deprecated, u, serde, index),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty);
            quote! { #doc #deprecated pub type #name = #ty; }
        }
    }
}

fn field_type(f: &Field) -> TokenStream {
    let mut ty = rust_type(&f.ty);
    if f.boxed {
        ty = quote!(Box<#ty>);
    }
    match f.wrapper() {
        Wrapper::Plain => ty,
        Wrapper::Option => quote!(Option<#ty>),
        Wrapper::Nullable => quote!(Nullable<#ty>),
    }
}

fn emit_struct(
    name: &syn::Ident,
    doc: TokenStream,
    deprecated: Option<TokenStream>,
    s: &Struct,
    input: bool,
    serde: Serde,
    index: &TypeIndex<'_>,
) -> TokenStream {
    // Only a multipart body holds uploads (`ir/uploads.rs`): it is sent part by part, never
    // serialised, and a stream has no value to compare, so it derives neither serde nor `PartialEq`.
    let uploads = s.fields.iter().any(|f| holds_upload(&f.ty));
    let fields = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let ty = field_type(f);
        let upload_note = holds_upload(&f.ty).then_some(
            "Sent as a file part: bytes (sent again on a retry), or an `Upload::stream` read once as it is sent (a request carrying one is not retried).",
        );
        let doc = docs([f.description.as_deref(), upload_note]);
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        quote! { #doc #deprecated pub #ident: #ty, }
    });
    let extra = s.extra.as_ref().map(|ty| {
        let ty = rust_type(ty);
        quote! {
            /// Properties beyond the declared ones (`additionalProperties`).
            pub additional_properties: BTreeMap<String, #ty>,
        }
    });
    let all_optional = s.fields.iter().all(|f| f.wrapper() != Wrapper::Plain);
    // Only types code builds derive `Default`: on a type only read, a required field added later
    // would take the impl away, a breaking change for no use.
    let default = (input && all_optional).then(|| quote!(Default,));
    let builder = input.then(|| emit_builder(name, s));
    let validate = validate_impl(name, struct_checks(s, index));
    let (derives, serde_impls) = if uploads {
        (quote!(Debug, Clone, #default), TokenStream::new())
    } else {
        (
            quote!(Debug, Clone, PartialEq, #default),
            serde_impls(name, s, serde),
        )
    };
    quote! {
        #doc
        #deprecated
        #[derive(#derives)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #serde_impls
        #builder
        #validate
    }
}

/// A struct's `Serialize` and `Deserialize` impls, written by the runtime's macros from its field
/// list (`serde_struct.rs` in the runtime says why not serde's derive): each field's Rust name,
/// JSON name, and how it may be absent.
pub(super) fn serde_impls(name: &syn::Ident, s: &Struct, serde: Serde) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let json = &f.name;
        let kind = format_ident!("{}", serde_field_kind(f));
        quote!(#kind #ident = #json)
    });
    let list = quote!(#name { #(#fields),* });
    let extra = s
        .extra
        .as_ref()
        .map(|_| quote!(extra additional_properties));
    let cfg = |always: Option<TokenStream>| always.unwrap_or_else(Serde::roundtrip_cfg);
    let ser_cfg = cfg(serde.serialize());
    let de_cfg = cfg(serde.deserialize());
    quote! {
        #ser_cfg
        crate::runtime::impl_serialize_struct!(#list #extra);
        #de_cfg
        crate::runtime::impl_deserialize_struct!(#list #extra);
    }
}

/// How the serde macros treat a field that is absent: the word before its name in their list.
pub(super) fn serde_field_kind(f: &Field) -> &'static str {
    match f.wrapper() {
        Wrapper::Plain => "required",
        Wrapper::Option if f.required => "default",
        Wrapper::Option => "optional",
        Wrapper::Nullable => "nullable",
    }
}

/// A multipart file part, or an array of them, held as `Upload`s.
fn holds_upload(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Upload => true,
        TypeRef::Array(item) => **item == TypeRef::Upload,
        _ => false,
    }
}

/// The statements of a struct's `Validate` impl, one per field with something to check.
pub(super) fn struct_checks(s: &Struct, index: &TypeIndex<'_>) -> Vec<TokenStream> {
    s.fields
        .iter()
        .filter_map(|f| {
            let ident = format_ident!("{}", f.rust_name);
            let json = &f.name;
            let body = check_value(&quote!(value), &f.ty, &f.checks, index)?;
            let path = quote!(let path = &crate::runtime::join_path(path, #json););
            Some(match f.wrapper() {
                Wrapper::Plain => quote! { { let value = &self.#ident; #path #body } },
                Wrapper::Option => quote! { if let Some(value) = &self.#ident { #path #body } },
                Wrapper::Nullable => quote! { if let crate::runtime::Nullable::Value(value) = &self.#ident { #path #body } },
            })
        })
        .collect()
}

/// `new` taking the required fields, and a setter per optional field, for a struct code builds.
/// The struct is `#[non_exhaustive]`, so a property the spec adds later is a new setter, not a
/// broken struct literal.
pub(super) fn emit_builder(name: &syn::Ident, s: &Struct) -> TokenStream {
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.wrapper() == Wrapper::Plain)
        .collect();
    let params = required.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let ty = rust_type(&f.ty);
        quote!(#ident: impl Into<#ty>)
    });
    let inits = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        match (f.wrapper(), f.boxed) {
            (Wrapper::Plain, false) => quote!(#ident: #ident.into(),),
            (Wrapper::Plain, true) => quote!(#ident: Box::new(#ident.into()),),
            (Wrapper::Option, _) => quote!(#ident: None,),
            (Wrapper::Nullable, _) => quote!(#ident: Nullable::Absent,),
        }
    });
    let extra_init = s
        .extra
        .as_ref()
        .map(|_| quote!(additional_properties: BTreeMap::new(),));
    let setters = s
        .fields
        .iter()
        .filter(|f| f.wrapper() != Wrapper::Plain)
        .map(|f| {
            let ident = format_ident!("{}", f.rust_name);
            let setter = setter_name(&f.rust_name);
            let ty = rust_type(&f.ty);
            let doc = format!(" Sets `{}`.", f.name);
            let value = if f.boxed {
                quote!(Box::new(value.into()))
            } else {
                quote!(value.into())
            };
            match f.wrapper() {
                Wrapper::Nullable if !f.boxed => quote! {
                    #[doc = #doc]
                    #[doc = ""]
                    #[doc = " A value, or `Nullable::Null` to send `null`."]
                    pub fn #setter(mut self, value: impl Into<Nullable<#ty>>) -> Self {
                        self.#ident = value.into();
                        self
                    }
                },
                Wrapper::Nullable => quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                        self.#ident = Nullable::Value(#value);
                        self
                    }
                },
                _ => quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                        self.#ident = Some(#value);
                        self
                    }
                },
            }
        });
    let extra_setter = s.extra.as_ref().map(|ty| {
        let ty = rust_type(ty);
        quote! {
            /// Sets the properties beyond the declared ones.
            pub fn additional_properties(mut self, value: BTreeMap<String, #ty>) -> Self {
                self.additional_properties = value;
                self
            }
        }
    });
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #name {
            /// A value with the required fields; set optional ones with the methods below.
            #many
            pub fn new(#(#params),*) -> Self {
                Self {
                    #(#inits)*
                    #extra_init
                }
            }
            #(#setters)*
            #extra_setter
        }
    }
}

/// A setter is named after its field, unless that would shadow a method every struct has.
pub(super) fn setter_name(field: &str) -> syn::Ident {
    const TAKEN: [&str; 12] = [
        "new",
        "clone",
        "fmt",
        "eq",
        "ne",
        "validate",
        "default",
        "serialize",
        "deserialize",
        "into",
        "from",
        "additional_properties",
    ];
    if TAKEN.contains(&field) {
        format_ident!("with_{}", field)
    } else {
        format_ident!("{}", field)
    }
}

pub(super) fn validate_impl(name: &syn::Ident, checks: Vec<TokenStream>) -> TokenStream {
    if checks.is_empty() {
        return quote! { impl Validate for #name {} };
    }
    quote! {
        impl Validate for #name {
            fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
                #(#checks)*
                Ok(())
            }
        }
    }
}

/// Statements checking `value` (a reference to a value of `ty`) against `checks` and, for named
/// types, their own constraints. `None` when there is nothing to check. Expects `path` in scope, a
/// `&str` or `&String` naming the value.
pub fn check_value(
    value: &TokenStream,
    ty: &TypeRef,
    checks: &Checks,
    index: &TypeIndex<'_>,
) -> Option<TokenStream> {
    let mut out = Vec::new();
    // `path` is always a reference (`&str`, or `&String` for built paths), passed as it is.
    let path = quote!(path);
    if let Some(n) = checks.min_length {
        let n = n as usize;
        out.push(quote!(crate::runtime::check_min_length(#path, #value, #n)?;));
    }
    if let Some(n) = checks.max_length {
        let n = n as usize;
        out.push(quote!(crate::runtime::check_max_length(#path, #value, #n)?;));
    }
    if let Some(n) = checks.min_items {
        let n = n as usize;
        out.push(quote!(crate::runtime::check_min_items(#path, #value.len(), #n)?;));
    }
    if let Some(n) = checks.max_items {
        let n = n as usize;
        out.push(quote!(crate::runtime::check_max_items(#path, #value.len(), #n)?;));
    }
    let numeric = matches!(ty, TypeRef::Int(_) | TypeRef::Float(_));
    if numeric {
        for (bound, f) in [
            (checks.minimum, quote!(check_minimum)),
            (checks.maximum, quote!(check_maximum)),
            (checks.exclusive_minimum, quote!(check_exclusive_minimum)),
            (checks.exclusive_maximum, quote!(check_exclusive_maximum)),
        ] {
            if let Some(b) = bound {
                out.push(quote!(crate::runtime::#f(#path, *#value as f64, #b)?;));
            }
        }
    }
    match ty {
        TypeRef::Named(n) if index.is_generated(n) && needs_validation(n, index, 0) => {
            out.push(quote!(crate::runtime::Validate::validate(#value, #path)?;));
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => {
            let inner_checks = checks.inner.as_deref().cloned().unwrap_or_default();
            if let Some(body) = check_value(&quote!(item), inner, &inner_checks, index) {
                let is_map = matches!(ty, TypeRef::Map(_));
                out.push(if is_map {
                    quote! { for (key, item) in #value.iter() { let path = &crate::runtime::join_path(path, key); #body } }
                } else {
                    quote! { for (i, item) in #value.iter().enumerate() { let path = &crate::runtime::index_path(path, i); #body } }
                });
            }
        }
        TypeRef::Option(inner) => {
            if let Some(body) = check_value(&quote!(item), inner, checks, index) {
                out.push(quote! { if let Some(item) = #value { #body } });
            }
        }
        _ => {}
    }
    (!out.is_empty()).then(|| quote!(#(#out)*))
}

/// Whether a named type (or anything it contains) has a constraint to check. Enums always do:
/// an `Unknown` value cannot be sent.
pub(super) fn needs_validation(name: &str, index: &TypeIndex<'_>, depth: usize) -> bool {
    if depth > 6 {
        return true;
    }
    let Some(t) = index.get(name) else {
        return false;
    };
    let ty_needs = |ty: &TypeRef, checks: &Checks| -> bool {
        !checks.is_empty()
            || refs(ty)
                .iter()
                .any(|n| needs_validation(n, index, depth + 1))
    };
    match &t.kind {
        TypeKind::Enum(_) => true,
        TypeKind::Struct(s) => s.fields.iter().any(|f| ty_needs(&f.ty, &f.checks)),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .any(|v| ty_needs(&v.ty, &Checks::default())),
        TypeKind::Alias(ty) => ty_needs(ty, &Checks::default()),
    }
}

fn refs(ty: &TypeRef) -> Vec<&str> {
    match ty {
        TypeRef::Named(n) => vec![n.as_str()],
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Option(i) => refs(i),
        _ => vec![],
    }
}

fn emit_enum(
    name: &syn::Ident,
    doc: TokenStream,
    deprecated: Option<TokenStream>,
    values: &[EnumValue],
) -> TokenStream {
    let variants: Vec<syn::Ident> = values
        .iter()
        .map(|v| format_ident!("{}", v.variant))
        .collect();
    let strings: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| {
        let head = format!("`{}`", v.value);
        docs([Some(head.as_str()), v.description.as_deref()])
    });
    let reason = enum_reason(values);
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value this version of the client does not know (servers may add values).
            Unknown(String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #strings, )*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #strings => Self::#variants, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        crate::runtime::impl_string_enum!(#name);

        impl Validate for #name {
            fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
                match self {
                    Self::Unknown(_) => Err(InvalidRequest::new(path, #reason)),
                    _ => Ok(()),
                }
            }
        }
    }
}

/// Why an enum's `Unknown` value cannot be sent.
pub(super) fn enum_reason(values: &[EnumValue]) -> String {
    let allowed = values
        .iter()
        .map(|v| format!("`{}`", v.value))
        .collect::<Vec<_>>()
        .join(", ");
    format!("value not allowed by the spec (expected one of {allowed})")
}

fn emit_union(
    name: &syn::Ident,
    doc: TokenStream,
    deprecated: Option<TokenStream>,
    u: &Union,
    serde: Serde,
    index: &TypeIndex<'_>,
) -> TokenStream {
    let variants: Vec<syn::Ident> = u
        .variants
        .iter()
        .map(|v| format_ident!("{}", v.name))
        .collect();
    let types: Vec<TokenStream> = u.variants.iter().map(|v| rust_type(&v.ty)).collect();
    let variant_docs = u.variants.iter().map(|v| {
        if v.tag_values.is_empty() {
            if u.tag.is_some() {
                quote!(#[doc = " Any other tag value."])
            } else {
                TokenStream::new()
            }
        } else {
            let d = format!(" `{}`", v.tag_values.join("`, `"));
            quote!(#[doc = #d])
        }
    });
    let checks: Vec<Option<TokenStream>> = u
        .variants
        .iter()
        .map(|v| check_value(&quote!(value), &v.ty, &Checks::default(), index))
        .collect();
    let validate = if checks.iter().all(Option::is_none) {
        quote! { impl Validate for #name {} }
    } else {
        let arms = checks
            .into_iter()
            .zip(&variants)
            .map(|(check, ident)| match check {
                Some(body) => {
                    quote! { Self::#ident(value) => { #body } }
                }
                None => quote! { Self::#ident(_) => {} },
            });
        quote! {
            impl Validate for #name {
                fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
                    match self { #(#arms)* }
                    Ok(())
                }
            }
        }
    };
    let Some(tag) = &u.tag else {
        let (serde_derives, roundtrip) = serde.derives();
        return quote! {
            #doc
            #deprecated
            #[derive(Debug, Clone, PartialEq, #serde_derives)]
            #roundtrip
            #[serde(untagged)]
            pub enum #name {
                #( #variant_docs #variants(#types), )*
            }
            #validate
        };
    };
    let ser_arms = u.variants.iter().zip(&variants).map(|(v, ident)| {
        match (v.inject_tag, v.tag_values.first()) {
            (true, Some(value)) => {
                quote! { Self::#ident(inner) => serialize_tagged(serializer, #tag, #value, inner), }
            }
            _ => quote! { Self::#ident(inner) => serde::Serialize::serialize(inner, serializer), },
        }
    });
    let mut de_arms = Vec::new();
    let mut fallback = None;
    for (v, ident) in u.variants.iter().zip(&variants) {
        if v.tag_values.is_empty() {
            fallback = Some(ident.clone());
            continue;
        }
        let values = &v.tag_values;
        de_arms.push(quote! { Some(#(#values)|*) => ::serde_json::from_value(value).map(Self::#ident).map_err(D::Error::custom), });
    }
    let unknown = format!("unknown `{tag}` value");
    let fallback_arm = match fallback {
        Some(ident) => {
            quote! { _ => ::serde_json::from_value(value).map(Self::#ident).map_err(D::Error::custom), }
        }
        None => quote! { other => Err(D::Error::custom(format!("{}: {:?}", #unknown, other))), },
    };
    // Hand-written impls, small next to derives: a tagged union keeps both in any API.
    let ser_impl = {
        quote! {
            impl Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    match self { #(#ser_arms)* }
                }
            }
        }
    };
    let de_impl = {
        quote! {
            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    use serde::de::Error as _;
                    let value = <::serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                    let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                    match tag.as_deref() {
                        #(#de_arms)*
                        #fallback_arm
                    }
                }
            }
        }
    };
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #( #variant_docs #variants(#types), )*
        }

        #ser_impl
        #de_impl
        #validate
    }
}

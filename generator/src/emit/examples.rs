//! Test values of the models (part of the `mock` feature's file): `Type::example()` for every
//! struct, enum and union, and a setter for each struct field that has none, so test code can
//! build a response model or error body in one line (`Link::example().link_id("lnk_9")`) although
//! models are `#[non_exhaustive]`. A property the spec adds later gets an example value of its
//! own, so such test code keeps compiling.
//!
//! Example values are placeholders by type: a string is its property's name, numbers are zero,
//! `false`, empty lists and maps, absent optional fields, an enum's first value, a union's first
//! variant that has an example. A type with a required field no example can fill (a type the
//! config maps to a Rust path, or a required cycle) gets no `example()`.

use super::types::{rust_type, TypeIndex};
use crate::ir::{Api, Field, Struct, TypeDef, TypeKind, TypeRef, Wrapper};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::HashSet;

/// The named types that get an `example()`: the least set closed under "every required field
/// has an example", so a cycle of required fields never recurses forever.
pub fn with_examples<'a>(api: &'a Api, index: &TypeIndex<'_>) -> HashSet<&'a str> {
    let mut have: HashSet<&str> = HashSet::new();
    loop {
        let before = have.len();
        for t in &api.types {
            if have.contains(t.name.as_str()) {
                continue;
            }
            let ok = match &t.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .filter(|f| f.wrapper() == Wrapper::Plain)
                    .all(|f| has_example(&f.ty, &have, index)),
                TypeKind::Enum(_) => true,
                TypeKind::Union(u) => u.variants.iter().any(|v| has_example(&v.ty, &have, index)),
                TypeKind::Alias(_) => false,
            };
            if ok {
                have.insert(t.name.as_str());
            }
        }
        if have.len() == before {
            return have;
        }
    }
}

/// Whether an example value of `ty` can be written, given the named types that have one.
pub fn has_example(ty: &TypeRef, have: &HashSet<&str>, index: &TypeIndex<'_>) -> bool {
    match ty {
        TypeRef::Named(name) => match index.get(name).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => has_example(inner, have, index),
            Some(_) => have.contains(name.as_str()),
            None => false,
        },
        _ => true,
    }
}

/// An expression of type `ty` holding its example value; `label` is the text of a string.
pub fn example_expr(ty: &TypeRef, label: &str, index: &TypeIndex<'_>) -> TokenStream {
    match ty {
        TypeRef::Named(name) => match index.get(name).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => example_expr(inner, label, index),
            _ => {
                let ident = format_ident!("{}", name);
                quote!(#ident::example())
            }
        },
        TypeRef::String => quote!(#label.to_owned()),
        TypeRef::Bool => quote!(false),
        TypeRef::Int(_) => quote!(0),
        TypeRef::Float(_) => quote!(0.0),
        TypeRef::DateTime | TypeRef::Date => quote!(::std::default::Default::default()),
        TypeRef::Uuid => quote!(::uuid::Uuid::nil()),
        TypeRef::Any => quote!(::serde_json::Value::Null),
        TypeRef::Bytes | TypeRef::Array(_) => quote!(Vec::new()),
        TypeRef::Upload => quote!(crate::runtime::Upload::from(::bytes::Bytes::new())),
        TypeRef::Map(_) => quote!(BTreeMap::new()),
        TypeRef::Option(_) => quote!(None),
    }
}

/// `example()` (if `t` has one) and the mock-only setters of one named type.
pub fn emit_type_examples(
    t: &TypeDef,
    input: bool,
    have: &HashSet<&str>,
    index: &TypeIndex<'_>,
) -> TokenStream {
    let name = format_ident!("{}", t.name);
    let example = have.contains(t.name.as_str()).then(|| {
        let value = match &t.kind {
            TypeKind::Struct(s) => struct_example(s, index),
            TypeKind::Enum(values) => match values.first() {
                Some(v) => {
                    let variant = format_ident!("{}", v.variant);
                    quote!(Self::#variant)
                }
                None => quote!(Self::Unknown(String::new())),
            },
            TypeKind::Union(u) => {
                let first = u.variants.iter().find(|v| has_example(&v.ty, have, index));
                match first {
                    Some(v) => {
                        let variant = format_ident!("{}", v.name);
                        let inner = example_expr(&v.ty, &v.name, index);
                        quote!(Self::#variant(#inner))
                    }
                    None => return TokenStream::new(),
                }
            }
            TypeKind::Alias(_) => return TokenStream::new(),
        };
        quote! {
            /// A value with placeholder data (see the module docs), for tests.
            pub fn example() -> Self {
                #value
            }
        }
    });
    let setters = match &t.kind {
        TypeKind::Struct(s) => mock_setters(s, input),
        _ => Vec::new(),
    };
    if example.is_none() && setters.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #name {
            #example
            #(#setters)*
        }
    }
}

fn struct_example(s: &Struct, index: &TypeIndex<'_>) -> TokenStream {
    let inits = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let value = match f.wrapper() {
            Wrapper::Plain => {
                let value = example_expr(&f.ty, &f.name, index);
                if f.boxed {
                    quote!(Box::new(#value))
                } else {
                    value
                }
            }
            Wrapper::Option => quote!(None),
            Wrapper::Nullable => quote!(crate::runtime::Nullable::Absent),
        };
        quote!(#ident: #value,)
    });
    let extra = s
        .extra
        .as_ref()
        .map(|_| quote!(additional_properties: BTreeMap::new(),));
    quote! { Self { #(#inits)* #extra } }
}

/// Setters for the fields that have none outside the `mock` feature: every field of a type code
/// only reads, the required fields of one it builds (those go to `new`).
fn mock_setters(s: &Struct, input: bool) -> Vec<TokenStream> {
    s.fields
        .iter()
        .filter(|f| !input || f.wrapper() == Wrapper::Plain)
        .filter(|f| super::models::setter_name(&f.rust_name) != "example")
        .map(setter)
        .collect()
}

fn setter(f: &Field) -> TokenStream {
    let ident = format_ident!("{}", f.rust_name);
    let method = super::models::setter_name(&f.rust_name);
    let ty = rust_type(&f.ty);
    let doc = format!(" Sets `{}` (`mock` feature, for tests).", f.name);
    let value = if f.boxed {
        quote!(Box::new(value.into()))
    } else {
        quote!(value.into())
    };
    let assign = match f.wrapper() {
        Wrapper::Plain => quote!(self.#ident = #value;),
        Wrapper::Option => quote!(self.#ident = Some(#value);),
        Wrapper::Nullable => quote!(self.#ident = crate::runtime::Nullable::Value(#value);),
    };
    quote! {
        #[doc = #doc]
        pub fn #method(mut self, value: impl Into<#ty>) -> Self {
            #assign
            self
        }
    }
}

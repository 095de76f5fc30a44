//! IR type references -> Rust type tokens, and facts about named types the other emitters need.

use crate::ir::{Api, ErrorBody, FloatWidth, IntKind, Media, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

pub struct TypeIndex<'a> {
    defs: FxHashMap<&'a str, &'a TypeDef>,
    api: &'a Api,
}

impl<'a> TypeIndex<'a> {
    pub fn new(api: &'a Api) -> Self {
        TypeIndex {
            defs: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            api,
        }
    }

    pub fn get(&self, name: &str) -> Option<&'a TypeDef> {
        self.defs.get(name).copied()
    }

    /// Whether `name` is a type this crate defines (not a user override path).
    pub fn is_generated(&self, name: &str) -> bool {
        self.defs.contains_key(name)
    }

    /// Optional crate features the generated code needs: `chrono`, `uuid`, `multipart`, `sse`.
    pub fn features(&self) -> BTreeSet<&'static str> {
        let mut out = BTreeSet::new();
        let mut visit = |ty: &TypeRef| {
            walk(ty, &mut |t| match t {
                TypeRef::DateTime | TypeRef::Date => {
                    out.insert("chrono");
                }
                TypeRef::Uuid => {
                    out.insert("uuid");
                }
                _ => {}
            })
        };
        for t in &self.api.types {
            match &t.kind {
                TypeKind::Struct(s) => {
                    s.fields.iter().for_each(|f| visit(&f.ty));
                    if let Some(e) = &s.extra {
                        visit(e);
                    }
                }
                TypeKind::Union(u) => u.variants.iter().for_each(|v| visit(&v.ty)),
                TypeKind::Alias(ty) => visit(ty),
                TypeKind::Enum(_) => {}
            }
        }
        // Every place an operation names a type, not only its parameters: a response or body of
        // `format: uuid` needs the crate as much as a model field does.
        for op in &self.api.operations {
            op.params.iter().for_each(|p| visit(&p.ty));
            if let Some(body) = &op.body {
                visit(&body.ty);
            }
            if let Some(ty) = &op.success.ty {
                visit(ty);
            }
            if let Some(events) = &op.success.events {
                visit(&events.data);
            }
            for case in &op.errors {
                match &case.body {
                    ErrorBody::None => {}
                    ErrorBody::Typed { ty, .. } => visit(ty),
                    ErrorBody::Tagged(tagged) => visit(&tagged.body),
                }
            }
            if let Some(page) = &op.pagination {
                visit(&page.item_ty);
            }
        }
        if self.api.operations.iter().any(|op| {
            op.body
                .as_ref()
                .is_some_and(|b| b.media == Media::Multipart)
        }) {
            out.insert("multipart");
        }
        if self
            .api
            .operations
            .iter()
            .any(|op| op.success.events.is_some())
        {
            out.insert("sse");
        }
        out
    }
}

fn walk(ty: &TypeRef, f: &mut dyn FnMut(&TypeRef)) {
    f(ty);
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => walk(inner, f),
        _ => {}
    }
}

/// The Rust type of a type reference. Generated types and prelude types are written bare (every
/// generated file imports the models and `BTreeMap`); the generator reserves those names, so a
/// schema called `String` or `Option` becomes `StringModel`/`OptionModel` and cannot shadow them.
pub fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            if name.contains("::") || name.contains('<') {
                syn::parse_str::<syn::Type>(name)
                    .map(|t| quote!(#t))
                    .unwrap_or_else(|_| quote!(::serde_json::Value))
            } else {
                let ident = format_ident!("{}", name);
                quote!(#ident)
            }
        }
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::Int(k) => match k {
            IntKind::I8 => quote!(i8),
            IntKind::I16 => quote!(i16),
            IntKind::I32 => quote!(i32),
            IntKind::I64 => quote!(i64),
            IntKind::U8 => quote!(u8),
            IntKind::U16 => quote!(u16),
            IntKind::U32 => quote!(u32),
            IntKind::U64 => quote!(u64),
        },
        TypeRef::Float(FloatWidth::F32) => quote!(f32),
        TypeRef::Float(FloatWidth::F64) => quote!(f64),
        TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::Bytes => quote!(Vec<u8>),
        TypeRef::Upload => quote!(crate::runtime::Upload),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner);
            quote!(BTreeMap<String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = rust_type(inner);
            quote!(Option<#inner>)
        }
    }
}

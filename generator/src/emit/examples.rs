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

/// Setters for the fields that have none outside the `mock` feature.
fn mock_setters(s: &Struct, input: bool) -> Vec<TokenStream> {
    mock_setter_fields(s, input).map(setter).collect()
}

/// The fields that get a mock-only setter: every field of a type code only reads, the required
/// fields of one it builds (those go to `new`).
pub fn mock_setter_fields(s: &Struct, input: bool) -> impl Iterator<Item = &Field> {
    s.fields
        .iter()
        .filter(move |f| !input || f.wrapper() == Wrapper::Plain)
        .filter(|f| super::models::setter_name(&f.rust_name) != "example")
}

/// The first argument of a field's `mock_setter!` call: how the field holds its value.
pub fn setter_wrapper(wrapper: Wrapper, boxed: bool) -> &'static str {
    match (wrapper, boxed) {
        (Wrapper::Plain, false) => "Plain",
        (Wrapper::Option, false) => "Option",
        (Wrapper::Nullable, false) => "Nullable",
        (Wrapper::Plain, true) => "Boxed",
        (Wrapper::Option, true) => "OptionBoxed",
        (Wrapper::Nullable, true) => "NullableBoxed",
    }
}

/// One setter: a `mock_setter!` call (the runtime's `macros.rs`), printed on one line by
/// [`tidy_setter_calls`].
fn setter(f: &Field) -> TokenStream {
    let field = format_ident!("{}", f.rust_name);
    let method = super::models::setter_name(&f.rust_name);
    let ty = rust_type(&f.ty);
    let wrap = format_ident!("{}", setter_wrapper(f.wrapper(), f.boxed));
    let target = if method == field {
        quote!(#field)
    } else {
        quote!(#method = #field)
    };
    let name = (f.name != f.rust_name).then(|| {
        let name = &f.name;
        quote!(, #name)
    });
    quote! { crate::runtime::mock_setter!(#wrap #target: #ty #name); }
}

/// The setter calls as one would write them: prettyplease prints a macro's arguments token by
/// token (`tags : Vec < String >`, wrapped over three lines when long), so each call is put back
/// on one line with the type written as Rust writes types. The spec's name, a string literal
/// after the type, is kept as printed.
pub fn tidy_setter_calls(text: String) -> String {
    const CALL: &str = "crate::runtime::mock_setter!(";
    if !text.contains(CALL) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix(CALL) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let indent = &line[..line.len() - trimmed.len()];
        let mut args = String::new();
        match rest.strip_suffix(");") {
            Some(one_line) => args.push_str(one_line),
            // Wrapped: the arguments on the lines up to the closing `);`.
            None => {
                for inner in lines.by_ref() {
                    if inner.trim() == ");" {
                        break;
                    }
                    args.push(' ');
                    args.push_str(inner.trim());
                }
            }
        }
        let (tokens, name) = args.split_at(args.find('"').unwrap_or(args.len()));
        let tokens = tokens.split_whitespace().collect::<Vec<_>>().join(" ");
        let tokens = tokens
            .replace(" : ", ": ")
            .replace(" < ", "<")
            .replace(" >", ">")
            // A path from the crate root (`crate::runtime::Upload`) is printed `crate ::runtime`.
            .replace("crate ::", "crate::");
        let space = if name.is_empty() { "" } else { " " };
        out.push_str(&format!("{indent}{CALL}{tokens}{space}{name});\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::tidy_setter_calls;

    #[test]
    fn setter_calls_are_put_on_one_line_as_written_by_hand() {
        let printed = "impl Pet {
    crate::runtime::mock_setter!(Option tags : Vec < Option < Tag >>);
    crate::runtime::mock_setter!(Plain file : crate ::runtime::Upload);
    crate::runtime::mock_setter!(
        NullableBoxed with_type = r#type : BTreeMap < String, ::serde_json::Value >, \"a < b >\"
    );
    pub fn example() -> Self {
        Self { a: b < c }
    }
}
";
        assert_eq!(
            tidy_setter_calls(printed.to_owned()),
            "impl Pet {
    crate::runtime::mock_setter!(Option tags: Vec<Option<Tag>>);
    crate::runtime::mock_setter!(Plain file: crate::runtime::Upload);
    crate::runtime::mock_setter!(NullableBoxed with_type = r#type: BTreeMap<String, ::serde_json::Value>, \"a < b >\");
    pub fn example() -> Self {
        Self { a: b < c }
    }
}
"
        );
    }
}

//! The models' test values (`examples`) written as text (see `render` and `text`): each type's
//! `impl` with `example()` and its `mock_setter!` calls, in prettyplease's layout, the calls as
//! `examples::tidy_setter_calls` leaves them. Half of a large API's `mock.rs` is these.

use super::examples::{has_example, mock_setter_fields, setter_wrapper};
use super::models::setter_name;
use super::render::Piece;
use super::text::{fits, str_lit, type_text, ItemText};
use super::types::TypeIndex;
use crate::ir::{Struct, TypeDef, TypeKind, TypeRef, Wrapper};
use std::collections::HashSet;

/// The test values of `types`: one piece per type at the top level, or one `mod` holding them
/// all (its `cfg` is the part's gate, written by `render`); `None` when a type declines.
pub(super) fn test_values_pieces(
    types: &[&TypeDef],
    module: Option<&str>,
    have: &HashSet<&str>,
    inputs: &HashSet<&str>,
    index: &TypeIndex<'_>,
) -> Option<Vec<Piece>> {
    let indent = if module.is_some() { 4 } else { 0 };
    let mut impls = Vec::with_capacity(types.len());
    for t in types {
        let input = inputs.contains(t.name.as_str());
        if let Some(text) = examples_impl(t, input, indent, have, index)? {
            impls.push(text);
        }
    }
    let Some(module) = module else {
        return Some(impls.into_iter().map(Piece::Item).collect());
    };
    if impls.is_empty() {
        return Some(Vec::new());
    }
    let mut out = ItemText::default();
    out.verbatim(
        0,
        &["/// Test values of the models compiled under this `cfg`."],
    );
    out.verbatim(0, &["mod ", module, " {"]);
    out.verbatim(4, &["use super::*;"]);
    let mut text = out.finish()?;
    for item in impls {
        text.push_str(&item);
    }
    text.push_str("}\n");
    Some(vec![Piece::Item(text)])
}

/// `examples::emit_type_examples` as text at `indent`: `Some(None)` for a type with neither an
/// example nor setters, `None` when declined.
fn examples_impl(
    t: &TypeDef,
    input: bool,
    indent: usize,
    have: &HashSet<&str>,
    index: &TypeIndex<'_>,
) -> Option<Option<String>> {
    let mut body = ItemText::default();
    if have.contains(t.name.as_str()) {
        let inner = indent + 8;
        let mut value = ItemText::default();
        match &t.kind {
            TypeKind::Struct(s) => value.struct_literal(inner, "Self", &struct_inits(s, index)?)?,
            TypeKind::Enum(values) => match values.first() {
                Some(v) => value.verbatim(inner, &["Self::", &v.variant]),
                None => value.verbatim(inner, &["Self::Unknown(String::new())"]),
            },
            TypeKind::Union(u) => {
                if let Some(v) = u.variants.iter().find(|v| has_example(&v.ty, have, index)) {
                    let example = example_text(&v.ty, &v.name, index)?;
                    let parts = ["Self::", &v.name, "(", &example, ")"];
                    if fits(inner, &parts) {
                        value.verbatim(inner, &parts);
                    } else if fits(inner + 4, &[&example]) {
                        // Past the margin the argument goes on a line of its own.
                        value.verbatim(inner, &["Self::", &v.name, "("]);
                        value.verbatim(inner + 4, &[&example, ","]);
                        value.verbatim(inner, &[")"]);
                    } else {
                        return None;
                    }
                }
            }
            TypeKind::Alias(_) => {}
        }
        if !value.is_empty() {
            body.verbatim(
                indent + 4,
                &["/// A value with placeholder data (see the module docs), for tests."],
            );
            body.verbatim(indent + 4, &["pub fn example() -> Self {"]);
            body.append(value);
            body.verbatim(indent + 4, &["}"]);
        }
    }
    if let TypeKind::Struct(s) = &t.kind {
        for f in mock_setter_fields(s, input) {
            let method = setter_name(&f.rust_name).to_string();
            let target = if method == f.rust_name {
                method
            } else {
                format!("{method} = {}", f.rust_name)
            };
            let ty = type_text(&f.ty)?;
            let name = if f.name == f.rust_name {
                String::new()
            } else {
                format!(", {}", str_lit(&f.name))
            };
            let wrapper = setter_wrapper(f.wrapper(), f.boxed);
            // `tidy_setter_calls` puts every call on one line, whatever its width.
            body.verbatim(
                indent + 4,
                &[
                    "crate::runtime::mock_setter!(",
                    wrapper,
                    " ",
                    &target,
                    ": ",
                    &ty,
                    &name,
                    ");",
                ],
            );
        }
    }
    if body.is_empty() {
        return Some(None);
    }
    let mut out = ItemText::default();
    out.verbatim(indent, &["impl ", &t.name, " {"]);
    out.append(body);
    out.verbatim(indent, &["}"]);
    out.finish().map(Some)
}

/// `examples::struct_example`'s fields: `name: value` each.
fn struct_inits(s: &Struct, index: &TypeIndex<'_>) -> Option<Vec<String>> {
    let mut inits = Vec::with_capacity(s.fields.len() + 1);
    for f in &s.fields {
        let value = match f.wrapper() {
            Wrapper::Plain if f.boxed => {
                format!("Box::new({})", example_text(&f.ty, &f.name, index)?)
            }
            Wrapper::Plain => example_text(&f.ty, &f.name, index)?,
            Wrapper::Option => "None".to_owned(),
            Wrapper::Nullable => "crate::runtime::Nullable::Absent".to_owned(),
        };
        inits.push(format!("{}: {value}", f.rust_name));
    }
    if s.extra.is_some() {
        inits.push("additional_properties: BTreeMap::new()".to_owned());
    }
    Some(inits)
}

/// `examples::example_expr` as text; `None` for a type the config maps to a Rust path.
fn example_text(ty: &TypeRef, label: &str, index: &TypeIndex<'_>) -> Option<String> {
    let text = match ty {
        TypeRef::Named(name) => match index.get(name).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => return example_text(inner, label, index),
            Some(_) => format!("{name}::example()"),
            None => return None,
        },
        TypeRef::String => format!("{}.to_owned()", str_lit(label)),
        TypeRef::Bool => "false".to_owned(),
        TypeRef::Int(_) => "0".to_owned(),
        TypeRef::Float(_) => "0.0".to_owned(),
        TypeRef::DateTime | TypeRef::Date => "::std::default::Default::default()".to_owned(),
        TypeRef::Uuid => "::uuid::Uuid::nil()".to_owned(),
        TypeRef::Any => "::serde_json::Value::Null".to_owned(),
        TypeRef::Bytes | TypeRef::Array(_) => "Vec::new()".to_owned(),
        TypeRef::Upload => "crate::runtime::Upload::from(::bytes::Bytes::new())".to_owned(),
        TypeRef::Map(_) => "BTreeMap::new()".to_owned(),
        TypeRef::Option(_) => "None".to_owned(),
    };
    Some(text)
}

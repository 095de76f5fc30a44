//! How `mock.rs` answers an operation's errors: `MockErrorAnswer` for each error enum (the
//! status each variant is decoded from, and its body) and `From` each per-status code enum into
//! the error enum, so `respond_error` takes either.

use super::errors::{decoded_as, Decoded};
use crate::ir::{ErrorBody, ErrorCase, Operation, StatusMatch};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// How each variant of the operation's error type is written as its status and body, and `From`
/// each per-status code enum into the error type (so `respond_error` takes either).
pub(super) fn error_answers(op: &Operation) -> TokenStream {
    let error_type = format_ident!("{}", op.error_type);
    let arms = op.errors.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let status = mock_status(op, e);
        match decoded_as(&e.body) {
            Decoded::Unit => {
                quote! { #error_type::#variant => MockAnswer::raw(#status, ::bytes::Bytes::new()), }
            }
            Decoded::Text => {
                quote! { #error_type::#variant(text) => MockAnswer::text(#status, text.as_str()), }
            }
            Decoded::Bytes => {
                quote! { #error_type::#variant(bytes) => MockAnswer::raw(#status, bytes.clone()), }
            }
            Decoded::Json => {
                quote! { #error_type::#variant(body) => MockAnswer::json(#status, body), }
            }
            Decoded::Tagged(t) => {
                let enum_ty = format_ident!("{}", t.type_name);
                let tag = &t.tag;
                let codes = t.codes.iter().map(|c| {
                    let v = format_ident!("{}", c.variant);
                    let value = &c.value;
                    quote! { #enum_ty::#v(_) => Some(#value), }
                });
                quote! {
                    #error_type::#variant(error) => {
                        let code = match error {
                            #(#codes)*
                            #enum_ty::Other(_) => None,
                        };
                        MockAnswer::tagged_json(#status, #tag, code, error.body())
                    }
                }
            }
        }
    });
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &op.errors {
        if let ErrorBody::Tagged(t) = &e.body {
            *seen.entry(t.type_name.as_str()).or_default() += 1;
        }
    }
    let froms = op.errors.iter().filter_map(|e| {
        let ErrorBody::Tagged(t) = &e.body else {
            return None;
        };
        (seen.get(t.type_name.as_str()) == Some(&1)).then(|| {
            let enum_ty = format_ident!("{}", t.type_name);
            let variant = format_ident!("{}", e.variant);
            quote! {
                impl From<#enum_ty> for #error_type {
                    fn from(error: #enum_ty) -> Self {
                        Self::#variant(error)
                    }
                }
            }
        })
    });
    quote! {
        impl MockErrorAnswer for #error_type {
            fn mock_answer(&self) -> MockAnswer {
                match self { #(#arms)* }
            }
        }
        #(#froms)*
    }
}

/// A status that the operation's decoder reads as `case`: its code, or for a range or `default`
/// the first status in it that no success and no earlier error case claims.
pub(super) fn mock_status(op: &Operation, case: &ErrorCase) -> u16 {
    let candidates: Vec<u16> = match case.status {
        StatusMatch::Code(c) => vec![c],
        StatusMatch::Range(r) => (u16::from(r) * 100..u16::from(r) * 100 + 100).collect(),
        StatusMatch::Default => (500..600).chain(400..500).collect(),
    };
    let matches = |s: &StatusMatch, code: u16| match s {
        StatusMatch::Code(c) => *c == code,
        StatusMatch::Range(r) => code / 100 == u16::from(*r),
        StatusMatch::Default => true,
    };
    let is_success = |code: u16| {
        if op.success.statuses.is_empty() {
            (200..300).contains(&code)
        } else {
            op.success.statuses.iter().any(|s| matches(s, code))
        }
    };
    candidates
        .iter()
        .copied()
        .find(|&code| {
            !is_success(code)
                && op
                    .errors
                    .iter()
                    .find(|e| matches(&e.status, code))
                    .is_some_and(|e| e == case)
        })
        .unwrap_or(candidates[0])
}

//! Security: every scheme of `components.securitySchemes` ([`SecurityScheme`], where its
//! credential goes) and the requirements (`security`, top-level and per operation: alternatives
//! of schemes needed together, `{}` for optional auth).

use oas3::spec::{ObjectOrReference, SecurityScheme as SpecScheme};
use serde_json::Value;

use super::super::{Auth, SecurityScheme};
use crate::load::Document;

/// A requirement as written at `pointer` (`None` when there is none there): each alternative's
/// scheme names, in the order the document gives them.
pub(super) fn requirement_at(doc: &Document, pointer: &str) -> Option<Vec<Vec<String>>> {
    let Value::Array(alternatives) = doc.raw.pointer(pointer)? else {
        return None;
    };
    Some(
        alternatives
            .iter()
            .map(|alternative| match alternative {
                Value::Object(schemes) => schemes.keys().cloned().collect(),
                _ => Vec::new(),
            })
            .collect(),
    )
}

/// Every declared scheme, the one the API's default requirement names first at the head (the one
/// `api_key` sets), and the default requirement itself.
///
/// Without a top-level `security` the default is the API's when no operation declares one either:
/// a spec that declares schemes but applies none almost always means them (any one, or none);
/// when operations declare their own, one without is public.
pub(super) fn schemes(doc: &Document) -> (Vec<SecurityScheme>, Vec<Vec<String>>) {
    let mut schemes: Vec<SecurityScheme> = doc
        .spec
        .components
        .iter()
        .flat_map(|c| c.security_schemes.iter())
        .filter_map(|(name, scheme)| {
            let auth = match scheme {
                // A `$ref` to another scheme: most often a bearer token.
                ObjectOrReference::Ref { .. } => Auth::Bearer,
                ObjectOrReference::Object(scheme) => placement(scheme)?,
            };
            Some(SecurityScheme {
                name: name.clone(),
                auth,
            })
        })
        .collect();
    let top_level = requirement_at(doc, "/security");
    let operations: Vec<Vec<Vec<String>>> = doc
        .raw
        .pointer("/paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.iter())
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|methods| methods.keys())
                .filter_map(move |method| {
                    let pointer =
                        crate::diagnostic::join(&crate::diagnostic::join("/paths", path), method);
                    requirement_at(doc, &format!("{pointer}/security"))
                })
        })
        .collect();
    let default = match &top_level {
        Some(requirement) => requirement.clone(),
        None if operations.is_empty() => schemes.iter().map(|s| vec![s.name.clone()]).collect(),
        None => Vec::new(),
    };
    let primary = top_level
        .iter()
        .chain(operations.iter())
        .flatten()
        .flatten()
        .find(|name| schemes.iter().any(|s| &s.name == *name))
        .cloned();
    if let Some(primary) = primary {
        if let Some(index) = schemes.iter().position(|s| s.name == primary) {
            let scheme = schemes.remove(index);
            schemes.insert(0, scheme);
        }
    }
    (schemes, default)
}

/// Where a scheme's credential goes; `None` for what a client cannot send from a key (mutual
/// TLS, an API key somewhere other than a header, query or cookie).
fn placement(scheme: &SpecScheme) -> Option<Auth> {
    Some(match scheme {
        SpecScheme::Http { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Auth::Basic,
        SpecScheme::Http { .. } => Auth::Bearer,
        SpecScheme::ApiKey { name, location, .. } => match location.as_str() {
            "header" => Auth::Header(name.clone()),
            "query" => Auth::Query(name.clone()),
            "cookie" => Auth::Cookie(name.clone()),
            _ => return None,
        },
        SpecScheme::OAuth2 { .. } | SpecScheme::OpenIdConnect { .. } => Auth::Bearer,
        SpecScheme::MutualTls { .. } => return None,
    })
}

//! Recognises list operations a client can walk page by page.
//!
//! Two patterns are common enough to rely on: page numbers (`page` query parameter, a boolean
//! `hasMore` in the response, as Userplane does) and opaque tokens (`page_token` query parameter,
//! `next_page` in the response, as Dropshot's `x-dropshot-pagination` does). Anything else gets no
//! helper rather than a guess.

use super::schema::SchemaCx;
use super::{FieldStep, PageKind, Pagination, Param, ParamLocation, Success, TypeKind, TypeRef};

const PAGE_PARAMS: &[&str] = &["page", "page_number", "pageNumber"];
const TOKEN_PARAMS: &[&str] = &[
    "page_token",
    "pageToken",
    "cursor",
    "next_token",
    "nextToken",
];
const HAS_MORE: &[&str] = &["hasMore", "has_more", "hasNextPage", "has_next_page"];
const NEXT: &[&str] = &[
    "next_page",
    "nextPage",
    "next_page_token",
    "nextPageToken",
    "next_cursor",
    "nextCursor",
];

pub fn detect(cx: &SchemaCx<'_>, params: &[Param], success: &Success) -> Option<Pagination> {
    let query = |names: &[&str]| {
        params
            .iter()
            .find(|p| p.location == ParamLocation::Query && names.contains(&p.name.as_str()))
    };
    let page = query(PAGE_PARAMS).filter(|p| matches!(p.ty, TypeRef::Int(_)));
    let token = query(TOKEN_PARAMS).filter(|p| p.ty == TypeRef::String);
    // Most operations have neither parameter: their success type is not searched at all.
    if page.is_none() && token.is_none() {
        return None;
    }
    let TypeRef::Named(root) = success.ty.as_ref()? else {
        return None;
    };
    let fields = collect(cx, root, 3);
    let arrays: Vec<&Found> = fields
        .iter()
        .filter(|f| matches!(f.ty, TypeRef::Array(_)))
        .collect();
    let items = match arrays.as_slice() {
        [one] => *one,
        many => many
            .iter()
            .copied()
            .find(|f| matches!(f.name.as_str(), "items" | "data" | "results"))?,
    };
    let TypeRef::Array(item_ty) = &items.ty else {
        return None;
    };
    let kind = if let Some(p) = page {
        let flag = fields
            .iter()
            .find(|f| HAS_MORE.contains(&f.name.as_str()) && f.ty == TypeRef::Bool)?;
        (
            p,
            PageKind::PageNumber {
                has_more: flag.path.clone(),
            },
        )
    } else if let Some(p) = token {
        let next = fields
            .iter()
            .find(|f| NEXT.contains(&f.name.as_str()) && f.ty == TypeRef::String)?;
        (
            p,
            PageKind::Token {
                next: next.path.clone(),
            },
        )
    } else {
        return None;
    };
    Some(Pagination {
        kind: kind.1,
        param: kind.0.rust_name.clone(),
        items: items.path.clone(),
        item_ty: (**item_ty).clone(),
    })
}

struct Found {
    name: String,
    ty: TypeRef,
    path: Vec<FieldStep>,
}

/// Every field reachable from `root` through struct fields, breadth first, `depth` levels deep.
fn collect(cx: &SchemaCx<'_>, root: &str, depth: usize) -> Vec<Found> {
    let mut out = Vec::new();
    let mut frontier = vec![(root.to_owned(), Vec::<FieldStep>::new())];
    for _ in 0..depth {
        let mut next = Vec::new();
        for (name, path) in frontier {
            let Some(TypeKind::Struct(s)) =
                cx.types.iter().find(|t| t.name == name).map(|t| &t.kind)
            else {
                continue;
            };
            for f in &s.fields {
                let mut p = path.clone();
                p.push(FieldStep {
                    rust_name: f.rust_name.clone(),
                    wrapper: f.wrapper(),
                });
                if let TypeRef::Named(inner) = &f.ty {
                    next.push((inner.clone(), p.clone()));
                }
                out.push(Found {
                    name: f.name.clone(),
                    ty: f.ty.clone(),
                    path: p,
                });
            }
        }
        frontier = next;
    }
    out
}

//! Which multipart request structs hold their file fields as `Upload`s (bytes, or a stream sent
//! once) rather than `Vec<u8>`.
//!
//! A struct qualifies when it is only ever a `multipart/form-data` body: no response, parameter,
//! other body or type contains it. Such a struct is never serialised (the request builder makes
//! one part per field), so it can hold a stream; a struct also sent as JSON, received, or nested in
//! another type keeps `Vec<u8>` and its serde derives, and its file parts are sent from memory.

use super::{Api, ErrorBody, Media, TypeKind, TypeRef};
use std::collections::HashSet;

impl Api {
    /// Turns the `format: binary` fields (and arrays of them) of the structs only ever sent as a
    /// multipart body into [`TypeRef::Upload`].
    pub(crate) fn type_multipart_files_as_uploads(&mut self) {
        let only_multipart: Vec<String> = {
            let direct: HashSet<&str> = self
                .operations
                .iter()
                .filter_map(|op| op.body.as_ref())
                .filter(|b| b.media == Media::Multipart)
                .filter_map(|b| match &b.ty {
                    TypeRef::Named(n) => Some(n.as_str()),
                    _ => None,
                })
                .collect();
            let shared = self.reachable(self.other_uses());
            self.types
                .iter()
                .filter(|t| direct.contains(t.name.as_str()) && !shared.contains(t.name.as_str()))
                .filter(|t| matches!(&t.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| holds_bytes(&f.ty))))
                .map(|t| t.name.clone())
                .collect()
        };
        for t in &mut self.types {
            let TypeKind::Struct(s) = &mut t.kind else {
                continue;
            };
            if !only_multipart.contains(&t.name) {
                continue;
            }
            for f in &mut s.fields {
                if !holds_bytes(&f.ty) {
                    continue;
                }
                // A stream's length is known only once it is sent.
                (f.checks.min_length, f.checks.max_length) = (None, None);
                match &mut f.ty {
                    ty @ TypeRef::Bytes => *ty = TypeRef::Upload,
                    TypeRef::Array(item) if **item == TypeRef::Bytes => {
                        **item = TypeRef::Upload;
                    }
                    _ => {}
                }
            }
        }
    }

    /// Every use of a type other than as a whole multipart body: parameters, other bodies,
    /// responses, and the members of every type (a type nested in another is serialised with it).
    fn other_uses(&self) -> Vec<&TypeRef> {
        let mut uses: Vec<&TypeRef> = Vec::new();
        for op in &self.operations {
            if let Some(body) = &op.body {
                if body.media != Media::Multipart {
                    uses.push(&body.ty);
                }
            }
            uses.extend(op.params.iter().map(|p| &p.ty));
            uses.extend(op.success.ty.as_ref());
            uses.extend(op.success.events.as_ref().map(|e| &e.data));
            uses.extend(op.pagination.as_ref().map(|p| &p.item_ty));
            for case in &op.errors {
                match &case.body {
                    ErrorBody::None => {}
                    ErrorBody::Typed { ty, .. } => uses.push(ty),
                    ErrorBody::Tagged(t) => uses.push(&t.body),
                }
            }
        }
        for t in &self.types {
            match &t.kind {
                TypeKind::Struct(s) => {
                    uses.extend(s.fields.iter().map(|f| &f.ty));
                    uses.extend(s.extra.as_ref());
                }
                TypeKind::Union(u) => uses.extend(u.variants.iter().map(|v| &v.ty)),
                TypeKind::Alias(ty) => uses.push(ty),
                TypeKind::Enum(_) => {}
            }
        }
        uses
    }
}

/// A file part, or an array of them.
fn holds_bytes(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Bytes => true,
        TypeRef::Array(item) => **item == TypeRef::Bytes,
        _ => false,
    }
}

//! Which named types code using the crate builds (to send), and which the client decodes.

use super::{Api, ErrorBody, TypeKind, TypeRef};
use std::collections::HashSet;

impl Api {
    /// Names of the types reachable from request bodies and parameters. Their structs get a
    /// constructor and setters; the others are only read, so nothing outside the crate builds
    /// them and new fields in them are additive.
    pub fn input_types(&self) -> HashSet<&str> {
        let mut roots: Vec<&TypeRef> = Vec::new();
        for op in &self.operations {
            roots.extend(op.body.as_ref().map(|b| &b.ty));
            roots.extend(op.params.iter().map(|p| &p.ty));
        }
        self.reachable(roots)
    }

    /// Names of the types reachable from responses (successes, error bodies, page items): the
    /// client decodes them.
    pub fn output_types(&self) -> HashSet<&str> {
        let mut roots: Vec<&TypeRef> = Vec::new();
        for op in &self.operations {
            roots.extend(op.success.ty.as_ref());
            roots.extend(op.pagination.as_ref().map(|p| &p.item_ty));
            for case in &op.errors {
                match &case.body {
                    ErrorBody::None => {}
                    ErrorBody::Typed { ty, .. } => roots.push(ty),
                    ErrorBody::Tagged(t) => roots.push(&t.body),
                }
            }
        }
        self.reachable(roots)
    }

    /// The named types `roots` reach, through fields, variants, aliases and containers.
    pub(crate) fn reachable<'a>(&'a self, mut todo: Vec<&'a TypeRef>) -> HashSet<&'a str> {
        let by_name: rustc_hash::FxHashMap<&str, &TypeKind> = self
            .types
            .iter()
            .map(|t| (t.name.as_str(), &t.kind))
            .collect();
        let mut seen = HashSet::new();
        while let Some(ty) = todo.pop() {
            match ty {
                TypeRef::Named(name) => {
                    let Some((&name, kind)) = by_name.get_key_value(name.as_str()) else {
                        continue;
                    };
                    if !seen.insert(name) {
                        continue;
                    }
                    match kind {
                        TypeKind::Struct(s) => {
                            todo.extend(s.fields.iter().map(|f| &f.ty));
                            todo.extend(s.extra.as_ref());
                        }
                        TypeKind::Union(u) => todo.extend(u.variants.iter().map(|v| &v.ty)),
                        TypeKind::Alias(t) => todo.push(t),
                        TypeKind::Enum(_) => {}
                    }
                }
                TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Option(t) => todo.push(t),
                _ => {}
            }
        }
        seen
    }
}

//! Which named types code using the crate builds (to send) rather than only reads.

use super::{Api, TypeKind, TypeRef};
use std::collections::{HashMap, HashSet};

impl Api {
    /// Names of the types reachable from request bodies and parameters. Their structs get a
    /// constructor and setters; the others are only read, so nothing outside the crate builds
    /// them and new fields in them are additive.
    pub fn input_types(&self) -> HashSet<&str> {
        let by_name: HashMap<&str, &TypeKind> = self
            .types
            .iter()
            .map(|t| (t.name.as_str(), &t.kind))
            .collect();
        let mut seen = HashSet::new();
        let mut todo: Vec<&TypeRef> = Vec::new();
        for op in &self.operations {
            todo.extend(op.body.as_ref().map(|b| &b.ty));
            todo.extend(op.params.iter().map(|p| &p.ty));
        }
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

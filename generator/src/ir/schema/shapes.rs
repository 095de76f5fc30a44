//! The dedup key of hoisted types: the name a schema's position asks for, and the shape of the
//! type (its kind without the fields' docs). Compared structurally, field by field, with a hash
//! of the parts most likely to differ to find the candidates; every part of a kind takes part in
//! the comparison (the destructuring patterns below stop compiling when the IR gains a field).

use crate::ir::{Checks, EnumValue, Field, Struct, TypeDef, TypeKind, Union, UnionVariant};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};

/// The types defined under a dedup key so far.
#[derive(Debug, Default)]
pub(super) struct Shapes {
    /// Key hash -> (wanted name, index in the defined types) of each first type with that hash.
    by_hash: FxHashMap<u64, Vec<(String, usize)>>,
}

/// A dedup key: the name the position asks for, the kind, and the key's hash.
pub(super) struct ShapeKey<'k> {
    wanted: String,
    kind: &'k TypeKind,
    hash: u64,
}

impl<'k> ShapeKey<'k> {
    pub fn new(wanted: String, kind: &'k TypeKind) -> Self {
        let mut h = FxHasher::default();
        wanted.hash(&mut h);
        hash_kind(kind, &mut h);
        ShapeKey {
            wanted,
            kind,
            hash: h.finish(),
        }
    }
}

impl Shapes {
    /// The index in `types` of the first type defined under `key`.
    pub fn find(&self, key: &ShapeKey<'_>, types: &[TypeDef]) -> Option<usize> {
        self.by_hash.get(&key.hash)?.iter().find_map(|(wanted, i)| {
            (*wanted == key.wanted && same_kind(key.kind, &types[*i].kind)).then_some(*i)
        })
    }

    /// Records that the type at `index` is the first defined under `key` (not found before).
    pub fn insert(&mut self, key: ShapeKey<'_>, index: usize) {
        self.by_hash
            .entry(key.hash)
            .or_default()
            .push((key.wanted, index));
    }
}

/// Hashes the parts of a kind that usually tell shapes apart (names and types); the rest is
/// compared only.
fn hash_kind(kind: &TypeKind, h: &mut FxHasher) {
    std::mem::discriminant(kind).hash(h);
    match kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                f.name.hash(h);
                f.ty.hash(h);
            }
            s.extra.hash(h);
        }
        TypeKind::Enum(values) => values.iter().for_each(|v| v.value.hash(h)),
        TypeKind::Union(u) => {
            u.tag.hash(h);
            for v in &u.variants {
                v.name.hash(h);
                v.ty.hash(h);
            }
        }
        TypeKind::Alias(ty) => ty.hash(h),
    }
}

/// Whether two kinds have the same shape: equal but for the fields' descriptions.
fn same_kind(a: &TypeKind, b: &TypeKind) -> bool {
    match (a, b) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => same_struct(a, b),
        (TypeKind::Enum(a), TypeKind::Enum(b)) => all_same(a, b, same_enum_value),
        (TypeKind::Union(a), TypeKind::Union(b)) => same_union(a, b),
        (TypeKind::Alias(a), TypeKind::Alias(b)) => a == b,
        _ => false,
    }
}

fn all_same<T>(a: &[T], b: &[T], same: fn(&T, &T) -> bool) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
}

fn same_struct(a: &Struct, b: &Struct) -> bool {
    let Struct { fields, extra } = a;
    all_same(fields, &b.fields, same_field) && *extra == b.extra
}

fn same_field(a: &Field, b: &Field) -> bool {
    let Field {
        name,
        rust_name,
        ty,
        required,
        nullable,
        boxed,
        checks,
        description: _,
        deprecated,
    } = a;
    *name == b.name
        && *rust_name == b.rust_name
        && *ty == b.ty
        && *required == b.required
        && *nullable == b.nullable
        && *boxed == b.boxed
        && *deprecated == b.deprecated
        && same_checks(checks, &b.checks)
}

fn same_checks(a: &Checks, b: &Checks) -> bool {
    let Checks {
        min_length,
        max_length,
        min_items,
        max_items,
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        inner,
    } = a;
    *min_length == b.min_length
        && *max_length == b.max_length
        && *min_items == b.min_items
        && *max_items == b.max_items
        && same_bound(*minimum, b.minimum)
        && same_bound(*maximum, b.maximum)
        && same_bound(*exclusive_minimum, b.exclusive_minimum)
        && same_bound(*exclusive_maximum, b.exclusive_maximum)
        && match (inner, &b.inner) {
            (None, None) => true,
            (Some(a), Some(b)) => same_checks(a, b),
            _ => false,
        }
}

/// Bounds are the same when they print the same: bit for bit, and every non-finite value alike
/// (the key was once their JSON, where each is `null`).
fn same_bound(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.to_bits() == b.to_bits() || !(a.is_finite() || b.is_finite()),
        _ => false,
    }
}

fn same_enum_value(a: &EnumValue, b: &EnumValue) -> bool {
    let EnumValue {
        value,
        variant,
        description,
    } = a;
    *value == b.value && *variant == b.variant && *description == b.description
}

fn same_union(a: &Union, b: &Union) -> bool {
    let Union { tag, variants } = a;
    *tag == b.tag && all_same(variants, &b.variants, same_variant)
}

fn same_variant(a: &UnionVariant, b: &UnionVariant) -> bool {
    let UnionVariant {
        name,
        ty,
        tag_values,
        inject_tag,
    } = a;
    *name == b.name && *ty == b.ty && *tag_values == b.tag_values && *inject_tag == b.inject_tag
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeRef;

    fn field(name: &str, description: Option<&str>, minimum: Option<f64>) -> Field {
        Field {
            name: name.into(),
            rust_name: name.into(),
            ty: TypeRef::String,
            required: true,
            nullable: false,
            boxed: false,
            checks: Checks {
                minimum,
                ..Checks::default()
            },
            description: description.map(Into::into),
            deprecated: false,
        }
    }

    fn object(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct(Struct {
            fields,
            extra: None,
        })
    }

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            description: None,
            deprecated: false,
            origin: String::new(),
            kind,
        }
    }

    #[test]
    fn a_shape_is_found_again_whatever_its_fields_say() {
        let mut shapes = Shapes::default();
        let first = object(vec![field("a", Some("one text"), Some(1.0))]);
        let types = vec![def("Thing", first.clone())];
        shapes.insert(ShapeKey::new("Thing".into(), &first), 0);
        let reworded = object(vec![field("a", Some("another text"), Some(1.0))]);
        assert_eq!(
            shapes.find(&ShapeKey::new("Thing".into(), &reworded), &types),
            Some(0)
        );
        // Another wanted name, another bound, another field: another shape.
        assert_eq!(
            shapes.find(&ShapeKey::new("Other".into(), &first), &types),
            None
        );
        let bound = object(vec![field("a", None, Some(2.0))]);
        assert_eq!(
            shapes.find(&ShapeKey::new("Thing".into(), &bound), &types),
            None
        );
        let unbounded = object(vec![field("a", None, None)]);
        assert_eq!(
            shapes.find(&ShapeKey::new("Thing".into(), &unbounded), &types),
            None
        );
    }

    #[test]
    fn bounds_compare_as_they_print() {
        assert!(same_bound(Some(0.5), Some(0.5)));
        assert!(!same_bound(Some(0.0), Some(-0.0)));
        assert!(same_bound(Some(f64::INFINITY), Some(f64::NAN)));
        assert!(!same_bound(Some(f64::INFINITY), Some(1.0)));
        assert!(!same_bound(None, Some(f64::NAN)));
    }

    #[test]
    fn checks_on_different_bounds_differ() {
        let min = Checks {
            min_length: Some(5),
            ..Checks::default()
        };
        let max = Checks {
            max_length: Some(5),
            ..Checks::default()
        };
        assert!(!same_checks(&min, &max));
        assert!(same_checks(&min, &min.clone()));
    }
}

//! `oneOf`/`anyOf` unions: tagged by a constant property or a discriminator, or untagged.

use super::*;
use std::borrow::Cow;

impl SchemaCx<'_> {
    pub(super) fn convert_union(
        &mut self,
        o: &ObjectSchema,
        pointer: &str,
        naming: Naming,
    ) -> Converted {
        let (members, keyword) = if !o.one_of.is_empty() {
            (&o.one_of, "oneOf")
        } else {
            (&o.any_of, "anyOf")
        };
        let non_null: Vec<(usize, &Schema)> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| !is_null_schema(m))
            .collect();
        let nullable = non_null.len() != members.len() || o.is_nullable() == Some(true);
        if non_null.is_empty() {
            let mut c = Converted::of(TypeRef::Any);
            c.nullable = true;
            return c;
        }
        if non_null.len() == 1 {
            let (i, m) = non_null[0];
            let mut c = self.convert(m, &format!("{pointer}/{keyword}/{i}"), naming);
            c.nullable |= nullable;
            return c;
        }
        let resolved: Vec<Option<(Cow<ObjectSchema>, Option<String>)>> = non_null
            .iter()
            .map(|(_, m)| self.resolve_object(m))
            .collect();
        // `oneOf` of one-value string enums (each with its own description, as Dropshot writes
        // sort modes) is one string enum.
        if let Some(values) = one_value_enums(&resolved) {
            let mut variants = Namespace::default();
            variants.reserve("Unknown");
            let items = values
                .into_iter()
                .map(|(value, description)| EnumValue {
                    variant: variants.claim([naming::pascal(&value).as_str()]),
                    value,
                    description,
                })
                .collect();
            let name = self.define(
                naming,
                TypeKind::Enum(items),
                o.description.clone(),
                pointer,
            );
            let mut c = Converted::of(TypeRef::Named(name));
            c.nullable = nullable;
            return c;
        }
        let objects: Vec<&ObjectSchema> = resolved
            .iter()
            .filter_map(|r| r.as_ref().map(|(o, _)| &**o))
            .collect();
        let tag = if objects.len() == resolved.len() {
            o.discriminator
                .as_ref()
                .map(|d| d.property_name.clone())
                .or_else(|| detect_tag(&objects))
        } else {
            None
        };
        let name = self.claim(&naming);
        let mut variant_names = Namespace::default();
        let mut variants = Vec::with_capacity(non_null.len());
        for (pos, (i, member)) in non_null.iter().enumerate() {
            let at = format!("{pointer}/{keyword}/{i}");
            let (resolved_obj, component) = match &resolved[pos] {
                Some((obj, comp)) => (Some(&**obj), comp.clone()),
                None => (None, None),
            };
            let mut tag_values = Vec::new();
            if let (Some(tag), Some(obj)) = (&tag, resolved_obj) {
                if let Some(v) = obj.properties.get(tag).and_then(const_string) {
                    tag_values.push(v);
                }
                if let Some(d) = &o.discriminator {
                    if let Some(mapping) = &d.mapping {
                        for (value, target) in mapping.iter() {
                            let target_name =
                                component_name(target).unwrap_or_else(|| target.clone());
                            if component.as_deref() == Some(target_name.as_str())
                                && !tag_values.contains(value)
                            {
                                tag_values.push(value.clone());
                            }
                        }
                    } else if let Some(comp) = &component {
                        if tag_values.is_empty() {
                            tag_values.push(comp.clone());
                        }
                    }
                    if tag_values.is_empty() {
                        if let Some(comp) = &component {
                            tag_values.push(comp.clone());
                        }
                    }
                }
            }
            let base = match (
                tag_values.first(),
                &component,
                resolved_obj.and_then(|o| o.title.clone()),
            ) {
                (Some(v), _, _) if tag.is_some() => naming::pascal(v),
                (_, Some(comp), _) => naming::type_name(comp),
                (_, _, Some(title)) => naming::pascal(&title),
                _ => variant_kind_name(resolved_obj),
            };
            let variant = variant_names.claim([base.as_str()]);
            // The name asked for, not the one got: see `convert_struct`.
            let hint = Naming::hint([format!("{}{variant}", naming.first())]);
            let is_inline = matches!(member, Schema::Object(b) if matches!(b.as_ref(), ObjectOrReference::Object(_)));
            let (ty, inject_tag) = match (&tag, resolved_obj, is_inline) {
                (Some(tag), Some(obj), true)
                    if obj.properties.contains_key(tag) && !tag_values.is_empty() =>
                {
                    // The tag is written by the union itself; the variant struct need not carry it.
                    let mut without = obj.clone();
                    without.properties.remove(tag);
                    without.required.retain(|r| r != tag);
                    if without.schema_type.is_none() {
                        without.schema_type = Some(TypeSet::Single(Type::Object));
                    }
                    let c = if without.properties.is_empty()
                        && without.additional_properties.is_none()
                    {
                        let n = self.define(
                            hint,
                            TypeKind::Struct(Struct {
                                fields: vec![],
                                extra: None,
                            }),
                            None,
                            &at,
                        );
                        Converted::of(TypeRef::Named(n))
                    } else {
                        self.convert_struct(&without, &at, hint)
                    };
                    (c.ty, true)
                }
                (Some(tag), Some(obj), _) => {
                    let c = self.convert(member, &at, hint);
                    (
                        c.ty,
                        !obj.properties.contains_key(tag) && !tag_values.is_empty(),
                    )
                }
                _ => (self.convert(member, &at, hint).ty, false),
            };
            variants.push(UnionVariant {
                name: variant,
                ty,
                tag_values,
                inject_tag,
            });
        }
        // A tag that selects nothing, or two variants for one value, is no tag: fall back to untagged.
        let tag = tag.filter(|_| {
            let mut seen = HashSet::new();
            variants
                .iter()
                .all(|v| v.tag_values.iter().all(|t| seen.insert(t.clone())))
                && variants.iter().filter(|v| v.tag_values.is_empty()).count() <= 1
                && variants.iter().any(|v| !v.tag_values.is_empty())
        });
        if tag.is_none() {
            for v in &mut variants {
                v.inject_tag = false;
            }
        }
        let name = self.define_claimed(
            name,
            &naming,
            TypeKind::Union(Union { tag, variants }),
            o.description.clone(),
            pointer,
        );
        let mut c = Converted::of(TypeRef::Named(name));
        c.nullable = nullable;
        c
    }
}

/// A property that holds a distinct constant string in every member but at most one (the catch-all).
pub fn detect_tag(members: &[&ObjectSchema]) -> Option<String> {
    let first = members
        .iter()
        .find(|m| m.properties.values().any(|p| const_string(p).is_some()))?;
    for (prop, _) in first
        .properties
        .iter()
        .filter(|(_, s)| const_string(s).is_some())
    {
        let mut values = HashSet::new();
        let mut without = 0;
        let mut ok = true;
        for m in members {
            match m.properties.get(prop).and_then(const_string) {
                Some(v) => ok &= values.insert(v),
                None => without += 1,
            }
        }
        if ok && without <= 1 && !values.is_empty() && members.len() >= 2 {
            return Some(prop.clone());
        }
    }
    None
}

pub(super) fn variant_kind_name(o: Option<&ObjectSchema>) -> String {
    let Some(o) = o else { return "Any".into() };
    let t = match &o.schema_type {
        Some(TypeSet::Single(t)) => Some(*t),
        Some(TypeSet::Multiple(ts)) => ts.iter().copied().find(|t| *t != Type::Null),
        None => None,
    };
    match t {
        Some(Type::String) => "String",
        Some(Type::Integer) => "Integer",
        Some(Type::Number) => "Number",
        Some(Type::Boolean) => "Boolean",
        Some(Type::Array) => "Array",
        Some(Type::Object) => "Object",
        _ if !o.properties.is_empty() => "Object",
        _ => "Value",
    }
    .into()
}

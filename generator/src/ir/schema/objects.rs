//! Objects: structs (with their fields' names and checks), maps, arrays, and `allOf` merged into
//! one object.

use super::*;

impl SchemaCx<'_> {
    pub(super) fn convert_struct(
        &mut self,
        o: &ObjectSchema,
        pointer: &str,
        naming: Naming,
    ) -> Converted {
        let extra_schema = match &o.additional_properties {
            Some(Schema::Boolean(b)) if !b.0 => None,
            Some(Schema::Boolean(_)) => Some(None),
            Some(s) => Some(Some(s)),
            None => None,
        };
        if o.properties.is_empty() {
            // A pure map, or an object closed to any property.
            return match &o.additional_properties {
                Some(Schema::Boolean(b)) if !b.0 => {
                    let empty = TypeKind::Struct(Struct {
                        fields: vec![],
                        extra: None,
                    });
                    Converted::of(TypeRef::Named(self.define(
                        naming,
                        empty,
                        o.description.clone(),
                        pointer,
                    )))
                }
                Some(Schema::Boolean(_)) | None => {
                    Converted::of(TypeRef::Map(Box::new(TypeRef::Any)))
                }
                Some(s) => {
                    let base = naming.first();
                    let v = self.convert(
                        s,
                        &join(pointer, "additionalProperties"),
                        Naming::hint([format!("{base}Value")]),
                    );
                    let value = if v.nullable {
                        TypeRef::Option(Box::new(v.ty))
                    } else {
                        v.ty
                    };
                    let mut c = Converted::of(TypeRef::Map(Box::new(value)));
                    if !v.checks.is_empty() {
                        c.checks.inner = Some(Box::new(v.checks));
                    }
                    c
                }
            };
        }
        let name = self.claim(&naming);
        // Nested names build on the name this position asks for, not the one it got: a collision
        // elsewhere then renames only this type, never the types inside it.
        let base = naming.first();
        let mut field_names = Namespace::default();
        let mut fields = Vec::with_capacity(o.properties.len());
        let properties = join(pointer, "properties");
        for (prop, schema) in &o.properties {
            let prop_pointer = join(&properties, prop);
            let prop_type = naming::type_name(prop);
            let overridden = match self.overrides.is_empty() {
                true => None,
                false => self.overrides.get(&format!("{name}.{prop}")),
            };
            let c = match overridden {
                Some(path) => Converted::of(override_type(path)),
                None => {
                    let qualified = format!("{base}{prop_type}");
                    // Generic words make poor type names on their own (`Status`, `Data`): qualify them first.
                    let hint = if GENERIC_NAMES.contains(&prop_type.as_str()) {
                        vec![qualified]
                    } else {
                        vec![prop_type.clone(), qualified]
                    };
                    self.convert(schema, &prop_pointer, Naming::Hint(hint))
                }
            };
            let deprecated = c.deprecated;
            fields.push(Field {
                name: prop.clone(),
                rust_name: field_names.claim([naming::snake(prop).as_str()]),
                ty: c.ty,
                required: o.required.iter().any(|r| r == prop),
                // `{}` admits null too, but typing it `Option<Value>` would only add noise.
                nullable: c.nullable,
                boxed: false,
                checks: c.checks,
                description: c.description,
                deprecated,
            });
        }
        let extra = match extra_schema.flatten() {
            Some(s) => {
                let v = self.convert(
                    s,
                    &join(pointer, "additionalProperties"),
                    Naming::hint([format!("{base}Value")]),
                );
                Some(v.ty)
            }
            None => None,
        };
        let name = self.define_claimed(
            name,
            &naming,
            TypeKind::Struct(Struct { fields, extra }),
            o.description.clone(),
            pointer,
        );
        Converted::of(TypeRef::Named(name))
    }

    pub(super) fn convert_array(
        &mut self,
        o: &ObjectSchema,
        pointer: &str,
        naming: &Naming,
    ) -> Converted {
        let base = naming.first();
        let item_names = Naming::hint([
            naming::type_name(&naming::singular(&base)),
            format!("{base}Item"),
        ]);
        let item = match &o.items {
            Some(schema) => self.convert(schema, &join(pointer, "items"), item_names),
            None => Converted::of(TypeRef::Any),
        };
        let ty = if item.nullable {
            TypeRef::Option(Box::new(item.ty))
        } else {
            item.ty
        };
        let mut c = Converted::of(TypeRef::Array(Box::new(ty)));
        if !item.checks.is_empty() {
            c.checks.inner = Some(Box::new(item.checks));
        }
        c
    }

    pub(super) fn convert_all_of(
        &mut self,
        o: &ObjectSchema,
        pointer: &str,
        naming: Naming,
    ) -> Converted {
        let plain_wrapper = o.properties.is_empty()
            && o.additional_properties.is_none()
            && o.one_of.is_empty()
            && o.any_of.is_empty();
        // `allOf: [{$ref: X}, {description: ...}]` (how AWS and others attach a description to a
        // reference) is X: members that only annotate add nothing to merge.
        let constraining: Vec<(usize, &Schema)> = o
            .all_of
            .iter()
            .enumerate()
            .filter(|(_, m)| !is_annotation_only(m))
            .collect();
        if let ([(i, only)], true) = (constraining.as_slice(), plain_wrapper) {
            let mut c = self.convert(only, &join(pointer, &format!("allOf/{i}")), naming);
            c.nullable |= o.is_nullable() == Some(true);
            let annotation = o.all_of.iter().find_map(|m| match m {
                Schema::Object(obj) => match obj.as_ref() {
                    ObjectOrReference::Object(a) if is_annotation_only(m) => a.description.clone(),
                    _ => None,
                },
                Schema::Boolean(_) => None,
            });
            if let Some(d) = o.description.clone().or(annotation) {
                c.description = Some(d);
            }
            return c;
        }
        let mut merged = ObjectSchema {
            description: o.description.clone(),
            ..Default::default()
        };
        let mut primitive = None;
        self.merge_into(&mut merged, o, pointer, &mut primitive, 0);
        if merged.properties.is_empty() && merged.additional_properties.is_none() {
            if let Some(first) = primitive {
                return self.convert(&first, &join(pointer, "allOf/0"), naming);
            }
            return Converted::of(TypeRef::Any);
        }
        merged.schema_type = Some(TypeSet::Single(Type::Object));
        self.convert_struct(&merged, pointer, naming)
    }

    /// Flattens `allOf` members (recursively, through `$ref`s) into one object schema.
    pub(super) fn merge_into(
        &mut self,
        into: &mut ObjectSchema,
        o: &ObjectSchema,
        pointer: &str,
        primitive: &mut Option<Schema>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        for (i, member) in o.all_of.iter().enumerate() {
            let at = format!("{pointer}/allOf/{i}");
            match self.resolve_object(member) {
                Some((m, _)) => {
                    let is_object = !m.properties.is_empty()
                        || m.additional_properties.is_some()
                        || !m.all_of.is_empty()
                        || m.schema_type
                            .as_ref()
                            .is_some_and(|t| t.contains(Type::Object));
                    if !is_object {
                        primitive.get_or_insert_with(|| member.clone());
                        continue;
                    }
                    if !m.one_of.is_empty() || !m.any_of.is_empty() {
                        self.diags.push(Diagnostic::warning(&at, "`oneOf`/`anyOf` inside `allOf` is not merged; only the declared properties are kept"));
                    }
                    self.merge_into(into, &m, &at, primitive, depth + 1);
                }
                None => self.diags.push(Diagnostic::warning(
                    &at,
                    "`allOf` member could not be resolved to an object; ignored",
                )),
            }
        }
        for (k, v) in &o.properties {
            into.properties.insert(k.clone(), v.clone());
        }
        for r in &o.required {
            if !into.required.contains(r) {
                into.required.push(r.clone());
            }
        }
        if o.additional_properties.is_some() {
            into.additional_properties = o.additional_properties.clone();
        }
        if into.description.is_none() {
            into.description = o.description.clone();
        }
    }
}

/// A schema that only documents (`{description: ...}`, `{title, example}`): it accepts every value.
pub(super) fn is_annotation_only(schema: &Schema) -> bool {
    let Schema::Object(obj) = schema else {
        return false;
    };
    let ObjectOrReference::Object(o) = obj.as_ref() else {
        return false;
    };
    let bare = ObjectSchema {
        title: o.title.clone(),
        description: o.description.clone(),
        example: o.example.clone(),
        examples: o.examples.clone(),
        deprecated: o.deprecated,
        read_only: o.read_only,
        write_only: o.write_only,
        extensions: o.extensions.clone(),
        ..Default::default()
    };
    *o == bare
}

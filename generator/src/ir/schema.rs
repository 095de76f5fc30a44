//! JSON Schema -> IR types.
//!
//! Inline object, enum and union schemas are hoisted into named [`TypeDef`]s. A name comes from
//! where the schema stands (a property `linkProviderType` -> `LinkProviderType`; a request body of
//! `UpdateLink` -> `UpdateLinkRequest`), and structurally identical inline schemas that ask for the
//! same name share one type: that name and the shape of a type (its kind without docs) are its
//! dedup key, so names depend only on where a schema stands. Component schemas keep their
//! spec names, reserved up front so `$ref`s resolve to a name before the target is converted, which
//! also makes reference cycles terminate; [`SchemaCx::finish`] boxes the fields that close a cycle.

use super::naming::{self, Namespace};
use super::{
    Checks, EnumValue, Field, IntKind, Struct, TypeDef, TypeKind, TypeRef, Union, UnionVariant,
};
use crate::diagnostic::{join, Diagnostic};
use crate::load::Document;
use oas3::spec::{
    ObjectOrReference, ObjectSchema, Schema, SchemaType as Type, SchemaTypeSet as TypeSet,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How the type of a schema should be named if it becomes a named type.
#[derive(Debug, Clone)]
pub enum Naming {
    /// The name is already reserved (components).
    Exact(String),
    /// Candidates in order of preference; the first free one is taken.
    Hint(Vec<String>),
}

impl Naming {
    pub fn hint(candidates: impl IntoIterator<Item = String>) -> Self {
        Naming::Hint(candidates.into_iter().collect())
    }

    fn first(&self) -> String {
        match self {
            Naming::Exact(n) => n.clone(),
            Naming::Hint(c) => c.first().cloned().unwrap_or_else(|| "Unnamed".into()),
        }
    }
}

/// The result of converting one schema at one place.
#[derive(Debug, Clone)]
pub struct Converted {
    pub ty: TypeRef,
    pub nullable: bool,
    pub checks: Checks,
    pub description: Option<String>,
    pub deprecated: bool,
}

impl Converted {
    pub fn of(ty: TypeRef) -> Self {
        Converted {
            ty,
            nullable: false,
            checks: Checks::default(),
            description: None,
            deprecated: false,
        }
    }
}

/// Property names too generic to name a type by themselves.
const GENERIC_NAMES: &[&str] = &[
    "Status",
    "Data",
    "Type",
    "Kind",
    "State",
    "Item",
    "Items",
    "Value",
    "Values",
    "Result",
    "Results",
    "Error",
    "Errors",
    "Meta",
    "Metadata",
    "Info",
    "Config",
    "Attributes",
    "Details",
    "Options",
    "Settings",
    "Properties",
    "Body",
    "Content",
    "Payload",
    "Response",
    "Request",
    "Mode",
    "Role",
    "Level",
    "Format",
    "Source",
    "Target",
    "Config",
    "Spec",
    "Params",
];

/// Limits recursion through inline schemas (refs do not recurse: they resolve to a name).
const MAX_DEPTH: usize = 64;

pub struct SchemaCx<'a> {
    pub doc: &'a Document,
    pub types: Vec<TypeDef>,
    pub names: Namespace,
    pub diags: Vec<Diagnostic>,
    shapes: HashMap<String, String>,
    /// Component schema name -> Rust type name.
    components: HashMap<String, String>,
    /// Components whose schema admits `null`.
    nullable_components: HashSet<String>,
    /// Non-component `$ref` targets already converted (pointer -> type).
    pointer_types: HashMap<String, Converted>,
    /// User overrides: component name or `Type.property` -> Rust type path.
    overrides: BTreeMap<String, String>,
    depth: usize,
    /// Conversions left before the schema expansion budget is spent (see [`SchemaCx::convert`]).
    budget: usize,
}

/// How many conversions each object of the document may cost before expansion stops. Every
/// schema is converted a few times (components, references, merges); a spec whose recursive
/// `allOf` merges would re-expand the same shapes exponentially stops here, so time and memory
/// stay proportional to the size of the input.
const CONVERSIONS_PER_OBJECT: usize = 16;

fn count_objects(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Object(map) => 1 + map.values().map(count_objects).sum::<usize>(),
        serde_json::Value::Array(items) => items.iter().map(count_objects).sum(),
        _ => 0,
    }
}

impl<'a> SchemaCx<'a> {
    pub fn new(doc: &'a Document, overrides: BTreeMap<String, String>) -> Self {
        let mut cx = SchemaCx {
            doc,
            types: Vec::new(),
            names: Namespace::default(),
            diags: Vec::new(),
            shapes: HashMap::new(),
            components: HashMap::new(),
            nullable_components: HashSet::new(),
            pointer_types: HashMap::new(),
            overrides,
            depth: 0,
            budget: 1_000 + CONVERSIONS_PER_OBJECT * count_objects(&doc.raw),
        };
        if let Some(components) = &doc.spec.components {
            for (name, schema) in &components.schemas {
                let rust = cx.names.claim([naming::type_name(name).as_str()]);
                cx.components.insert(name.clone(), rust);
                if cx.admits_null(schema, 0) {
                    cx.nullable_components.insert(name.clone());
                }
            }
        }
        cx
    }

    /// Converts every component schema, in spec order.
    pub fn convert_components(&mut self) {
        let Some(components) = &self.doc.spec.components else {
            return;
        };
        for (name, schema) in &components.schemas {
            let rust = self.components[name].clone();
            let pointer = join("/components/schemas", name);
            if let Some(path) = self.overrides.get(name).cloned() {
                self.define_exact(
                    &rust,
                    TypeKind::Alias(override_type(&path)),
                    None,
                    false,
                    &pointer,
                );
                continue;
            }
            let c = self.convert(schema, &pointer, Naming::Exact(rust.clone()));
            if c.ty != TypeRef::Named(rust.clone()) {
                self.define_exact(
                    &rust,
                    TypeKind::Alias(c.ty),
                    c.description,
                    c.deprecated,
                    &pointer,
                );
            }
        }
    }

    pub fn convert(&mut self, schema: &Schema, pointer: &str, naming: Naming) -> Converted {
        if self.budget == 0 {
            return Converted::of(TypeRef::Any);
        }
        self.budget -= 1;
        if self.budget == 0 {
            self.diags.push(
                Diagnostic::warning(
                    pointer,
                    "schemas expand far beyond the size of the spec (recursive `allOf` merges); from here on, schemas still to convert are typed as any JSON value",
                )
                .with_hint("replace recursive `allOf` merges by `$ref`s to named schemas"),
            );
        }
        if self.depth > MAX_DEPTH {
            self.diags.push(Diagnostic::warning(
                pointer,
                "schema nesting is too deep; typed as any JSON value",
            ));
            return Converted::of(TypeRef::Any);
        }
        self.depth += 1;
        let out = match schema {
            Schema::Boolean(b) => {
                if !b.0 {
                    self.diags.push(Diagnostic::warning(
                        pointer,
                        "`false` schema (no value allowed); typed as any JSON value",
                    ));
                }
                Converted::of(TypeRef::Any)
            }
            Schema::Object(obj) => match obj.as_ref() {
                ObjectOrReference::Ref {
                    ref_path,
                    description,
                    ..
                } => {
                    let mut c = self.convert_ref(ref_path);
                    if description.is_some() {
                        c.description = description.clone();
                    }
                    c
                }
                ObjectOrReference::Object(o) => self.convert_object(o, pointer, naming),
            },
        };
        self.depth -= 1;
        out
    }

    fn convert_ref(&mut self, ref_path: &str) -> Converted {
        if let Some(name) = component_name(ref_path) {
            if let Some(rust) = self.components.get(&name) {
                let mut c = Converted::of(TypeRef::Named(rust.clone()));
                c.nullable = self.nullable_components.contains(&name);
                return c;
            }
        }
        let target = ref_pointer(ref_path);
        if let Some(c) = self.pointer_types.get(&target) {
            return c.clone();
        }
        match self.lookup(ref_path) {
            Ok(schema) => {
                // Reserve a name first: a cycle through this pointer then resolves to it.
                let last = target
                    .rsplit('/')
                    .next()
                    .unwrap_or("Ref")
                    .replace("~1", "/")
                    .replace("~0", "~");
                let name = self.names.claim([naming::type_name(&last).as_str()]);
                self.pointer_types
                    .insert(target.clone(), Converted::of(TypeRef::Named(name.clone())));
                let c = self.convert(&schema, &target, Naming::Exact(name.clone()));
                if c.ty != TypeRef::Named(name.clone()) {
                    self.define_exact(
                        &name,
                        TypeKind::Alias(c.ty.clone()),
                        c.description.clone(),
                        false,
                        &target,
                    );
                }
                let out = Converted {
                    ty: TypeRef::Named(name),
                    ..c
                };
                self.pointer_types.insert(target, out.clone());
                out
            }
            Err(d) => {
                self.diags.push(d.clone());
                Converted::of(TypeRef::Any)
            }
        }
    }

    /// The schema a `$ref` points at, from the typed model for components, else from the raw document.
    pub fn lookup(&self, ref_path: &str) -> Result<Schema, Diagnostic> {
        if let Some(name) = component_name(ref_path) {
            if let Some(s) = self
                .doc
                .spec
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&name))
            {
                return Ok(s.clone());
            }
        }
        let pointer = ref_pointer(ref_path);
        // The loader refuses references to nothing, so a missing target is a part its repairs
        // left out: the value stays untyped JSON.
        let value = self.doc.raw.pointer(&pointer).ok_or_else(|| {
            Diagnostic::warning(
                pointer.clone(),
                format!("`$ref: {ref_path}` points at a part left out of the spec; typed as any JSON value"),
            )
        })?;
        // A target that is not a schema still leaves a usable client: the value is kept as
        // untyped JSON, and the spec's defect is reported.
        serde_json::from_value(value.clone()).map_err(|e| {
            Diagnostic::warning(
                pointer.clone(),
                format!("`$ref: {ref_path}` is not a schema ({e}); typed as any JSON value"),
            )
            .with_hint("point the reference at a schema object")
        })
    }

    /// Follows `$ref`s to an inline schema object; `None` for boolean schemas or broken refs.
    pub fn resolve_object(&self, schema: &Schema) -> Option<(ObjectSchema, Option<String>)> {
        let mut current = schema.clone();
        let mut component = None;
        for _ in 0..32 {
            match current {
                Schema::Boolean(_) => return None,
                Schema::Object(obj) => match *obj {
                    ObjectOrReference::Object(o) => return Some((o, component)),
                    ObjectOrReference::Ref { ref_path, .. } => {
                        component = component.or_else(|| component_name(&ref_path));
                        current = self.lookup(&ref_path).ok()?;
                    }
                },
            }
        }
        None
    }

    fn admits_null(&self, schema: &Schema, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        match schema {
            Schema::Boolean(b) => b.0,
            Schema::Object(obj) => match obj.as_ref() {
                ObjectOrReference::Ref { ref_path, .. } => self
                    .lookup(ref_path)
                    .map(|s| self.admits_null(&s, depth + 1))
                    .unwrap_or(false),
                ObjectOrReference::Object(o) => {
                    o.is_nullable() == Some(true)
                        || o.enum_values.iter().any(|v| v.is_null())
                        || o.one_of
                            .iter()
                            .chain(&o.any_of)
                            .any(|m| self.admits_null(m, depth + 1))
                }
            },
        }
    }

    fn convert_object(&mut self, o: &ObjectSchema, pointer: &str, naming: Naming) -> Converted {
        let mut c = self.convert_object_inner(o, pointer, naming);
        if o.is_nullable() == Some(true) {
            c.nullable = true;
        }
        if o.description.is_some() || o.title.is_some() {
            c.description = o.description.clone().or_else(|| o.title.clone());
        }
        c.deprecated |= o.deprecated == Some(true);
        c
    }

    fn convert_object_inner(
        &mut self,
        o: &ObjectSchema,
        pointer: &str,
        naming: Naming,
    ) -> Converted {
        if let Some(value) = &o.const_value {
            return Converted::of(const_type(value));
        }
        if !o.enum_values.is_empty() {
            return self.convert_enum(o, pointer, naming);
        }
        if !o.all_of.is_empty() {
            return self.convert_all_of(o, pointer, naming);
        }
        if !o.one_of.is_empty() || !o.any_of.is_empty() {
            return self.convert_union(o, pointer, naming);
        }
        let types: Vec<Type> = match &o.schema_type {
            None => Vec::new(),
            Some(TypeSet::Single(t)) => vec![*t],
            Some(TypeSet::Multiple(ts)) => ts.clone(),
        };
        let non_null: Vec<Type> = types.iter().copied().filter(|t| *t != Type::Null).collect();
        let mut c = match non_null.as_slice() {
            [] if types.contains(&Type::Null) => Converted::of(TypeRef::Any),
            [] if !o.properties.is_empty() || o.additional_properties.is_some() => {
                self.convert_struct(o, pointer, naming)
            }
            [] if o.items.is_some() => self.convert_array(o, pointer, &naming),
            [] => Converted::of(TypeRef::Any),
            [Type::Object] => self.convert_struct(o, pointer, naming),
            [Type::Array] => self.convert_array(o, pointer, &naming),
            [Type::String] => Converted::of(string_type(o.format.as_deref())),
            [Type::Integer] => Converted::of(int_type(o)),
            [Type::Number] => Converted::of(TypeRef::Float(o.format.as_deref() == Some("float"))),
            [Type::Boolean] => Converted::of(TypeRef::Bool),
            _ => Converted::of(TypeRef::Any),
        };
        c.nullable = types.contains(&Type::Null);
        let own = self.applicable_checks(scalar_checks(o), &c.ty, pointer);
        if !own.is_empty() {
            let inner = c.checks.inner.take();
            c.checks = Checks { inner, ..own };
        }
        c
    }

    fn convert_enum(&mut self, o: &ObjectSchema, pointer: &str, naming: Naming) -> Converted {
        let nullable = o.enum_values.iter().any(|v| v.is_null()) || o.is_nullable() == Some(true);
        let values: Vec<&serde_json::Value> =
            o.enum_values.iter().filter(|v| !v.is_null()).collect();
        let mut c = if !values.is_empty() && values.iter().all(|v| v.is_string()) {
            let mut variants = Namespace::default();
            variants.reserve("Unknown");
            let mut seen = HashSet::new();
            let items = values
                .iter()
                .filter_map(|v| v.as_str())
                .filter(|s| seen.insert(s.to_string()))
                .map(|s| EnumValue {
                    value: s.to_owned(),
                    variant: variants.claim([naming::pascal(s).as_str()]),
                    description: None,
                })
                .collect();
            let name = self.define(
                naming,
                TypeKind::Enum(items),
                o.description.clone(),
                pointer,
            );
            Converted::of(TypeRef::Named(name))
        } else if values.iter().all(|v| v.is_i64() || v.is_u64()) && !values.is_empty() {
            Converted::of(int_type(o))
        } else if values.iter().all(|v| v.is_number()) && !values.is_empty() {
            Converted::of(TypeRef::Float(false))
        } else if values.iter().all(|v| v.is_boolean()) && !values.is_empty() {
            Converted::of(TypeRef::Bool)
        } else {
            Converted::of(TypeRef::Any)
        };
        c.nullable = nullable;
        c
    }

    fn convert_array(&mut self, o: &ObjectSchema, pointer: &str, naming: &Naming) -> Converted {
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

    fn convert_struct(&mut self, o: &ObjectSchema, pointer: &str, naming: Naming) -> Converted {
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
        for (prop, schema) in &o.properties {
            let prop_pointer = join(&join(pointer, "properties"), prop);
            let prop_type = naming::type_name(prop);
            let override_key = format!("{name}.{prop}");
            let c = match self.overrides.get(&override_key) {
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

    fn convert_all_of(&mut self, o: &ObjectSchema, pointer: &str, naming: Naming) -> Converted {
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
    fn merge_into(
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

    fn convert_union(&mut self, o: &ObjectSchema, pointer: &str, naming: Naming) -> Converted {
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
        let resolved: Vec<Option<(ObjectSchema, Option<String>)>> = non_null
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
            .filter_map(|r| r.as_ref().map(|(o, _)| o))
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
                Some((obj, comp)) => (Some(obj), comp.clone()),
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

    /// Claims the name a new type will get (before its children are converted, so they cannot take it).
    fn claim(&mut self, naming: &Naming) -> String {
        match naming {
            Naming::Exact(n) => n.clone(),
            Naming::Hint(c) => self.names.claim(c.iter().map(String::as_str)),
        }
    }

    /// Defines a type named by `naming`, or returns the existing type of the same shape.
    pub fn define(
        &mut self,
        naming: Naming,
        kind: TypeKind,
        description: Option<String>,
        pointer: &str,
    ) -> String {
        let name = self.claim(&naming);
        self.define_claimed(name, &naming, kind, description, pointer)
    }

    fn define_claimed(
        &mut self,
        name: String,
        naming: &Naming,
        kind: TypeKind,
        description: Option<String>,
        pointer: &str,
    ) -> String {
        // The name a schema's position asks for is part of the key: identical shapes share a type
        // only when they would be named alike, so a name never depends on which of two places
        // was converted first (adding an operation cannot rename an existing type).
        let key = format!("{}\u{0}{}", naming.first(), shape_key(&kind));
        if let Naming::Hint(_) = naming {
            if let Some(existing) = self.shapes.get(&key) {
                self.names.release(&name);
                return existing.clone();
            }
        }
        self.shapes.entry(key).or_insert_with(|| name.clone());
        self.types.push(TypeDef {
            name: name.clone(),
            description,
            deprecated: false,
            origin: pointer.to_owned(),
            kind,
        });
        name
    }

    pub fn define_exact(
        &mut self,
        name: &str,
        kind: TypeKind,
        description: Option<String>,
        deprecated: bool,
        pointer: &str,
    ) {
        self.types.push(TypeDef {
            name: name.to_owned(),
            description,
            deprecated,
            origin: pointer.to_owned(),
            kind,
        });
    }

    /// Boxes struct fields that close a cycle of directly contained types, so every type has a size.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        let index: HashMap<String, usize> = self
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
        let edges: Vec<Vec<usize>> = self
            .types
            .iter()
            .map(|t| {
                let mut out = Vec::new();
                let mut push = |ty: &TypeRef| {
                    if let Some(n) = direct_name(ty) {
                        if let Some(&j) = index.get(n) {
                            out.push(j);
                        }
                    }
                };
                match &t.kind {
                    TypeKind::Struct(s) => s.fields.iter().for_each(|f| push(&f.ty)),
                    TypeKind::Union(u) => u.variants.iter().for_each(|v| push(&v.ty)),
                    TypeKind::Alias(ty) => push(ty),
                    TypeKind::Enum(_) => {}
                }
                out
            })
            .collect();
        let scc = strongly_connected(&edges);
        for i in 0..self.types.len() {
            if let TypeKind::Struct(s) = &mut self.types[i].kind {
                for f in &mut s.fields {
                    if let Some(&j) = direct_name(&f.ty).and_then(|n| index.get(n)) {
                        f.boxed = scc[i] == scc[j];
                    }
                }
            }
        }
        (self.types, self.diags)
    }
}

/// The type an override names: a JSON Schema spelling (`string`, `date-time`, `integer`, ...) maps
/// to what the generator would produce for it (so `date-time` also pulls in chrono); anything else
/// is taken as a Rust type path.
fn override_type(spec: &str) -> TypeRef {
    match spec {
        "string" => TypeRef::String,
        "date-time" => TypeRef::DateTime,
        "date" => TypeRef::Date,
        "uuid" => TypeRef::Uuid,
        "integer" | "int64" => TypeRef::Int(IntKind::I64),
        "int32" => TypeRef::Int(IntKind::I32),
        "number" | "double" => TypeRef::Float(false),
        "boolean" => TypeRef::Bool,
        "any" => TypeRef::Any,
        path => TypeRef::Named(path.to_owned()),
    }
}

/// The named type a field contains inline (not behind a `Vec` or map, which already indirect).
fn direct_name(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Option(inner) => direct_name(inner),
        _ => None,
    }
}

/// Tarjan's algorithm; returns the component id of each node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    struct State<'e> {
        edges: &'e [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        comp: Vec<usize>,
        comps: usize,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.comp[w] = s.comps;
                if w == v {
                    break;
                }
            }
            s.comps += 1;
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: vec![],
        next: 0,
        comp: vec![0; n],
        comps: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.comp
}

/// The dedup key of a type: its kind without documentation.
fn shape_key(kind: &TypeKind) -> String {
    let mut k = kind.clone();
    if let TypeKind::Struct(s) = &mut k {
        for f in &mut s.fields {
            f.description = None;
        }
    }
    serde_json::to_string(&k).unwrap_or_default()
}

/// `#/components/schemas/Name` -> `Name` (only for direct component references).
/// A schema that only documents (`{description: ...}`, `{title, example}`): it accepts every value.
fn is_annotation_only(schema: &Schema) -> bool {
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

pub fn component_name(ref_path: &str) -> Option<String> {
    let pointer = ref_pointer(ref_path);
    let rest = pointer.strip_prefix("/components/schemas/")?;
    (!rest.contains('/')).then(|| rest.replace("~1", "/").replace("~0", "~"))
}

pub fn ref_pointer(ref_path: &str) -> String {
    crate::load::percent_decode(ref_path.trim_start_matches('#'))
}

fn is_null_schema(s: &Schema) -> bool {
    matches!(s, Schema::Object(b) if matches!(b.as_ref(), ObjectOrReference::Object(o)
        if o.schema_type == Some(TypeSet::Single(Type::Null)) || o.const_value == Some(serde_json::Value::Null)))
}

/// The values of a union whose members are all one-value string enums (or string consts), with
/// each member's description; `None` if any member is something else or a value repeats.
fn one_value_enums(
    members: &[Option<(ObjectSchema, Option<String>)>],
) -> Option<Vec<(String, Option<String>)>> {
    let mut out: Vec<(String, Option<String>)> = Vec::with_capacity(members.len());
    for member in members {
        let (o, _) = member.as_ref()?;
        if !o.properties.is_empty()
            || !o.one_of.is_empty()
            || !o.any_of.is_empty()
            || !o.all_of.is_empty()
        {
            return None;
        }
        let value = match (&o.const_value, o.enum_values.as_slice()) {
            (Some(serde_json::Value::String(v)), _) => v.clone(),
            (None, [serde_json::Value::String(v)]) => v.clone(),
            _ => return None,
        };
        if out.iter().any(|(v, _)| *v == value) {
            return None;
        }
        out.push((value, o.description.clone()));
    }
    (out.len() >= 2).then_some(out)
}

/// The constant string of a property schema (`const: X` or a one-value `enum`).
pub fn const_string(s: &Schema) -> Option<String> {
    match s {
        Schema::Object(b) => match b.as_ref() {
            ObjectOrReference::Object(o) => match (&o.const_value, o.enum_values.as_slice()) {
                (Some(serde_json::Value::String(v)), _) => Some(v.clone()),
                (None, [serde_json::Value::String(v)]) => Some(v.clone()),
                _ => None,
            },
            ObjectOrReference::Ref { .. } => None,
        },
        Schema::Boolean(_) => None,
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

fn variant_kind_name(o: Option<&ObjectSchema>) -> String {
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

fn const_type(v: &serde_json::Value) -> TypeRef {
    match v {
        serde_json::Value::String(_) => TypeRef::String,
        serde_json::Value::Bool(_) => TypeRef::Bool,
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => TypeRef::Int(IntKind::I64),
        serde_json::Value::Number(_) => TypeRef::Float(false),
        _ => TypeRef::Any,
    }
}

fn string_type(format: Option<&str>) -> TypeRef {
    match format {
        Some("date-time") => TypeRef::DateTime,
        Some("date") => TypeRef::Date,
        Some("uuid") => TypeRef::Uuid,
        Some("binary") => TypeRef::Bytes,
        _ => TypeRef::String,
    }
}

fn int_type(o: &ObjectSchema) -> TypeRef {
    TypeRef::Int(match o.format.as_deref() {
        Some("int8") => IntKind::I8,
        Some("int16") => IntKind::I16,
        Some("int32") => IntKind::I32,
        Some("uint8") => IntKind::U8,
        Some("uint16") => IntKind::U16,
        Some("uint32") => IntKind::U32,
        Some("uint64") | Some("uint") => IntKind::U64,
        _ => IntKind::I64,
    })
}

fn num(n: &Option<serde_json::Number>) -> Option<f64> {
    n.as_ref().and_then(serde_json::Number::as_f64)
}

impl SchemaCx<'_> {
    /// JSON Schema applies a keyword only to values of its type (`minLength` to strings,
    /// `minItems` to arrays, bounds to numbers); on any other type it constrains nothing, so it is
    /// dropped here, with a warning, rather than checked against a value it cannot apply to.
    fn applicable_checks(&mut self, mut checks: Checks, ty: &TypeRef, pointer: &str) -> Checks {
        let is_string = matches!(ty, TypeRef::String);
        let is_array = matches!(ty, TypeRef::Array(_));
        let is_number = matches!(ty, TypeRef::Int(_) | TypeRef::Float(_));
        let mut dropped = Vec::new();
        let mut drop_unless = |applies: bool, keyword: &'static str, value: bool| {
            if value && !applies {
                dropped.push(keyword);
            }
            !applies
        };
        if drop_unless(is_string, "minLength", checks.min_length.is_some())
            | drop_unless(is_string, "maxLength", checks.max_length.is_some())
        {
            (checks.min_length, checks.max_length) = (None, None);
        }
        if drop_unless(is_array, "minItems", checks.min_items.is_some())
            | drop_unless(is_array, "maxItems", checks.max_items.is_some())
        {
            (checks.min_items, checks.max_items) = (None, None);
        }
        if drop_unless(is_number, "minimum", checks.minimum.is_some())
            | drop_unless(is_number, "maximum", checks.maximum.is_some())
            | drop_unless(
                is_number,
                "exclusiveMinimum",
                checks.exclusive_minimum.is_some(),
            )
            | drop_unless(
                is_number,
                "exclusiveMaximum",
                checks.exclusive_maximum.is_some(),
            )
        {
            (checks.minimum, checks.maximum) = (None, None);
            (checks.exclusive_minimum, checks.exclusive_maximum) = (None, None);
        }
        for keyword in dropped {
            self.diags.push(Diagnostic::warning(
                join(pointer, keyword),
                format!("`{keyword}` does not apply to a value of this type; ignored"),
            ));
        }
        checks
    }
}

pub fn scalar_checks(o: &ObjectSchema) -> Checks {
    Checks {
        min_length: o.min_length.filter(|n| *n > 0),
        max_length: o.max_length,
        min_items: o.min_items.filter(|n| *n > 0),
        max_items: o.max_items,
        minimum: num(&o.minimum),
        maximum: num(&o.maximum),
        exclusive_minimum: num(&o.exclusive_minimum),
        exclusive_maximum: num(&o.exclusive_maximum),
        inner: None,
    }
}

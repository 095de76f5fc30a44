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
    Checks, EnumValue, Field, FloatWidth, IntKind, Struct, TypeDef, TypeKind, TypeRef, Union,
    UnionVariant,
};
use crate::diagnostic::{join, Diagnostic};
use crate::load::Document;
use oas3::spec::{
    ObjectOrReference, ObjectSchema, Schema, SchemaType as Type, SchemaTypeSet as TypeSet,
};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, HashSet};

mod cycles;
mod enums;
mod objects;
mod refs;
mod scalars;
mod shapes;
mod unions;

pub use enums::const_string;
use enums::*;
use refs::*;
pub use refs::{component_name, ref_pointer};
pub use scalars::scalar_checks;
use scalars::*;
pub use unions::detect_tag;

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
    shapes: shapes::Shapes,
    /// Component schema name -> Rust type name.
    components: FxHashMap<String, String>,
    /// Components whose schema admits `null`.
    nullable_components: FxHashSet<String>,
    /// Non-component `$ref` targets already converted (pointer -> type).
    pointer_types: FxHashMap<String, Converted>,
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

impl<'a> SchemaCx<'a> {
    pub fn new(doc: &'a Document, overrides: BTreeMap<String, String>) -> Self {
        let mut cx = SchemaCx {
            doc,
            types: Vec::new(),
            names: Namespace::default(),
            diags: Vec::new(),
            shapes: shapes::Shapes::default(),
            components: FxHashMap::default(),
            nullable_components: FxHashSet::default(),
            pointer_types: FxHashMap::default(),
            overrides,
            depth: 0,
            budget: 1_000 + CONVERSIONS_PER_OBJECT * doc.object_count,
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
            [Type::Number] => Converted::of(TypeRef::Float(match o.format.as_deref() {
                Some("float") => FloatWidth::F32,
                _ => FloatWidth::F64,
            })),
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
        let key = shapes::ShapeKey::new(naming.first(), &kind);
        match self.shapes.find(&key, &self.types) {
            Some(existing) if matches!(naming, Naming::Hint(_)) => {
                self.names.release(&name);
                return self.types[existing].name.clone();
            }
            Some(_) => {}
            None => self.shapes.insert(key, self.types.len()),
        }
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
}

//! References: looking up `$ref` targets (components by name, any other pointer through the raw
//! document), following them to objects, and whether a schema admits `null`.

use super::*;
use std::borrow::Cow;

impl<'a> SchemaCx<'a> {
    /// The schema a `$ref` points at, from the typed model for components (borrowed, not
    /// copied), else from the raw document.
    pub fn lookup(&self, ref_path: &str) -> Result<Cow<'a, Schema>, Diagnostic> {
        if let Some(name) = component_name(ref_path) {
            if let Some(s) = self
                .doc
                .spec
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&name))
            {
                return Ok(Cow::Borrowed(s));
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
        serde_json::from_value(value.clone())
            .map(Cow::Owned)
            .map_err(|e| {
                Diagnostic::warning(
                    pointer.clone(),
                    format!("`$ref: {ref_path}` is not a schema ({e}); typed as any JSON value"),
                )
                .with_hint("point the reference at a schema object")
            })
    }

    /// Follows `$ref`s to an inline schema object; `None` for boolean schemas or broken refs.
    /// Borrowed when `schema` or the component it names is that object.
    pub fn resolve_object<'s>(
        &self,
        schema: &'s Schema,
    ) -> Option<(Cow<'s, ObjectSchema>, Option<String>)>
    where
        'a: 's,
    {
        let mut current = Cow::Borrowed(schema);
        let mut component = None;
        for _ in 0..32 {
            let ref_path = match &*current {
                Schema::Boolean(_) => return None,
                Schema::Object(obj) => match obj.as_ref() {
                    ObjectOrReference::Object(_) => {
                        return inline_object(current).map(|o| (o, component))
                    }
                    ObjectOrReference::Ref { ref_path, .. } => ref_path.clone(),
                },
            };
            component = component.or_else(|| component_name(&ref_path));
            current = self.lookup(&ref_path).ok()?;
        }
        None
    }

    pub(super) fn admits_null(&self, schema: &Schema, depth: usize) -> bool {
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
}

/// The object of a schema that is one inline (not a reference, not a boolean schema).
fn inline_object(schema: Cow<'_, Schema>) -> Option<Cow<'_, ObjectSchema>> {
    match schema {
        Cow::Borrowed(Schema::Object(obj)) => match obj.as_ref() {
            ObjectOrReference::Object(o) => Some(Cow::Borrowed(o)),
            ObjectOrReference::Ref { .. } => None,
        },
        Cow::Owned(Schema::Object(obj)) => match *obj {
            ObjectOrReference::Object(o) => Some(Cow::Owned(o)),
            ObjectOrReference::Ref { .. } => None,
        },
        Cow::Borrowed(Schema::Boolean(_)) | Cow::Owned(Schema::Boolean(_)) => None,
    }
}

/// `#/components/schemas/Name` -> `Name` (only for direct component references).
pub fn component_name(ref_path: &str) -> Option<String> {
    let pointer = ref_pointer(ref_path);
    let rest = pointer.strip_prefix("/components/schemas/")?;
    (!rest.contains('/')).then(|| rest.replace("~1", "/").replace("~0", "~"))
}

pub fn ref_pointer(ref_path: &str) -> String {
    crate::load::percent_decode(ref_path.trim_start_matches('#'))
}

/// The type an override names: a JSON Schema spelling (`string`, `date-time`, `integer`, ...) maps
/// to what the generator would produce for it (so `date-time` also pulls in chrono); anything else
/// is taken as a Rust type path.
pub(super) fn override_type(spec: &str) -> TypeRef {
    match spec {
        "string" => TypeRef::String,
        "date-time" => TypeRef::DateTime,
        "date" => TypeRef::Date,
        "uuid" => TypeRef::Uuid,
        "integer" | "int64" => TypeRef::Int(IntKind::I64),
        "int32" => TypeRef::Int(IntKind::I32),
        "number" | "double" => TypeRef::Float(FloatWidth::F64),
        "boolean" => TypeRef::Bool,
        "any" => TypeRef::Any,
        path => TypeRef::Named(path.to_owned()),
    }
}

pub(super) fn is_null_schema(s: &Schema) -> bool {
    matches!(s, Schema::Object(b) if matches!(b.as_ref(), ObjectOrReference::Object(o)
        if o.schema_type == Some(TypeSet::Single(Type::Null)) || o.const_value == Some(serde_json::Value::Null)))
}

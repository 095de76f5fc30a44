//! String enums (open: an `Unknown` variant keeps values the spec does not list) and constants.

use super::*;

impl SchemaCx<'_> {
    pub(super) fn convert_enum(
        &mut self,
        o: &ObjectSchema,
        pointer: &str,
        naming: Naming,
    ) -> Converted {
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
            Converted::of(TypeRef::Float(FloatWidth::F64))
        } else if values.iter().all(|v| v.is_boolean()) && !values.is_empty() {
            Converted::of(TypeRef::Bool)
        } else {
            Converted::of(TypeRef::Any)
        };
        c.nullable = nullable;
        c
    }
}

/// The values of a union whose members are all one-value string enums (or string consts), with
/// each member's description; `None` if any member is something else or a value repeats.
pub(super) fn one_value_enums(
    members: &[Option<(std::borrow::Cow<'_, ObjectSchema>, Option<String>)>],
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

pub(super) fn const_type(v: &serde_json::Value) -> TypeRef {
    match v {
        serde_json::Value::String(_) => TypeRef::String,
        serde_json::Value::Bool(_) => TypeRef::Bool,
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => TypeRef::Int(IntKind::I64),
        serde_json::Value::Number(_) => TypeRef::Float(FloatWidth::F64),
        _ => TypeRef::Any,
    }
}

//! Scalars: string formats, integer widths, and the constraints that apply to each type.

use super::*;

impl SchemaCx<'_> {
    /// JSON Schema applies a keyword only to values of its type (`minLength` to strings,
    /// `minItems` to arrays, bounds to numbers); on any other type it constrains nothing, so it is
    /// dropped here, with a warning, rather than checked against a value it cannot apply to.
    pub(super) fn applicable_checks(
        &mut self,
        mut checks: Checks,
        ty: &TypeRef,
        pointer: &str,
    ) -> Checks {
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

pub(super) fn string_type(format: Option<&str>) -> TypeRef {
    match format {
        Some("date-time") => TypeRef::DateTime,
        Some("date") => TypeRef::Date,
        Some("uuid") => TypeRef::Uuid,
        Some("binary") => TypeRef::Bytes,
        _ => TypeRef::String,
    }
}

pub(super) fn int_type(o: &ObjectSchema) -> TypeRef {
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

pub(super) fn num(n: &Option<serde_json::Number>) -> Option<f64> {
    n.as_ref().and_then(serde_json::Number::as_f64)
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

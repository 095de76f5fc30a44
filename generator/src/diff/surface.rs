//! The API surface: what code using a generated crate can name, call, build and match, as plain
//! data built from the IR. Two surfaces are compared by `compare`; the committed crate keeps its
//! own in `.codegen/api.json`, so a later run needs neither git nor the old spec.
//!
//! Types are spelled as the Rust they become (`Option<Vec<String>>`), so a change is reported
//! exactly when the generated signature changes.

use crate::diagnostic::join;
use crate::ir::{
    Api, ErrorBody, FloatWidth, Media, Operation, ParamLocation, StatusMatch, TypeDef, TypeKind,
    TypeRef, Wrapper,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// In spec order.
    pub operations: Vec<OperationSurface>,
    /// Error enums, one per owning operation (operations with identical errors share one).
    pub errors: Vec<ErrorEnumSurface>,
    /// Named models, in the order the generator defined them.
    pub types: Vec<TypeSurface>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationSurface {
    /// `operationId` (or the one derived from method and path).
    pub id: String,
    /// How code calls it: `links().update` or `ping`.
    pub call: String,
    /// `/paths/{path}/{method}`.
    pub pointer: String,
    /// The method's arguments after `&self`, as `name: Type`.
    pub args: Vec<String>,
    /// `<method>_with`, taking the parameter struct too, when every parameter in it is optional
    /// (the method itself then takes none of them).
    pub with: Option<String>,
    /// `Call<Success, Error>`'s two types.
    pub success: String,
    pub error_type: String,
    /// The struct of query/header/cookie parameters, if the operation has any.
    pub params: Option<StructSurface>,
    /// Names of the `*_stream` helper, if the operation is paginated.
    pub stream: Option<String>,
    /// The `<method>_events` companion (server-sent events beside another success body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Companion>,
    /// The `<method>_stream` companion returning a binary or text success as a `ByteStream`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byte_stream: Option<Companion>,
    /// Summary, description and the parameters' descriptions: a change is documentation only.
    pub docs: String,
    pub deprecated: bool,
}

/// A method an operation has besides its own, taking the same arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Companion {
    pub name: String,
    /// What awaiting its `Call` gives (`EventStream<Delta>`, `ByteStream`).
    pub returns: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnumSurface {
    pub name: String,
    /// The operation whose responses define it.
    pub pointer: String,
    pub statuses: Vec<StatusSurface>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusSurface {
    /// `404`, `4XX` or `default`.
    pub status: String,
    /// Variant of the error enum (`NotFound`).
    pub variant: String,
    /// What the variant carries: a body type, `()`, or the per-status code enum.
    pub payload: String,
    /// For a code-tagged status: the code enum's variants by code.
    pub codes: Vec<CodeSurface>,
    pub docs: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeSurface {
    pub code: String,
    pub variant: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeSurface {
    pub name: String,
    /// Where the schema stands in the spec.
    pub pointer: String,
    pub shape: Shape,
    pub docs: String,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Shape {
    Struct(StructSurface),
    /// An open string enum: wire value and variant.
    Enum(Vec<(String, String)>),
    /// Variant name and the type it carries.
    Union(Vec<(String, String)>),
    Alias(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructSurface {
    pub fields: Vec<FieldSurface>,
    /// The type of `additionalProperties` kept next to the declared fields.
    pub extra: Option<String>,
    /// Code outside the crate can write a struct literal (no `#[non_exhaustive]`): adding any
    /// field breaks it.
    pub literal: bool,
    /// Has `new(required fields...)`: adding a required field changes its parameters.
    pub constructor: bool,
    /// Derives `Default` (every field optional): adding a required field removes it.
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSurface {
    /// The name in the spec.
    pub name: String,
    pub rust_name: String,
    /// The field's Rust type, wrapper included (`Nullable<String>`).
    pub ty: String,
    pub required: bool,
    /// An argument of `new` (required and not nullable) rather than a setter.
    pub positional: bool,
    /// The constraints checked before sending (`maxLength 255`), or empty.
    pub checks: String,
    pub docs: String,
    pub deprecated: bool,
}

impl Surface {
    pub fn of(api: &Api) -> Surface {
        let inputs = api.input_types();
        let operations = api.operations.iter().map(operation).collect();
        let errors = api
            .operations
            .iter()
            .filter(|op| op.error_shared_with.is_none())
            .map(error_enum)
            .collect();
        let types = api
            .types
            .iter()
            .map(|t| type_surface(t, inputs.contains(t.name.as_str())))
            .collect();
        Surface {
            operations,
            errors,
            types,
        }
    }
}

fn operation(op: &Operation) -> OperationSurface {
    let mut call = op
        .group
        .iter()
        .map(|g| format!("{g}()."))
        .collect::<String>();
    call.push_str(&op.method_name);
    let mut args: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| format!("{}: {}", p.rust_name, arg_text(&p.ty)))
        .collect();
    let non_path: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .collect();
    let all_optional = non_path.iter().all(|p| !p.required);
    let params = op.params_type.as_ref().map(|name| {
        // Mirrors `emit::operations`: the struct is passed to the method when a parameter in it
        // is required, and to `<method>_with` only when all are optional.
        if !all_optional {
            args.push(format!("params: &{name}"));
        }
        let fields = non_path
            .iter()
            .map(|p| FieldSurface {
                name: p.name.clone(),
                rust_name: p.rust_name.clone(),
                ty: wrapped(
                    &p.ty,
                    if p.required {
                        Wrapper::Plain
                    } else {
                        Wrapper::Option
                    },
                ),
                required: p.required,
                positional: p.required,
                checks: checks_text(&p.checks),
                docs: p.description.clone().unwrap_or_default(),
                deprecated: p.deprecated,
            })
            .collect::<Vec<_>>();
        StructSurface {
            fields,
            extra: None,
            literal: false,
            constructor: true,
            default: all_optional,
        }
    });
    let with = op
        .has_with_method()
        .then(|| format!("{}_with", op.method_name));
    if let Some(body) = &op.body {
        // Mirrors `emit::operations::body_arg_type`.
        let ty = match &body.media {
            Media::Binary(_) => "impl Into<Upload>".to_owned(),
            Media::Text => "&str".to_owned(),
            _ => format!("&{}", type_text(&body.ty)),
        };
        let ty = if body.required {
            ty
        } else {
            format!("Option<{ty}>")
        };
        args.push(format!("body: {ty}"));
    }
    let docs = [op.summary.as_deref(), op.description.as_deref()]
        .into_iter()
        .flatten()
        .chain(op.params.iter().filter_map(|p| p.description.as_deref()))
        .collect::<Vec<_>>()
        .join("\n");
    OperationSurface {
        id: op.id.clone(),
        call,
        pointer: operation_pointer(op),
        args,
        with,
        success: success_text(op),
        error_type: op.error_type.clone(),
        params,
        stream: op
            .pagination
            .as_ref()
            .map(|_| format!("{}_stream", op.method_name)),
        events: op.has_events_method().then(|| Companion {
            name: format!("{}_events", op.method_name),
            returns: events_text(op),
        }),
        byte_stream: op.has_byte_stream_method().then(|| Companion {
            name: format!("{}_stream", op.method_name),
            returns: "ByteStream".to_owned(),
        }),
        docs,
        deprecated: op.deprecated,
    }
}

/// What the method's `Call` gives; mirrors `emit::operations::success_type`.
fn success_text(op: &Operation) -> String {
    if op.success.events.as_ref().is_some_and(|e| e.only) {
        return events_text(op);
    }
    match (&op.success.ty, &op.success.media) {
        (Some(TypeRef::Bytes), _) | (_, Some(Media::Binary(_))) => "Bytes".to_owned(),
        (Some(ty), _) => type_text(ty),
        (None, _) => "()".to_owned(),
    }
}

/// The event stream of a `text/event-stream` success (its data as text without a schema).
fn events_text(op: &Operation) -> String {
    let data = op.success.events.as_ref().map(|e| &e.data);
    format!(
        "EventStream<{}>",
        type_text(data.unwrap_or(&TypeRef::String))
    )
}

pub(crate) fn operation_pointer(op: &Operation) -> String {
    join(&join("/paths", &op.path), &op.http_method.key())
}

fn error_enum(op: &Operation) -> ErrorEnumSurface {
    let pointer = join(&operation_pointer(op), "responses");
    let statuses = op
        .errors
        .iter()
        .map(|e| {
            let (payload, codes) = match &e.body {
                ErrorBody::None => ("()".to_owned(), Vec::new()),
                ErrorBody::Typed { ty, .. } => (type_text(ty), Vec::new()),
                ErrorBody::Tagged(t) => (
                    t.type_name.clone(),
                    t.codes
                        .iter()
                        .map(|c| CodeSurface {
                            code: c.value.clone(),
                            variant: c.variant.clone(),
                        })
                        .collect(),
                ),
            };
            StatusSurface {
                status: match &e.status {
                    StatusMatch::Code(c) => c.to_string(),
                    StatusMatch::Range(r) => format!("{r}XX"),
                    StatusMatch::Default => "default".to_owned(),
                },
                variant: e.variant.clone(),
                payload,
                codes,
                docs: e.description.clone().unwrap_or_default(),
            }
        })
        .collect();
    ErrorEnumSurface {
        name: op.error_type.clone(),
        pointer,
        statuses,
    }
}

/// `input`: reachable from a request, so the struct has a constructor and setters.
fn type_surface(t: &TypeDef, input: bool) -> TypeSurface {
    let shape = match &t.kind {
        TypeKind::Struct(s) => {
            let fields: Vec<FieldSurface> = s
                .fields
                .iter()
                .map(|f| FieldSurface {
                    name: f.name.clone(),
                    rust_name: f.rust_name.clone(),
                    ty: wrapped(&f.ty, f.wrapper()),
                    required: f.required,
                    positional: f.wrapper() == Wrapper::Plain,
                    checks: checks_text(&f.checks),
                    docs: f.description.clone().unwrap_or_default(),
                    deprecated: f.deprecated,
                })
                .collect();
            // Mirrors `emit::models`: every struct is `#[non_exhaustive]`; those code builds
            // have `new` and setters, and `Default` when no field is positional.
            let default = input && fields.iter().all(|f| !f.positional);
            Shape::Struct(StructSurface {
                fields,
                extra: s.extra.as_ref().map(type_text),
                literal: false,
                constructor: input,
                default,
            })
        }
        TypeKind::Enum(values) => Shape::Enum(
            values
                .iter()
                .map(|v| (v.value.clone(), v.variant.clone()))
                .collect(),
        ),
        TypeKind::Union(u) => Shape::Union(
            u.variants
                .iter()
                .map(|v| (v.name.clone(), type_text(&v.ty)))
                .collect(),
        ),
        TypeKind::Alias(ty) => Shape::Alias(type_text(ty)),
    };
    TypeSurface {
        name: t.name.clone(),
        pointer: t.origin.clone(),
        shape,
        docs: t.description.clone().unwrap_or_default(),
        deprecated: t.deprecated,
    }
}

/// A type as the generated Rust spells it (without crate paths).
pub fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Int(k) => format!("{k:?}").to_ascii_lowercase(),
        TypeRef::Float(FloatWidth::F32) => "f32".into(),
        TypeRef::Float(FloatWidth::F64) => "f64".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Upload => "Upload".into(),
        TypeRef::Any => "serde_json::Value".into(),
        TypeRef::Array(t) => format!("Vec<{}>", type_text(t)),
        TypeRef::Map(t) => format!("BTreeMap<String, {}>", type_text(t)),
        TypeRef::Option(t) => format!("Option<{}>", type_text(t)),
    }
}

fn wrapped(ty: &TypeRef, wrapper: Wrapper) -> String {
    match wrapper {
        Wrapper::Plain => type_text(ty),
        Wrapper::Option => format!("Option<{}>", type_text(ty)),
        Wrapper::Nullable => format!("Nullable<{}>", type_text(ty)),
    }
}

/// How a path argument is passed (`&str` for strings, by reference for owned types).
fn arg_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "&str".into(),
        TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Any => {
            format!("&{}", type_text(ty))
        }
        other => type_text(other),
    }
}

fn checks_text(checks: &crate::ir::Checks) -> String {
    if checks.is_empty() {
        String::new()
    } else {
        serde_json::to_string(checks).unwrap_or_default()
    }
}

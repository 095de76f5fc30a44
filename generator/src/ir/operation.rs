//! Paths and operations -> [`Operation`]s, and the assembly of the whole [`Api`].
//!
//! The error side is the point of the product: every declared non-2xx status becomes an
//! [`ErrorCase`]. When its body is a `oneOf` whose members carry distinct constant values of one
//! property (the *tag*, e.g. `code: const LINK_NOT_FOUND`), the members are merged into one body
//! type and each constant becomes a variant ([`ErrorBody::Tagged`]); decoding then picks the union
//! by HTTP status first and the variant by the tag, never by trying members in order.

use super::naming::{self, Namespace};
use super::schema::{const_string, detect_tag, Converted, Naming, SchemaCx};
use super::*;
use crate::diagnostic::{join, Diagnostic, Diagnostics, Severity};
use crate::load::Document;
use crate::Config;
use oas3::spec::{
    ObjectOrReference, ObjectSchema, Parameter, ParameterIn, ParameterStyle, RequestBody, Response,
    Schema, SchemaType as Type, SchemaTypeSet as TypeSet, SecurityScheme,
};
use serde::de::DeserializeOwned;

/// Builds the IR of a loaded document.
pub fn build(doc: &Document, config: &Config) -> Result<(Api, Vec<Diagnostic>), Diagnostics> {
    let mut cx = SchemaCx::new(doc, config.type_overrides.clone());
    // Names the generated crate uses for itself.
    for reserved in ["Client", "ClientBuilder"] {
        cx.names.reserve(reserved);
    }
    cx.convert_components();
    let auth = auth(doc);
    let mut operations = Vec::new();
    let mut method_names: std::collections::HashMap<Vec<String>, Namespace> = Default::default();
    let mut group_names = Namespace::default();
    for name in ["builder", "new", "from_env", "base_url", "clone", "fmt"] {
        group_names.reserve(name);
    }
    if let Some(paths) = &doc.spec.paths {
        for (path, item) in paths.iter() {
            let path_pointer = join("/paths", path);
            for (method, op) in item.methods() {
                let method_str = method.as_str().to_ascii_lowercase();
                if !config.includes(op.operation_id.as_deref(), &op.tags) {
                    continue;
                }
                let pointer = join(&path_pointer, &method_str);
                let b = OperationBuilder {
                    cx: &mut cx,
                    doc,
                    pointer: pointer.clone(),
                    auth: &auth,
                };
                let mut operation = b.build(path, &method_str, op, &item.parameters);
                let ns = method_names
                    .entry(operation.group.clone())
                    .or_insert_with(|| {
                        let mut ns = Namespace::default();
                        for name in [
                            "builder", "new", "from_env", "base_url", "clone", "fmt", "client",
                        ] {
                            ns.reserve(name);
                        }
                        ns
                    });
                operation.method_name = ns.claim([operation.method_name.as_str()]);
                if operation.group.is_empty() {
                    group_names.reserve(&operation.method_name);
                }
                operations.push(operation);
            }
        }
    }
    share_error_types(&mut operations);
    let base_url = base_url(doc, &mut cx.diags);
    let (types, diags) = cx.finish();
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(Diagnostics(diags));
    }
    let info = &doc.spec.info;
    let api = Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        base_url,
        auth,
        operations,
        types,
    };
    Ok((api, diags))
}

/// Operations that declare exactly the same error responses (common: every operation of a Dropshot
/// API answers `4XX`/`5XX` with one `Error` schema) share one error enum; the others get an alias.
/// Only plain bodies are shared: a code-tagged status has its own per-operation enum type.
fn share_error_types(operations: &mut [Operation]) {
    let mut first_by_shape: std::collections::HashMap<String, String> = Default::default();
    for op in operations.iter_mut() {
        if op.errors.is_empty()
            || op
                .errors
                .iter()
                .any(|e| matches!(e.body, ErrorBody::Tagged(_)))
        {
            continue;
        }
        let shape = serde_json::to_string(&op.errors).unwrap_or_default();
        match first_by_shape.get(&shape) {
            Some(first) => op.error_shared_with = Some(first.clone()),
            None => {
                first_by_shape.insert(shape, op.error_type.clone());
            }
        }
    }
}

/// The names between braces in a path template, in order, each once.
fn path_placeholders(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[open + close + 1..];
    }
    names
}

struct OperationBuilder<'c, 'a> {
    cx: &'c mut SchemaCx<'a>,
    doc: &'a Document,
    pointer: String,
    auth: &'c Auth,
}

impl OperationBuilder<'_, '_> {
    fn build(
        mut self,
        path: &str,
        method: &str,
        op: &oas3::spec::Operation,
        shared: &[ObjectOrReference<Parameter>],
    ) -> Operation {
        // An empty `operationId` (seen in public specs) names nothing: derive one as if absent.
        let id = op
            .operation_id
            .clone()
            .filter(|id| !id.trim().is_empty())
            .unwrap_or_else(|| derived_id(method, path));
        let (group, method_name, type_prefix) = split_id(&id);
        let error_type = self
            .cx
            .names
            .claim([format!("{type_prefix}Error").as_str()]);
        let params = self.params(path, op, shared, &type_prefix);
        let params_type = params
            .iter()
            .any(|p| p.location != ParamLocation::Path)
            .then(|| {
                self.cx
                    .names
                    .claim([format!("{type_prefix}Params").as_str()])
            });
        let body = self.request_body(op, &type_prefix);
        let (success, errors) = self.responses(op, &type_prefix);
        let pagination = super::pagination::detect(self.cx, &params, &success);
        Operation {
            id,
            group,
            method_name,
            type_prefix,
            http_method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated == Some(true),
            params,
            params_type,
            body,
            success,
            errors,
            error_type,
            error_shared_with: None,
            pagination,
        }
    }

    /// The type of an operation's request or response body. An inline schema identical to one seen
    /// before shares its type, but under an alias named for this operation: `ListLinksResponse`
    /// reads better in a signature than the name of whichever operation came first.
    fn operation_type(&mut self, schema: &Schema, pointer: &str, naming: Naming) -> TypeRef {
        let wanted = match &naming {
            Naming::Hint(c) => c.first().cloned(),
            Naming::Exact(n) => Some(n.clone()),
        };
        let inline = matches!(schema, Schema::Object(b) if matches!(b.as_ref(), ObjectOrReference::Object(_)));
        let ty = self.cx.convert(schema, pointer, naming).ty;
        match (&ty, wanted) {
            (TypeRef::Named(got), Some(wanted))
                if inline && *got != wanted && !self.cx.names.is_taken(&wanted) =>
            {
                self.cx.names.reserve(&wanted);
                self.cx
                    .define_exact(&wanted, TypeKind::Alias(ty.clone()), None, false, pointer);
                TypeRef::Named(wanted)
            }
            _ => ty,
        }
    }

    /// Resolves a `$ref` anywhere in the document (chains too) into `T`.
    fn resolve<T: DeserializeOwned + Clone>(
        &mut self,
        item: &ObjectOrReference<T>,
        pointer: &str,
    ) -> Option<(T, String)> {
        match item {
            ObjectOrReference::Object(t) => Some((t.clone(), pointer.to_owned())),
            ObjectOrReference::Ref { ref_path, .. } => {
                let mut target = super::schema::ref_pointer(ref_path);
                for _ in 0..16 {
                    let Some(value) = self.doc.raw.pointer(&target) else {
                        break;
                    };
                    if let Some(next) = value.get("$ref").and_then(|v| v.as_str()) {
                        target = super::schema::ref_pointer(next);
                        continue;
                    }
                    return match serde_json::from_value::<T>(value.clone()) {
                        Ok(t) => Some((t, target)),
                        Err(e) => {
                            self.cx.diags.push(Diagnostic::error(
                                &target,
                                format!("`$ref` target is malformed: {e}"),
                            ));
                            None
                        }
                    };
                }
                self.cx.diags.push(Diagnostic::error(
                    pointer,
                    format!("`$ref: {ref_path}` cannot be resolved"),
                ));
                None
            }
        }
    }

    fn params(
        &mut self,
        path: &str,
        op: &oas3::spec::Operation,
        shared: &[ObjectOrReference<Parameter>],
        prefix: &str,
    ) -> Vec<Param> {
        let mut resolved: Vec<(Parameter, String)> = Vec::new();
        let path_level = self
            .pointer
            .rsplit_once('/')
            .map(|(p, _)| p.to_owned())
            .unwrap_or_default();
        for (i, p) in shared.iter().enumerate() {
            if let Some(r) = self.resolve(p, &format!("{path_level}/parameters/{i}")) {
                resolved.push(r);
            }
        }
        for (i, p) in op.parameters.iter().enumerate() {
            let at = format!("{}/parameters/{i}", self.pointer);
            if let Some((param, ptr)) = self.resolve(p, &at) {
                // An operation-level parameter overrides a path-level one of the same name and location.
                resolved.retain(|(q, _)| !(q.name == param.name && q.location == param.location));
                resolved.push((param, ptr));
            }
        }
        let mut names = Namespace::default();
        for reserved in ["body", "params", "client", "self_"] {
            names.reserve(reserved);
        }
        let mut out = Vec::new();
        for (p, ptr) in resolved {
            let location = match p.location {
                ParameterIn::Path => ParamLocation::Path,
                ParameterIn::Query => ParamLocation::Query,
                ParameterIn::Header => ParamLocation::Header,
                ParameterIn::Cookie => ParamLocation::Cookie,
            };
            // `Accept`/`Content-Type` follow from the media types; `Authorization` from the security
            // scheme when there is one (without one, the parameter is the only way to authenticate).
            let managed = ["accept", "content-type"]
                .contains(&p.name.to_ascii_lowercase().as_str())
                || (p.name.eq_ignore_ascii_case("authorization") && *self.auth != Auth::None);
            if location == ParamLocation::Header && managed {
                self.cx.diags.push(Diagnostic::warning(
                    &ptr,
                    format!(
                        "header parameter `{}` is set by the client itself; not exposed",
                        p.name
                    ),
                ));
                continue;
            }
            let hint = Naming::hint([
                naming::type_name(&p.name),
                format!("{prefix}{}", naming::type_name(&p.name)),
            ]);
            let c = match &p.schema {
                Some(s) => self.cx.convert(s, &join(&ptr, "schema"), hint),
                None => {
                    self.cx.diags.push(Diagnostic::warning(
                        &ptr,
                        "parameter without `schema` (`content` form) is sent as a string",
                    ));
                    Converted::of(TypeRef::String)
                }
            };
            let ty = match c.ty {
                // Parameters are text; `format: binary` there means the text as it is.
                TypeRef::Bytes => TypeRef::String,
                TypeRef::Map(_) | TypeRef::Any if location != ParamLocation::Query => {
                    self.cx.diags.push(Diagnostic::warning(
                        &ptr,
                        "object-valued parameter outside the query is sent as a string",
                    ));
                    TypeRef::String
                }
                ty => ty,
            };
            let style = match p.style {
                Some(ParameterStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                Some(ParameterStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                Some(ParameterStyle::DeepObject) => ParamStyle::DeepObject,
                Some(ParameterStyle::Form) => ParamStyle::Form,
                Some(ParameterStyle::Simple) => ParamStyle::Simple,
                Some(ParameterStyle::Matrix | ParameterStyle::Label) => {
                    self.cx.diags.push(Diagnostic::warning(
                        &ptr,
                        "`matrix`/`label` parameter styles are sent as `simple`",
                    ));
                    ParamStyle::Simple
                }
                None if matches!(location, ParamLocation::Query | ParamLocation::Cookie) => {
                    ParamStyle::Form
                }
                None => ParamStyle::Simple,
            };
            let explode = p.explode.unwrap_or(style == ParamStyle::Form);
            out.push(Param {
                rust_name: names.claim([naming::snake(&p.name).as_str()]),
                name: p.name.clone(),
                location,
                required: p.required == Some(true) || location == ParamLocation::Path,
                ty,
                checks: c.checks,
                style,
                explode,
                description: p.description.clone(),
                deprecated: p.deprecated == Some(true),
            });
        }
        self.match_path_template(path, &mut out, &mut names);
        out
    }

    /// Makes the path parameters agree with the template: a declared parameter the template does
    /// not name is left out, a `{placeholder}` nobody declared becomes a string parameter (never
    /// sent literally), each with a warning; path parameters then come in template order, so
    /// `/workspaces/{workspaceId}/links/{linkId}` is `(workspace_id, link_id)` whatever order the
    /// spec lists them in. Other parameters keep spec order.
    fn match_path_template(&mut self, path: &str, out: &mut Vec<Param>, names: &mut Namespace) {
        let placeholders = path_placeholders(path);
        out.retain(|p| {
            let named =
                p.location != ParamLocation::Path || placeholders.contains(&p.name.as_str());
            if !named {
                self.cx.diags.push(Diagnostic::warning(
                    &self.pointer,
                    format!(
                        "path parameter `{}` does not appear in the path `{path}`; not an argument",
                        p.name
                    ),
                ));
            }
            named
        });
        for name in &placeholders {
            let declared = out
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.name == *name);
            if !declared {
                self.cx.diags.push(
                    Diagnostic::warning(
                        &self.pointer,
                        format!("`{{{name}}}` in the path `{path}` has no declared parameter; taken as a string argument"),
                    )
                    .with_hint("declare it under `parameters` with `in: path`"),
                );
                out.push(Param {
                    rust_name: names.claim([naming::snake(name).as_str()]),
                    name: (*name).to_owned(),
                    location: ParamLocation::Path,
                    required: true,
                    ty: TypeRef::String,
                    checks: Default::default(),
                    style: ParamStyle::Simple,
                    explode: false,
                    description: None,
                    deprecated: false,
                });
            }
        }
        // Stable: non-path parameters keep their spec order after the path ones.
        out.sort_by_key(|p| {
            match p.location {
                ParamLocation::Path => placeholders.iter().position(|n| *n == p.name),
                _ => None,
            }
            .unwrap_or(usize::MAX)
        });
    }

    fn request_body(&mut self, op: &oas3::spec::Operation, prefix: &str) -> Option<Body> {
        let item = op.request_body.as_ref()?;
        let (rb, ptr): (RequestBody, String) =
            self.resolve(item, &join(&self.pointer, "requestBody"))?;
        let (content_type, media_type) =
            pick_media(rb.content.iter().map(|(k, v)| (k.as_str(), v)))?;
        let media = media_kind(content_type);
        let at = join(&join(&ptr, "content"), content_type);
        let hint = Naming::hint([format!("{prefix}Request"), format!("{prefix}Body")]);
        let ty = match (&media, &media_type.schema) {
            (Media::Binary(_), _) => TypeRef::Bytes,
            (Media::Text, _) => TypeRef::String,
            (_, Some(schema)) => self.operation_type(schema, &join(&at, "schema"), hint),
            (_, None) => TypeRef::Any,
        };
        Some(Body {
            media,
            ty,
            required: rb.required == Some(true),
            description: rb.description.clone(),
        })
    }

    fn responses(&mut self, op: &oas3::spec::Operation, prefix: &str) -> (Success, Vec<ErrorCase>) {
        let mut success = Success {
            statuses: vec![],
            media: None,
            ty: None,
            description: None,
        };
        let mut success_types: Vec<TypeRef> = Vec::new();
        let mut errors = Vec::new();
        let mut variants = Namespace::default();
        let mut default = None;
        let Some(responses) = &op.responses else {
            return (success, errors);
        };
        let has_2xx = responses.iter().any(|(k, _)| k.starts_with('2'));
        for (status_key, item) in responses.iter() {
            let at = join(&join(&self.pointer, "responses"), status_key);
            let Some(status) = parse_status(status_key) else {
                self.cx.diags.push(Diagnostic::warning(
                    &at,
                    format!("`{status_key}` is not a status code; response ignored"),
                ));
                continue;
            };
            let Some((resp, ptr)) = self.resolve::<Response>(item, &at) else {
                continue;
            };
            let is_success = match status {
                StatusMatch::Code(c) => (200..300).contains(&c),
                StatusMatch::Range(r) => r == 2,
                StatusMatch::Default => !has_2xx,
            };
            if is_success {
                if status != StatusMatch::Default {
                    success.statuses.push(status.clone());
                }
                success.description = success.description.or(resp.description.clone());
                if let Some((ct, mt)) =
                    pick_media(resp.content.iter().map(|(k, v)| (k.as_str(), v)))
                {
                    let media = media_kind(ct);
                    let content_at = join(&join(&ptr, "content"), ct);
                    let ty = match (&media, &mt.schema) {
                        (Media::Binary(_), _) => TypeRef::Bytes,
                        (Media::Text, _) => TypeRef::String,
                        (_, Some(s)) => self.operation_type(
                            s,
                            &join(&content_at, "schema"),
                            Naming::hint([format!("{prefix}Response")]),
                        ),
                        (_, None) => TypeRef::Any,
                    };
                    if !success_types.contains(&ty) {
                        success_types.push(ty);
                    }
                    success.media.get_or_insert(media);
                }
                if status != StatusMatch::Default {
                    continue;
                }
            }
            let variant = variants.claim([status_variant(&status).as_str()]);
            let body = self.error_body(&resp, &ptr, prefix, &variant);
            let case = ErrorCase {
                status: status.clone(),
                variant,
                description: resp.description.clone(),
                body,
            };
            if status == StatusMatch::Default {
                default = Some(case);
            } else {
                errors.push(case);
            }
        }
        match success_types.len() {
            0 => {}
            1 => success.ty = success_types.pop(),
            _ => {
                self.cx.diags.push(Diagnostic::warning(
                    join(&self.pointer, "responses"),
                    "success statuses declare different bodies; the success type is any JSON value",
                ));
                success.ty = Some(TypeRef::Any);
            }
        }
        errors.sort_by_key(|e| match e.status {
            StatusMatch::Code(c) => c as u32,
            StatusMatch::Range(r) => r as u32 * 100 + 99,
            StatusMatch::Default => u32::MAX,
        });
        errors.extend(default);
        (success, errors)
    }

    fn error_body(&mut self, resp: &Response, ptr: &str, prefix: &str, variant: &str) -> ErrorBody {
        let Some((ct, mt)) = pick_media(resp.content.iter().map(|(k, v)| (k.as_str(), v))) else {
            return ErrorBody::None;
        };
        let media = media_kind(ct);
        let at = join(&join(&join(ptr, "content"), ct), "schema");
        let schema = match (&media, &mt.schema) {
            (Media::Json, Some(s)) => s,
            (Media::Text, _) => {
                return ErrorBody::Typed {
                    media,
                    ty: TypeRef::String,
                }
            }
            (Media::Json, None) => {
                return ErrorBody::Typed {
                    media,
                    ty: TypeRef::Any,
                }
            }
            _ => {
                return ErrorBody::Typed {
                    media,
                    ty: TypeRef::Bytes,
                }
            }
        };
        if let Some(tagged) = self.tagged_error(schema, &at, prefix, variant) {
            return ErrorBody::Tagged(tagged);
        }
        let c = self.cx.convert(
            schema,
            &at,
            Naming::hint([format!("{prefix}{variant}Body")]),
        );
        ErrorBody::Typed { media, ty: c.ty }
    }

    /// A `oneOf`/`anyOf` of objects with a constant tag -> one merged body and a variant per constant.
    fn tagged_error(
        &mut self,
        schema: &Schema,
        at: &str,
        prefix: &str,
        variant: &str,
    ) -> Option<TaggedError> {
        let (union, _) = self.cx.resolve_object(schema)?;
        let members: Vec<&Schema> = union.one_of.iter().chain(&union.any_of).collect();
        let objects: Vec<ObjectSchema> = members
            .iter()
            .filter_map(|m| self.cx.resolve_object(m).map(|(o, _)| o))
            .filter(|o| o.schema_type != Some(TypeSet::Single(Type::Null)))
            .collect();
        if objects.len() < 2 || objects.iter().any(|o| o.properties.is_empty()) {
            return None;
        }
        let refs: Vec<&ObjectSchema> = objects.iter().collect();
        let tag = union
            .discriminator
            .as_ref()
            .map(|d| d.property_name.clone())
            .or_else(|| detect_tag(&refs))?;
        let merged = merge_members(&objects)?;
        let mut code_names = Namespace::default();
        code_names.reserve("Other");
        let mut codes = Vec::new();
        for o in &objects {
            if let Some(value) = o.properties.get(&tag).and_then(const_string) {
                if codes.iter().any(|c: &ErrorCode| c.value == value) {
                    continue;
                }
                let doc = o
                    .properties
                    .get("message")
                    .and_then(schema_default_string)
                    .or_else(|| o.description.clone());
                codes.push(ErrorCode {
                    variant: code_names.claim([naming::pascal(&value).as_str()]),
                    value,
                    doc,
                });
            }
        }
        if codes.is_empty() {
            return None;
        }
        let body_hint = Naming::hint([
            "ErrorBody".to_owned(),
            format!("{prefix}ErrorBody"),
            format!("{prefix}{variant}Body"),
        ]);
        let body = self
            .cx
            .convert(
                &Schema::Object(Box::new(ObjectOrReference::Object(merged.clone()))),
                at,
                body_hint,
            )
            .ty;
        let tag_field = match &body {
            TypeRef::Named(n) => self
                .cx
                .types
                .iter()
                .find(|t| &t.name == n)
                .and_then(|t| match &t.kind {
                    TypeKind::Struct(s) => s
                        .fields
                        .iter()
                        .find(|f| f.name == tag)
                        .map(|f| (f.rust_name.clone(), f.required)),
                    _ => None,
                }),
            _ => None,
        };
        let (tag_field, tag_required) = tag_field?;
        let type_name = self.cx.names.claim([format!("{prefix}{variant}").as_str()]);
        Some(TaggedError {
            type_name,
            tag,
            tag_field,
            tag_required,
            body,
            codes,
        })
    }
}

/// Merges the members of a tagged union into one object schema: every property any member has,
/// typed by the member that does not pin it to a constant (or by the constant's JSON type), and
/// required only where every member requires it. `None` if two members disagree on a property.
fn merge_members(members: &[ObjectSchema]) -> Option<ObjectSchema> {
    let mut merged = ObjectSchema {
        schema_type: Some(TypeSet::Single(Type::Object)),
        ..Default::default()
    };
    let mut pinned: indexmap::IndexMap<String, Schema> = Default::default();
    for m in members {
        for (name, schema) in &m.properties {
            let is_const = matches!(schema, Schema::Object(b) if matches!(b.as_ref(), ObjectOrReference::Object(o) if o.const_value.is_some()));
            if is_const {
                pinned.entry(name.clone()).or_insert_with(|| schema.clone());
                continue;
            }
            match merged.properties.get(name) {
                Some(existing) if !same_ignoring_docs(existing, schema) => return None,
                Some(_) => {}
                None => {
                    merged.properties.insert(name.clone(), schema.clone());
                }
            }
        }
    }
    for (name, schema) in pinned {
        if merged.properties.contains_key(&name) {
            continue;
        }
        let Schema::Object(b) = &schema else { continue };
        let ObjectOrReference::Object(o) = b.as_ref() else {
            continue;
        };
        let t = match o.const_value.as_ref()? {
            serde_json::Value::String(_) => Type::String,
            serde_json::Value::Bool(_) => Type::Boolean,
            serde_json::Value::Number(n) if n.is_f64() => Type::Number,
            serde_json::Value::Number(_) => Type::Integer,
            _ => continue,
        };
        let typed = ObjectSchema {
            schema_type: Some(TypeSet::Single(t)),
            ..Default::default()
        };
        merged.properties.insert(
            name,
            Schema::Object(Box::new(ObjectOrReference::Object(typed))),
        );
    }
    // Keep the members' property order: the first member's order, then the others'.
    let order: Vec<String> = members
        .iter()
        .flat_map(|m| m.properties.keys().cloned())
        .collect();
    let mut ordered = oas3::spec::ObjectSchema {
        schema_type: merged.schema_type.clone(),
        ..Default::default()
    };
    for name in order {
        if let Some(s) = merged.properties.remove(&name) {
            ordered.properties.insert(name, s);
        }
    }
    ordered.required = members[0]
        .required
        .iter()
        .filter(|r| members.iter().all(|m| m.required.contains(r)))
        .cloned()
        .collect();
    Some(ordered)
}

/// Two member property schemas agree if they differ only in docs and `default`s.
fn same_ignoring_docs(a: &Schema, b: &Schema) -> bool {
    let strip = |s: &Schema| {
        let mut v = serde_json::to_value(s).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            for k in ["description", "default", "title", "example", "examples"] {
                map.remove(k);
            }
        }
        v
    };
    strip(a) == strip(b)
}

fn schema_default_string(s: &Schema) -> Option<String> {
    match s {
        Schema::Object(b) => match b.as_ref() {
            ObjectOrReference::Object(o) => o
                .default
                .as_ref()
                .and_then(|d| d.as_str())
                .map(str::to_owned),
            _ => None,
        },
        _ => None,
    }
}

/// Prefers JSON, then the other kinds the client can send or read.
fn pick_media<'m, M>(content: impl Iterator<Item = (&'m str, &'m M)>) -> Option<(&'m str, &'m M)> {
    let all: Vec<(&str, &M)> = content.collect();
    let rank = |ct: &str| match media_kind(ct) {
        Media::Json => 0,
        Media::Form => 1,
        Media::Multipart => 2,
        Media::Text => 3,
        Media::Binary(_) => 4,
    };
    all.into_iter().min_by_key(|(ct, _)| rank(ct))
}

fn media_kind(content_type: &str) -> Media {
    let ct = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if ct == "application/json" || ct.ends_with("+json") || ct == "*/*" || ct == "application/*" {
        Media::Json
    } else if ct == "application/x-www-form-urlencoded" {
        Media::Form
    } else if ct == "multipart/form-data" || ct.starts_with("multipart/") {
        Media::Multipart
    } else if ct.starts_with("text/") {
        Media::Text
    } else {
        Media::Binary(ct)
    }
}

fn parse_status(key: &str) -> Option<StatusMatch> {
    if key == "default" {
        return Some(StatusMatch::Default);
    }
    if let Ok(code) = key.parse::<u16>() {
        return (100..600)
            .contains(&code)
            .then_some(StatusMatch::Code(code));
    }
    let b = key.as_bytes();
    if b.len() == 3 && (b'1'..=b'5').contains(&b[0]) && b[1..].eq_ignore_ascii_case(b"xx") {
        return Some(StatusMatch::Range(b[0] - b'0'));
    }
    None
}

/// Variant name of a status in an operation's error enum: its reason phrase.
fn status_variant(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => match c {
            400 => "BadRequest".into(),
            401 => "Unauthorized".into(),
            402 => "PaymentRequired".into(),
            403 => "Forbidden".into(),
            404 => "NotFound".into(),
            405 => "MethodNotAllowed".into(),
            406 => "NotAcceptable".into(),
            408 => "RequestTimeout".into(),
            409 => "Conflict".into(),
            410 => "Gone".into(),
            411 => "LengthRequired".into(),
            412 => "PreconditionFailed".into(),
            413 => "PayloadTooLarge".into(),
            415 => "UnsupportedMediaType".into(),
            416 => "RangeNotSatisfiable".into(),
            422 => "UnprocessableEntity".into(),
            423 => "Locked".into(),
            424 => "FailedDependency".into(),
            428 => "PreconditionRequired".into(),
            429 => "TooManyRequests".into(),
            500 => "InternalServerError".into(),
            501 => "NotImplemented".into(),
            502 => "BadGateway".into(),
            503 => "ServiceUnavailable".into(),
            504 => "GatewayTimeout".into(),
            c => format!("Status{c}"),
        },
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

/// `links.update` -> (["links"], "update", "UpdateLink"); `findPets` -> ([], "find_pets", "FindPets").
fn split_id(id: &str) -> (Vec<String>, String, String) {
    let parts: Vec<&str> = id.split('.').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => (vec![], "operation".into(), "Operation".into()),
        [single] => (vec![], naming::snake(single), naming::type_name(single)),
        [groups @ .., last] => {
            let group: Vec<String> = groups.iter().map(|g| naming::snake(g)).collect();
            let noun = naming::singular(groups.last().copied().unwrap_or_default());
            (
                group,
                naming::snake(last),
                naming::type_name(&format!("{last}_{noun}")),
            )
        }
    }
}

/// A stable name for an operation without `operationId`: `GET /pets/{id}` -> `get_pets_by_id`.
fn derived_id(method: &str, path: &str) -> String {
    let mut words = vec![method.to_owned()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(param) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            words.push(format!("by_{param}"));
        } else {
            words.push(seg.to_owned());
        }
    }
    naming::snake(&words.join("_"))
}

fn auth(doc: &Document) -> Auth {
    let spec = &doc.spec;
    let requirement = spec.security.first().or_else(|| {
        spec.paths
            .iter()
            .flat_map(|p| p.iter())
            .flat_map(|(_, item)| item.methods().into_iter().map(|(_, op)| op))
            .find_map(|op| op.security.first())
    });
    let Some(name) = requirement.and_then(|r| r.0.keys().next().cloned()) else {
        return Auth::None;
    };
    let Some(scheme) = spec
        .components
        .as_ref()
        .and_then(|c| c.security_schemes.get(&name))
    else {
        return Auth::None;
    };
    let ObjectOrReference::Object(scheme) = scheme else {
        return Auth::Bearer;
    };
    match scheme {
        SecurityScheme::Http { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Auth::Basic,
        SecurityScheme::Http { .. } => Auth::Bearer,
        SecurityScheme::ApiKey { name, location, .. } if location == "query" => {
            Auth::Query(name.clone())
        }
        SecurityScheme::ApiKey { name, location, .. } if location == "header" => {
            Auth::Header(name.clone())
        }
        SecurityScheme::ApiKey { .. } => Auth::None,
        _ => Auth::Bearer,
    }
}

fn base_url(doc: &Document, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let server = doc.spec.servers.first()?;
    let mut url = server.url.clone();
    for (name, var) in server.variables.iter() {
        url = url.replace(&format!("{{{name}}}"), &var.default);
    }
    // `api.example.com/v1`: a host without a scheme; HTTPS is what such specs mean.
    let host = url.split('/').next().unwrap_or_default();
    if !url.contains("://") && host.contains('.') && !host.contains(['{', ' ']) {
        diags.push(Diagnostic::warning(
            "/servers/0/url",
            format!("server URL {url:?} has no scheme; using https://{url}"),
        ));
        url.insert_str(0, "https://");
    }
    if url.contains('{') || !(url.starts_with("http://") || url.starts_with("https://")) {
        diags.push(Diagnostic::warning(
            "/servers/0/url",
            format!("server URL {url:?} is not absolute; the client needs a base URL at run time"),
        ));
        return None;
    }
    Some(url.trim_end_matches('/').to_owned())
}

//! Responses: the success type, and one `ErrorCase` per declared error status, with `oneOf`s told
//! apart by a constant code merged into one body type plus one variant per code.

use super::*;

impl OperationBuilder<'_, '_> {
    pub(super) fn responses(
        &mut self,
        op: &oas3::spec::Operation,
        prefix: &str,
    ) -> (Success, Vec<ErrorCase>) {
        let mut success = Success {
            statuses: vec![],
            media: None,
            ty: None,
            description: None,
            events: None,
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
                let event_stream = resp.content.iter().find(|(ct, _)| is_event_stream(ct));
                if let Some((ct, mt)) = event_stream {
                    let at = join(&join(&join(&ptr, "content"), ct), "schema");
                    let data = match &mt.schema {
                        Some(schema) => self.operation_type(
                            schema,
                            &at,
                            Naming::hint([format!("{prefix}Event")]),
                        ),
                        None => TypeRef::String,
                    };
                    // Only a JSON-shaped data schema is decoded as JSON; anything else is text.
                    let data = match data {
                        TypeRef::Named(_)
                        | TypeRef::Any
                        | TypeRef::Array(_)
                        | TypeRef::Map(_)
                        | TypeRef::Bool
                        | TypeRef::Int(_)
                        | TypeRef::Float(_) => data,
                        _ => TypeRef::String,
                    };
                    let only = resp.content.len() == 1;
                    success.events.get_or_insert(Events { data, only });
                }
                let other_content = resp
                    .content
                    .iter()
                    .filter(|(ct, _)| !is_event_stream(ct))
                    .map(|(k, v)| (k.as_str(), v));
                if let Some((ct, mt)) = pick_media(other_content) {
                    // A wildcard (`*/*`) with a binary string schema is the raw body, not JSON
                    // (found by `cargo xtask contract` on apicurio-registry).
                    let raw_bytes = is_wildcard(ct)
                        && mt.schema.as_ref().is_some_and(|s| self.is_binary_string(s));
                    let media = if raw_bytes {
                        Media::Binary(ct.to_ascii_lowercase())
                    } else {
                        media_kind(ct)
                    };
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

    pub(super) fn error_body(
        &mut self,
        resp: &Response,
        ptr: &str,
        prefix: &str,
        variant: &str,
    ) -> ErrorBody {
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
    pub(super) fn tagged_error(
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
            .filter_map(|m| self.cx.resolve_object(m).map(|(o, _)| o.into_owned()))
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
pub(super) fn merge_members(members: &[ObjectSchema]) -> Option<ObjectSchema> {
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
pub(super) fn same_ignoring_docs(a: &Schema, b: &Schema) -> bool {
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

pub(super) fn parse_status(key: &str) -> Option<StatusMatch> {
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
pub(super) fn status_variant(status: &StatusMatch) -> String {
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

impl OperationBuilder<'_, '_> {
    /// Whether `schema` (through `$ref`s, looked up as every other reference is) is
    /// `type: string, format: binary`.
    fn is_binary_string(&self, schema: &Schema) -> bool {
        let Some((object, _)) = self.cx.resolve_object(schema) else {
            return false;
        };
        object.schema_type == Some(TypeSet::Single(Type::String))
            && object.format.as_deref() == Some("binary")
    }
}

fn is_wildcard(content_type: &str) -> bool {
    let ct = content_type.split(';').next().unwrap_or("").trim();
    ct == "*/*" || ct == "application/*"
}

/// `text/event-stream`, with or without parameters.
fn is_event_stream(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("text/event-stream"))
}

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
    Schema, SchemaType as Type, SchemaTypeSet as TypeSet,
};
use serde::de::DeserializeOwned;

mod params;
mod responses;
mod security;

/// Builds the IR of a loaded document.
pub fn build(doc: &Document, config: &Config) -> Result<(Api, Vec<Diagnostic>), Diagnostics> {
    build_from(doc, config, doc.path_items())
}

/// [`build`] that takes the path items out of `doc` and frees each once its operations are
/// built: the typed path items are most of a large document's model (Graph beta: 330 of about
/// 400 MB), and the IR grows while they go.
pub fn build_consuming(
    doc: &mut Document,
    config: &Config,
) -> Result<(Api, Vec<Diagnostic>), Diagnostics> {
    let paths: Vec<_> = doc.take_path_items().collect();
    build_from(doc, config, paths.into_iter())
}

fn build_from<P: std::borrow::Borrow<oas3::spec::PathItem>>(
    doc: &Document,
    config: &Config,
    paths: impl Iterator<Item = (impl AsRef<str>, P)>,
) -> Result<(Api, Vec<Diagnostic>), Diagnostics> {
    let mut cx = SchemaCx::new(doc, config.type_overrides.clone());
    // Names the generated crate uses for itself.
    for reserved in ["Client", "ClientBuilder"] {
        cx.names.reserve(reserved);
    }
    cx.convert_components();
    let (auth, security) = security::schemes(doc);
    let mut operations = Vec::new();
    let mut method_names: rustc_hash::FxHashMap<Vec<String>, Namespace> = Default::default();
    let mut group_names = Namespace::default();
    let mut shared = RefTargets::default();
    for name in ["builder", "new", "from_env", "base_url", "clone", "fmt"] {
        group_names.reserve(name);
    }
    for (path, item) in paths {
        let (path, item) = (path.as_ref(), item.borrow());
        let path_pointer = join("/paths", path);
        for (method, op) in item.methods() {
            let method_str = method.as_str().to_ascii_lowercase();
            if !config.includes(op.operation_id.as_deref(), &op.tags) {
                continue;
            }
            // oas3 only yields the methods a path item can hold.
            let Some(http_method) = HttpMethod::parse(&method_str) else {
                continue;
            };
            let pointer = join(&path_pointer, &method_str);
            let b = OperationBuilder {
                cx: &mut cx,
                shared: &mut shared,
                doc,
                pointer: pointer.clone(),
                has_auth: !auth.is_empty(),
            };
            let mut operation = b.build(path, http_method, op, &item.parameters);
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
            let companions = companions(&operation);
            operation.method_name = claim_method(ns, &operation.method_name, &companions);
            if operation.group.is_empty() {
                group_names.reserve(&operation.method_name);
            }
            operations.push(operation);
        }
    }
    share_error_types(&mut operations);
    let base_url = base_url(doc, &mut cx.diags);
    let (types, diags) = cx.finish();
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(Diagnostics(diags));
    }
    let info = &doc.spec.info;
    let mut api = Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        base_url,
        auth,
        security,
        operations,
        types,
    };
    api.type_multipart_files_as_uploads();
    Ok((api, diags))
}

/// The suffixes of the methods an operation gets besides its own: `_with` when every query,
/// header and cookie parameter is optional (the main method then takes none), `_stream` when it is
/// paginated or its success body can be read as a byte stream, `_events` when its success is also
/// offered as an event stream.
fn companions(op: &Operation) -> Vec<&'static str> {
    let mut out = Vec::new();
    if op.has_with_method() {
        out.push("_with");
    }
    if op.pagination.is_some() || op.has_byte_stream_method() {
        out.push("_stream");
    }
    if op.has_events_method() {
        out.push("_events");
    }
    out
}

/// A method name whose companion methods (`suffixes`) are free as well, all of them then
/// reserved: an operation the spec calls `list_with` never collides with the `_with` method of one
/// called `list`, whichever comes first.
fn claim_method(ns: &mut Namespace, wanted: &str, suffixes: &[&str]) -> String {
    let family = |name: &str| {
        std::iter::once(name.to_owned())
            .chain(suffixes.iter().map(|s| format!("{name}{s}")))
            .collect::<Vec<_>>()
    };
    let mut name = wanted.to_owned();
    let mut n = 2;
    while family(&name).iter().any(|member| ns.is_taken(member)) {
        name = format!("{wanted}{n}");
        n += 1;
    }
    for member in family(&name) {
        ns.reserve(&member);
    }
    name
}

/// Operations that declare exactly the same error responses (common: every operation of a Dropshot
/// API answers `4XX`/`5XX` with one `Error` schema) share one error enum; the others get an alias.
/// Only plain bodies are shared: a code-tagged status has its own per-operation enum type.
fn share_error_types(operations: &mut [Operation]) {
    let mut first_by_shape: rustc_hash::FxHashMap<Vec<ErrorCase>, String> = Default::default();
    for op in operations.iter_mut() {
        if op.errors.is_empty()
            || op
                .errors
                .iter()
                .any(|e| matches!(e.body, ErrorBody::Tagged(_)))
        {
            continue;
        }
        match first_by_shape.get(&op.errors) {
            Some(first) => op.error_shared_with = Some(first.clone()),
            None => {
                first_by_shape.insert(op.errors.clone(), op.error_type.clone());
            }
        }
    }
}

/// Parameters, request bodies and responses read from their `$ref` targets, by reference: a
/// response every operation shares (Graph beta's error response, 22,000 times) is read once.
#[derive(Default)]
struct RefTargets(rustc_hash::FxHashMap<(std::any::TypeId, String), Box<dyn std::any::Any>>);

struct OperationBuilder<'c, 'a> {
    cx: &'c mut SchemaCx<'a>,
    shared: &'c mut RefTargets,
    doc: &'a Document,
    pointer: String,
    /// Whether the API declares a security scheme (then it sets `Authorization` itself).
    has_auth: bool,
}

impl OperationBuilder<'_, '_> {
    fn build(
        mut self,
        path: &str,
        method: HttpMethod,
        op: &oas3::spec::Operation,
        shared: &[ObjectOrReference<Parameter>],
    ) -> Operation {
        // An empty `operationId` (seen in public specs) names nothing: derive one as if absent.
        let id = op
            .operation_id
            .clone()
            .filter(|id| !id.trim().is_empty())
            .unwrap_or_else(|| derived_id(&method.key(), path));
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
        // A list that takes a request body (a search) has no `_stream` helper: the helper takes the
        // path arguments and the parameters only. Decided here, once, for every emitter.
        let pagination = match body {
            None => super::pagination::detect(self.cx, &params, &success),
            Some(_) => None,
        };
        let feature_group = feature_group(&group, &op.tags, path);
        Operation {
            id,
            group,
            method_name,
            type_prefix,
            http_method: method,
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
            feature_group,
            pagination,
            security: security::requirement_at(self.doc, &format!("{}/security", self.pointer)),
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
    fn resolve<T: DeserializeOwned + Clone + 'static>(
        &mut self,
        item: &ObjectOrReference<T>,
        pointer: &str,
    ) -> Option<(T, String)> {
        match item {
            ObjectOrReference::Object(t) => Some((t.clone(), pointer.to_owned())),
            ObjectOrReference::Ref { ref_path, .. } => {
                let key = (std::any::TypeId::of::<T>(), ref_path.clone());
                let read = self.shared.0.get(&key).and_then(|r| r.downcast_ref());
                if let Some(read) = read {
                    return Some(<(T, String)>::clone(read));
                }
                let read = self.read_ref::<T>(ref_path, pointer)?;
                self.shared.0.insert(key, Box::new(read.clone()));
                Some(read)
            }
        }
    }

    /// The object `ref_path` points at (through further `$ref`s) and its pointer. A target that
    /// cannot be read is reported again by each operation referring to it.
    fn read_ref<T: DeserializeOwned>(
        &mut self,
        ref_path: &str,
        pointer: &str,
    ) -> Option<(T, String)> {
        let mut target = super::schema::ref_pointer(ref_path);
        for _ in 0..16 {
            let Some(value) = self.doc.raw.pointer(&target) else {
                break;
            };
            if let Some(next) = value.get("$ref").and_then(|v| v.as_str()) {
                target = super::schema::ref_pointer(next);
                continue;
            }
            // Read from the document in place (the raw value is not copied first).
            return match T::deserialize(value) {
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
        let part_types = match media {
            Media::Multipart => media_type
                .encoding
                .iter()
                .filter_map(|(name, encoding)| {
                    let ct = encoding.content_type.as_deref()?.trim();
                    let concrete = ct.contains('/') && !ct.contains(',') && !ct.contains('*');
                    concrete.then(|| (name.clone(), ct.to_owned()))
                })
                .collect(),
            _ => Vec::new(),
        };
        Some(Body {
            media,
            ty,
            required: rb.required == Some(true),
            description: rb.description.clone(),
            part_types,
        })
    }
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

/// The feature group of an operation (see `Operation::feature_group`): the accessor group when
/// the id has one (`links.update` -> `links`), so a feature and `client.links()` coincide; else
/// the first tag (GitHub's `repos`); else the first path segment that is neither a parameter
/// nor a version (Stripe's `/v1/customers/{customer}` -> `customers`).
fn feature_group(group: &[String], tags: &[String], path: &str) -> Option<String> {
    let is_version = |s: &str| {
        let s = s.to_ascii_lowercase();
        s == "api" || (s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    let segment = path
        .split('/')
        .find(|s| !s.is_empty() && !s.contains('{') && !is_version(s));
    let raw = group
        .first()
        .map(String::as_str)
        .or(tags.first().map(String::as_str))
        .or(segment)?;
    let name = heck::ToKebabCase::to_kebab_case(raw)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .trim_matches('-')
        .to_owned();
    match name.as_str() {
        "" => None,
        // The crate's own features.
        "default" | "full" | "rustls" | "native-tls" | "mock" | "other-models"
        | "serde-roundtrip" => Some(format!("{name}-api")),
        _ => Some(name),
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

#[cfg(test)]
mod tests {
    use super::feature_group;

    #[test]
    fn feature_groups_come_from_the_id_then_the_tag_then_the_path() {
        let tags = ["code-scanning".to_owned()];
        assert_eq!(
            feature_group(&["links".into()], &tags, "/links/{id}").as_deref(),
            Some("links")
        );
        assert_eq!(
            feature_group(&[], &tags, "/repos/{owner}/{repo}/code-scanning/alerts").as_deref(),
            Some("code-scanning")
        );
        assert_eq!(
            feature_group(&[], &[], "/v1/payment_intents/{intent}").as_deref(),
            Some("payment-intents")
        );
        assert_eq!(
            feature_group(&[], &["Default".into()], "/").as_deref(),
            Some("default-api")
        );
        assert_eq!(feature_group(&[], &[], "/{id}").as_deref(), None);
        assert_eq!(feature_group(&[], &["!!".into()], "/").as_deref(), None);
    }
}

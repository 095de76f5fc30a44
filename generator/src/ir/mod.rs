//! The intermediate representation: what the generator understood of a spec, with Rust names
//! already chosen. No code is generated here; `emit` turns an [`Api`] into files.
//!
//! - `naming`: case conversion, keyword escaping, collision-free names.
//! - `schema`: JSON Schema -> [`TypeDef`]s / [`TypeRef`]s (hoisting, dedup, refs, cycles).
//! - `operation`: paths -> [`Operation`]s, with one [`ErrorCase`] per declared error status.

mod inputs;
pub mod naming;
mod operation;
mod pagination;
mod schema;
mod uploads;

use serde::Serialize;

pub use operation::{build, build_consuming};

/// Everything the emitter needs to know about one spec.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// `servers[0].url`, if the spec has one with no unfilled variables.
    pub base_url: Option<String>,
    /// Every security scheme the spec declares; the first is the one a single API key sets.
    pub auth: Vec<SecurityScheme>,
    /// The requirement of operations without their own: alternatives, each the names of the
    /// schemes needed together; an empty alternative is optional auth.
    pub security: Vec<Vec<String>>,
    pub operations: Vec<Operation>,
    pub types: Vec<TypeDef>,
}

/// One security scheme: its name in the spec and where its credential travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityScheme {
    pub name: String,
    pub auth: Auth,
}

/// Where a credential travels (OAuth2 and OpenID Connect: a bearer token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Auth {
    Bearer,
    Basic,
    Header(String),
    Query(String),
    Cookie(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `operationId`, or one derived from method and path.
    pub id: String,
    /// Accessor path on the client: `links.update` -> `["links"]`; empty for top-level methods.
    pub group: Vec<String>,
    pub method_name: String,
    /// Prefix of the types named after this operation (`UpdateLink` -> `UpdateLinkError`).
    pub type_prefix: String,
    pub http_method: HttpMethod,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    /// Name of the generated struct holding the query/header/cookie parameters, if any.
    pub params_type: Option<String>,
    pub body: Option<Body>,
    pub success: Success,
    /// One per declared non-2xx status (and status range), in status order.
    pub errors: Vec<ErrorCase>,
    /// Name of the generated per-operation error enum.
    pub error_type: String,
    /// An earlier operation whose declared error responses are the same: this operation's error
    /// type is then an alias of that one's enum rather than a copy of it.
    pub error_shared_with: Option<String>,
    pub pagination: Option<Pagination>,
    /// The operation's own security requirement, when it declares one (else the API's).
    pub security: Option<Vec<Vec<String>>>,
    /// The cargo feature that compiles this operation in APIs large enough to get one per group
    /// (`emit::features`): the first accessor group, else the first tag, else the first path
    /// segment that is not a version; kebab-case. `None`: always compiled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature_group: Option<String>,
}

/// The operations OpenAPI path items can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    /// As HTTP spells it (`PUT`), which is also the name of reqwest's `Method` constant.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// As the path item's key spells it (`put`).
    pub fn key(self) -> String {
        self.as_str().to_ascii_lowercase()
    }

    /// `None` for a method OpenAPI path items do not have.
    pub fn parse(method: &str) -> Option<Self> {
        [
            HttpMethod::Get,
            HttpMethod::Put,
            HttpMethod::Post,
            HttpMethod::Delete,
            HttpMethod::Options,
            HttpMethod::Head,
            HttpMethod::Patch,
            HttpMethod::Trace,
        ]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(method))
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamStyle {
    Form,
    Simple,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub checks: Checks,
    pub style: ParamStyle,
    pub explode: bool,
    pub description: Option<String>,
    pub deprecated: bool,
}

/// Media types the client knows how to send or read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Media {
    Json,
    Text,
    /// Raw bytes with this content type (`application/octet-stream`, images, ...).
    Binary(String),
    Form,
    Multipart,
}

#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub media: Media,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    /// Multipart only: the part type the media type's `encoding` gives a property (one concrete
    /// media type; a list or a wildcard leaves the default).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub part_types: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum StatusMatch {
    Code(u16),
    /// `2XX`..`5XX`: the first digit.
    Range(u8),
    Default,
}

#[derive(Debug, Clone, Serialize)]
pub struct Success {
    /// Declared success statuses; empty means "any 2xx".
    pub statuses: Vec<StatusMatch>,
    pub media: Option<Media>,
    /// `None`: no body (unit).
    pub ty: Option<TypeRef>,
    pub description: Option<String>,
    /// A `text/event-stream` success: each event's data type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Events>,
}

/// A success declared as `text/event-stream` (server-sent events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Events {
    /// The type of each event's data (`String` when the spec gives no structured schema).
    pub data: TypeRef,
    /// Whether the event stream is the only success body: the operation's method then returns
    /// it; otherwise an `<method>_events` companion does.
    pub only: bool,
}

/// The typed error for one declared status (or range, or `default`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ErrorCase {
    pub status: StatusMatch,
    /// Variant name in the operation's error enum (`NotFound`).
    pub variant: String,
    pub description: Option<String>,
    pub body: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum ErrorBody {
    None,
    /// A body of one type (a plain schema or an untagged union).
    Typed {
        media: Media,
        ty: TypeRef,
    },
    /// A `oneOf` told apart by a constant property (`code: const LINK_NOT_FOUND`): one variant
    /// per constant, plus `Other` for codes the spec does not list.
    Tagged(TaggedError),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TaggedError {
    /// Name of the generated per-status enum (`UpdateLinkNotFound`).
    pub type_name: String,
    /// The property whose constant tells the variants apart (`code`).
    pub tag: String,
    /// Rust field of `body` holding the tag.
    pub tag_field: String,
    /// Whether the tag field is required in the merged body (`String`) or optional.
    pub tag_required: bool,
    /// The merged body type every variant carries.
    pub body: TypeRef,
    pub codes: Vec<ErrorCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ErrorCode {
    pub value: String,
    pub variant: String,
    pub doc: Option<String>,
}

/// A list operation the client can walk page by page.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub kind: PageKind,
    /// Rust name of the query parameter that selects the page.
    pub param: String,
    /// Path of struct fields from the response to the item array.
    pub items: Vec<FieldStep>,
    pub item_ty: TypeRef,
}

#[derive(Debug, Clone, Serialize)]
pub enum PageKind {
    /// Integer `page` parameter; the response's boolean `hasMore` says whether to go on.
    PageNumber { has_more: Vec<FieldStep> },
    /// Token parameter (`page_token`); the response's `next_page` token, when present, is the next value.
    Token { next: Vec<FieldStep> },
}

/// One struct field on a path through a response.
#[derive(Debug, Clone, Serialize)]
pub struct FieldStep {
    pub rust_name: String,
    pub wrapper: Wrapper,
}

/// How a struct field wraps its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Wrapper {
    /// Required, not nullable: `T`.
    Plain,
    /// Optional or nullable: `Option<T>`.
    Option,
    /// Optional and nullable: `Nullable<T>` (absent, null or a value).
    Nullable,
}

impl Operation {
    /// Whether every query, header and cookie parameter is optional: the main method then takes
    /// none of them, and `<method>_with` takes the parameter struct, so the first optional
    /// parameter the spec adds is a new method rather than a changed one.
    /// Whether the operation has an `<method>_events` companion: a success offered both as an
    /// event stream and as another body (often chosen by a `stream: true` request flag).
    pub fn has_events_method(&self) -> bool {
        self.success.events.as_ref().is_some_and(|e| !e.only)
    }

    /// Whether the operation has an `<method>_stream` companion returning its success body as a
    /// byte stream: a binary or text body that is not a page of a list.
    pub fn has_byte_stream_method(&self) -> bool {
        self.pagination.is_none()
            && self.success.events.as_ref().is_none_or(|e| !e.only)
            && matches!(self.success.media, Some(Media::Binary(_) | Media::Text))
    }

    pub fn has_with_method(&self) -> bool {
        self.params_type.is_some()
            && self
                .params
                .iter()
                .filter(|p| p.location != ParamLocation::Path)
                .all(|p| !p.required)
    }
}

impl Field {
    pub fn wrapper(&self) -> Wrapper {
        match (self.required, self.nullable) {
            (true, false) => Wrapper::Plain,
            (false, true) => Wrapper::Nullable,
            _ => Wrapper::Option,
        }
    }
}

/// Constraints a value must meet before it is sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Checks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<f64>,
    /// Checks on each array item or map value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner: Option<Box<Checks>>,
}

impl Checks {
    pub fn is_empty(&self) -> bool {
        *self == Checks::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum IntKind {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

/// A use of a type.
/// `number` is `f64` unless its format says `float`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum FloatWidth {
    F32,
    F64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum TypeRef {
    Named(String),
    String,
    Bool,
    Int(IntKind),
    Float(FloatWidth),
    DateTime,
    Date,
    Uuid,
    Bytes,
    /// A multipart file part held as bytes or a stream (`ir/uploads.rs`): only in the structs
    /// that are nothing but a multipart body.
    Upload,
    Any,
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// A nullable array item or map value.
    Option(Box<TypeRef>),
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    pub name: String,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Where the schema was found.
    pub origin: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, Serialize)]
pub enum TypeKind {
    Struct(Struct),
    /// String enum; always gets an `Unknown(String)` fallback so servers can add values.
    Enum(Vec<EnumValue>),
    Union(Union),
    Alias(TypeRef),
}

#[derive(Debug, Clone, Serialize)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties` schema next to declared properties.
    pub extra: Option<TypeRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Set for fields that close a cycle of types.
    pub boxed: bool,
    pub checks: Checks,
    pub description: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    pub value: String,
    pub variant: String,
    /// From a `oneOf` of one-value enums, where each value has its own description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Union {
    /// Property telling the variants apart; `None`: untagged (tried in order).
    pub tag: Option<String>,
    pub variants: Vec<UnionVariant>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// Tag values selecting this variant; empty for the catch-all of a tagged union.
    pub tag_values: Vec<String>,
    /// The variant's type lacks the tag property, so serialisation adds it.
    pub inject_tag: bool,
}

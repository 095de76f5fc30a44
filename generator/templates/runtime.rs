//! Runtime support shared by every operation of this client.
//!
//! This module is generic: it is copied verbatim into every generated client crate and only relies
//! on five items defined by the crate root (`DEFAULT_BASE_URL`, `ENV_API_KEY`, `ENV_BASE_URL`,
//! `DEFAULT_USER_AGENT` and `AUTH`). It provides:
//!
//! * [`Client`] and [`ClientBuilder`]: connection settings (base URL, API key, timeouts, retries,
//!   default headers). A `Client` is cheap to clone and is meant to be shared.
//! * [`Call`]: one pending API operation. Await it directly (`client.links().update(..).await`) or
//!   use [`Call::send_with_response`] to also get the status and headers. Per-call settings
//!   (timeout, retries, extra headers) are set with builder methods before awaiting.
//! * [`Error`]: everything that can go wrong, with [`ApiError`] for error responses documented by
//!   the API and [`UnexpectedResponse`] for anything else the server answered.
//! * [`Nullable`]: a tri-state field type (absent / `null` / value) for partial updates.
//! * [`Validate`] and the `check_*` functions: client-side checks of the constraints declared in
//!   the API description. A request that fails them is never sent.
//! * [`paginate`]: turns a page-fetching closure into a [`Stream`] of items.
//!
//! # Retries
//!
//! Failed attempts are retried up to [`ClientBuilder::max_retries`] times (2 by default) with
//! exponential backoff and full jitter (see [`RetryPolicy`]):
//!
//! * `408`, `429` and `5xx` responses, timeouts and connection errors are retried for idempotent
//!   methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`);
//! * `POST` and `PATCH` are retried only when the server cannot have acted on the request: on
//!   `429`, on `503` and when the connection could not be established;
//! * other `4xx` responses are never retried.
//!
//! A `Retry-After` (seconds or HTTP date) or `retry-after-ms` response header replaces the computed
//! backoff. If it asks for a longer wait than [`RetryPolicy::max_retry_after`], the response is
//! returned at once instead of being retried early.
//!
//! # Security
//!
//! The API key is never part of any `Debug` or `Display` output, error message or tracing field,
//! and the header that carries it is marked sensitive.
//!
//! # Tracing
//!
//! Each call runs inside an `INFO` span named `request` with the fields `operation`, `method` and
//! `path` (the path template, never the filled-in path); `attempts`, `status` and `duration_ms` are
//! recorded when the call ends. Each attempt runs in a nested `DEBUG` span `attempt` (field
//! `number`), and each retry emits a `DEBUG` event with its delay. Header values, parameters and
//! bodies are never recorded.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::hash::BuildHasher;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use futures_core::Stream;
pub use futures_util::StreamExt;

/// Default total timeout of one attempt (connect, send, and read the whole response): 60 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default timeout for establishing a connection: 10 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default number of retries after the first attempt: 2.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default safety bound on the number of pages [`paginate`] fetches.
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// Response headers that may carry a request id, in order of preference.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
    "x-trace-id",
];

/// Header names whose values are marked sensitive (hidden from `Debug` output, never
/// HPACK-indexed).
const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
];

const REDACTED: &str = "[redacted]";

/// RFC 3986 unreserved characters stay as they are; everything else in a path segment is
/// percent-encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `application/x-www-form-urlencoded` byte set (the space is turned into `+` separately).
const FORM_URLENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// Characters that cannot appear raw in a cookie value (RFC 6265 `cookie-octet`), plus `%` so that
/// the encoding can be undone unambiguously.
const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

// -------------------------------------------------------------------------------------------------
// Authentication
// -------------------------------------------------------------------------------------------------

/// Where the API key is sent. The crate root's `AUTH` constant picks one for the whole API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthPlacement {
    /// The API needs no credentials; a configured key is ignored.
    None,
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic <base64>`, with the key read as `username:password` (a key without `:`
    /// is the user name with an empty password).
    Basic,
    /// The key as the value of the named header, e.g. `Header("X-API-Key")`.
    Header(&'static str),
    /// The key as the named query parameter. URLs in errors are redacted.
    Query(&'static str),
    /// The key as the named cookie.
    Cookie(&'static str),
}

/// An API key. Its `Debug` and `Display` output never reveal it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Arc<str>);

impl ApiKey {
    /// Wraps a secret API key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(Arc::from(key.into()))
    }

    /// Returns the secret key. Do not log the result.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({REDACTED})")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

impl From<&String> for ApiKey {
    fn from(key: &String) -> Self {
        Self::new(key.as_str())
    }
}

/// The key in the form it is attached to each request, computed once by [`ClientBuilder::build`].
#[derive(Clone)]
enum PreparedAuth {
    None,
    Header(HeaderName, HeaderValue),
    Query(&'static str, ApiKey),
    Cookie(String),
}

impl PreparedAuth {
    fn new(placement: AuthPlacement, key: Option<&ApiKey>) -> Result<Self, BuildError> {
        let Some(key) = key else {
            return Ok(Self::None);
        };
        let secret = key.expose_secret();
        if secret.is_empty() {
            return Err(BuildError::InvalidApiKey {
                reason: "the API key is empty".into(),
            });
        }
        if secret.trim() != secret {
            return Err(BuildError::InvalidApiKey {
                reason: "the API key has leading or trailing whitespace".into(),
            });
        }
        if secret.chars().any(char::is_control) {
            return Err(BuildError::InvalidApiKey {
                reason: "the API key contains control characters (such as CR or LF)".into(),
            });
        }
        if !secret.is_ascii() {
            return Err(BuildError::InvalidApiKey {
                reason: "the API key contains non-ASCII characters".into(),
            });
        }
        let sensitive = |value: String| -> Result<HeaderValue, BuildError> {
            let mut value =
                HeaderValue::from_str(&value).map_err(|_| BuildError::InvalidApiKey {
                    reason: "the API key cannot be sent in an HTTP header".into(),
                })?;
            value.set_sensitive(true);
            Ok(value)
        };
        Ok(match placement {
            AuthPlacement::None => Self::None,
            AuthPlacement::Bearer => Self::Header(
                reqwest::header::AUTHORIZATION,
                sensitive(format!("Bearer {secret}"))?,
            ),
            AuthPlacement::Basic => Self::Header(
                reqwest::header::AUTHORIZATION,
                sensitive(format!("Basic {}", basic_credentials(secret)))?,
            ),
            AuthPlacement::Header(name) => {
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    BuildError::InvalidHeader {
                        name: name.to_owned(),
                        reason: "invalid header name for the API key".into(),
                    }
                })?;
                Self::Header(name, sensitive(secret.to_owned())?)
            }
            AuthPlacement::Query(name) => Self::Query(name, key.clone()),
            AuthPlacement::Cookie(name) => {
                check_cookie_name(name).map_err(|e| BuildError::InvalidHeader {
                    name: "cookie".into(),
                    reason: e.reason,
                })?;
                Self::Cookie(format!(
                    "{name}={}",
                    utf8_percent_encode(secret, COOKIE_VALUE)
                ))
            }
        })
    }
}

// -------------------------------------------------------------------------------------------------
// Retry policy
// -------------------------------------------------------------------------------------------------

/// How long to wait between attempts. The number of retries is set separately
/// ([`ClientBuilder::max_retries`], [`Call::max_retries`]).
///
/// The delay before retry `n` (1-based) is drawn uniformly from `[0, min(max_backoff,
/// initial_backoff * 2^(n-1))]` ("full jitter"), unless the response carries `Retry-After` /
/// `retry-after-ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Backoff before the first retry (before jitter). Default 0.5 s.
    pub initial_backoff: Duration,
    /// Upper bound of the computed backoff. Default 8 s.
    pub max_backoff: Duration,
    /// Longest server-requested delay that is waited for. Default 60 s.
    pub max_retry_after: Duration,
    /// Whether delays are randomised ("full jitter"). Default `true`.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// The default policy: 0.5 s initial backoff, 8 s maximum backoff, `Retry-After` honoured up to
    /// 60 s, full jitter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the backoff before the first retry (before jitter).
    #[must_use]
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Sets the upper bound of the computed backoff.
    #[must_use]
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Sets the longest server-requested delay (`Retry-After`) that is waited for. A response
    /// asking for a longer wait is returned to the caller without retrying.
    #[must_use]
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Turns jitter on (the default) or off. Without jitter the delays are exactly
    /// `initial_backoff * 2^(n-1)`, capped at `max_backoff`.
    #[must_use]
    pub fn jitter(mut self, enabled: bool) -> Self {
        self.jitter = enabled;
        self
    }

    /// The computed delay before retry number `retry` (1-based), ignoring any `Retry-After` header.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let cap = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        if self.jitter {
            Duration::try_from_secs_f64(cap.as_secs_f64() * fastrand::f64()).unwrap_or(cap)
        } else {
            cap
        }
    }

    /// The delay before retry number `retry` (1-based) after a response with these headers, or
    /// `None` if the server asked for a longer wait than [`RetryPolicy::max_retry_after`].
    pub fn delay_for(&self, retry: u32, headers: Option<&HeaderMap>) -> Option<Duration> {
        match headers.and_then(|h| parse_retry_after(h, SystemTime::now())) {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }
}

/// Reads the server-requested delay from `retry-after-ms` (milliseconds) or `Retry-After` (delay in
/// seconds, or an HTTP date relative to `now`). Dates in the past give a zero delay; malformed
/// values are ignored.
pub fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
    {
        if ms.is_finite() && ms >= 0.0 {
            if let Ok(delay) = Duration::try_from_secs_f64(ms / 1000.0) {
                return Some(delay);
            }
        }
    }
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long numbers saturate instead of failing.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

fn should_retry_status(method: &Method, status: StatusCode) -> bool {
    if is_idempotent(method) {
        is_retryable_status(status)
    } else {
        status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
    }
}

fn should_retry_transport(method: &Method, err: &reqwest::Error) -> bool {
    if err.is_builder() || err.is_redirect() || err.is_decode() {
        return false;
    }
    // A connection that was never established cannot have reached the server.
    err.is_connect()
        || (is_idempotent(method) && (err.is_timeout() || err.is_request() || err.is_body()))
}

// -------------------------------------------------------------------------------------------------
// Client
// -------------------------------------------------------------------------------------------------

/// Errors from [`ClientBuilder::build`] and [`Client::from_env`].
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// No base URL was configured and the API description has none.
    EmptyBaseUrl,
    /// The base URL could not be used.
    InvalidBaseUrl {
        /// Why the URL was rejected.
        reason: String,
    },
    /// The API key cannot be sent as configured.
    InvalidApiKey {
        /// Why the key was rejected (never the key itself).
        reason: String,
    },
    /// A default header (or the user agent) has an invalid name or value.
    InvalidHeader {
        /// The header name.
        name: String,
        /// Why it was rejected (never the value itself).
        reason: String,
    },
    /// A timeout of zero was configured.
    InvalidTimeout {
        /// Which timeout.
        name: &'static str,
    },
    /// A required environment variable is not set.
    MissingEnvVar {
        /// The variable's name.
        name: &'static str,
    },
    /// An environment variable is set but unusable.
    InvalidEnvVar {
        /// The variable's name.
        name: &'static str,
        /// Why it is unusable.
        reason: String,
    },
    /// The HTTP client could not be created (for example, the TLS backend failed to initialise).
    Http(reqwest::Error),
}

// Written out rather than derived: one proc-macro crate less to build in every generated crate.
impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EmptyBaseUrl => f.write_str(
                "no base URL: the API description has no server URL, set one with ClientBuilder::base_url",
            ),
            Self::InvalidBaseUrl { reason } => write!(f, "invalid base URL: {reason}"),
            Self::InvalidApiKey { reason } => write!(f, "invalid API key: {reason}"),
            Self::InvalidHeader { name, reason } => write!(f, "invalid header `{name}`: {reason}"),
            Self::InvalidTimeout { name } => write!(f, "invalid {name}: must be greater than zero"),
            Self::MissingEnvVar { name } => write!(f, "environment variable {name} is not set"),
            Self::InvalidEnvVar { name, reason } => {
                write!(f, "environment variable {name} is invalid: {reason}")
            }
            Self::Http(_) => f.write_str("failed to build the HTTP client"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// Configures and builds a [`Client`].
///
/// Every setting has a default: the base URL is the API's first server URL, requests time out after
/// 60 s, connections after 10 s, and failed attempts are retried twice.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: Option<String>,
    api_key: Option<ApiKey>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: Option<String>,
    default_headers: Vec<(String, String)>,
    max_retries: u32,
    retry_policy: RetryPolicy,
    http_client: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("max_retries", &self.max_retries)
            .field("retry_policy", &self.retry_policy)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// A builder with default settings and no API key.
    pub fn new() -> Self {
        Self {
            base_url: None,
            api_key: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            default_headers: Vec::new(),
            max_retries: DEFAULT_MAX_RETRIES,
            retry_policy: RetryPolicy::default(),
            http_client: None,
        }
    }

    /// A builder preloaded from the environment: the API key from `ENV_API_KEY` (required) and the
    /// base URL from `ENV_BASE_URL` (optional). Empty variables count as unset.
    pub fn from_env() -> Result<Self, BuildError> {
        let key = read_env(crate::ENV_API_KEY)?.ok_or(BuildError::MissingEnvVar {
            name: crate::ENV_API_KEY,
        })?;
        let mut builder = Self::new().api_key(key);
        if let Some(base_url) = read_env(crate::ENV_BASE_URL)? {
            normalize_base_url(&base_url).map_err(|e| BuildError::InvalidEnvVar {
                name: crate::ENV_BASE_URL,
                reason: e.to_string(),
            })?;
            builder = builder.base_url(base_url);
        }
        Ok(builder)
    }

    /// Sets the base URL. It may carry a path prefix (`https://host/api/v1`), with or without a
    /// trailing slash; operation paths are appended to it.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets the API key.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Sets the timeout of each attempt, from connecting until the whole response body is read
    /// (default 60 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout (default 10 s). Ignored when a pre-built client is supplied with
    /// [`ClientBuilder::http_client`].
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the `User-Agent` header (default: the crate's name and version).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Adds a header sent with every request. Invalid names or values make [`ClientBuilder::build`]
    /// fail.
    #[must_use]
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Sets how many times a failed attempt is retried (default 2; 0 disables retries).
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the delays between retries.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Uses a pre-built `reqwest::Client` (to share a connection pool or configure proxies and
    /// TLS). The per-request timeout, user agent, default headers and API key still apply; the
    /// connect timeout does not.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let raw_base = self
            .base_url
            .unwrap_or_else(|| crate::DEFAULT_BASE_URL.to_owned());
        let base = normalize_base_url(&raw_base)?;
        if self.timeout.is_zero() {
            return Err(BuildError::InvalidTimeout { name: "timeout" });
        }
        if self.connect_timeout.is_zero() {
            return Err(BuildError::InvalidTimeout {
                name: "connect timeout",
            });
        }
        let auth = PreparedAuth::new(crate::AUTH, self.api_key.as_ref())?;

        let mut default_headers = HeaderMap::new();
        default_headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| crate::DEFAULT_USER_AGENT.to_owned());
        let user_agent =
            HeaderValue::from_str(&user_agent).map_err(|_| BuildError::InvalidHeader {
                name: "user-agent".into(),
                reason: "the value contains characters not allowed in an HTTP header".into(),
            })?;
        default_headers.insert(reqwest::header::USER_AGENT, user_agent);
        for (name, value) in &self.default_headers {
            let (name, value) =
                parse_header(name, value).map_err(|reason| BuildError::InvalidHeader {
                    name: name.clone(),
                    reason,
                })?;
            default_headers.insert(name, value);
        }

        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(redirect_policy())
                .build()
                .map_err(BuildError::Http)?,
        };

        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url: base.as_str().trim_end_matches('/').to_owned(),
                base,
                auth,
                has_api_key: self.api_key.is_some(),
                default_headers,
                timeout: self.timeout,
                max_retries: self.max_retries,
                retry_policy: self.retry_policy,
            }),
        })
    }
}

/// Follows at most 10 redirects; never downgrades from `https` to `http`, and with a custom auth
/// header (which `reqwest` does not strip on cross-host redirects) never leaves the original host.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= 10 {
            return attempt.error("too many redirects");
        }
        let Some(previous) = attempt.previous().last() else {
            return attempt.follow();
        };
        let next = attempt.url();
        if previous.scheme() == "https" && next.scheme() != "https" {
            return attempt.stop();
        }
        let cross_host = previous.host_str() != next.host_str()
            || previous.port_or_known_default() != next.port_or_known_default();
        if cross_host && matches!(crate::AUTH, AuthPlacement::Header(_)) {
            return attempt.stop();
        }
        attempt.follow()
    })
}

fn read_env(name: &'static str) -> Result<Option<String>, BuildError> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(BuildError::InvalidEnvVar {
            name,
            reason: "not valid UTF-8".into(),
        }),
    }
}

fn normalize_base_url(raw: &str) -> Result<Url, BuildError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(BuildError::EmptyBaseUrl);
    }
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw).map_err(|e| BuildError::InvalidBaseUrl {
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none() {
        return Err(invalid("the URL has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "the URL must not contain credentials; use ClientBuilder::api_key",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "the URL must not contain a query string or fragment",
        ));
    }
    Ok(url)
}

/// The API client. Cloning is cheap (the configuration and connection pool are shared), so create
/// one and reuse it.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    http: reqwest::Client,
    /// The base URL as given (normalised, without a trailing `/`), and parsed: each request
    /// clones the parsed one and sets only its path, so the scheme and host are parsed once.
    base_url: String,
    base: Url,
    auth: PreparedAuth,
    has_api_key: bool,
    default_headers: HeaderMap,
    timeout: Duration,
    max_retries: u32,
    retry_policy: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("auth", &crate::AUTH)
            .field(
                "api_key",
                &if inner.has_api_key {
                    Some(REDACTED)
                } else {
                    None
                },
            )
            .field(
                "default_headers",
                &inner
                    .default_headers
                    .keys()
                    .map(HeaderName::as_str)
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &inner.timeout)
            .field("max_retries", &inner.max_retries)
            .field("retry_policy", &inner.retry_policy)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with the given API key and default settings.
    pub fn new(api_key: impl Into<ApiKey>) -> Result<Self, BuildError> {
        ClientBuilder::new().api_key(api_key).build()
    }

    /// A client configured from the environment; see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Self, BuildError> {
        ClientBuilder::from_env()?.build()
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The default timeout of one attempt.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The default number of retries.
    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }

    /// The retry delays.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry_policy
    }

    /// The underlying HTTP client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }
}

// -------------------------------------------------------------------------------------------------
// Requests
// -------------------------------------------------------------------------------------------------

/// Everything the generated code knows about one request, before the client adds its configuration.
#[derive(Clone, Debug)]
pub struct RequestParts {
    /// The API description's `operationId` (for tracing).
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, e.g. `/public/workspace/{workspaceId}/links/{linkId}` (for tracing).
    pub path_template: &'static str,
    /// The filled-in path, relative to the base URL, with each parameter encoded by
    /// [`encode_path_segment`].
    pub path: String,
    /// Query parameters, unencoded (see [`QueryWriter`]).
    pub query: Vec<(String, String)>,
    /// Header parameters (validated when the request is sent).
    pub headers: Vec<(&'static str, String)>,
    /// Cookie parameters (values are percent-encoded where needed).
    pub cookies: Vec<(&'static str, String)>,
    /// The request body.
    pub body: RequestBody,
}

impl RequestParts {
    /// Parts with no query, headers, cookies or body.
    pub fn new(
        operation_id: &'static str,
        method: Method,
        path_template: &'static str,
        path: String,
    ) -> Self {
        Self {
            operation_id,
            method,
            path_template,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: RequestBody::None,
        }
    }

    /// Parts for `path_template` with its parameters filled in by [`fill_path`], and no query,
    /// headers, cookies or body.
    pub fn for_template(
        operation_id: &'static str,
        method: Method,
        path_template: &'static str,
        path_params: &[(&str, &str)],
    ) -> Result<Self, InvalidRequest> {
        let path = fill_path(path_template, path_params)?;
        Ok(Self::new(operation_id, method, path_template, path))
    }

    /// Adds a query parameter (unencoded; see [`QueryWriter`]).
    pub fn push_query(&mut self, name: impl Into<String>, value: String) {
        self.query.push((name.into(), value));
    }
}

/// Fills a path template: each `{name}` listed in `params` becomes its value as one
/// percent-encoded segment (after [`check_path_param`]), so an id such as `../x` or `a/b` stays
/// inside its segment. Text outside braces, and a `{name}` not listed, is kept as it is.
pub fn fill_path(template: &str, params: &[(&str, &str)]) -> Result<String, InvalidRequest> {
    let mut path = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        path.push_str(&rest[..open]);
        let name = &rest[open + 1..open + len];
        match params.iter().find(|(n, _)| *n == name) {
            Some((field, value)) => {
                check_path_param(field, value)?;
                push_path_segment(&mut path, value);
            }
            None => path.push_str(&rest[open..=open + len]),
        }
        rest = &rest[open + len + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

/// A request body. It is owned data, so it can be sent again on every retry.
#[derive(Clone, Default)]
pub enum RequestBody {
    /// No body.
    #[default]
    None,
    /// Serialized JSON (`application/json`).
    Json(Vec<u8>),
    /// Plain text (`text/plain; charset=utf-8`).
    Text(String),
    /// Raw bytes with their media type.
    Bytes {
        /// The body.
        data: Bytes,
        /// Its `Content-Type`.
        content_type: String,
    },
    /// `application/x-www-form-urlencoded` fields.
    Form(Vec<(String, String)>),
    /// `multipart/form-data` fields.
    Multipart(Vec<MultipartField>),
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may hold secrets: show only their kind and size.
        match self {
            Self::None => f.write_str("None"),
            Self::Json(data) => write!(f, "Json({} bytes)", data.len()),
            Self::Text(text) => write!(f, "Text({} bytes)", text.len()),
            Self::Bytes { data, content_type } => {
                write!(f, "Bytes({} bytes, {content_type})", data.len())
            }
            Self::Form(fields) => write!(f, "Form({} fields)", fields.len()),
            Self::Multipart(fields) => write!(f, "Multipart({} fields)", fields.len()),
        }
    }
}

impl RequestBody {
    /// Serializes `value` as JSON.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, InvalidRequest> {
        serde_json::to_vec(value)
            .map(Self::Json)
            .map_err(|e| InvalidRequest::new("body", format!("cannot be serialized as JSON: {e}")))
    }

    /// Encodes the body once; retries reuse the bytes.
    fn encode(self) -> Result<Option<(Bytes, HeaderValue)>, InvalidRequest> {
        let content_type = |ct: &str| {
            HeaderValue::from_str(ct).map_err(|_| {
                InvalidRequest::new(
                    "content-type",
                    "contains characters not allowed in a header",
                )
            })
        };
        Ok(Some(match self {
            Self::None => return Ok(None),
            Self::Json(data) => (
                Bytes::from(data),
                HeaderValue::from_static("application/json"),
            ),
            Self::Text(text) => (
                Bytes::from(text),
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            Self::Bytes {
                data,
                content_type: ct,
            } => (data, content_type(&ct)?),
            Self::Form(fields) => (
                Bytes::from(form_urlencode(&fields)),
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            ),
            Self::Multipart(fields) => {
                let (data, ct) = encode_multipart(&fields)?;
                (data, content_type(&ct)?)
            }
        }))
    }
}

/// One field of a `multipart/form-data` body.
#[derive(Clone)]
pub struct MultipartField {
    /// The field name.
    pub name: String,
    /// The field content.
    pub data: Bytes,
    /// The file name, for file uploads.
    pub file_name: Option<String>,
    /// The part's `Content-Type` (file parts default to `application/octet-stream`).
    pub content_type: Option<String>,
}

impl fmt::Debug for MultipartField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultipartField")
            .field("name", &self.name)
            .field("data", &format_args!("{} bytes", self.data.len()))
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl MultipartField {
    /// A text field.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            data: Bytes::from(value.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// A file field.
    pub fn file(
        name: impl Into<String>,
        file_name: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        Self {
            name: name.into(),
            data: data.into(),
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// Sets the part's `Content-Type`.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

/// Quotes a multipart name or file name as browsers do (WHATWG HTML: `"`, CR and LF
/// percent-encoded).
fn push_quoted(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    for b in value.bytes() {
        match b {
            b'"' => out.extend_from_slice(b"%22"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'\n' => out.extend_from_slice(b"%0A"),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

fn encode_multipart(fields: &[MultipartField]) -> Result<(Bytes, String), InvalidRequest> {
    let boundary = format!(
        "----rust-client-boundary-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    );
    let size: usize = fields
        .iter()
        .map(|f| f.data.len() + f.name.len() + 128)
        .sum();
    let mut out = Vec::with_capacity(size + boundary.len() * (fields.len() + 1));
    for field in fields {
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=");
        push_quoted(&mut out, &field.name);
        if let Some(file_name) = &field.file_name {
            out.extend_from_slice(b"; filename=");
            push_quoted(&mut out, file_name);
        }
        out.extend_from_slice(b"\r\n");
        let content_type = field
            .content_type
            .as_deref()
            .or(field.file_name.as_ref().map(|_| "application/octet-stream"));
        if let Some(ct) = content_type {
            check_header_value(&format!("{}.content_type", field.name), ct)?;
            out.extend_from_slice(b"Content-Type: ");
            out.extend_from_slice(ct.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&field.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    Ok((
        Bytes::from(out),
        format!("multipart/form-data; boundary={boundary}"),
    ))
}

fn form_urlencode_into(out: &mut String, value: &str) {
    for chunk in utf8_percent_encode(value, FORM_URLENCODED) {
        out.push_str(if chunk == "%20" { "+" } else { chunk });
    }
}

fn form_urlencode(fields: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_urlencode_into(&mut out, name);
        out.push('=');
        form_urlencode_into(&mut out, value);
    }
    out
}

/// Per-call settings that override the client's. Build with the methods, or set them directly on a
/// [`Call`].
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Timeout of each attempt.
    pub timeout: Option<Duration>,
    /// Number of retries.
    pub max_retries: Option<u32>,
    /// Extra headers; they replace client defaults and parameters of the same name.
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the timeout of each attempt.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the number of retries.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn merge(&mut self, other: RequestOptions) {
        if other.timeout.is_some() {
            self.timeout = other.timeout;
        }
        if other.max_retries.is_some() {
            self.max_retries = other.max_retries;
        }
        self.headers.extend(other.headers);
    }
}

/// A response as received, handed to the operation's decoder.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The complete body.
    pub body: Bytes,
}

impl RawResponse {
    /// Parses the body as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The body as UTF-8 text, if it is valid UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The error code of a JSON error body: its `code` member, or else its `error` member, if a
    /// string.
    pub fn error_code(&self) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        ["code", "error"]
            .iter()
            .find_map(|key| value.get(key)?.as_str().map(str::to_owned))
    }

    /// The request id sent back by the server, if any.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// Decodes a success body as JSON, or explains why it could not be.
    pub fn decode_success<T: DeserializeOwned, E>(&self) -> Outcome<T, E> {
        match self.json() {
            Ok(value) => Outcome::Success(value),
            Err(e) => {
                Outcome::Unexpected(format!("the response body is not the expected JSON: {e}"))
            }
        }
    }

    /// Decodes a documented error body as JSON, or explains why it could not be.
    pub fn decode_error<T, E: DeserializeOwned>(&self) -> Outcome<T, E> {
        match self.json() {
            Ok(error) => Outcome::ApiError(error),
            Err(e) => Outcome::Unexpected(format!("the error body is not the expected JSON: {e}")),
        }
    }

    /// The outcome for a status code the API description does not list for this operation.
    pub fn undocumented<T, E>(&self) -> Outcome<T, E> {
        Outcome::Unexpected(format!(
            "status {} is not documented for this operation",
            self.status.as_u16()
        ))
    }
}

/// What a decoder made of a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<T, E> {
    /// The expected success value.
    Success(T),
    /// A documented error response.
    ApiError(E),
    /// Anything else; the string says why (it becomes [`UnexpectedResponse::reason`]).
    Unexpected(String),
}

/// Turns a response into an [`Outcome`]. Generated code passes one per operation to [`Call::new`].
/// It must not panic on any input.
pub type Decoder<T, E> = fn(&RawResponse) -> Outcome<T, E>;

/// A successful response with its status and headers.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Response<T> {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub value: T,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The request id sent back by the server (`x-request-id` and similar headers), if any.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// Transforms the decoded body.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            value: f(self.value),
        }
    }
}

fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

/// A pending API call. Nothing is sent until it is awaited (or [`Call::send`] /
/// [`Call::send_with_response`] is awaited).
///
/// ```text
/// let link = client
///     .links()
///     .update("ws_1", "lnk_1", &body)
///     .timeout(Duration::from_secs(5))
///     .max_retries(0)
///     .await?;
/// ```
#[must_use = "a Call does nothing until it is awaited"]
pub struct Call<T, E> {
    client: Client,
    parts: Result<RequestParts, InvalidRequest>,
    decode: Decoder<T, E>,
    options: RequestOptions,
}

impl<T, E> Clone for Call<T, E> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            parts: self.parts.clone(),
            decode: self.decode,
            options: self.options.clone(),
        }
    }
}

impl<T, E> fmt::Debug for Call<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Call");
        match &self.parts {
            Ok(parts) => s
                .field("operation_id", &parts.operation_id)
                .field("method", &parts.method)
                .field("path_template", &parts.path_template),
            Err(e) => s.field("invalid", e),
        };
        s.field("options", &self.options).finish_non_exhaustive()
    }
}

impl<T, E> Call<T, E> {
    /// A call of `client` with the given request (or the validation error that prevents it) and
    /// decoder.
    pub fn new(
        client: &Client,
        parts: Result<RequestParts, InvalidRequest>,
        decode: Decoder<T, E>,
    ) -> Self {
        Self {
            client: client.clone(),
            parts,
            decode,
            options: RequestOptions::default(),
        }
    }

    /// Overrides the timeout of each attempt for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the number of retries for this call.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }

    /// Adds a header to this call. An invalid name or value fails the call with
    /// [`Error::InvalidRequest`] before anything is sent.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.headers.push((name.into(), value.into()));
        self
    }

    /// Applies per-call options (set fields override, headers are added).
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options.merge(options);
        self
    }

    /// Sends the request (with retries) and returns the decoded body.
    pub async fn send(self) -> Result<T, Error<E>> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Sends the request (with retries) and returns the decoded body with the status and headers.
    ///
    /// The request is validated and encoded here; it is sent when the returned future is first
    /// polled.
    pub fn send_with_response(self) -> SendFuture<T, E> {
        let Call {
            client,
            parts,
            decode,
            options,
        } = self;
        let inner = &*client.inner;
        let timeout = options.timeout.unwrap_or(inner.timeout);
        let prepared = parts
            .and_then(|parts| inner.prepare(parts, options.headers))
            .and_then(|prepared| {
                if timeout.is_zero() {
                    Err(InvalidRequest::new("timeout", "must be greater than zero"))
                } else {
                    Ok(prepared)
                }
            });
        let (prepared, first) = match prepared {
            Ok(prepared) => prepared,
            Err(e) => return SendFuture(Stage::Invalid(Some(Error::InvalidRequest(e)))),
        };
        let span = tracing::info_span!(
            "request",
            operation = prepared.operation_id,
            method = prepared.method.as_str(),
            path = prepared.path_template,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let max_retries = options.max_retries.unwrap_or(inner.max_retries);
        let now = Instant::now();
        SendFuture(Stage::Running(Running {
            started: now,
            attempt_started: now,
            client,
            prepared,
            decode,
            timeout,
            max_retries,
            span,
            attempt_span: tracing::Span::none(),
            attempt: 0,
            state: State::Unsent(first),
        }))
    }
}

impl<T, E> IntoFuture for Call<T, E> {
    type Output = Result<T, Error<E>>;
    type IntoFuture = futures_util::future::Map<
        SendFuture<T, E>,
        fn(Result<Response<T>, Error<E>>) -> Result<T, Error<E>>,
    >;

    fn into_future(self) -> Self::IntoFuture {
        futures_util::FutureExt::map(self.send_with_response(), |result| {
            result.map(Response::into_inner)
        })
    }
}

/// The future of [`Call::send_with_response`] (and, mapped to the body, of awaiting a [`Call`]):
/// sends the request, retries as the client's policy says, and decodes the response.
///
/// A named state machine rather than an `async fn` so that `Call` can implement `IntoFuture`
/// without boxing the whole request future (a named type is needed, and `impl Trait` in
/// associated types is not stable): boxing it cost 2 to 3 % of a loopback call. It is `Send` and
/// `Unpin`. Polling it again after it has completed returns `Poll::Pending`.
#[must_use = "futures do nothing unless polled"]
pub struct SendFuture<T, E>(Stage<T, E>);

// The large variants are the ones every call goes through: boxing them would cost an allocation
// per call, which is what this type exists to avoid.
#[allow(clippy::large_enum_variant)]
enum Stage<T, E> {
    /// The request could not be built: the error is returned at the first poll.
    Invalid(Option<Error<E>>),
    Running(Running<T, E>),
}

/// The future returned by the reqwest client for one attempt (a named type through its
/// `tower::Service` implementation; `Client::execute` returns an unnamed one).
type PendingResponse = <reqwest::Client as tower_service::Service<reqwest::Request>>::Future;

/// Where one attempt is.
#[allow(clippy::large_enum_variant)] // See `Stage`.
enum State {
    /// The URL and headers of the first attempt, sent at the first poll (so that nothing,
    /// not even reqwest's timeout timer, needs a runtime before then).
    Unsent((Url, HeaderMap)),
    /// Waiting for the response head.
    Sending(PendingResponse),
    /// Reading the whole body (still under the attempt's timeout, which reqwest applies to it).
    Reading {
        status: StatusCode,
        headers: HeaderMap,
        body: http_body_util::combinators::Collect<reqwest::Body>,
    },
    /// Waiting before the next attempt.
    Waiting(Pin<Box<tokio::time::Sleep>>),
    /// Finished: the result has been returned.
    Done,
}

struct Running<T, E> {
    client: Client,
    prepared: Prepared,
    decode: Decoder<T, E>,
    timeout: Duration,
    max_retries: u32,
    /// The call's `request` span, entered on every poll; `attempt_span` is the current attempt's.
    span: tracing::Span,
    attempt_span: tracing::Span,
    started: Instant,
    attempt_started: Instant,
    /// The number of the current attempt, from 1.
    attempt: u32,
    state: State,
}

impl<T, E> fmt::Debug for SendFuture<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("SendFuture");
        if let Stage::Running(running) = &self.0 {
            s.field("operation_id", &running.prepared.operation_id)
                .field("attempt", &running.attempt);
        }
        s.finish_non_exhaustive()
    }
}

impl<T, E> Future for SendFuture<T, E> {
    type Output = Result<Response<T>, Error<E>>;

    fn poll(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match &mut self.get_mut().0 {
            Stage::Invalid(error) => match error.take() {
                Some(error) => std::task::Poll::Ready(Err(error)),
                None => std::task::Poll::Pending,
            },
            Stage::Running(running) => running.poll(cx),
        }
    }
}

impl<T, E> Running<T, E> {
    fn poll(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<Response<T>, Error<E>>> {
        use std::task::Poll;
        let span = self.span.clone();
        let _request = span.enter();
        loop {
            let attempt_span = self.attempt_span.clone();
            let _attempt = attempt_span.enter();
            match &mut self.state {
                State::Unsent(_) => {
                    if let State::Unsent(request) = std::mem::replace(&mut self.state, State::Done)
                    {
                        self.start_attempt(request);
                        self.started = self.attempt_started;
                    }
                }
                State::Sending(pending) => match Pin::new(pending).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(mut response)) => {
                        let status = response.status();
                        let headers = std::mem::take(response.headers_mut());
                        let body = http_body_util::BodyExt::collect(reqwest::Body::from(response));
                        self.state = State::Reading {
                            status,
                            headers,
                            body,
                        };
                    }
                    Poll::Ready(Err(err)) => {
                        if let Some(result) = self.after_transport_error(err) {
                            return Poll::Ready(result);
                        }
                    }
                },
                State::Reading {
                    status,
                    headers,
                    body,
                } => match Pin::new(body).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(collected)) => {
                        let raw = RawResponse {
                            status: *status,
                            headers: std::mem::take(headers),
                            body: collected.to_bytes(),
                        };
                        if let Some(result) = self.after_response(raw) {
                            return Poll::Ready(result);
                        }
                    }
                    Poll::Ready(Err(err)) => {
                        if let Some(result) = self.after_transport_error(err) {
                            return Poll::Ready(result);
                        }
                    }
                },
                State::Waiting(sleep) => {
                    if sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    if let Err(e) = self.retry() {
                        return Poll::Ready(Err(e));
                    }
                }
                State::Done => return Poll::Pending,
            }
        }
    }

    /// Starts the next attempt with the given URL and headers.
    fn start_attempt(&mut self, request: (Url, HeaderMap)) {
        let inner = &*self.client.inner;
        self.attempt += 1;
        self.attempt_span =
            tracing::debug_span!(parent: &self.span, "attempt", number = self.attempt);
        self.attempt_started = Instant::now();
        let request = inner.request(&self.prepared, request, self.timeout);
        let mut http = &inner.http;
        self.state = State::Sending(tower_service::Service::call(&mut http, request));
    }

    /// Starts a retry: the URL and headers are built again from the same inputs as the first
    /// attempt's, which were valid.
    fn retry(&mut self) -> Result<(), Error<E>> {
        match self.client.inner.build(&self.prepared) {
            Ok(request) => {
                self.start_attempt(request);
                Ok(())
            }
            Err(e) => {
                self.finish(None);
                Err(Error::InvalidRequest(e))
            }
        }
    }

    /// Waits `delay` before the next attempt, outside the span of the attempt that failed.
    fn wait(&mut self, delay: Duration) {
        self.attempt_span = tracing::Span::none();
        self.state = State::Waiting(Box::pin(tokio::time::sleep(delay)));
    }

    /// Records the end of the call on its span.
    fn finish(&mut self, status: Option<StatusCode>) {
        self.state = State::Done;
        self.span.record("attempts", self.attempt);
        if let Some(status) = status {
            self.span.record("status", status.as_u16());
        }
        self.span
            .record("duration_ms", millis(self.started.elapsed()));
    }

    /// Retries after a retryable status (returning `None`), or decodes the response.
    fn after_response(&mut self, raw: RawResponse) -> Option<Result<Response<T>, Error<E>>> {
        let attempt = self.attempt;
        if attempt <= self.max_retries && should_retry_status(&self.prepared.method, raw.status) {
            match self
                .client
                .inner
                .retry_policy
                .delay_for(attempt, Some(&raw.headers))
            {
                Some(delay) => {
                    tracing::debug!(
                        attempt,
                        status = raw.status.as_u16(),
                        delay_ms = millis(delay),
                        "retrying after a retryable response"
                    );
                    self.wait(delay);
                    return None;
                }
                None => tracing::debug!(
                    attempt,
                    status = raw.status.as_u16(),
                    "not retrying: Retry-After exceeds max_retry_after"
                ),
            }
        }
        self.finish(Some(raw.status));
        Some(finish(raw, self.decode))
    }

    /// Retries after a retryable transport error (returning `None`), or returns the error.
    fn after_transport_error(
        &mut self,
        err: reqwest::Error,
    ) -> Option<Result<Response<T>, Error<E>>> {
        let attempt = self.attempt;
        if attempt <= self.max_retries && should_retry_transport(&self.prepared.method, &err) {
            let delay = self.client.inner.retry_policy.backoff(attempt);
            tracing::debug!(
                attempt,
                timeout = err.is_timeout(),
                connect = err.is_connect(),
                delay_ms = millis(delay),
                "retrying after a transport error"
            );
            self.wait(delay);
            return None;
        }
        self.finish(None);
        let elapsed = self.attempt_started.elapsed();
        Some(Err(self.client.inner.transport_error(
            err,
            &self.prepared,
            self.timeout,
            elapsed,
        )))
    }
}

/// A validated request, possibly sent several times. The URL and headers of the first attempt are
/// built by [`ClientInner::prepare`] and moved into it; a retry builds them again from these parts
/// (so an attempt that is not retried copies nothing).
struct Prepared {
    operation_id: &'static str,
    method: Method,
    path_template: &'static str,
    path: String,
    query: Vec<(String, String)>,
    header_params: Vec<(&'static str, String)>,
    cookies: Vec<(&'static str, String)>,
    extra_headers: Vec<(String, String)>,
    /// The body's `Content-Type`, with the body encoded once.
    content_type: Option<HeaderValue>,
    body: Option<Bytes>,
}

/// Whether a path segment is `.` or `..`, each dot possibly written `%2e` / `%2E` (without
/// allocating: this runs on every segment of every request).
fn is_dot_segment(segment: &str) -> bool {
    fn strip_dot(s: &str) -> Option<&str> {
        s.strip_prefix('.').or_else(|| match s.as_bytes() {
            [b'%', b'2', b'e' | b'E', ..] => Some(&s[3..]),
            _ => None,
        })
    }
    match strip_dot(segment) {
        Some("") => true,
        Some(rest) => strip_dot(rest) == Some(""),
        None => false,
    }
}

fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let name =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| "invalid header name".to_owned())?;
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        "the value contains characters not allowed in an HTTP header \
         (control characters such as CR or LF)"
            .to_owned()
    })?;
    if SENSITIVE_HEADERS.contains(&name.as_str()) {
        value.set_sensitive(true);
    }
    Ok((name, value))
}

impl ClientInner {
    /// Validates and encodes the request, and builds the URL and headers of its first attempt.
    fn prepare(
        &self,
        parts: RequestParts,
        extra_headers: Vec<(String, String)>,
    ) -> Result<(Prepared, (Url, HeaderMap)), InvalidRequest> {
        let RequestParts {
            operation_id,
            method,
            path_template,
            path,
            query,
            headers: header_params,
            cookies,
            body,
        } = parts;
        let mut prepared = Prepared {
            operation_id,
            method,
            path_template,
            path,
            query,
            header_params,
            cookies,
            extra_headers,
            content_type: None,
            body: None,
        };
        // The checks run in this order: path, body, header parameters, cookies, extra headers.
        let url = self.display_url(&prepared)?;
        if let Some((data, content_type)) = body.encode()? {
            prepared.body = Some(data);
            prepared.content_type = Some(content_type);
        }
        let first = self.finish_build(&prepared, url)?;
        Ok((prepared, first))
    }

    /// The request URL as shown in errors (without a query-string API key).
    fn display_url(&self, prepared: &Prepared) -> Result<Url, InvalidRequest> {
        let path = &prepared.path;
        // WHATWG URL parsing removes `.`/`..` segments (also when written `%2E`), which would
        // silently send the request to another resource.
        if path.split('/').any(is_dot_segment) {
            return Err(InvalidRequest::new(
                "path",
                "a path parameter must not be `.` or `..`",
            ));
        }
        let base_path = self.base.path().trim_end_matches('/');
        let separator = if path.starts_with('/') { "" } else { "/" };
        let mut url = self.base.clone();
        url.set_path(&[base_path, separator, path].concat());
        if !prepared.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&prepared.query);
        }
        Ok(url)
    }

    /// The URL and headers of one attempt.
    fn build(&self, prepared: &Prepared) -> Result<(Url, HeaderMap), InvalidRequest> {
        let url = self.display_url(prepared)?;
        self.finish_build(prepared, url)
    }

    /// Adds the credentials to the URL from [`ClientInner::display_url`] and builds the headers.
    fn finish_build(
        &self,
        prepared: &Prepared,
        mut url: Url,
    ) -> Result<(Url, HeaderMap), InvalidRequest> {
        // Room for the defaults plus authorization, content type and cookie, so that the map
        // is allocated once.
        let mut headers = HeaderMap::with_capacity(
            self.default_headers.len()
                + 3
                + prepared.header_params.len()
                + prepared.extra_headers.len(),
        );
        for (name, value) in &self.default_headers {
            headers.append(name.clone(), value.clone());
        }
        let mut cookie_header = String::new();
        match &self.auth {
            PreparedAuth::None => {}
            PreparedAuth::Header(name, value) => {
                headers.insert(name.clone(), value.clone());
            }
            PreparedAuth::Query(name, key) => {
                url.query_pairs_mut().append_pair(name, key.expose_secret());
            }
            PreparedAuth::Cookie(pair) => cookie_header.push_str(pair),
        }

        match &prepared.content_type {
            Some(content_type) => {
                headers.insert(reqwest::header::CONTENT_TYPE, content_type.clone());
            }
            None => {
                if matches!(prepared.method, Method::POST | Method::PUT | Method::PATCH) {
                    // Some proxies answer `411 Length Required` to a body-less POST without it.
                    headers.insert(
                        reqwest::header::CONTENT_LENGTH,
                        HeaderValue::from_static("0"),
                    );
                }
            }
        }

        for (name, value) in &prepared.header_params {
            let (name, value) =
                parse_header(name, value).map_err(|reason| InvalidRequest::new(*name, reason))?;
            headers.insert(name, value);
        }

        for (name, value) in &prepared.cookies {
            check_cookie_name(name)?;
            if !cookie_header.is_empty() {
                cookie_header.push_str("; ");
            }
            cookie_header.push_str(name);
            cookie_header.push('=');
            cookie_header.extend(utf8_percent_encode(value, COOKIE_VALUE));
        }
        if !cookie_header.is_empty() {
            let mut value = HeaderValue::from_str(&cookie_header)
                .map_err(|_| InvalidRequest::new("cookie", "invalid cookie header"))?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::COOKIE, value);
        }

        for (name, value) in &prepared.extra_headers {
            let (name, value) = parse_header(name, value)
                .map_err(|reason| InvalidRequest::new(name.as_str(), reason))?;
            headers.insert(name, value);
        }

        Ok((url, headers))
    }

    /// The reqwest request of one attempt. Built directly rather than with `RequestBuilder`,
    /// which would copy the header map.
    fn request(
        &self,
        prepared: &Prepared,
        (url, headers): (Url, HeaderMap),
        timeout: Duration,
    ) -> reqwest::Request {
        let mut request = reqwest::Request::new(prepared.method.clone(), url);
        *request.headers_mut() = headers;
        *request.timeout_mut() = Some(timeout);
        if let Some(body) = &prepared.body {
            *request.body_mut() = Some(body.clone().into());
        }
        request
    }

    fn transport_error<E>(
        &self,
        err: reqwest::Error,
        prepared: &Prepared,
        timeout: Duration,
        elapsed: Duration,
    ) -> Error<E> {
        if err.is_timeout() {
            return Error::Timeout { timeout, elapsed };
        }
        let err = match (&self.auth, err.url().is_some()) {
            (PreparedAuth::Query(..), true) => match self.display_url(prepared) {
                Ok(url) => err.with_url(url),
                Err(_) => err.without_url(),
            },
            _ => err,
        };
        Error::Transport(err)
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn finish<T, E>(raw: RawResponse, decode: Decoder<T, E>) -> Result<Response<T>, Error<E>> {
    match decode(&raw) {
        Outcome::Success(value) => Ok(Response {
            status: raw.status,
            headers: raw.headers,
            value,
        }),
        Outcome::ApiError(error) => Err(Error::Api(Box::new(ApiError {
            status: raw.status,
            headers: raw.headers,
            body: raw.body,
            error,
        }))),
        Outcome::Unexpected(reason) => {
            Err(Error::UnexpectedResponse(Box::new(UnexpectedResponse {
                status: raw.status,
                headers: raw.headers,
                body: raw.body,
                reason,
            })))
        }
    }
}

// -------------------------------------------------------------------------------------------------
// Errors
// -------------------------------------------------------------------------------------------------

/// The code and message of a documented error; implemented by every generated error type.
pub trait ErrorDetails {
    /// The machine-readable error code, if the body has one.
    fn code(&self) -> Option<&str>;
    /// The human-readable message, if the body has one.
    fn message(&self) -> Option<&str>;
}

impl ErrorDetails for std::convert::Infallible {
    fn code(&self) -> Option<&str> {
        match *self {}
    }
    fn message(&self) -> Option<&str> {
        match *self {}
    }
}

impl ErrorDetails for () {
    fn code(&self) -> Option<&str> {
        None
    }
    fn message(&self) -> Option<&str> {
        None
    }
}

impl ErrorDetails for serde_json::Value {
    fn code(&self) -> Option<&str> {
        self.get("code")
            .or_else(|| self.get("error"))
            .and_then(serde_json::Value::as_str)
    }
    fn message(&self) -> Option<&str> {
        self.get("message").and_then(serde_json::Value::as_str)
    }
}

/// The error of a failed call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request failed client-side validation and was not sent.
    InvalidRequest(InvalidRequest),
    /// The request could not be sent or the response could not be read (connection refused, TLS,
    /// reset...).
    Transport(reqwest::Error),
    /// An attempt did not complete in time (after any retries).
    Timeout {
        /// The configured per-attempt timeout.
        timeout: Duration,
        /// How long the last attempt ran.
        elapsed: Duration,
    },
    /// The server answered with an error response documented for this operation (boxed to keep
    /// `Error` small).
    Api(Box<ApiError<E>>),
    /// The server answered with a status or body that the API description does not document (boxed
    /// to keep `Error` small).
    UnexpectedResponse(Box<UnexpectedResponse>),
}

impl<E: ErrorDetails> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(e) => e.fmt(f),
            Self::Transport(e) => write!(f, "transport error: {e}"),
            Self::Timeout { timeout, elapsed } => write!(
                f,
                "request timed out after {} ms (timeout {} ms)",
                elapsed.as_millis(),
                timeout.as_millis()
            ),
            Self::Api(e) => e.fmt(f),
            Self::UnexpectedResponse(e) => e.fmt(f),
        }
    }
}

impl<E: ErrorDetails + fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The reqwest error's own text is part of our message; continue the chain below it.
            Self::Transport(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

impl<E> From<InvalidRequest> for Error<E> {
    fn from(e: InvalidRequest) -> Self {
        Self::InvalidRequest(e)
    }
}

impl<E: ErrorDetails> Error<E> {
    /// The error code of a documented error response.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.error.code(),
            _ => None,
        }
    }

    /// The message of a documented error response.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.error.message(),
            _ => None,
        }
    }
}

impl<E> Error<E> {
    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::UnexpectedResponse(e) => Some(e.status),
            Self::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// The response headers, if the server answered.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Self::Api(e) => Some(&e.headers),
            Self::UnexpectedResponse(e) => Some(&e.headers),
            _ => None,
        }
    }

    /// The raw response body, if the server answered.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Self::Api(e) => Some(&e.body),
            Self::UnexpectedResponse(e) => Some(&e.body),
            _ => None,
        }
    }

    /// The request id sent back by the server, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.headers().and_then(request_id)
    }

    /// The typed error of a documented error response.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Self::Api(e) => Some(&e.error),
            _ => None,
        }
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether trying again later may succeed: timeouts, connection failures, `408`, `429` and
    /// `5xx`. (The automatic retries have already been used up when a call returns this error.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::InvalidRequest(_) => false,
            Self::Transport(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            Self::Timeout { .. } => true,
            Self::Api(e) => is_retryable_status(e.status),
            Self::UnexpectedResponse(e) => is_retryable_status(e.status),
        }
    }
}

/// A documented error response.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// The decoded error.
    pub error: E,
}

impl<E: ErrorDetails> ApiError<E> {
    /// The error code, if any.
    pub fn code(&self) -> Option<&str> {
        self.error.code()
    }

    /// The message, if any.
    pub fn message(&self) -> Option<&str> {
        self.error.message()
    }
}

impl<E> ApiError<E> {
    /// The request id sent back by the server, if any.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

impl<E: ErrorDetails> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(code) = self.error.code() {
            write!(f, ": {code}")?;
        }
        if let Some(message) = self.error.message() {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl<E: ErrorDetails + fmt::Debug> std::error::Error for ApiError<E> {}

/// A response the API description does not account for: an undocumented status, or a body that does
/// not match the documented schema.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct UnexpectedResponse {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// Why the response was not accepted.
    pub reason: String,
}

impl UnexpectedResponse {
    /// The request id sent back by the server, if any.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const EXCERPT: usize = 200;
        write!(f, "unexpected response ({}): {}", self.status, self.reason)?;
        if !self.body.is_empty() {
            let end = self.body.len().min(EXCERPT);
            let excerpt = String::from_utf8_lossy(&self.body[..end]);
            let ellipsis = if self.body.len() > EXCERPT { "…" } else { "" };
            write!(f, "; body: {excerpt:?}{ellipsis}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnexpectedResponse {}

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

/// A request that was rejected before being sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRequest {
    /// The offending field, by its JSON name (`linkTitle`, `body.linkMeta.foo`), or a parameter
    /// name.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid request: {}: {}", self.field, self.reason)
    }
}

impl std::error::Error for InvalidRequest {}

impl InvalidRequest {
    /// A new validation error.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Client-side validation of the constraints in the API description.
///
/// `path` is the location of `self` in the request (e.g. `body` or `body.linkMeta`);
/// implementations report errors for `join_path(path, "fieldName")`. The default method accepts
/// everything.
pub trait Validate {
    /// Checks `self`, located at `path`.
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        let _ = path;
        Ok(())
    }
}

/// `parent.child`, or `child` when `parent` is empty.
pub fn join_path(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

/// `parent[index]`.
pub fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

macro_rules! validate_always_ok {
    ($($ty:ty),* $(,)?) => {
        $(impl Validate for $ty {})*
    };
}

validate_always_ok!(
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    (),
    String,
    str,
    serde_json::Value,
    Bytes,
);

impl<T: Validate + ?Sized> Validate for &T {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        (**self).validate(path)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        (**self).validate(path)
    }
}

impl<T: Validate + ?Sized> Validate for Arc<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        (**self).validate(path)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        match self {
            Some(value) => value.validate(path),
            None => Ok(()),
        }
    }
}

impl<T: Validate> Validate for Nullable<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        match self {
            Nullable::Value(value) => value.validate(path),
            _ => Ok(()),
        }
    }
}

impl<T: Validate> Validate for [T] {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        self.iter()
            .enumerate()
            .try_for_each(|(i, item)| item.validate(&index_path(path, i)))
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        self.as_slice().validate(path)
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        self.iter()
            .try_for_each(|(key, value)| value.validate(&join_path(path, key)))
    }
}

impl<T: Validate, S: BuildHasher> Validate for HashMap<String, T, S> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        self.iter()
            .try_for_each(|(key, value)| value.validate(&join_path(path, key)))
    }
}

/// `minLength`: at least `min` characters (Unicode code points, as JSON Schema counts).
pub fn check_min_length(field: &str, value: &str, min: usize) -> Result<(), InvalidRequest> {
    // Byte length bounds the number of characters from above.
    if value.len() >= min.saturating_mul(4) {
        return Ok(());
    }
    let len = value.chars().count();
    if len < min {
        return Err(InvalidRequest::new(
            field,
            format!("must be at least {min} characters long (got {len})"),
        ));
    }
    Ok(())
}

/// `maxLength`: at most `max` characters (Unicode code points, as JSON Schema counts).
pub fn check_max_length(field: &str, value: &str, max: usize) -> Result<(), InvalidRequest> {
    if value.len() <= max {
        return Ok(());
    }
    let len = value.chars().count();
    if len > max {
        return Err(InvalidRequest::new(
            field,
            format!("must be at most {max} characters long (got {len})"),
        ));
    }
    Ok(())
}

/// `minItems`: at least `min` items.
pub fn check_min_items(field: &str, len: usize, min: usize) -> Result<(), InvalidRequest> {
    if len < min {
        return Err(InvalidRequest::new(
            field,
            format!("must have at least {min} items (got {len})"),
        ));
    }
    Ok(())
}

/// `maxItems`: at most `max` items.
pub fn check_max_items(field: &str, len: usize, max: usize) -> Result<(), InvalidRequest> {
    if len > max {
        return Err(InvalidRequest::new(
            field,
            format!("must have at most {max} items (got {len})"),
        ));
    }
    Ok(())
}

/// `uniqueItems`: no two items are equal.
pub fn check_unique_items<T: PartialEq>(field: &str, items: &[T]) -> Result<(), InvalidRequest> {
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            return Err(InvalidRequest::new(
                field,
                format!("must not contain duplicate items (item {i} repeats an earlier one)"),
            ));
        }
    }
    Ok(())
}

/// `minimum`: `value >= bound` (NaN fails).
pub fn check_minimum(field: &str, value: f64, bound: f64) -> Result<(), InvalidRequest> {
    if value >= bound {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            field,
            format!("must be >= {bound} (got {value})"),
        ))
    }
}

/// `maximum`: `value <= bound` (NaN fails).
pub fn check_maximum(field: &str, value: f64, bound: f64) -> Result<(), InvalidRequest> {
    if value <= bound {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            field,
            format!("must be <= {bound} (got {value})"),
        ))
    }
}

/// `exclusiveMinimum`: `value > bound` (NaN fails).
pub fn check_exclusive_minimum(field: &str, value: f64, bound: f64) -> Result<(), InvalidRequest> {
    if value > bound {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            field,
            format!("must be > {bound} (got {value})"),
        ))
    }
}

/// `exclusiveMaximum`: `value < bound` (NaN fails).
pub fn check_exclusive_maximum(field: &str, value: f64, bound: f64) -> Result<(), InvalidRequest> {
    if value < bound {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            field,
            format!("must be < {bound} (got {value})"),
        ))
    }
}

/// `multipleOf`: `value / factor` is an integer (within floating-point tolerance).
pub fn check_multiple_of(field: &str, value: f64, factor: f64) -> Result<(), InvalidRequest> {
    let quotient = value / factor;
    if factor > 0.0
        && quotient.is_finite()
        && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
    {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            field,
            format!("must be a multiple of {factor} (got {value})"),
        ))
    }
}

/// The value can be sent in an HTTP header: no CR, LF, NUL or other control characters except tab
/// (bytes above 0x7F are sent as-is, as RFC 9110 `obs-text`).
pub fn check_header_value(field: &str, value: &str) -> Result<(), InvalidRequest> {
    HeaderValue::from_str(value).map(drop).map_err(|_| {
        InvalidRequest::new(
            field,
            "contains characters not allowed in an HTTP header \
             (control characters such as CR or LF)",
        )
    })
}

/// A path parameter is usable: not empty, and not `.` or `..` (which URL parsers remove).
pub fn check_path_param(field: &str, value: &str) -> Result<(), InvalidRequest> {
    if value.is_empty() {
        return Err(InvalidRequest::new(field, "must not be empty"));
    }
    if value == "." || value == ".." {
        return Err(InvalidRequest::new(field, "must not be `.` or `..`"));
    }
    Ok(())
}

fn check_cookie_name(name: &str) -> Result<(), InvalidRequest> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(InvalidRequest::new(name, "invalid cookie name"))
    }
}

// -------------------------------------------------------------------------------------------------
// Nullable
// -------------------------------------------------------------------------------------------------

/// A field that can be absent, explicitly `null`, or a value: what a partial update needs to tell
/// "leave unchanged" from "clear".
///
/// Declare fields as
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")] field: Nullable<T>`.
/// `Absent` is then omitted, `Null` is written as `null`, and reading `null` gives `Null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// Not present (not serialized).
    #[default]
    Absent,
    /// Explicitly `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the field is explicitly `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether the field holds a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(v) => Nullable::Value(v),
        }
    }

    /// Mutably borrows the value.
    pub fn as_mut(&mut self) -> Nullable<&mut T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(v) => Nullable::Value(v),
        }
    }

    /// The value, if any (`Absent` and `Null` both give `None`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// A reference to the value, if any.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Transforms the value, keeping `Absent` and `Null`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(v) => Nullable::Value(f(v)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

/// So a setter of a nullable string field takes a literal: `.link_title("Checkout bug")`.
impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Self::Value(value.to_owned())
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes `Null` (an explicit clear), `Some(v)` becomes `Value(v)`.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Self::Value(v),
            None => Self::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => serializer.serialize_some(v),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

// -------------------------------------------------------------------------------------------------
// Path and query encoding
// -------------------------------------------------------------------------------------------------

/// Percent-encodes one path segment: everything except RFC 3986 unreserved characters (`A-Z a-z 0-9
/// - . _ ~`), so `a/b` becomes `a%2Fb`. A segment that is exactly `.` or `..` is written `%2E` /
/// `%2E%2E`; sending it is still refused (URL parsers treat it as a dot segment), see
/// [`check_path_param`].
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_path_segment(&mut out, value);
    out
}

/// Appends one path segment to `path`, percent-encoded as by [`encode_path_segment`] but without
/// an intermediate `String`.
pub fn push_path_segment(path: &mut String, value: &str) {
    match value {
        "." => path.push_str("%2E"),
        ".." => path.push_str("%2E%2E"),
        _ => path.extend(utf8_percent_encode(value, PATH_SEGMENT)),
    }
}

/// How an array query parameter is written (OpenAPI `style` and `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArrayStyle {
    /// `style: form, explode: true`: `id=1&id=2` (the OpenAPI default).
    FormExplode,
    /// `style: form, explode: false`: `id=1,2`.
    Form,
    /// `style: spaceDelimited`: `id=1 2`.
    SpaceDelimited,
    /// `style: pipeDelimited`: `id=1|2`.
    PipeDelimited,
    /// Bracket notation: `id[]=1&id[]=2`.
    Brackets,
    /// Indexed bracket notation: `id[0]=1&id[1]=2`.
    Indexed,
}

/// Collects query parameters; the values are percent-encoded when the URL is built.
///
/// ```text
/// let mut query = QueryWriter::new();
/// query
///     .push("page", 1)
///     .push_opt("per_page", per_page)
///     .push_array("id", &ids, ArrayStyle::FormExplode);
/// let pairs = query.finish();
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryWriter {
    pairs: Vec<(String, String)>,
}

impl QueryWriter {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name=value`.
    pub fn push(&mut self, name: &str, value: impl fmt::Display) -> &mut Self {
        self.pairs.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds `name=value` if `value` is `Some`.
    pub fn push_opt<V: fmt::Display>(&mut self, name: &str, value: Option<V>) -> &mut Self {
        if let Some(value) = value {
            self.push(name, value);
        }
        self
    }

    /// Adds an array. An empty array adds nothing.
    pub fn push_array<I>(&mut self, name: &str, values: I, style: ArrayStyle) -> &mut Self
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        let values = values.into_iter().map(|v| v.to_string());
        let delimiter = match style {
            ArrayStyle::FormExplode => {
                self.pairs.extend(values.map(|v| (name.to_owned(), v)));
                return self;
            }
            ArrayStyle::Brackets => {
                let key = format!("{name}[]");
                self.pairs.extend(values.map(|v| (key.clone(), v)));
                return self;
            }
            ArrayStyle::Indexed => {
                self.pairs
                    .extend(values.enumerate().map(|(i, v)| (format!("{name}[{i}]"), v)));
                return self;
            }
            ArrayStyle::Form => ",",
            ArrayStyle::SpaceDelimited => " ",
            ArrayStyle::PipeDelimited => "|",
        };
        let joined = values.collect::<Vec<_>>();
        if !joined.is_empty() {
            self.pairs.push((name.to_owned(), joined.join(delimiter)));
        }
        self
    }

    /// Adds an object in `style: deepObject`: `name[key]=value` for each member.
    pub fn push_deep_object<I, K, V>(&mut self, name: &str, members: I) -> &mut Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: fmt::Display,
        V: fmt::Display,
    {
        self.pairs.extend(
            members
                .into_iter()
                .map(|(k, v)| (format!("{name}[{k}]"), v.to_string())),
        );
        self
    }

    /// Adds an object in `style: form, explode: true`: each member as its own parameter.
    pub fn push_form_object<I, K, V>(&mut self, members: I) -> &mut Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: fmt::Display,
        V: fmt::Display,
    {
        self.pairs.extend(
            members
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        self
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The collected `(name, value)` pairs, for [`RequestParts::query`].
    pub fn finish(self) -> Vec<(String, String)> {
        self.pairs
    }
}

// -------------------------------------------------------------------------------------------------
// Pagination
// -------------------------------------------------------------------------------------------------

/// One page of results, and the state to fetch the next one (`None` on the last page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<S, T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The state for the next page, or `None` if this is the last.
    pub next: Option<S>,
}

impl<S, T> Page<S, T> {
    /// A page.
    pub fn new(items: Vec<T>, next: Option<S>) -> Self {
        Self { items, next }
    }
}

struct PageState<S, T, F> {
    fetch: F,
    next: Option<S>,
    buffer: std::vec::IntoIter<T>,
    pages: usize,
    max_pages: usize,
}

/// Streams the items of successive pages: `fetch(state)` returns a page and the state for the next
/// one.
///
/// The stream ends after a page whose `next` is `None`, at an empty page, after yielding an error,
/// or after `max_pages` pages (a safety bound against endless pagination; [`DEFAULT_MAX_PAGES`] is
/// a sensible value). The stream is `Unpin`, so `stream.next().await` ([`StreamExt::next`]) works
/// directly.
pub fn paginate<S, T, E, F, Fut>(
    initial: S,
    max_pages: usize,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin
where
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Result<Page<S, T>, Error<E>>>,
{
    let state = PageState {
        fetch,
        next: Some(initial),
        buffer: Vec::new().into_iter(),
        pages: 0,
        max_pages,
    };
    Box::pin(futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.next() {
                return Some((Ok(item), st));
            }
            if st.pages >= st.max_pages {
                return None;
            }
            let next = st.next.take()?;
            match (st.fetch)(next).await {
                Ok(page) => {
                    st.pages += 1;
                    if page.items.is_empty() {
                        return None;
                    }
                    st.next = page.next;
                    st.buffer = page.items.into_iter();
                }
                // `next` is now `None`, so the stream ends after the error.
                Err(e) => return Some((Err(e), st)),
            }
        }
    }))
}

// -------------------------------------------------------------------------------------------------
// Helpers
// -------------------------------------------------------------------------------------------------

/// `user:password` in base64; a key without `:` is the user name with an empty password.
fn basic_credentials(key: &str) -> String {
    if key.contains(':') {
        base64_encode(key.as_bytes())
    } else {
        base64_encode(format!("{key}:").as_bytes())
    }
}

fn base64_encode(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b0 = chunk[0];
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        out.push(char::from(TABLE[(n >> 18) as usize & 63]));
        out.push(char::from(TABLE[(n >> 12) as usize & 63]));
        out.push(if chunk.len() > 1 {
            char::from(TABLE[(n >> 6) as usize & 63])
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            char::from(TABLE[n as usize & 63])
        } else {
            '='
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Support for generated code: small helpers the emitted decoders and request builders call.
// ---------------------------------------------------------------------------------------------

/// Decodes a JSON body, or says why it could not be decoded (the reason ends up in
/// [`UnexpectedResponse`], next to the raw body).
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body)
        .map_err(|e| format!("the body is not the JSON the spec describes: {e}"))
}

/// Decodes a `text/*` body.
pub fn decode_text(body: &[u8]) -> Result<String, String> {
    std::str::from_utf8(body)
        .map(str::to_owned)
        .map_err(|e| format!("the body is not UTF-8 text: {e}"))
}

/// Decoder arm for a JSON success body.
pub fn json_success<T: DeserializeOwned, E>(body: &[u8]) -> Outcome<T, E> {
    match decode_json(body) {
        Ok(value) => Outcome::Success(value),
        Err(reason) => Outcome::Unexpected(reason),
    }
}

/// Decoder arm for a `text/*` success body.
pub fn text_success<E>(body: &[u8]) -> Outcome<String, E> {
    match decode_text(body) {
        Ok(value) => Outcome::Success(value),
        Err(reason) => Outcome::Unexpected(reason),
    }
}

/// Decoder arm for a declared error status with a JSON body: decodes `B` and wraps it in the
/// operation's error variant.
pub fn json_error<T, E, B: DeserializeOwned>(
    body: &[u8],
    wrap: impl FnOnce(B) -> E,
) -> Outcome<T, E> {
    match decode_json(body) {
        Ok(value) => Outcome::ApiError(wrap(value)),
        Err(reason) => Outcome::Unexpected(reason),
    }
}

/// Decoder arm for a declared error status with a `text/*` body.
pub fn text_error<T, E>(body: &[u8], wrap: impl FnOnce(String) -> E) -> Outcome<T, E> {
    match decode_text(body) {
        Ok(value) => Outcome::ApiError(wrap(value)),
        Err(reason) => Outcome::Unexpected(reason),
    }
}

/// A parameter value as text: strings as they are (`"name_ascending"`, not its JSON form with
/// quotes), other values as JSON.
pub fn param_text<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Implements `Display`, `FromStr` and serde for a generated string enum from its `as_str` and
/// `From<&str>` (which carry the spec's values): the same few lines for every enum, kept here
/// rather than repeated in every generated file.
#[allow(unused_macros)]
macro_rules! impl_string_enum {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                Ok(Self::from(value.as_ref()))
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use impl_string_enum;

/// Implements `Display` (`Kind (CODE): message`) and `std::error::Error` for a generated error
/// enum from its `kind()` and [`ErrorDetails`].
#[allow(unused_macros)]
macro_rules! impl_error_display {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.kind())?;
                if let Some(code) = $crate::runtime::ErrorDetails::code(self) {
                    write!(f, " ({code})")?;
                }
                if let Some(message) = $crate::runtime::ErrorDetails::message(self) {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
        }

        impl ::std::error::Error for $name {}
    };
}
#[allow(unused_imports)]
pub(crate) use impl_error_display;

impl RequestBody {
    /// An `application/x-www-form-urlencoded` body from any serialisable struct or map: strings as
    /// they are, other scalars as JSON text, arrays as repeated keys, nested objects as JSON.
    pub fn form<T: Serialize + ?Sized>(value: &T) -> Result<Self, InvalidRequest> {
        let json = serde_json::to_value(value)
            .map_err(|e| InvalidRequest::new("body", format!("cannot be serialised: {e}")))?;
        let serde_json::Value::Object(map) = json else {
            return Err(InvalidRequest::new("body", "a form body must be an object"));
        };
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut fields = Vec::with_capacity(map.len());
        for (key, value) in &map {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => {
                    fields.extend(items.iter().map(|item| (key.clone(), text(item))));
                }
                other => fields.push((key.clone(), text(other))),
            }
        }
        Ok(Self::Form(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_future_starts_nothing_before_its_first_poll_and_stays_pending_after_its_result() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("client");
        let decode: Decoder<(), std::convert::Infallible> = |_| Outcome::Success(());
        let parts = RequestParts::for_template("op", Method::GET, "/x/{id}", &[("id", "1")])
            .expect("parts");
        // Created and dropped outside any async runtime: building the request must not start
        // anything that needs one (reqwest's timeout timer would panic here).
        drop(Call::new(&client, Ok(parts), decode).send_with_response());

        let invalid = Err(InvalidRequest::new("id", "must not be empty"));
        let mut future = Call::new(&client, invalid, decode).send_with_response();
        let mut cx = std::task::Context::from_waker(futures_util::task::noop_waker_ref());
        match Pin::new(&mut future).poll(&mut cx) {
            std::task::Poll::Ready(Err(Error::InvalidRequest(e))) => {
                assert_eq!(e.to_string(), "invalid request: id: must not be empty");
            }
            other => panic!(
                "expected the invalid request, got {:?}",
                other.map(|r| r.is_ok())
            ),
        }
        assert!(Pin::new(&mut future).poll(&mut cx).is_pending());
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64_encode(input.as_bytes()), expected);
        }
    }

    #[test]
    fn dot_segments_are_detected() {
        for s in [".", "..", "%2e", "%2E%2e", ".%2E", "%2e."] {
            assert!(is_dot_segment(s), "{s}");
        }
        for s in [
            "...",
            "a.",
            "%2e%2e%2e",
            "",
            "x",
            "%2",
            "%2f",
            ".%2",
            "%2%2ee",
            "é.",
        ] {
            assert!(!is_dot_segment(s), "{s}");
        }
    }

    #[test]
    fn build_errors_say_what_is_wrong_and_never_carry_a_source_they_do_not_have() {
        use std::error::Error as _;
        let missing = BuildError::MissingEnvVar { name: "X_API_KEY" };
        assert_eq!(
            missing.to_string(),
            "environment variable X_API_KEY is not set"
        );
        assert!(missing.source().is_none());
        let header = BuildError::InvalidHeader {
            name: "x-a".into(),
            reason: "bad".into(),
        };
        assert_eq!(header.to_string(), "invalid header `x-a`: bad");
        let invalid = InvalidRequest::new("linkId", "must not be empty");
        assert_eq!(
            invalid.to_string(),
            "invalid request: linkId: must not be empty"
        );
    }

    #[test]
    fn fill_path_encodes_each_listed_parameter_into_its_own_segment() {
        let params = [("ws", "a/b"), ("id", "../x"), ("q", "é ?")];
        assert_eq!(
            fill_path("/w/{ws}/l/{id}/{q}", &params).unwrap(),
            "/w/a%2Fb/l/..%2Fx/%C3%A9%20%3F"
        );
        // A `{name}` that is not a parameter, and an unclosed brace, are kept as written.
        assert_eq!(
            fill_path("/a/{other}/{ws}", &params).unwrap(),
            "/a/{other}/a%2Fb"
        );
        assert_eq!(fill_path("/a/{ws", &params).unwrap(), "/a/{ws");
        assert_eq!(fill_path("/plain", &[]).unwrap(), "/plain");
        for bad in ["", ".", ".."] {
            let err = fill_path("/x/{id}", &[("id", bad)]).unwrap_err();
            assert_eq!(err.field, "id", "{bad:?}");
        }
    }

    #[test]
    fn form_encoding() {
        let fields = vec![
            ("a b".to_owned(), "x&y=z~*".to_owned()),
            ("é".to_owned(), String::new()),
        ];
        assert_eq!(form_urlencode(&fields), "a+b=x%26y%3Dz%7E*&%C3%A9=");
    }

    #[test]
    fn multipart_encoding() {
        let fields = vec![
            MultipartField::text("title", "hi"),
            MultipartField::file("file", "a\"b.txt", Bytes::from_static(b"data"))
                .content_type("text/plain"),
        ];
        let (body, content_type) = encode_multipart(&fields).unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhi\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"a%22b.txt\"\r\n\
             Content-Type: text/plain\r\n\r\ndata\r\n--{boundary}--\r\n"
        );
        assert_eq!(std::str::from_utf8(&body).unwrap(), expected);
        let bad = vec![MultipartField::text("x", "y").content_type("text/plain\r\nX: y")];
        assert!(encode_multipart(&bad).is_err());
    }
}

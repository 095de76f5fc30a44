//! [`ClientBuilder`]: the settings of a [`Client`], their defaults and their validation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::Url;

use super::auth::{choose, ApiKey, AuthPlacement, Credential, PreparedAuth, SchemeCredential};
use super::client::{Client, ClientInner};
use super::config::ApiConfig;
use super::credentials::{CredentialsProvider, ProviderState};
use super::hook::Hook;
use super::prepare::parse_header;
use super::retry::RetryPolicy;
use super::transport::Transport;

/// Default total timeout of one attempt (connect, send, and read the whole response): 60 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default timeout for establishing a connection: 10 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default number of retries after the first attempt: 2.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// Errors from [`ClientBuilder::build`] and [`ClientBuilder::with_env`].
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
    /// A credential was set for a scheme the API does not declare.
    UnknownAuthScheme {
        /// The name given.
        name: String,
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
            Self::UnknownAuthScheme { name } => write!(
                f,
                "the API description declares no security scheme named `{name}`"
            ),
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
    api: ApiConfig,
    base_url: Option<String>,
    api_key: Option<ApiKey>,
    /// Keys for schemes by name, and providers (`None`: the first scheme's).
    credentials: Vec<(String, ApiKey)>,
    providers: Vec<(Option<String>, Arc<dyn CredentialsProvider>)>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: Option<String>,
    default_headers: Vec<(String, String)>,
    max_retries: u32,
    retry_policy: RetryPolicy,
    http_client: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
    transport: Option<Arc<dyn Transport>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api", &self.api)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field(
                "credentials",
                &self
                    .credentials
                    .iter()
                    .map(|(name, key)| (name.as_str(), key))
                    .collect::<Vec<_>>(),
            )
            .field(
                "providers",
                &self
                    .providers
                    .iter()
                    .map(|(name, _)| name.as_deref())
                    .collect::<Vec<_>>(),
            )
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
            .field("hooks", &self.hooks.len())
            .field("transport", &self.transport.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// A builder for the API `api` describes, with default settings and no API key. (Generated
    /// crates call this from their `ClientBuilder::new`, `Client::builder` and `Client::new`.)
    pub fn for_api(api: ApiConfig) -> Self {
        Self {
            api,
            base_url: None,
            api_key: None,
            credentials: Vec::new(),
            providers: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            default_headers: Vec::new(),
            max_retries: DEFAULT_MAX_RETRIES,
            retry_policy: RetryPolicy::default(),
            http_client: None,
            hooks: Vec::new(),
            transport: None,
        }
    }

    /// Reads the API key from the variable [`ApiConfig::env_api_key`] names (required) and the
    /// base URL from [`ApiConfig::env_base_url`] (optional). Empty variables count as unset.
    pub fn with_env(self) -> Result<Self, BuildError> {
        let (key_var, url_var) = (self.api.env_api_key, self.api.env_base_url);
        let key = read_env(key_var)?.ok_or(BuildError::MissingEnvVar { name: key_var })?;
        let mut builder = self.api_key(key);
        if let Some(base_url) = read_env(url_var)? {
            normalize_base_url(&base_url).map_err(|e| BuildError::InvalidEnvVar {
                name: url_var,
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

    /// Sets the API key: the credential of the API's first security scheme (for an API with one
    /// scheme, its only one). For HTTP basic auth it is `user:password`. Ignored by an API that
    /// declares no scheme.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Sets the credential of the security scheme `scheme` (its name in the API description, such
    /// as `bearerAuth` or `apiKeyQuery`), for APIs with several. Each operation sends the first
    /// alternative of its security requirement that the client has credentials for. An unknown
    /// name makes [`ClientBuilder::build`] fail.
    #[must_use]
    pub fn credential(mut self, scheme: impl Into<String>, key: impl Into<ApiKey>) -> Self {
        self.credentials.push((scheme.into(), key.into()));
        self
    }

    /// Gets the first scheme's credential from `provider` (tokens that expire, such as OAuth2
    /// access tokens): fetched when first needed, again when it expires or the server answers
    /// `401` (then the call is sent once more), one fetch at a time. Takes precedence over
    /// [`ClientBuilder::api_key`]. See [`CredentialsProvider`].
    #[must_use]
    pub fn credentials_provider(mut self, provider: impl CredentialsProvider) -> Self {
        self.providers.push((None, Arc::new(provider)));
        self
    }

    /// Like [`ClientBuilder::credentials_provider`], for the scheme named `scheme`.
    #[must_use]
    pub fn credentials_provider_for(
        mut self,
        scheme: impl Into<String>,
        provider: impl CredentialsProvider,
    ) -> Self {
        self.providers
            .push((Some(scheme.into()), Arc::new(provider)));
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
    /// TLS). The per-request timeout, user agent, default headers, API key, hooks and retries
    /// still apply; the connect timeout does not, and its redirect policy is used as is (reqwest's
    /// default drops `Authorization` and `Cookie` on a cross-host redirect but not a key in another
    /// header: consider `reqwest::redirect::Policy::none()` for such APIs).
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adds a hook that sees (and may change) every attempt's request before it is sent and every
    /// response head before it is retried or decoded: signing, extra headers, metrics. Hooks run
    /// in the order they were added. See [`Hook`].
    #[must_use]
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Sends every attempt through `transport` instead of the HTTP client: an in-process fake in
    /// tests, or a middleware stack. It receives each attempt's finished request (credentials,
    /// headers and body applied) and sits below retries, timeouts and decoding, which run over it
    /// as they do over the network. See [`Transport`].
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let auth = self.credentials_by_scheme()?;
        let raw_base = self
            .base_url
            .unwrap_or_else(|| self.api.default_base_url.to_owned());
        let base = normalize_base_url(&raw_base)?;
        if self.timeout.is_zero() {
            return Err(BuildError::InvalidTimeout { name: "timeout" });
        }
        if self.connect_timeout.is_zero() {
            return Err(BuildError::InvalidTimeout {
                name: "connect timeout",
            });
        }
        let default_alternative = choose(self.api.security, |name| {
            auth.iter()
                .any(|s| s.scheme.name == name && s.credential.is_some())
        });
        // reqwest drops `Authorization` and `Cookie` on a cross-host redirect, not other headers.
        let header_credential = auth.iter().any(|s| {
            s.credential.is_some() && matches!(s.scheme.placement, AuthPlacement::Header(_))
        });

        let mut default_headers = HeaderMap::new();
        default_headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| self.api.user_agent.to_owned());
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
                .redirect(redirect_policy(header_credential))
                .build()
                .map_err(BuildError::Http)?,
        };

        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url: base.as_str().trim_end_matches('/').to_owned(),
                base,
                auth,
                default_alternative,
                default_headers,
                timeout: self.timeout,
                max_retries: self.max_retries,
                retry_policy: self.retry_policy,
                hooks: self.hooks,
                transport: self.transport,
            }),
        })
    }
}

impl ClientBuilder {
    /// Each scheme of the API with its credential: a provider for it, else a key for it by name,
    /// else (first scheme only) the provider or key set without a name.
    fn credentials_by_scheme(&self) -> Result<Vec<SchemeCredential>, BuildError> {
        let schemes = self.api.auth;
        let named = self
            .credentials
            .iter()
            .map(|(name, _)| name)
            .chain(self.providers.iter().filter_map(|(name, _)| name.as_ref()));
        for name in named {
            if !schemes.iter().any(|s| s.name == name) {
                return Err(BuildError::UnknownAuthScheme { name: name.clone() });
            }
        }
        let mut out = Vec::with_capacity(schemes.len());
        for (index, scheme) in schemes.iter().enumerate() {
            let provider = self.providers.iter().rev().find(|(name, _)| match name {
                Some(name) => name == scheme.name,
                None => index == 0,
            });
            let key = self
                .credentials
                .iter()
                .rev()
                .find(|(name, _)| name == scheme.name)
                .map(|(_, key)| key)
                .or(if index == 0 {
                    self.api_key.as_ref()
                } else {
                    None
                });
            let credential = match (provider, key) {
                (Some((_, provider)), _) => Some(Credential::Provider(Arc::new(
                    ProviderState::new(Arc::clone(provider), scheme.placement),
                ))),
                (None, Some(key)) => Some(Credential::Static(PreparedAuth::new(
                    scheme.placement,
                    Some(key),
                )?)),
                (None, None) => None,
            };
            out.push(SchemeCredential {
                scheme: *scheme,
                credential,
            });
        }
        Ok(out)
    }
}

/// Follows at most 10 redirects; never downgrades from `https` to `http`, and with a credential in
/// a custom header (which `reqwest` does not strip on cross-host redirects) never leaves the
/// original host.
fn redirect_policy(header_credential: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
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
        if cross_host && header_credential {
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

#[cfg(test)]
mod tests {
    use super::super::config::TEST_API;
    use super::super::InvalidRequest;

    #[test]
    fn the_api_config_supplies_the_default_base_url_and_user_agent() {
        let api = ApiConfig {
            default_base_url: "https://api.example.test/v2/",
            ..TEST_API
        };
        let client = ClientBuilder::for_api(api).build().expect("client");
        assert_eq!(client.base_url(), "https://api.example.test/v2");
        assert_eq!(
            client.inner.default_headers[reqwest::header::USER_AGENT],
            TEST_API.user_agent
        );
        assert!(
            format!("{client:?}")
                .contains(r#"name: "bearerAuth", placement: Bearer, credential: "none""#),
            "{client:?}"
        );
        // Without one, a base URL must be set.
        assert!(matches!(
            ClientBuilder::for_api(TEST_API).build(),
            Err(BuildError::EmptyBaseUrl)
        ));
    }

    #[test]
    fn with_env_reads_the_variables_the_api_config_names() {
        // Names no other test sets: the environment is shared by the test threads.
        let api = ApiConfig {
            env_api_key: "CLIENT_RUNTIME_UNIT_TEST_KEY",
            env_base_url: "CLIENT_RUNTIME_UNIT_TEST_URL",
            ..TEST_API
        };
        match ClientBuilder::for_api(api).with_env() {
            Err(BuildError::MissingEnvVar { name }) => assert_eq!(name, api.env_api_key),
            other => panic!("expected MissingEnvVar, got {other:?}"),
        }
        std::env::set_var(api.env_api_key, "secret");
        std::env::set_var(api.env_base_url, "http://127.0.0.1:9/base");
        let builder = ClientBuilder::for_api(api).with_env().expect("builder");
        assert_eq!(builder.base_url.as_deref(), Some("http://127.0.0.1:9/base"));
        assert_eq!(
            builder.api_key.as_ref().map(ApiKey::expose_secret),
            Some("secret")
        );
        std::env::set_var(api.env_base_url, "ftp://elsewhere");
        match ClientBuilder::for_api(api).with_env() {
            Err(BuildError::InvalidEnvVar { name, .. }) => assert_eq!(name, api.env_base_url),
            other => panic!("expected InvalidEnvVar, got {other:?}"),
        }
    }
    use super::*;

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
}

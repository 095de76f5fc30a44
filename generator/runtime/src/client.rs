//! [`Client`]: the configured, shareable handle every operation is called on.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};
use reqwest::Url;

use super::auth::{choose, Credential, SchemeCredential, Security};
use super::hook::Hook;
use super::retry::RetryPolicy;
use super::transport::Transport;

/// The API client. Cloning is cheap (the configuration and connection pool are shared), so create
/// one and reuse it. It is built by a [`ClientBuilder`](super::ClientBuilder).
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<ClientInner>,
}

pub(super) struct ClientInner {
    pub(super) http: reqwest::Client,
    /// The base URL as given (normalised, without a trailing `/`), and parsed: each request
    /// clones the parsed one and sets only its path, so the scheme and host are parsed once.
    pub(super) base_url: String,
    pub(super) base: Url,
    /// Every scheme of the API, with its credential if one was configured.
    pub(super) auth: Vec<SchemeCredential>,
    /// The alternative of the API's default requirement that is sent (chosen once).
    pub(super) default_alternative: Option<&'static [&'static str]>,
    pub(super) default_headers: HeaderMap,
    pub(super) timeout: Duration,
    pub(super) max_retries: u32,
    pub(super) retry_policy: RetryPolicy,
    /// Run on every attempt, in order.
    pub(super) hooks: Vec<Arc<dyn Hook>>,
    /// Sends each attempt instead of `http` when set.
    pub(super) transport: Option<Arc<dyn Transport>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("auth", &inner.auth)
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
            .field("hooks", &inner.hooks.len())
            .field("transport", &inner.transport.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientInner {
    /// The credential configured for the scheme `name`.
    pub(super) fn credential(&self, name: &str) -> Option<&Credential> {
        self.auth
            .iter()
            .find(|s| s.scheme.name == name)
            .and_then(|s| s.credential.as_ref())
    }

    /// The alternative of an operation's requirement (`None`: the API's) that is sent.
    pub(super) fn alternative(
        &self,
        security: Option<Security>,
    ) -> Option<&'static [&'static str]> {
        match security {
            None => self.default_alternative,
            Some(security) => choose(security, |name| self.credential(name).is_some()),
        }
    }
}

// `Client::builder`, `Client::new` and `Client::from_env` are defined by the generated crate, which
// knows its API's configuration: they call `ClientBuilder::for_api` with it.
impl Client {
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

    /// The underlying HTTP client (unused for sending when a
    /// [`Transport`](super::Transport) is set).
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }
}

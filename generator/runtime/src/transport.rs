//! [`Transport`]: what turns one attempt's finished `reqwest::Request` into a response when the
//! client's own `reqwest::Client` should not (an in-process fake in tests, a middleware stack, a
//! recording proxy), and [`TransportError`], how it fails.
//!
//! It sits below everything else: the request it receives has its credentials and headers, the
//! response it returns is retried, timed out and decoded like one from the network.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// The future a [`Transport`] returns for one attempt.
pub type TransportFuture =
    Pin<Box<dyn Future<Output = Result<reqwest::Response, TransportError>> + Send + 'static>>;

/// Sends one attempt of a call in place of the client's `reqwest::Client`. Set with
/// [`ClientBuilder::transport`](super::ClientBuilder::transport).
///
/// [`Transport::send`] is called once per attempt, retries included, with the request exactly as it
/// would go on the wire: URL with query parameters, credentials, default and per-call headers,
/// encoded body, and the attempt's timeout in [`reqwest::Request::timeout`]. Everything above it
/// runs as without it: retries (on the returned status or a retryable [`TransportError`]), the
/// per-attempt timeout (which covers the transport's future and reading the returned body), and
/// decoding. Redirects are the transport's business.
///
/// An answer needs no socket: reqwest converts an `http::Response` whose body converts into
/// `reqwest::Body` into a `reqwest::Response`:
///
/// ```text
/// let client = ClientBuilder::new()
///     .base_url("http://fake.invalid")
///     .transport(|request: reqwest::Request| async move {
///         assert!(request.headers().contains_key("authorization"));
///         let answer = http::Response::builder().status(200).body(r#"{"id":"1"}"#).unwrap();
///         Ok(reqwest::Response::from(answer))
///     })
///     .build()?;
/// ```
///
/// Closures `Fn(reqwest::Request) -> impl Future<Output = Result<reqwest::Response,
/// TransportError>>` implement it.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns the response head (its body is read afterwards, under the same
    /// timeout).
    fn send(&self, request: reqwest::Request) -> TransportFuture;
}

impl<F, Fut> Transport for F
where
    F: Fn(reqwest::Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<reqwest::Response, TransportError>> + Send + 'static,
{
    fn send(&self, request: reqwest::Request) -> TransportFuture {
        Box::pin(self(request))
    }
}

/// Why a [`Transport`] could not produce a response.
///
/// Whether it is retried depends on how far the request got: [`TransportError::connect`] (nothing
/// reached the server) is retried for every method, like a refused connection;
/// [`TransportError::new`] (the server may have acted on it) only for idempotent methods. A
/// `reqwest::Error` converts with its own classification and surfaces as
/// [`Error::Transport`](super::Error::Transport); other errors as
/// [`Error::CustomTransport`](super::Error::CustomTransport).
///
/// Its message is shown in errors: do not put secrets (such as a URL with a query-string API key)
/// in it.
pub struct TransportError {
    kind: Kind,
}

enum Kind {
    Reqwest(reqwest::Error),
    Custom {
        connect: bool,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl TransportError {
    /// The request may have reached the server: retried only for idempotent methods.
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            kind: Kind::Custom {
                connect: false,
                source: source.into(),
            },
        }
    }

    /// The request never reached the server (like a refused connection): retried for every method.
    pub fn connect(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            kind: Kind::Custom {
                connect: true,
                source: source.into(),
            },
        }
    }

    /// Whether the request never reached the server.
    pub fn is_connect(&self) -> bool {
        match &self.kind {
            Kind::Reqwest(e) => e.is_connect(),
            Kind::Custom { connect, .. } => *connect,
        }
    }

    /// The reqwest error this was converted from, if any.
    pub(super) fn into_reqwest(self) -> Result<reqwest::Error, Self> {
        match self.kind {
            Kind::Reqwest(e) => Ok(e),
            kind => Err(Self { kind }),
        }
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(e: reqwest::Error) -> Self {
        Self {
            kind: Kind::Reqwest(e),
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Reqwest(e) => f.debug_tuple("TransportError").field(e).finish(),
            Kind::Custom { connect, source } => f
                .debug_struct("TransportError")
                .field("connect", connect)
                .field("source", source)
                .finish(),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Reqwest(e) => e.fmt(f),
            Kind::Custom { source, .. } => source.fmt(f),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Reqwest(e) => std::error::Error::source(e),
            Kind::Custom { source, .. } => std::error::Error::source(&**source),
        }
    }
}

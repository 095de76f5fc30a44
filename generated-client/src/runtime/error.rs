//! Errors: [`Error`] (what a call returns), [`ApiError`] (a documented error response),
//! [`UnexpectedResponse`] (anything else the server said) and [`InvalidRequest`] (refused before
//! sending).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::credentials::CredentialsError;
use super::hook::HookError;
use super::response::request_id;
use super::retry::is_retryable_status;
use super::transport::TransportError;

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
    /// The [`Transport`](super::Transport) set with
    /// [`ClientBuilder::transport`](super::ClientBuilder::transport) failed with an error of its
    /// own (a `reqwest::Error` it returns is [`Error::Transport`]).
    CustomTransport(TransportError),
    /// A [`Hook`](super::Hook) refused to send an attempt.
    Hook(HookError),
    /// The [`CredentialsProvider`](super::CredentialsProvider) could not supply a token.
    Credentials(CredentialsError),
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
            Self::CustomTransport(e) => write!(f, "transport error: {e}"),
            Self::Hook(e) => write!(f, "request hook failed: {e}"),
            Self::Credentials(e) => write!(f, "no credentials: {e}"),
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
            Self::CustomTransport(e) => std::error::Error::source(e),
            Self::Hook(e) => std::error::Error::source(e),
            Self::Credentials(e) => std::error::Error::source(e),
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
            Self::InvalidRequest(_) | Self::Hook(_) | Self::Credentials(_) => false,
            Self::Transport(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            Self::CustomTransport(_) => true,
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

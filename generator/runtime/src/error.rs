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

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req-7".parse().unwrap());
        headers
    }

    fn api(status: u16) -> Error<serde_json::Value> {
        Error::Api(Box::new(ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            headers: headers(),
            body: Bytes::from_static(b"{\"code\":\"C\"}"),
            error: serde_json::json!({"code": "C", "message": "M"}),
        }))
    }

    fn unexpected(status: u16) -> Error<serde_json::Value> {
        Error::UnexpectedResponse(Box::new(UnexpectedResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: headers(),
            body: Bytes::from_static(b"<html>"),
            reason: "not JSON".into(),
        }))
    }

    #[test]
    fn a_response_error_keeps_status_headers_body_and_request_id_and_others_have_none() {
        let api = api(404);
        assert_eq!(api.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(api.raw_body(), Some(&b"{\"code\":\"C\"}"[..]));
        assert_eq!(api.request_id(), Some("req-7"));
        assert_eq!(api.code(), Some("C"));
        assert_eq!(api.message(), Some("M"));
        assert!(api.api_error().is_some());
        let Error::Api(inner) = &api else {
            unreachable!()
        };
        assert_eq!(
            (inner.code(), inner.message(), inner.request_id()),
            (Some("C"), Some("M"), Some("req-7"))
        );

        let unexpected = unexpected(502);
        assert_eq!(unexpected.status(), Some(StatusCode::BAD_GATEWAY));
        assert_eq!(unexpected.raw_body(), Some(&b"<html>"[..]));
        assert_eq!(unexpected.request_id(), Some("req-7"));
        assert_eq!((unexpected.code(), unexpected.message()), (None, None));
        assert!(unexpected.api_error().is_none());
        let Error::UnexpectedResponse(inner) = &unexpected else {
            unreachable!()
        };
        assert_eq!(inner.request_id(), Some("req-7"));

        let timeout: Error<()> = Error::Timeout {
            timeout: Duration::from_secs(1),
            elapsed: Duration::from_secs(2),
        };
        let invalid: Error<()> = InvalidRequest::new("id", "empty").into();
        for error in [&timeout, &invalid] {
            assert_eq!(error.status(), None);
            assert_eq!(error.raw_body(), None);
            assert_eq!(error.request_id(), None);
            assert!(error.headers().is_none());
            assert!(std::error::Error::source(error).is_none());
        }
        assert!(timeout.is_timeout() && !invalid.is_timeout());
    }

    #[test]
    fn retryable_errors_are_timeouts_408_429_and_5xx_only() {
        let timeout: Error<serde_json::Value> = Error::Timeout {
            timeout: Duration::from_secs(1),
            elapsed: Duration::from_secs(1),
        };
        assert!(timeout.is_retryable());
        assert!(!Error::<()>::InvalidRequest(InvalidRequest::new("a", "b")).is_retryable());
        for status in [408, 429, 500, 503] {
            assert!(api(status).is_retryable(), "{status}");
            assert!(unexpected(status).is_retryable(), "{status}");
        }
        for status in [400, 404, 409, 200] {
            assert!(!api(status).is_retryable(), "{status}");
            assert!(!unexpected(status).is_retryable(), "{status}");
        }
    }

    #[test]
    fn error_details_of_json_and_unit_bodies() {
        let coded = serde_json::json!({"code": "RATE", "message": "slow down"});
        assert_eq!(
            (coded.code(), coded.message()),
            (Some("RATE"), Some("slow down"))
        );
        let error_member = serde_json::json!({"error": "oops"});
        assert_eq!(
            (error_member.code(), error_member.message()),
            (Some("oops"), None)
        );
        let numeric = serde_json::json!({"code": 5});
        assert_eq!(numeric.code(), None);
        assert_eq!((().code(), ().message()), (None, None));
    }

    #[test]
    fn displays_name_the_status_code_message_and_a_body_excerpt() {
        assert_eq!(api(404).to_string(), "404 Not Found: C: M");
        let long = Error::<()>::UnexpectedResponse(Box::new(UnexpectedResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from(vec![b'x'; 300]),
            reason: "why".into(),
        }));
        let text = long.to_string();
        assert!(
            text.starts_with("unexpected response (200 OK): why; body: \"xxx"),
            "{text}"
        );
        assert!(
            text.ends_with(&format!("\"{}\"…", "x".repeat(200))),
            "{text}"
        );
        let empty = UnexpectedResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            reason: "why".into(),
        };
        assert_eq!(empty.to_string(), "unexpected response (200 OK): why");
        assert_eq!(
            Error::<()>::Timeout {
                timeout: Duration::from_millis(1500),
                elapsed: Duration::from_millis(1600)
            }
            .to_string(),
            "request timed out after 1600 ms (timeout 1500 ms)"
        );
    }
}

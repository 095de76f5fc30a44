//! Responses: the [`RawResponse`] a decoder reads, the [`Outcome`] it returns, the decoded
//! [`Response`], and the decoder arms generated code is built from.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

/// Response headers that may carry a request id, in order of preference.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
    "x-trace-id",
];

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
}

/// What a decoder made of a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<T, E> {
    /// The expected success value.
    Success(T),
    /// A documented error response.
    ApiError(E),
    /// Anything else; the string says why (it becomes [`UnexpectedResponse::reason`](super::UnexpectedResponse::reason)).
    Unexpected(String),
}

/// Turns a response into an [`Outcome`]. Generated code passes one per operation to [`Call::new`](super::Call::new).
/// It must not panic on any input.
pub type Decoder<T, E> = fn(&RawResponse) -> Outcome<T, E>;

/// The decoder of a streamed operation (see [`Call::streaming`](super::Call::streaming)):
/// `Success(())` for its success statuses (the body is then streamed, not read), the error
/// otherwise. It must not panic on any input.
pub type StreamDecoder<E> = fn(&RawResponse) -> Outcome<(), E>;

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

pub(super) fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

/// Decodes a JSON body, or says why it could not be decoded (the reason ends up in
/// [`UnexpectedResponse`](super::UnexpectedResponse), next to the raw body).
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

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(body: &'static [u8]) -> RawResponse {
        RawResponse {
            status: StatusCode::BAD_REQUEST,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
        }
    }

    #[test]
    fn the_error_code_is_the_code_member_else_the_error_member_if_a_string() {
        assert_eq!(
            raw(br#"{"code":"A","error":"B"}"#).error_code().as_deref(),
            Some("A")
        );
        assert_eq!(raw(br#"{"error":"B"}"#).error_code().as_deref(), Some("B"));
        assert_eq!(raw(br#"{"code":5}"#).error_code(), None);
        assert_eq!(raw(b"not json").error_code(), None);
        assert_eq!(raw(b"caf\xc3\xa9").text(), Some("café"));
        assert_eq!(raw(b"\xff").text(), None);
    }
}

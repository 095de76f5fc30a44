//! What generated code hands the client for one request: [`RequestParts`] (with the path
//! template filled by [`fill_path`]) and the per-call [`RequestOptions`].

use std::fmt;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;
use serde::Serialize;

use super::auth::Security;
use super::body::RequestBody;
use super::error::InvalidRequest;
use super::validate::check_path_param;

/// RFC 3986 unreserved characters stay as they are; everything else in a path segment is
/// percent-encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Everything the generated code knows about one request, before the client adds its configuration.
#[derive(Clone, Debug)]
pub struct RequestParts {
    /// The API description's `operationId` (for tracing).
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, e.g. `/public/workspace/{workspaceId}/links/{linkId}` (for tracing).
    pub path_template: &'static str,
    /// The filled-in path, relative to the base URL, with each parameter percent-encoded as one
    /// segment (see [`fill_path`]).
    pub path: String,
    /// Query parameters, unencoded: they are percent-encoded when the URL is built.
    pub query: Vec<(String, String)>,
    /// Header parameters (validated when the request is sent).
    pub headers: Vec<(&'static str, String)>,
    /// Cookie parameters (values are percent-encoded where needed).
    pub cookies: Vec<(&'static str, String)>,
    /// The request body.
    pub body: RequestBody,
    /// The operation's own security requirement, or `None` for the API's
    /// ([`ApiConfig::security`](super::ApiConfig::security)).
    pub security: Option<Security>,
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
            security: None,
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

    /// Adds a query parameter (unencoded: it is percent-encoded when the URL is built).
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

/// Appends one path segment to `path`, percent-encoded: everything except RFC 3986 unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`), so `a/b` becomes `a%2Fb`. A segment that is exactly `.` or
/// `..` is written `%2E` / `%2E%2E`; sending it is still refused (URL parsers treat it as a dot
/// segment), which [`check_path_param`] reports first.
fn push_path_segment(path: &mut String, value: &str) {
    match value {
        "." => path.push_str("%2E"),
        ".." => path.push_str("%2E%2E"),
        _ => path.extend(utf8_percent_encode(value, PATH_SEGMENT)),
    }
}

/// Per-call settings that override the client's. Build with the methods, or set them directly on a
/// [`Call`](super::Call).
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

    pub(super) fn merge(&mut self, other: RequestOptions) {
        if other.timeout.is_some() {
            self.timeout = other.timeout;
        }
        if other.max_retries.is_some() {
            self.max_retries = other.max_retries;
        }
        self.headers.extend(other.headers);
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn path_segments_keep_only_unreserved_characters() {
        let cases = [
            ("ws_1", "ws_1"),
            ("AZaz09-._~", "AZaz09-._~"),
            ("../x", "..%2Fx"),
            ("a/b", "a%2Fb"),
            ("a b", "a%20b"),
            (
                "?#[]@!$&'()*+,;=%",
                "%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25",
            ),
            ("é", "%C3%A9"),
            ("\r\n", "%0D%0A"),
            (".", "%2E"),
            ("..", "%2E%2E"),
            ("...", "..."),
        ];
        for (raw, encoded) in cases {
            let mut path = String::from("/x/");
            push_path_segment(&mut path, raw);
            assert_eq!(path, format!("/x/{encoded}"), "{raw:?}");
        }
    }
}

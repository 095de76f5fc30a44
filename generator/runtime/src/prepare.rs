//! From [`RequestParts`](super::RequestParts) to the URL and headers of each attempt: the
//! client's defaults, the credentials, parameters validated and encoded, the body encoded once.

use std::time::Duration;

use percent_encoding::utf8_percent_encode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use std::sync::Arc;

use super::auth::{AuthPlacement, Credential, PreparedAuth, COOKIE_VALUE};
use super::body::{multipart_form, EncodedBody};
use super::client::ClientInner;
use super::credentials::ProviderState;
use super::error::{Error, InvalidRequest};
use super::request::RequestParts;
use super::validate::check_cookie_name;

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

/// A validated request, possibly sent several times. The URL and headers of the first attempt are
/// built by [`ClientInner::prepare`] and moved into it; a retry builds them again from these parts
/// (so an attempt that is not retried copies nothing).
pub(super) struct Prepared {
    pub(super) operation_id: &'static str,
    pub(super) method: Method,
    pub(super) path_template: &'static str,
    path: String,
    query: Vec<(String, String)>,
    header_params: Vec<(&'static str, String)>,
    cookies: Vec<(&'static str, String)>,
    extra_headers: Vec<(String, String)>,
    /// The body, encoded once where it can be (a multipart body is built for each attempt).
    body: Option<EncodedBody>,
    /// The schemes whose credentials are sent (an alternative of the operation's requirement).
    alternative: &'static [&'static str],
    /// The provider of one of them, whose token is added to each attempt once fetched.
    pub(super) provider: Option<Arc<ProviderState>>,
}

impl Prepared {
    /// Whether the request can be sent again: a streamed body is read by the first attempt.
    pub(super) fn is_replayable(&self) -> bool {
        match &self.body {
            Some(EncodedBody::Upload(upload, _)) => upload.is_replayable(),
            Some(EncodedBody::Multipart(fields)) => fields.iter().all(|f| f.data.is_replayable()),
            _ => true,
        }
    }
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

pub(super) fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
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
    pub(super) fn prepare(
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
            security,
        } = parts;
        let alternative = self.alternative(security).unwrap_or_default();
        let provider = alternative
            .iter()
            .find_map(|name| match self.credential(name) {
                Some(Credential::Provider(provider)) => Some(Arc::clone(provider)),
                _ => None,
            });
        let mut prepared = Prepared {
            operation_id,
            method,
            path_template,
            path,
            query,
            header_params,
            cookies,
            extra_headers,
            body: None,
            alternative,
            provider,
        };
        // The checks run in this order: path, body, header parameters, cookies, extra headers.
        let url = self.display_url(&prepared)?;
        prepared.body = body.encode()?;
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
    pub(super) fn build(&self, prepared: &Prepared) -> Result<(Url, HeaderMap), InvalidRequest> {
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
        // Fixed keys here; a provider's token is added by the caller once it has one.
        for name in prepared.alternative {
            let Some(Credential::Static(auth)) = self.credential(name) else {
                continue;
            };
            match auth {
                PreparedAuth::None => {}
                PreparedAuth::Header(name, value) => {
                    headers.insert(name.clone(), value.clone());
                }
                PreparedAuth::Query(name, key) => {
                    url.query_pairs_mut().append_pair(name, key.expose_secret());
                }
                PreparedAuth::Cookie(pair) => {
                    if !cookie_header.is_empty() {
                        cookie_header.push_str("; ");
                    }
                    cookie_header.push_str(pair);
                }
            }
        }

        match &prepared.body {
            Some(EncodedBody::Bytes(_, content_type) | EncodedBody::Upload(_, content_type)) => {
                headers.insert(reqwest::header::CONTENT_TYPE, content_type.clone());
            }
            // Its content type names the boundary of each attempt's form (see `request`).
            Some(EncodedBody::Multipart(_)) => {}
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
    pub(super) fn request(
        &self,
        prepared: &Prepared,
        (url, headers): (Url, HeaderMap),
        timeout: Duration,
    ) -> reqwest::Request {
        let mut request = reqwest::Request::new(prepared.method.clone(), url);
        *request.headers_mut() = headers;
        *request.timeout_mut() = Some(timeout);
        match &prepared.body {
            None => {}
            Some(EncodedBody::Bytes(data, _)) => *request.body_mut() = Some(data.clone().into()),
            Some(EncodedBody::Upload(upload, _)) => {
                if let Some(len) = upload.len() {
                    request
                        .headers_mut()
                        .insert(reqwest::header::CONTENT_LENGTH, HeaderValue::from(len));
                }
                *request.body_mut() = upload.take_body();
            }
            Some(EncodedBody::Multipart(fields)) => {
                // Checked by `prepare`; `None` only if a streamed part was sent before, and a
                // request with one is never retried.
                if let Ok(Some(form)) = multipart_form(fields) {
                    set_multipart(&self.http, &mut request, form);
                }
            }
        }
        request
    }

    pub(super) fn transport_error<E>(
        &self,
        err: reqwest::Error,
        prepared: &Prepared,
        timeout: Duration,
        elapsed: Duration,
    ) -> Error<E> {
        if err.is_timeout() {
            return Error::Timeout { timeout, elapsed };
        }
        let key_in_query = prepared.alternative.iter().any(|name| {
            self.auth.iter().any(|s| {
                s.scheme.name == *name && matches!(s.scheme.placement, AuthPlacement::Query(_))
            })
        });
        let err = match (key_in_query, err.url().is_some()) {
            (true, true) => match self.display_url(prepared) {
                Ok(url) => err.with_url(url),
                Err(_) => err.without_url(),
            },
            _ => err,
        };
        Error::Transport(err)
    }
}

/// Puts a multipart form on a request: reqwest's `RequestBuilder::multipart` on a builder of its
/// own (the form's body stream and length are reachable only through it), then its body and
/// `Content-Type` / `Content-Length` headers moved over.
fn set_multipart(
    http: &reqwest::Client,
    request: &mut reqwest::Request,
    form: reqwest::multipart::Form,
) {
    let built = http
        .request(request.method().clone(), request.url().clone())
        .multipart(form)
        .build();
    if let Ok(mut built) = built {
        for name in [
            reqwest::header::CONTENT_TYPE,
            reqwest::header::CONTENT_LENGTH,
        ] {
            if let Some(value) = built.headers_mut().remove(&name) {
                request.headers_mut().insert(name, value);
            }
        }
        *request.body_mut() = built.body_mut().take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_headers_are_marked_sensitive_and_others_are_not() {
        for name in [
            "Authorization",
            "cookie",
            "X-API-Key",
            "api-key",
            "x-auth-token",
        ] {
            let (_, value) = parse_header(name, "secret").unwrap();
            assert!(value.is_sensitive(), "{name}");
        }
        let (_, value) = parse_header("x-request-id", "abc").unwrap();
        assert!(!value.is_sensitive());
        assert!(parse_header("x-request-id", "a\r\nb: c").is_err());
        assert!(parse_header("bad name", "a").is_err());
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
}

//! Authentication: the API's security schemes ([`AuthScheme`]: a name and where its credential
//! goes, [`AuthPlacement`]), a credential ([`ApiKey`], never printed), which scheme an operation
//! uses (the first alternative of its requirement the client has credentials for), and the form a
//! credential takes on the wire, computed once when the client is built (or when a provider's token
//! arrives).

use std::fmt;
use std::sync::Arc;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;

use super::builder::BuildError;
use super::credentials::ProviderState;
use super::validate::check_cookie_name;

/// What `Debug` and `Display` show instead of a secret.
pub(super) const REDACTED: &str = "[redacted]";

/// Characters that cannot appear raw in a cookie value (RFC 6265 `cookie-octet`), plus `%` so that
/// the encoding can be undone unambiguously.
pub(super) const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// One security scheme the API declares (`components.securitySchemes`): its name in the API
/// description and where its credential goes. OAuth2 and OpenID Connect schemes are bearer tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AuthScheme {
    /// The scheme's name in the API description, e.g. `bearerAuth`.
    pub name: &'static str,
    /// Where its credential goes.
    pub placement: AuthPlacement,
}

/// A security requirement: alternatives, each the names of the schemes it needs together. An empty
/// alternative (`{}` in the API description) means the operation also works without credentials;
/// an empty list, that it takes none.
pub type Security = &'static [&'static [&'static str]];

/// The alternative of `security` to send: the first one whose schemes all have credentials
/// (`configured`), preferring any with credentials over an anonymous `{}`; `None` sends no
/// credentials.
pub(super) fn choose(
    security: Security,
    configured: impl Fn(&str) -> bool,
) -> Option<&'static [&'static str]> {
    security
        .iter()
        .copied()
        .find(|alternative| !alternative.is_empty() && alternative.iter().all(|s| configured(s)))
}

/// Where a credential is sent (see [`AuthScheme`]).
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

/// The credential configured for one scheme.
#[derive(Clone)]
pub(super) enum Credential {
    /// A fixed key, in its wire form.
    Static(PreparedAuth),
    /// Tokens from a provider, fetched when needed.
    Provider(Arc<ProviderState>),
}

/// A scheme of the API with the credential the client has for it, if any.
#[derive(Clone)]
pub(super) struct SchemeCredential {
    pub(super) scheme: AuthScheme,
    pub(super) credential: Option<Credential>,
}

impl fmt::Debug for SchemeCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credential = match &self.credential {
            None => "none",
            Some(Credential::Static(_)) => REDACTED,
            Some(Credential::Provider(_)) => "provider",
        };
        f.debug_struct("AuthScheme")
            .field("name", &self.scheme.name)
            .field("placement", &self.scheme.placement)
            .field("credential", &credential)
            .finish()
    }
}

/// The key in the form it is attached to each request, computed once by
/// [`ClientBuilder::build`](super::ClientBuilder::build).
#[derive(Clone)]
pub(super) enum PreparedAuth {
    None,
    Header(HeaderName, HeaderValue),
    Query(&'static str, ApiKey),
    Cookie(String),
}

impl PreparedAuth {
    /// Adds this credential to a request built without it: a header (replacing one of the same
    /// name), a query parameter, or a cookie beside any already there.
    pub(super) fn apply(&self, url: &mut Url, headers: &mut HeaderMap) {
        match self {
            Self::None => {}
            Self::Header(name, value) => {
                headers.insert(name.clone(), value.clone());
            }
            Self::Query(name, key) => {
                url.query_pairs_mut().append_pair(name, key.expose_secret());
            }
            Self::Cookie(pair) => {
                let cookie = match headers
                    .get(reqwest::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                {
                    Some(existing) => format!("{pair}; {existing}"),
                    None => pair.clone(),
                };
                // The pair was checked when it was prepared, and the existing header was valid.
                if let Ok(mut value) = HeaderValue::from_str(&cookie) {
                    value.set_sensitive(true);
                    headers.insert(reqwest::header::COOKIE, value);
                }
            }
        }
    }

    pub(super) fn new(placement: AuthPlacement, key: Option<&ApiKey>) -> Result<Self, BuildError> {
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

/// `user:password` in base64; a key without `:` is the user name with an empty password.
fn basic_credentials(key: &str) -> String {
    if key.contains(':') {
        base64_encode(key.as_bytes())
    } else {
        base64_encode(format!("{key}:").as_bytes())
    }
}

fn base64_encode(input: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key's header value is marked sensitive (HTTP/2 never indexes it, `Debug` hides it),
    /// for every placement that sends it in a header.
    #[test]
    fn the_key_header_is_marked_sensitive() {
        let key = ApiKey::new("user:s3cret");
        for placement in [
            AuthPlacement::Bearer,
            AuthPlacement::Basic,
            AuthPlacement::Header("X-Custom-Key"),
        ] {
            match PreparedAuth::new(placement, Some(&key)).unwrap() {
                PreparedAuth::Header(_, value) => {
                    assert!(value.is_sensitive(), "{placement:?}");
                    assert!(!format!("{value:?}").contains("s3cret"), "{placement:?}");
                }
                _ => panic!("{placement:?} is sent in a header"),
            }
        }
    }

    /// A key sent as a cookie is percent-encoded where RFC 6265 forbids the raw byte, so it can
    /// neither end the cookie early nor add another; a bad cookie name is refused.
    #[test]
    fn a_cookie_key_is_encoded_and_its_name_checked() {
        let key = ApiKey::new("a b;c=d\"e,f\\g%h");
        match PreparedAuth::new(AuthPlacement::Cookie("session"), Some(&key)).unwrap() {
            PreparedAuth::Cookie(cookie) => {
                assert_eq!(cookie, "session=a%20b%3Bc=d%22e%2Cf%5Cg%25h");
            }
            _ => panic!("a cookie placement prepares a cookie"),
        }
        for name in ["", "a b", "a;b", "a=b", "s\u{e9}ance"] {
            assert!(
                matches!(
                    PreparedAuth::new(AuthPlacement::Cookie(Box::leak(name.into())), Some(&key)),
                    Err(BuildError::InvalidHeader { .. })
                ),
                "{name:?}"
            );
        }
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
}

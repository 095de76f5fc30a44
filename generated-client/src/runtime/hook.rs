//! [`Hook`]: code of the user's that sees every attempt's request before it is sent and every
//! response head before it is retried or decoded (signing, extra headers, metrics).

use std::fmt;

use reqwest::Method;

/// What a [`Hook`] is told about the attempt it sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation's `operationId`.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: &'a Method,
    /// The path template, e.g. `/public/workspace/{workspaceId}/links/{linkId}` (not the filled-in
    /// path, which may carry identifiers: the request has that).
    pub path_template: &'static str,
    /// The attempt's number: 1 for the first, 2 for the first retry, and so on.
    pub number: u32,
}

/// Sees, and may change, every attempt of every call. Added with
/// [`ClientBuilder::hook`](super::ClientBuilder::hook); several run in the order they were added.
///
/// Both methods are synchronous and have empty defaults, so a hook implements only what it needs.
/// They run on every attempt, retries included, so a signature or timestamp is computed afresh for
/// each. A client without hooks pays nothing for them. Work that must `.await` (a remote signer)
/// belongs in a [`Transport`](super::Transport), which may wrap the network call.
///
/// ```text
/// struct Metrics;
/// impl Hook for Metrics {
///     fn on_response(&self, response: &mut reqwest::Response, attempt: &Attempt<'_>) {
///         record(attempt.operation_id, response.status());
///     }
/// }
/// let client = Client::builder().api_key(key).hook(Metrics).build()?;
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Called with each attempt's request just before it is sent: URL, credentials, default and
    /// per-call headers and body are in place. An error ends the call with [`Error::Hook`]
    /// (not retried), having sent nothing.
    ///
    /// Headers added here are sent as given: mark secret values with
    /// [`HeaderValue::set_sensitive`](reqwest::header::HeaderValue::set_sensitive).
    ///
    /// [`Error::Hook`]: super::Error::Hook
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt<'_>,
    ) -> Result<(), HookError> {
        let _ = (request, attempt);
        Ok(())
    }

    /// Called with each response head as it arrives, before the retry decision and before the body
    /// is read: a changed header (such as `Retry-After`) is what retries, decoding and the caller
    /// see.
    fn on_response(&self, response: &mut reqwest::Response, attempt: &Attempt<'_>) {
        let _ = (response, attempt);
    }
}

/// A shared hook, so that its owner keeps a handle (to read the metrics it collects, say).
impl<H: Hook> Hook for std::sync::Arc<H> {
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt<'_>,
    ) -> Result<(), HookError> {
        (**self).on_request(request, attempt)
    }

    fn on_response(&self, response: &mut reqwest::Response, attempt: &Attempt<'_>) {
        (**self).on_response(response, attempt);
    }
}

/// Why a [`Hook`] refused to send a request; returned as [`Error::Hook`](super::Error::Hook).
/// Its message is shown in errors: keep secrets out of it.
pub struct HookError(Box<dyn std::error::Error + Send + Sync>);

impl HookError {
    /// Wraps the reason (any error, or a message).
    pub fn new(reason: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(reason.into())
    }
}

impl fmt::Debug for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HookError").field(&self.0).finish()
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for HookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

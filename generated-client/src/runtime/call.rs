//! [`Call`]: one pending operation, tuned with per-call settings and sent when awaited.

use std::fmt;
use std::future::IntoFuture;
use std::time::Duration;

use super::client::Client;
use super::error::{Error, InvalidRequest};
use super::request::{RequestOptions, RequestParts};
use super::response::{Decoder, Response, StreamDecoder};
use super::send::{Reader, SendFuture};

/// A pending API call. Nothing is sent until it is awaited (or [`Call::send`] /
/// [`Call::send_with_response`] is awaited).
///
/// ```text
/// let link = client
///     .links()
///     .update("ws_1", "lnk_1", &body)
///     .timeout(Duration::from_secs(5))
///     .max_retries(0)
///     .await?;
/// ```
#[must_use = "a Call does nothing until it is awaited"]
pub struct Call<T, E> {
    client: Client,
    parts: Result<RequestParts, InvalidRequest>,
    decode: Reader<T, E>,
    options: RequestOptions,
}

impl<T, E> Clone for Call<T, E> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            parts: self.parts.clone(),
            decode: self.decode,
            options: self.options.clone(),
        }
    }
}

impl<T, E> fmt::Debug for Call<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Call");
        match &self.parts {
            Ok(parts) => s
                .field("operation_id", &parts.operation_id)
                .field("method", &parts.method)
                .field("path_template", &parts.path_template),
            Err(e) => s.field("invalid", e),
        };
        s.field("options", &self.options).finish_non_exhaustive()
    }
}

impl<T, E> Call<T, E> {
    /// A call of `client` with the given request (or the validation error that prevents it) and
    /// decoder.
    pub fn new(
        client: &Client,
        parts: Result<RequestParts, InvalidRequest>,
        decode: Decoder<T, E>,
    ) -> Self {
        Self {
            client: client.clone(),
            parts,
            decode: Reader::Whole(decode),
            options: RequestOptions::default(),
        }
    }

    /// A call whose success body is streamed: `decode` tells the success statuses
    /// (`Outcome::Success(())`) from the errors, and `open` turns a success, its body unread,
    /// into the value ([`ByteStream::from_response`](super::ByteStream::from_response),
    /// `EventStream::json`). Errors are read whole and decoded as usual. The timeout applies
    /// until the response head arrives (a head that does not arrive in time is
    /// [`Error::Timeout`], not retried); retries happen before any of the body is handed out.
    pub fn streaming(
        client: &Client,
        parts: Result<RequestParts, InvalidRequest>,
        decode: StreamDecoder<E>,
        open: fn(reqwest::Response) -> T,
    ) -> Self {
        Self {
            client: client.clone(),
            parts,
            decode: Reader::Stream { decode, open },
            options: RequestOptions::default(),
        }
    }

    /// Overrides the timeout of each attempt for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the number of retries for this call.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }

    /// Adds a header to this call. An invalid name or value fails the call with
    /// [`Error::InvalidRequest`] before anything is sent.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.headers.push((name.into(), value.into()));
        self
    }

    /// Applies per-call options (set fields override, headers are added).
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options.merge(options);
        self
    }

    /// Sends the request (with retries) and returns the decoded body.
    pub async fn send(self) -> Result<T, Error<E>> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Sends the request (with retries) and returns the decoded body with the status and headers.
    ///
    /// The request is validated and encoded here; it is sent when the returned future is first
    /// polled.
    pub fn send_with_response(self) -> SendFuture<T, E> {
        let Call {
            client,
            parts,
            decode,
            options,
        } = self;
        let inner = &*client.inner;
        let timeout = options.timeout.unwrap_or(inner.timeout);
        let prepared = parts
            .and_then(|parts| inner.prepare(parts, options.headers))
            .and_then(|prepared| {
                if timeout.is_zero() {
                    Err(InvalidRequest::new("timeout", "must be greater than zero"))
                } else {
                    Ok(prepared)
                }
            });
        match prepared {
            Ok((prepared, first)) => {
                let max_retries = options.max_retries.unwrap_or(inner.max_retries);
                SendFuture::start(client, prepared, first, decode, timeout, max_retries)
            }
            Err(e) => SendFuture::invalid(Error::InvalidRequest(e)),
        }
    }
}

impl<T, E> IntoFuture for Call<T, E> {
    type Output = Result<T, Error<E>>;
    type IntoFuture = futures_util::future::Map<
        SendFuture<T, E>,
        fn(Result<Response<T>, Error<E>>) -> Result<T, Error<E>>,
    >;

    fn into_future(self) -> Self::IntoFuture {
        futures_util::FutureExt::map(self.send_with_response(), |result| {
            result.map(Response::into_inner)
        })
    }
}

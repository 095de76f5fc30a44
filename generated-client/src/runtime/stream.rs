//! [`ByteStream`]: a response body read chunk by chunk as it arrives, never held whole.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body_util::BodyDataStream;

/// A response body as a [`Stream`] of chunks, in the order and sizes the network delivers them.
/// Memory stays flat however long the body is. A transport error mid-body is the last item.
///
/// The call's timeout applies until the response head arrives; reading the body has no total
/// deadline (a download takes as long as it takes). Wrap reads in `tokio::time::timeout` to bound
/// them.
pub struct ByteStream {
    body: BodyDataStream<reqwest::Body>,
    length: Option<u64>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.length)
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    /// The body of `response`, unread. Generated code passes this to
    /// [`Call::streaming`](super::Call::streaming).
    pub fn from_response(response: reqwest::Response) -> Self {
        let length = response.content_length();
        Self {
            body: BodyDataStream::new(reqwest::Body::from(response)),
            length,
        }
    }

    /// The length the server announced (`Content-Length`), if any.
    pub fn content_length(&self) -> Option<u64> {
        self.length
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(mut self) -> Result<Bytes, reqwest::Error> {
        let capacity = self
            .length
            .and_then(|len| usize::try_from(len).ok())
            .unwrap_or(0)
            .min(64 << 20);
        let mut out = BytesMut::with_capacity(capacity);
        while let Some(chunk) = futures_util::StreamExt::next(&mut self).await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out.freeze())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, reqwest::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}

//! [`Upload`]: the bytes of a binary request body or a multipart file part, in memory or as a
//! stream read once (with a known or unknown length), with the file name and content type to send
//! it with.

use std::fmt;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_core::Stream;
use futures_util::TryStreamExt;

/// The content of a binary request body or multipart file part.
///
/// In memory (`Vec<u8>`, [`Bytes`], `String`, `&'static [u8]` and `&'static str` convert into
/// it), it is sent again unchanged on every retry. A stream ([`Upload::stream`],
/// [`Upload::stream_with_length`]) is read once, as it is sent, and never held in memory whole:
/// a request carrying one is therefore never retried (the bytes are gone), and a clone of it
/// shares the one stream.
///
/// [`file_name`](Upload::file_name) and [`content_type`](Upload::content_type) say how it is
/// labelled when sent (a multipart file part is otherwise named after its field and typed
/// `application/octet-stream`; a binary body is typed as the spec declares).
#[derive(Clone)]
pub struct Upload {
    inner: Inner,
    /// Set by [`Upload::file_name`].
    pub(super) file_name: Option<String>,
    /// Set by [`Upload::content_type`].
    pub(super) content_type: Option<String>,
}

#[derive(Clone)]
enum Inner {
    Bytes(Bytes),
    Stream {
        /// Taken by the first attempt that sends it.
        body: Arc<Mutex<Option<reqwest::Body>>>,
        length: Option<u64>,
    },
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Uploads may hold secrets: show only their size.
        match &self.inner {
            Inner::Bytes(data) => write!(f, "Upload({} bytes)", data.len()),
            Inner::Stream {
                length: Some(len), ..
            } => write!(f, "Upload(stream of {len} bytes)"),
            Inner::Stream { length: None, .. } => f.write_str("Upload(stream)"),
        }
    }
}

impl Upload {
    /// A stream of chunks of unknown total length (sent with chunked transfer encoding).
    ///
    /// ```text
    /// let file = tokio::fs::File::open("big.bin").await?;
    /// let upload = Upload::stream(tokio_util::io::ReaderStream::new(file));
    /// ```
    pub fn stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + Sync + 'static,
        B: Into<Bytes> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        Self::from_stream(stream, None)
    }

    /// A stream of chunks adding up to exactly `length` bytes (sent with `Content-Length`).
    pub fn stream_with_length<S, B, E>(stream: S, length: u64) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + Sync + 'static,
        B: Into<Bytes> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        Self::from_stream(stream, Some(length))
    }

    fn from_stream<S, B, E>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + Sync + 'static,
        B: Into<Bytes> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        let frames = stream
            .map_ok(|chunk| http_body::Frame::data(chunk.into()))
            .map_err(Into::into);
        let body = reqwest::Body::wrap(http_body_util::StreamBody::new(frames));
        Self::new(Inner::Stream {
            body: Arc::new(Mutex::new(Some(body))),
            length,
        })
    }

    fn new(inner: Inner) -> Self {
        Self {
            inner,
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name sent with it as a multipart file part (by default the field's name).
    #[must_use]
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the `Content-Type` it is sent with, in place of the spec's type for a binary body or
    /// `application/octet-stream` for a multipart file part. Checked before the request is sent.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The length in bytes, if known.
    pub fn len(&self) -> Option<u64> {
        match &self.inner {
            Inner::Bytes(data) => Some(data.len() as u64),
            Inner::Stream { length, .. } => *length,
        }
    }

    /// Whether the upload is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Whether it can be sent more than once (it is in memory).
    pub fn is_replayable(&self) -> bool {
        matches!(self.inner, Inner::Bytes(_))
    }

    /// The bytes, if in memory.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.inner {
            Inner::Bytes(data) => Some(data),
            Inner::Stream { .. } => None,
        }
    }

    /// Whether it is a stream an earlier request has already sent (nothing is left to send).
    pub fn is_spent(&self) -> bool {
        match &self.inner {
            Inner::Bytes(_) => false,
            Inner::Stream { body, .. } => body.lock().map_or(true, |body| body.is_none()),
        }
    }

    /// The body to send: the bytes again, or the stream the first time (`None` after that).
    pub(super) fn take_body(&self) -> Option<reqwest::Body> {
        match &self.inner {
            Inner::Bytes(data) => Some(reqwest::Body::from(data.clone())),
            Inner::Stream { body, .. } => body.lock().ok()?.take(),
        }
    }
}

impl From<Bytes> for Upload {
    fn from(data: Bytes) -> Self {
        Self::new(Inner::Bytes(data))
    }
}

impl From<Vec<u8>> for Upload {
    fn from(data: Vec<u8>) -> Self {
        Bytes::from(data).into()
    }
}

impl From<&'static [u8]> for Upload {
    fn from(data: &'static [u8]) -> Self {
        Bytes::from_static(data).into()
    }
}

impl From<String> for Upload {
    fn from(data: String) -> Self {
        Bytes::from(data).into()
    }
}

impl From<&'static str> for Upload {
    fn from(data: &'static str) -> Self {
        Bytes::from_static(data.as_bytes()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_replayable_and_a_stream_is_taken_once() {
        let bytes = Upload::from(vec![1u8, 2, 3]);
        assert!(bytes.is_replayable());
        assert_eq!(bytes.len(), Some(3));
        assert!(bytes.take_body().is_some());
        assert!(bytes.take_body().is_some());

        let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from("ab"))]);
        let stream = Upload::stream_with_length(chunks, 2);
        assert!(!stream.is_replayable());
        assert_eq!(stream.len(), Some(2));
        let clone = stream.clone();
        assert!(stream.take_body().is_some());
        assert!(clone.take_body().is_none(), "a clone shares the one stream");
        assert!(clone.is_spent() && !bytes.is_spent());
        assert_eq!(format!("{clone:?}"), "Upload(stream of 2 bytes)");
    }
}

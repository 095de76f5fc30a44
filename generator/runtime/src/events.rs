//! [`EventStream`]: a `text/event-stream` response as a [`Stream`] of typed [`Event`]s. The
//! server-sent events protocol is parsed by the `sse-stream` crate; this module decodes each
//! event's data and keeps the stream going past an event that does not decode.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use serde::de::DeserializeOwned;
use sse_stream::{Sse, SseStream};

/// One server-sent event, its data decoded.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The `event:` field (`None` for the default type, `message`).
    pub event: Option<String>,
    /// The `id:` field of this event, if it had one (see [`EventStream::last_event_id`]).
    pub id: Option<String>,
    /// The `retry:` field of this event, if it had one.
    pub retry: Option<Duration>,
    /// The `data:` lines, joined with `\n` and decoded.
    pub data: T,
}

/// Why an item of an [`EventStream`] is not an event.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventError {
    /// The event's data does not decode as the spec's schema. The stream goes on.
    Decode {
        /// The event's `event:` field.
        event: Option<String>,
        /// The event's `id:` field.
        id: Option<String>,
        /// The raw data.
        data: String,
        /// Why it does not decode.
        reason: String,
    },
    /// The connection failed, or the stream is not valid server-sent events (a field that is not
    /// UTF-8). This is the last item.
    Stream(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode { reason, .. } => write!(f, "event data does not decode: {reason}"),
            Self::Stream(e) => write!(f, "event stream failed: {e}"),
        }
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode { .. } => None,
            Self::Stream(e) => Some(&**e),
        }
    }
}

/// A `text/event-stream` response body as a [`Stream`] of [`Event`]s, parsed as the bytes arrive
/// (chunks may split lines and UTF-8 characters anywhere).
///
/// An event whose data does not decode is an [`EventError::Decode`] item and the stream goes on;
/// a transport or protocol failure is an [`EventError::Stream`] item and the stream ends. Blocks
/// without `data:` (a lone `retry:` or `id:`, keep-alive comments) are not events: they update
/// [`EventStream::retry`] and [`EventStream::last_event_id`]. The call's timeout applies until
/// the response head arrives, not to the stream.
pub struct EventStream<T> {
    inner: SseStream<reqwest::Body>,
    decode: fn(&str) -> Result<T, String>,
    last_event_id: Option<String>,
    retry: Option<Duration>,
    done: bool,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("last_event_id", &self.last_event_id)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    /// Events whose data is JSON decoded as `T`. Generated code passes this to
    /// [`Call::streaming`](super::Call::streaming).
    pub fn json(response: reqwest::Response) -> Self {
        Self::new(response, |data| {
            serde_json::from_str(data)
                .map_err(|e| format!("the data is not the JSON the spec describes: {e}"))
        })
    }
}

impl EventStream<String> {
    /// Events whose data is kept as text.
    pub fn text(response: reqwest::Response) -> Self {
        Self::new(response, |data| Ok(data.to_owned()))
    }
}

impl<T> EventStream<T> {
    fn new(response: reqwest::Response, decode: fn(&str) -> Result<T, String>) -> Self {
        Self {
            inner: SseStream::new(reqwest::Body::from(response)),
            decode,
            last_event_id: None,
            retry: None,
            done: false,
        }
    }

    /// The last `id:` the server sent (to resume with a `Last-Event-ID` header).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The last reconnection delay the server asked for (`retry:`).
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// An event, a decode error, or `None` for a block that is not an event.
    fn event(&mut self, block: Sse) -> Option<Result<Event<T>, EventError>> {
        let retry = block.retry.map(Duration::from_millis);
        if let Some(id) = &block.id {
            self.last_event_id = Some(id.clone());
        }
        self.retry = retry.or(self.retry);
        let data = block.data?;
        Some(match (self.decode)(&data) {
            Ok(value) => Ok(Event {
                event: block.event,
                id: block.id,
                retry,
                data: value,
            }),
            Err(reason) => Err(EventError::Decode {
                event: block.event,
                id: block.id,
                data,
                reason,
            }),
        })
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, EventError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(EventError::Stream(Box::new(e)))));
                }
                Poll::Ready(Some(Ok(block))) => {
                    if let Some(item) = this.event(block) {
                        return Poll::Ready(Some(item));
                    }
                }
            }
        }
    }
}

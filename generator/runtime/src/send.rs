//! [`SendFuture`]: the state machine that sends a call, retries it as the policy says, and decodes
//! the response, without a boxed future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};

use super::client::Client;
use super::error::{ApiError, Error, UnexpectedResponse};
use super::prepare::Prepared;
use super::response::{Decoder, Outcome, RawResponse, Response, StreamDecoder};
use super::retry::{should_retry_status, should_retry_transport};

/// The future of [`Call::send_with_response`](super::Call::send_with_response) (and, mapped to the body, of awaiting a [`Call`](super::Call)):
/// sends the request, retries as the client's policy says, and decodes the response.
///
/// A named state machine rather than an `async fn` so that `Call` can implement `IntoFuture`
/// without boxing the whole request future (a named type is needed, and `impl Trait` in
/// associated types is not stable): boxing it cost 2 to 3 % of a loopback call. It is `Send` and
/// `Unpin`. Polling it again after it has completed returns `Poll::Pending`.
#[must_use = "futures do nothing unless polled"]
pub struct SendFuture<T, E>(Stage<T, E>);

impl<T, E> SendFuture<T, E> {
    /// A future that returns `error` at its first poll, having sent nothing.
    pub(super) fn invalid(error: Error<E>) -> Self {
        Self(Stage::Invalid(Some(error)))
    }

    /// A future that sends `first` (the URL and headers of the first attempt of `prepared`) at
    /// its first poll.
    pub(super) fn start(
        client: Client,
        prepared: Prepared,
        first: (Url, HeaderMap),
        decode: Reader<T, E>,
        timeout: Duration,
        max_retries: u32,
    ) -> Self {
        let span = tracing::info_span!(
            "request",
            operation = prepared.operation_id,
            method = prepared.method.as_str(),
            path = prepared.path_template,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let now = Instant::now();
        Self(Stage::Running(Running {
            started: now,
            attempt_started: now,
            client,
            prepared,
            decode,
            timeout,
            max_retries,
            head_deadline: None,
            span,
            attempt_span: tracing::Span::none(),
            attempt: 0,
            state: State::Unsent(first),
        }))
    }
}

/// How a call reads its response.
pub(super) enum Reader<T, E> {
    /// The whole body, then decoded.
    Whole(Decoder<T, E>),
    /// A success is opened as a stream (`open`) as soon as its head arrives, the body unread;
    /// anything else is read whole and decoded by `decode` (which sees the success statuses too,
    /// with an empty body, to tell them apart).
    Stream {
        decode: StreamDecoder<E>,
        open: fn(reqwest::Response) -> T,
    },
}

impl<T, E> Clone for Reader<T, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, E> Copy for Reader<T, E> {}

// The large variants are the ones every call goes through: boxing them would cost an allocation
// per call, which is what this type exists to avoid.
#[allow(clippy::large_enum_variant)]
enum Stage<T, E> {
    /// The request could not be built: the error is returned at the first poll.
    Invalid(Option<Error<E>>),
    Running(Running<T, E>),
}

/// The future returned by the reqwest client for one attempt (a named type through its
/// `tower::Service` implementation; `Client::execute` returns an unnamed one).
type PendingResponse = <reqwest::Client as tower_service::Service<reqwest::Request>>::Future;

/// Where one attempt is.
#[allow(clippy::large_enum_variant)] // See `Stage`.
enum State {
    /// The URL and headers of the first attempt, sent at the first poll (so that nothing,
    /// not even reqwest's timeout timer, needs a runtime before then).
    Unsent((Url, HeaderMap)),
    /// Waiting for the response head.
    Sending(PendingResponse),
    /// Reading the whole body (still under the attempt's timeout, which reqwest applies to it).
    Reading {
        status: StatusCode,
        headers: HeaderMap,
        body: http_body_util::combinators::Collect<reqwest::Body>,
    },
    /// Waiting before the next attempt.
    Waiting(Pin<Box<tokio::time::Sleep>>),
    /// Finished: the result has been returned.
    Done,
}

struct Running<T, E> {
    client: Client,
    prepared: Prepared,
    decode: Reader<T, E>,
    timeout: Duration,
    max_retries: u32,
    /// For a streamed response, the timeout of the attempt's head (reqwest's own timeout would
    /// also cover the body, which a stream reads for as long as it lasts).
    head_deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The call's `request` span, entered on every poll; `attempt_span` is the current attempt's.
    span: tracing::Span,
    attempt_span: tracing::Span,
    started: Instant,
    attempt_started: Instant,
    /// The number of the current attempt, from 1.
    attempt: u32,
    state: State,
}

impl<T, E> fmt::Debug for SendFuture<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("SendFuture");
        if let Stage::Running(running) = &self.0 {
            s.field("operation_id", &running.prepared.operation_id)
                .field("attempt", &running.attempt);
        }
        s.finish_non_exhaustive()
    }
}

impl<T, E> Future for SendFuture<T, E> {
    type Output = Result<Response<T>, Error<E>>;

    fn poll(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match &mut self.get_mut().0 {
            Stage::Invalid(error) => match error.take() {
                Some(error) => std::task::Poll::Ready(Err(error)),
                None => std::task::Poll::Pending,
            },
            Stage::Running(running) => running.poll(cx),
        }
    }
}

impl<T, E> Running<T, E> {
    fn poll(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<Response<T>, Error<E>>> {
        use std::task::Poll;
        let span = self.span.clone();
        let _request = span.enter();
        loop {
            let attempt_span = self.attempt_span.clone();
            let _attempt = attempt_span.enter();
            match &mut self.state {
                State::Unsent(_) => {
                    if let State::Unsent(request) = std::mem::replace(&mut self.state, State::Done)
                    {
                        self.start_attempt(request);
                        self.started = self.attempt_started;
                    }
                }
                State::Sending(pending) => match Pin::new(pending).poll(cx) {
                    Poll::Pending => {
                        if let Some(deadline) = &mut self.head_deadline {
                            if deadline.as_mut().poll(cx).is_ready() {
                                self.finish(None);
                                let elapsed = self.attempt_started.elapsed();
                                return Poll::Ready(Err(Error::Timeout {
                                    timeout: self.timeout,
                                    elapsed,
                                }));
                            }
                        }
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok(mut response)) => {
                        self.head_deadline = None;
                        if let Some(opened) = self.open_stream(&mut response) {
                            return Poll::Ready(Ok(opened(response)));
                        }
                        let status = response.status();
                        let headers = std::mem::take(response.headers_mut());
                        let body = http_body_util::BodyExt::collect(reqwest::Body::from(response));
                        self.state = State::Reading {
                            status,
                            headers,
                            body,
                        };
                    }
                    Poll::Ready(Err(err)) => {
                        if let Some(result) = self.after_transport_error(err) {
                            return Poll::Ready(result);
                        }
                    }
                },
                State::Reading {
                    status,
                    headers,
                    body,
                } => match Pin::new(body).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(collected)) => {
                        let raw = RawResponse {
                            status: *status,
                            headers: std::mem::take(headers),
                            body: collected.to_bytes(),
                        };
                        if let Some(result) = self.after_response(raw) {
                            return Poll::Ready(result);
                        }
                    }
                    Poll::Ready(Err(err)) => {
                        if let Some(result) = self.after_transport_error(err) {
                            return Poll::Ready(result);
                        }
                    }
                },
                State::Waiting(sleep) => {
                    if sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    if let Err(e) = self.retry() {
                        return Poll::Ready(Err(e));
                    }
                }
                State::Done => return Poll::Pending,
            }
        }
    }

    /// Starts the next attempt with the given URL and headers.
    fn start_attempt(&mut self, request: (Url, HeaderMap)) {
        let inner = &*self.client.inner;
        self.attempt += 1;
        self.attempt_span =
            tracing::debug_span!(parent: &self.span, "attempt", number = self.attempt);
        self.attempt_started = Instant::now();
        let mut request = inner.request(&self.prepared, request, self.timeout);
        if let Reader::Stream { .. } = self.decode {
            *request.timeout_mut() = None;
            self.head_deadline = Some(Box::pin(tokio::time::sleep(self.timeout)));
        }
        let mut http = &inner.http;
        self.state = State::Sending(tower_service::Service::call(&mut http, request));
    }

    /// For a streamed call whose response head is its success: ends the call, and returns what
    /// turns the response into the success value (its body unread).
    fn open_stream(
        &mut self,
        response: &mut reqwest::Response,
    ) -> Option<impl FnOnce(reqwest::Response) -> Response<T>> {
        let Reader::Stream { decode, open } = self.decode else {
            return None;
        };
        let head = RawResponse {
            status: response.status(),
            headers: std::mem::take(response.headers_mut()),
            body: bytes::Bytes::new(),
        };
        let is_success = matches!(decode(&head), Outcome::Success(()));
        *response.headers_mut() = head.headers;
        if !is_success {
            return None;
        }
        self.finish(Some(head.status));
        Some(move |response: reqwest::Response| Response {
            status: response.status(),
            headers: response.headers().clone(),
            value: open(response),
        })
    }

    /// Starts a retry: the URL and headers are built again from the same inputs as the first
    /// attempt's, which were valid.
    fn retry(&mut self) -> Result<(), Error<E>> {
        match self.client.inner.build(&self.prepared) {
            Ok(request) => {
                self.start_attempt(request);
                Ok(())
            }
            Err(e) => {
                self.finish(None);
                Err(Error::InvalidRequest(e))
            }
        }
    }

    /// Waits `delay` before the next attempt, outside the span of the attempt that failed.
    fn wait(&mut self, delay: Duration) {
        self.attempt_span = tracing::Span::none();
        self.state = State::Waiting(Box::pin(tokio::time::sleep(delay)));
    }

    /// Records the end of the call on its span.
    fn finish(&mut self, status: Option<StatusCode>) {
        self.state = State::Done;
        self.span.record("attempts", self.attempt);
        if let Some(status) = status {
            self.span.record("status", status.as_u16());
        }
        self.span
            .record("duration_ms", millis(self.started.elapsed()));
    }

    /// Retries after a retryable status (returning `None`), or decodes the response.
    fn after_response(&mut self, raw: RawResponse) -> Option<Result<Response<T>, Error<E>>> {
        let attempt = self.attempt;
        // A streamed request body was read by this attempt: it cannot be sent again.
        let retry = attempt <= self.max_retries && self.prepared.is_replayable();
        if retry && should_retry_status(&self.prepared.method, raw.status) {
            match self
                .client
                .inner
                .retry_policy
                .delay_for(attempt, Some(&raw.headers))
            {
                Some(delay) => {
                    tracing::debug!(
                        attempt,
                        status = raw.status.as_u16(),
                        delay_ms = millis(delay),
                        "retrying after a retryable response"
                    );
                    self.wait(delay);
                    return None;
                }
                None => tracing::debug!(
                    attempt,
                    status = raw.status.as_u16(),
                    "not retrying: Retry-After exceeds max_retry_after"
                ),
            }
        }
        self.finish(Some(raw.status));
        Some(finish(raw, self.decode))
    }

    /// Retries after a retryable transport error (returning `None`), or returns the error.
    fn after_transport_error(
        &mut self,
        err: reqwest::Error,
    ) -> Option<Result<Response<T>, Error<E>>> {
        let attempt = self.attempt;
        let retry = attempt <= self.max_retries && self.prepared.is_replayable();
        if retry && should_retry_transport(&self.prepared.method, &err) {
            let delay = self.client.inner.retry_policy.backoff(attempt);
            tracing::debug!(
                attempt,
                timeout = err.is_timeout(),
                connect = err.is_connect(),
                delay_ms = millis(delay),
                "retrying after a transport error"
            );
            self.wait(delay);
            return None;
        }
        self.finish(None);
        let elapsed = self.attempt_started.elapsed();
        Some(Err(self.client.inner.transport_error(
            err,
            &self.prepared,
            self.timeout,
            elapsed,
        )))
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn finish<T, E>(raw: RawResponse, decode: Reader<T, E>) -> Result<Response<T>, Error<E>> {
    let outcome = match decode {
        Reader::Whole(decode) => decode(&raw),
        Reader::Stream { decode, .. } => match decode(&raw) {
            // Opened when its head arrived; only a success status the policy retried comes here.
            Outcome::Success(()) => Outcome::Unexpected(
                "a streamed success was read whole after the retries were spent".to_owned(),
            ),
            Outcome::ApiError(e) => Outcome::ApiError(e),
            Outcome::Unexpected(reason) => Outcome::Unexpected(reason),
        },
    };
    match outcome {
        Outcome::Success(value) => Ok(Response {
            status: raw.status,
            headers: raw.headers,
            value,
        }),
        Outcome::ApiError(error) => Err(Error::Api(Box::new(ApiError {
            status: raw.status,
            headers: raw.headers,
            body: raw.body,
            error,
        }))),
        Outcome::Unexpected(reason) => {
            Err(Error::UnexpectedResponse(Box::new(UnexpectedResponse {
                status: raw.status,
                headers: raw.headers,
                body: raw.body,
                reason,
            })))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::TEST_API;
    use super::super::{Call, ClientBuilder, InvalidRequest, RequestParts};
    use super::*;
    use reqwest::Method;

    #[test]
    fn a_send_future_starts_nothing_before_its_first_poll_and_stays_pending_after_its_result() {
        let client = ClientBuilder::for_api(TEST_API)
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("client");
        let decode: Decoder<(), std::convert::Infallible> = |_| Outcome::Success(());
        let parts = RequestParts::for_template("op", Method::GET, "/x/{id}", &[("id", "1")])
            .expect("parts");
        // Created and dropped outside any async runtime: building the request must not start
        // anything that needs one (reqwest's timeout timer would panic here).
        drop(Call::new(&client, Ok(parts), decode).send_with_response());

        let invalid = Err(InvalidRequest::new("id", "must not be empty"));
        let mut future = Call::new(&client, invalid, decode).send_with_response();
        let mut cx = std::task::Context::from_waker(futures_util::task::noop_waker_ref());
        match Pin::new(&mut future).poll(&mut cx) {
            std::task::Poll::Ready(Err(Error::InvalidRequest(e))) => {
                assert_eq!(e.to_string(), "invalid request: id: must not be empty");
            }
            other => panic!(
                "expected the invalid request, got {:?}",
                other.map(|r| r.is_ok())
            ),
        }
        assert!(Pin::new(&mut future).poll(&mut cx).is_pending());
    }
}

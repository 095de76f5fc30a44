//! [`SendFuture`]: the state machine that sends a call, retries it as the policy says, and decodes
//! the response, without a boxed future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use std::time::Duration;

// Tokio's clock, which the timers use too: a paused test clock then measures what they waited.
use tokio::time::Instant;

use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};

use super::client::Client;
use super::credentials::{Fetched, SharedFetch, TokenState};
use super::error::{ApiError, Error, UnexpectedResponse};
use super::hook::Attempt;
use super::prepare::Prepared;
use super::response::{Decoder, Outcome, RawResponse, Response, StreamDecoder};
use super::retry::{should_retry_custom_transport, should_retry_status, should_retry_transport};
use super::transport::{TransportError, TransportFuture};

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
            span,
            attempt_span: tracing::Span::none(),
            attempt: 0,
            token_generation: 0,
            reauthorized: false,
            waited_for_token: false,
            deadline: None,
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
    /// Waiting for the response head from the client's [`Transport`](super::Transport).
    SendingVia(TransportFuture),
    /// Reading the whole body (still under the attempt's timeout, which reqwest applies to it).
    Reading {
        status: StatusCode,
        headers: HeaderMap,
        body: http_body_util::combinators::Collect<reqwest::Body>,
    },
    /// Waiting for a credentials provider's token (the request is sent with it).
    Authorizing {
        request: Option<(Url, HeaderMap)>,
        fetch: SharedFetch,
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
    /// The call's `request` span, entered on every poll; `attempt_span` is the current attempt's.
    span: tracing::Span,
    attempt_span: tracing::Span,
    started: Instant,
    attempt_started: Instant,
    /// The number of the current attempt, from 1.
    attempt: u32,
    /// The fetch that produced the provider token of the current attempt.
    token_generation: u64,
    /// Whether the call was already sent again with a new token after a `401`.
    reauthorized: bool,
    /// Whether the current attempt waited for a provider's token: the attempt's timeout covers
    /// that wait, so the request gets what is left of it.
    waited_for_token: bool,
    /// The end of the current attempt when reqwest's own timeout does not apply: through a
    /// [`Transport`](super::Transport) it covers the head and the body; for a streamed response
    /// it covers the head only (reqwest's would also cover the body, which a stream reads for as
    /// long as it lasts).
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    state: State,
}

/// Why an attempt produced no response.
enum AttemptError {
    Reqwest(reqwest::Error),
    Custom(TransportError),
    /// The deadline of an attempt through a [`Transport`](super::Transport) passed.
    TimedOut,
}

impl From<TransportError> for AttemptError {
    fn from(e: TransportError) -> Self {
        match e.into_reqwest() {
            Ok(e) => Self::Reqwest(e),
            Err(e) => Self::Custom(e),
        }
    }
}

/// Reads the whole body of a response whose head has arrived.
fn reading(mut response: reqwest::Response) -> State {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = http_body_util::BodyExt::collect(reqwest::Body::from(response));
    State::Reading {
        status,
        headers,
        body,
    }
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
            if let Some(deadline) = &mut self.deadline {
                if deadline.as_mut().poll(cx).is_ready() {
                    self.deadline = None;
                    if matches!(self.state, State::Authorizing { .. }) {
                        // Not retried: another attempt would wait for the same fetch, which goes
                        // on for the calls sharing it.
                        tracing::debug!("timed out waiting for a token");
                        self.finish(None);
                        return Poll::Ready(Err(Error::Timeout {
                            timeout: self.timeout,
                            elapsed: self.attempt_started.elapsed(),
                        }));
                    }
                    if let Some(result) = self.after_error(AttemptError::TimedOut) {
                        return Poll::Ready(result);
                    }
                    continue;
                }
            }
            match &mut self.state {
                State::Unsent(_) => {
                    if let State::Unsent(request) = std::mem::replace(&mut self.state, State::Done)
                    {
                        let started = self.start_attempt(request);
                        self.started = self.attempt_started;
                        if let Err(e) = started {
                            return Poll::Ready(Err(e));
                        }
                    }
                }
                State::Sending(pending) => match Pin::new(pending).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(response)) => {
                        if let Some(opened) = self.head(response) {
                            return Poll::Ready(Ok(opened));
                        }
                    }
                    Poll::Ready(Err(err)) => {
                        if let Some(result) = self.after_error(AttemptError::Reqwest(err)) {
                            return Poll::Ready(result);
                        }
                    }
                },
                State::SendingVia(pending) => match pending.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(response)) => {
                        if let Some(opened) = self.head(response) {
                            return Poll::Ready(Ok(opened));
                        }
                    }
                    Poll::Ready(Err(err)) => {
                        if let Some(result) = self.after_error(err.into()) {
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
                        if let Some(result) = self.after_error(AttemptError::Reqwest(err)) {
                            return Poll::Ready(result);
                        }
                    }
                },
                State::Authorizing { request, fetch } => match Pin::new(fetch).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(token)) => {
                        let Some(request) = request.take() else {
                            return Poll::Pending;
                        };
                        if let Err(e) = self.send_with_token(request, &token) {
                            return Poll::Ready(Err(e));
                        }
                    }
                    Poll::Ready(Err(e)) => {
                        self.finish(None);
                        return Poll::Ready(Err(Error::Credentials(e)));
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

    /// Starts the next attempt with the given URL and headers, unless a hook refuses it.
    fn start_attempt(&mut self, request: (Url, HeaderMap)) -> Result<(), Error<E>> {
        self.begin_attempt();
        match self.prepared.provider.as_ref().map(|p| p.current()) {
            None => self.send(request),
            Some(token) => self.authorize(request, token),
        }
    }

    fn begin_attempt(&mut self) {
        self.attempt += 1;
        self.attempt_span =
            tracing::debug_span!(parent: &self.span, "attempt", number = self.attempt);
        self.attempt_started = Instant::now();
        self.waited_for_token = false;
    }

    /// Adds the provider's token to the request and sends it, or waits for the token.
    fn authorize(&mut self, request: (Url, HeaderMap), token: TokenState) -> Result<(), Error<E>> {
        match token {
            TokenState::Ready(fetched) => self.send_with_token(request, &fetched),
            TokenState::Wait(fetch) => {
                self.waited_for_token = true;
                self.deadline = Some(Box::pin(tokio::time::sleep(self.timeout)));
                self.state = State::Authorizing {
                    request: Some(request),
                    fetch,
                };
                Ok(())
            }
        }
    }

    fn send_with_token(
        &mut self,
        (mut url, mut headers): (Url, HeaderMap),
        token: &Fetched,
    ) -> Result<(), Error<E>> {
        token.auth.apply(&mut url, &mut headers);
        self.token_generation = token.generation;
        self.send((url, headers))
    }

    /// Sends the attempt (its credentials in place) after the hooks have seen it.
    fn send(&mut self, request: (Url, HeaderMap)) -> Result<(), Error<E>> {
        let inner = &*self.client.inner;
        let timeout = if self.waited_for_token {
            self.timeout.saturating_sub(self.attempt_started.elapsed())
        } else {
            self.timeout
        };
        let mut request = inner.request(&self.prepared, request, timeout);
        for hook in &inner.hooks {
            if let Err(e) = hook.on_request(&mut request, &self.attempt_info()) {
                self.finish(None);
                return Err(Error::Hook(e));
            }
        }
        let streamed = matches!(self.decode, Reader::Stream { .. });
        if streamed {
            *request.timeout_mut() = None;
        }
        self.deadline =
            (streamed || inner.transport.is_some()).then(|| Box::pin(tokio::time::sleep(timeout)));
        match &inner.transport {
            None => {
                let mut http = &inner.http;
                self.state = State::Sending(tower_service::Service::call(&mut http, request));
            }
            Some(transport) => self.state = State::SendingVia(transport.send(request)),
        }
        Ok(())
    }

    fn attempt_info(&self) -> Attempt<'_> {
        Attempt {
            operation_id: self.prepared.operation_id,
            method: &self.prepared.method,
            path_template: self.prepared.path_template,
            number: self.attempt,
        }
    }

    /// A response head has arrived: once the hooks have seen it, either a streamed success is
    /// opened (the call ends with it) or the whole body is read next.
    fn head(&mut self, mut response: reqwest::Response) -> Option<Response<T>> {
        for hook in &self.client.inner.hooks {
            hook.on_response(&mut response, &self.attempt_info());
        }
        if let Some(opened) = self.open_stream(&mut response) {
            return Some(opened(response));
        }
        self.state = reading(response);
        None
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
            // Read whole, under the attempt's timer still.
            return None;
        }
        // Ends the head's timer too: the body is read for as long as the stream lasts.
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
            Ok(request) => self.start_attempt(request),
            Err(e) => {
                self.finish(None);
                Err(Error::InvalidRequest(e))
            }
        }
    }

    /// Waits `delay` before the next attempt, outside the span of the attempt that failed.
    fn wait(&mut self, delay: Duration) {
        self.attempt_span = tracing::Span::none();
        self.deadline = None;
        self.state = State::Waiting(Box::pin(tokio::time::sleep(delay)));
    }

    /// Records the end of the call on its span.
    fn finish(&mut self, status: Option<StatusCode>) {
        self.state = State::Done;
        self.deadline = None;
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
        let replayable = self.prepared.is_replayable();
        if raw.status == StatusCode::UNAUTHORIZED && !self.reauthorized && replayable {
            if let Some(provider) = self.prepared.provider.clone() {
                // The server refused the token: one new token (shared with every call refused
                // the same one) and one more attempt, not counted as a retry. Nothing was done
                // for a 401, so this holds for every method.
                self.reauthorized = true;
                tracing::debug!(attempt, "asking for a new token after 401");
                let token = provider.rejected(self.token_generation);
                let request = match self.client.inner.build(&self.prepared) {
                    Ok(request) => request,
                    Err(e) => {
                        self.finish(None);
                        return Some(Err(Error::InvalidRequest(e)));
                    }
                };
                self.begin_attempt();
                return match self.authorize(request, token) {
                    Ok(()) => None,
                    Err(e) => Some(Err(e)),
                };
            }
        }
        let retries_used = attempt - u32::from(self.reauthorized);
        if retries_used <= self.max_retries
            && replayable
            && should_retry_status(&self.prepared.method, raw.status)
        {
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

    /// Retries after a retryable failure to get a response (returning `None`), or returns the
    /// error.
    fn after_error(&mut self, err: AttemptError) -> Option<Result<Response<T>, Error<E>>> {
        let attempt = self.attempt;
        let method = &self.prepared.method;
        let (retryable, timeout, connect) = match &err {
            AttemptError::Reqwest(e) => (
                should_retry_transport(method, e),
                e.is_timeout(),
                e.is_connect(),
            ),
            AttemptError::Custom(e) => (
                should_retry_custom_transport(method, e.is_connect()),
                false,
                e.is_connect(),
            ),
            AttemptError::TimedOut => (should_retry_custom_transport(method, false), true, false),
        };
        let retries_used = attempt - u32::from(self.reauthorized);
        if retries_used <= self.max_retries && retryable && self.prepared.is_replayable() {
            let delay = self.client.inner.retry_policy.backoff(attempt);
            tracing::debug!(
                attempt,
                timeout,
                connect,
                delay_ms = millis(delay),
                "retrying after a transport error"
            );
            self.wait(delay);
            return None;
        }
        self.finish(None);
        let elapsed = self.attempt_started.elapsed();
        Some(Err(match err {
            AttemptError::Reqwest(e) => {
                self.client
                    .inner
                    .transport_error(e, &self.prepared, self.timeout, elapsed)
            }
            AttemptError::Custom(e) => Error::CustomTransport(e),
            AttemptError::TimedOut => Error::Timeout {
                timeout: self.timeout,
                elapsed,
            },
        }))
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

/// [`decode_erased`] over one operation's decoder.
pub type ErasedDecoder = fn(RawResponse) -> Result<Response<()>, Error<()>>;

/// What a call returns for `raw`, with the decoded values dropped, so that the decoders of every
/// operation fit in one table: the generated `contract_decoders()` (emitted for `cargo xtask
/// contract` only) pairs each operation with this over its decoder. It is the same path a call
/// takes after the response is read.
pub fn decode_erased<T, E>(
    raw: RawResponse,
    decode: Decoder<T, E>,
) -> Result<Response<()>, Error<()>> {
    match finish(raw, Reader::Whole(decode)) {
        Ok(response) => Ok(response.map(drop)),
        Err(Error::Api(api)) => Err(Error::Api(Box::new(ApiError {
            status: api.status,
            headers: api.headers,
            body: api.body,
            error: (),
        }))),
        Err(Error::UnexpectedResponse(unexpected)) => Err(Error::UnexpectedResponse(unexpected)),
        Err(Error::InvalidRequest(invalid)) => Err(Error::InvalidRequest(invalid)),
        Err(Error::Transport(transport)) => Err(Error::Transport(transport)),
        Err(Error::CustomTransport(transport)) => Err(Error::CustomTransport(transport)),
        Err(Error::Hook(hook)) => Err(Error::Hook(hook)),
        Err(Error::Credentials(e)) => Err(Error::Credentials(e)),
        Err(Error::Timeout { timeout, elapsed }) => Err(Error::Timeout { timeout, elapsed }),
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

    #[test]
    fn decode_erased_keeps_the_outcome_status_headers_and_raw_body_of_every_arm() {
        let raw = |status: u16, body: &'static [u8]| {
            let mut headers = HeaderMap::new();
            headers.insert("x-request-id", "r1".parse().unwrap());
            RawResponse {
                status: StatusCode::from_u16(status).unwrap(),
                headers,
                body: bytes::Bytes::from_static(body),
            }
        };
        let decode: Decoder<u8, u16> = |r| match r.status.as_u16() {
            200 => Outcome::Success(7),
            404 => Outcome::ApiError(4),
            _ => Outcome::Unexpected("odd".into()),
        };
        let ok = decode_erased(raw(200, b"ok"), decode).expect("success");
        assert_eq!(ok.status, StatusCode::OK);
        assert_eq!(ok.request_id(), Some("r1"));
        match decode_erased(raw(404, b"gone"), decode) {
            Err(Error::Api(api)) => {
                assert_eq!(api.status, StatusCode::NOT_FOUND);
                assert_eq!(&api.body[..], b"gone");
                assert_eq!(api.headers.len(), 1);
            }
            other => panic!("expected the API error, got {other:?}"),
        }
        match decode_erased(raw(500, b"boom"), decode) {
            Err(Error::UnexpectedResponse(u)) => {
                assert_eq!(u.status, StatusCode::INTERNAL_SERVER_ERROR);
                assert_eq!(&u.body[..], b"boom");
                assert_eq!(u.reason, "odd");
            }
            other => panic!("expected the unexpected response, got {other:?}"),
        }
    }
}

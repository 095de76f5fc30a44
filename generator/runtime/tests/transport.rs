//! A `Transport` set on the builder replaces the network below everything else: it sees each
//! attempt's finished request (credentials included), and retries, per-attempt timeouts and
//! decoding run over what it answers.

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_runtime::{
    Call, ClientBuilder, Error, Outcome, RawResponse, RequestParts, RetryPolicy, TransportError,
};
use reqwest::Method;
use serde_json::Value;

use support::{status_only, API, KEY};

/// A builder with no server behind it: every request must go through the transport.
fn offline_builder() -> ClientBuilder {
    ClientBuilder::for_api(API)
        .base_url("http://fake.invalid/api")
        .api_key(KEY)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
}

fn answer(status: u16, body: &'static str) -> reqwest::Response {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body)
        .expect("valid response")
        .into()
}

fn get(path: &'static str) -> RequestParts {
    RequestParts::new("test.get", Method::GET, path, path.to_owned())
}

fn post(path: &'static str) -> RequestParts {
    RequestParts::new("test.post", Method::POST, path, path.to_owned())
}

fn body_text(raw: &RawResponse) -> Outcome<String, Value> {
    Outcome::Success(String::from_utf8_lossy(&raw.body).into_owned())
}

/// What a fake transport saw of one attempt.
#[derive(Debug, Clone)]
struct Seen {
    url: String,
    authorization: Option<String>,
    timeout: Option<Duration>,
}

#[tokio::test]
async fn retries_run_over_the_transport_and_every_attempt_carries_the_credentials() {
    let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
    let log = Arc::clone(&seen);
    let client = offline_builder()
        .timeout(Duration::from_secs(7))
        .transport(move |request: reqwest::Request| {
            let mut log = log.lock().unwrap();
            log.push(Seen {
                url: request.url().to_string(),
                authorization: request
                    .headers()
                    .get("authorization")
                    .map(|v| v.to_str().unwrap().to_owned()),
                timeout: request.timeout().copied(),
            });
            let first = log.len() == 1;
            async move {
                Ok(if first {
                    answer(503, r#"{"code":"busy"}"#)
                } else {
                    answer(200, r#"{"ok":true}"#)
                })
            }
        })
        .build()
        .expect("client");

    let body = Call::new(&client, Ok(get("/things/1")), body_text)
        .await
        .expect("the second attempt succeeds");
    assert_eq!(body, r#"{"ok":true}"#);

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one 503, then the retry: {seen:?}");
    for attempt in &seen {
        assert_eq!(attempt.url, "http://fake.invalid/api/things/1");
        assert_eq!(
            attempt.authorization.as_deref(),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(attempt.timeout, Some(Duration::from_secs(7)));
    }
}

#[tokio::test]
async fn a_non_retryable_answer_is_decoded_with_its_status_and_body() {
    let client = offline_builder()
        .transport(|_request: reqwest::Request| async { Ok(answer(404, r#"{"code":"nope"}"#)) })
        .build()
        .expect("client");
    let status = Call::new(&client, Ok(get("/missing")), status_only)
        .await
        .expect("the decoder accepts every status");
    assert_eq!(status, 404);
}

/// The per-attempt timeout covers a transport that never answers; the timed-out attempt is
/// retried like a network timeout (a GET is idempotent) and the last one is `Error::Timeout`.
#[tokio::test(start_paused = true)]
async fn the_attempt_timeout_applies_to_a_transport_that_never_answers() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&calls);
    let client = offline_builder()
        .timeout(Duration::from_secs(5))
        .max_retries(1)
        .transport(move |_request: reqwest::Request| {
            counter.fetch_add(1, Ordering::SeqCst);
            std::future::pending::<Result<reqwest::Response, TransportError>>()
        })
        .build()
        .expect("client");
    let err = Call::new(&client, Ok(get("/slow")), status_only)
        .await
        .expect_err("nothing answers");
    match err {
        Error::Timeout { timeout, elapsed } => {
            assert_eq!(timeout, Duration::from_secs(5));
            assert!(elapsed >= timeout, "{elapsed:?}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// A transport's own errors are retried by how far the request got: `connect` (never reached the
/// server) even for a POST, `new` (may have reached it) not for a POST; the last one is returned
/// as `Error::CustomTransport` with its message.
#[tokio::test]
async fn transport_errors_are_retried_by_how_far_the_request_got() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&calls);
    let client = offline_builder()
        .max_retries(3)
        .transport(move |_request: reqwest::Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                Err(if n == 0 {
                    TransportError::connect("refused by the fake")
                } else {
                    TransportError::new("reset after sending")
                })
            }
        })
        .build()
        .expect("client");
    let err = Call::new(&client, Ok(post("/things")), status_only)
        .await
        .expect_err("the fake never answers");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "connect retried, reset not"
    );
    assert!(matches!(err, Error::CustomTransport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.to_string(), "transport error: reset after sending");
}

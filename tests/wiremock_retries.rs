//! The generated Userplane client against wiremock: retries (which statuses and errors, for
//! which methods, how long it waits, `Retry-After`) and timeouts. Backoffs are milliseconds and
//! every call is bounded. How long the client waits is read exactly from what it scheduled
//! (`support::waits`), never bounded above by wall time. (The retry policy's own arithmetic is
//! unit-tested in the runtime crate.)

mod support;

use std::time::{Duration, Instant};

use userplane::runtime::{Call, RetryPolicy};
use userplane::{Client, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use support::mock::*;
use support::waits::{record, waited_ms};
use support::{
    bounded, builder_for, closed_port, spec_error_body, title_update, variant_name, DECLARED_CODES,
    KEY,
};

// -------------------------------------------------------------------------------------------------
// Retries and timeouts
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn retries_429_honouring_retry_after_seconds_then_succeeds() {
    let rate_limited = json_response(
        429,
        &spec_error_body(429, "RATE_LIMITED", "Rate limit exceeded."),
    )
    .insert_header("retry-after", "0");
    let server = server_failing_then_succeeding(rate_limited, 2).await;
    // The computed backoff would be 30 s; `Retry-After: 0` must replace it.
    let slow_backoff = RetryPolicy::new()
        .initial_backoff(Duration::from_secs(30))
        .jitter(false);
    let client = builder(&server).retry_policy(slow_backoff).build().unwrap();
    record();
    let updated = bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .expect("the third attempt succeeds");
    assert_eq!(updated.data.link.link_id, "lnk_1");
    assert_eq!(waited_ms(), [0, 0]);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn retries_503_waiting_for_retry_after_ms() {
    let unavailable = json_response(
        503,
        &spec_error_body(503, "SERVICE_UNAVAILABLE", "Try again"),
    )
    .insert_header("retry-after-ms", "60");
    let server = server_failing_then_succeeding(unavailable, 1).await;
    record();
    let started = Instant::now();
    bounded(
        client(&server)
            .links()
            .update("ws_1", "lnk_1", &title_update("t")),
    )
    .await
    .expect("the second attempt succeeds");
    assert_eq!(waited_ms(), [60]);
    assert!(started.elapsed() >= Duration::from_millis(60));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_as_a_past_http_date_retries_at_once() {
    let unavailable = json_response(
        503,
        &spec_error_body(503, "SERVICE_UNAVAILABLE", "Try again"),
    )
    .insert_header("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT");
    let server = server_failing_then_succeeding(unavailable, 1).await;
    let slow_backoff = RetryPolicy::new()
        .initial_backoff(Duration::from_secs(30))
        .jitter(false);
    let client = builder(&server).retry_policy(slow_backoff).build().unwrap();
    bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .expect("the second attempt succeeds");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn without_retry_after_the_exponential_backoff_is_waited() {
    let server = server_failing_then_succeeding(
        json_response(500, &spec_error_body(500, "LINK_UPDATE_FAILED", "x")),
        2,
    )
    .await;
    let policy = RetryPolicy::new()
        .initial_backoff(Duration::from_millis(20))
        .jitter(false);
    let client = builder(&server).retry_policy(policy).build().unwrap();
    record();
    let started = Instant::now();
    bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .expect("the third attempt succeeds");
    assert_eq!(waited_ms(), [20, 40]);
    assert!(started.elapsed() >= Duration::from_millis(60));
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn retrying_stops_after_the_limit_with_the_last_typed_error() {
    for (status, code, variant) in [
        (429u16, "RATE_LIMITED", "TooManyRequests::RateLimited"),
        (
            503,
            "SERVICE_UNAVAILABLE",
            "ServiceUnavailable::ServiceUnavailable",
        ),
    ] {
        let server = server_answering(
            json_response(status, &spec_error_body(status, code, "busy"))
                .insert_header("retry-after", "0"),
        )
        .await;
        let err = bounded(
            client(&server)
                .links()
                .update("ws_1", "lnk_1", &title_update("t")),
        )
        .await
        .unwrap_err();
        assert_eq!(
            received(&server).await.len(),
            3,
            "{status}: 1 attempt + 2 retries (the default)"
        );
        assert_eq!(variant_name(err.api_error().unwrap()), variant);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(err.is_retryable());
    }
}

#[tokio::test]
async fn max_retries_is_configurable_on_the_builder_and_per_call() {
    let failing = || json_response(500, &spec_error_body(500, "LINK_UPDATE_FAILED", "x"));
    let server = server_answering(failing()).await;
    let client = builder(&server).max_retries(4).build().unwrap();
    let _ = bounded(client.links().update("ws_1", "lnk_1", &title_update("t"))).await;
    assert_eq!(received(&server).await.len(), 5);

    let server = server_answering(failing()).await;
    let client = builder(&server).max_retries(4).build().unwrap();
    let _ = bounded(
        client
            .links()
            .update("ws_1", "lnk_1", &title_update("t"))
            .max_retries(0),
    )
    .await;
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn retry_after_longer_than_the_cap_is_returned_at_once() {
    // `Retry-After: 1` is read as one second, more than the 500 ms this client waits at most.
    let server = server_answering(
        json_response(
            429,
            &spec_error_body(429, "RATE_LIMITED", "Daily limit reached"),
        )
        .insert_header("retry-after", "1"),
    )
    .await;
    let policy = support::fast_policy().max_retry_after(Duration::from_millis(500));
    let client = builder(&server).retry_policy(policy).build().unwrap();
    record();
    let err = bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .unwrap_err();
    assert_eq!(waited_ms(), [] as [u64; 0], "did not wait for Retry-After");
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(
        variant_name(err.api_error().unwrap()),
        "TooManyRequests::RateLimited"
    );
    assert_eq!(
        err.headers()
            .and_then(|h| h.get("retry-after"))
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
}

#[tokio::test]
async fn not_found_and_other_4xx_are_never_retried() {
    for &(status, code, _, _) in DECLARED_CODES {
        if status == 429 || status >= 500 {
            continue;
        }
        let server =
            server_answering(json_response(status, &spec_error_body(status, code, "no"))).await;
        let err = bounded(
            client(&server)
                .links()
                .update("ws_1", "lnk_1", &title_update("t")),
        )
        .await
        .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable());
        assert_eq!(received(&server).await.len(), 1, "{code}");
    }
}

#[tokio::test]
async fn put_is_retried_on_500_and_on_a_non_json_502() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_response(
            500,
            &spec_error_body(500, "LINK_UPDATE_FAILED", "x"),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(success())
        .with_priority(3)
        .mount(&server)
        .await;
    bounded(
        client(&server)
            .links()
            .update("ws_1", "lnk_1", &title_update("t")),
    )
    .await
    .expect("the third attempt succeeds");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    // Every attempt sends the same request.
    assert!(requests.iter().all(|r| r.body == requests[0].body
        && r.url == requests[0].url
        && header(r, "authorization") == Some(&format!("Bearer {KEY}"))));
}

#[tokio::test]
async fn post_is_not_retried_on_500_but_is_on_429_and_503() {
    let server = server_answering(ResponseTemplate::new(500)).await;
    let result = bounded(Call::new(&client(&server), Ok(post_parts()), status_only)).await;
    // 500 is not declared for this hand-built decoder, which accepts every status.
    assert_eq!(result.unwrap(), 500);
    assert_eq!(received(&server).await.len(), 1);

    for status in [429u16, 503] {
        let server = server_answering(ResponseTemplate::new(status)).await;
        let result = bounded(Call::new(&client(&server), Ok(post_parts()), status_only)).await;
        assert_eq!(result.unwrap(), status);
        assert_eq!(received(&server).await.len(), 3, "{status}");
    }
}

#[tokio::test]
async fn timeout_yields_the_timeout_variant_and_put_retries_it() {
    let server = server_answering(success().set_delay(SLOW_RESPONSE)).await;
    record();
    let err = bounded(
        client(&server)
            .links()
            .update("ws_1", "lnk_1", &title_update("t"))
            .timeout(Duration::from_millis(50))
            .max_retries(1),
    )
    .await
    .unwrap_err();
    match &err {
        Error::Timeout { timeout, elapsed } => {
            assert_eq!(*timeout, Duration::from_millis(50));
            assert!(*elapsed >= Duration::from_millis(50), "{elapsed:?}");
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert!(err.is_timeout() && err.is_retryable());
    assert!(err.status().is_none());
    assert!(
        err.to_string().starts_with("request timed out after"),
        "{err}"
    );
    // Both attempts gave up (a timeout, not the slow success), with one backoff between them
    // (the fast policy's first: at most 1 ms).
    let waits = waited_ms();
    assert!(waits.len() == 1 && waits[0] <= 1, "{waits:?}");
    assert_eq!(received(&server).await.len(), 2, "1 attempt + 1 retry");
}

#[tokio::test]
async fn client_wide_timeout_applies_to_every_call() {
    let server = server_answering(success().set_delay(SLOW_RESPONSE)).await;
    let client = builder(&server)
        .timeout(Duration::from_millis(40))
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(client.timeout(), Duration::from_millis(40));
    let err = bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { timeout, .. } if timeout == Duration::from_millis(40)),
        "{err:?}"
    );
}

#[tokio::test]
async fn post_timeout_is_not_retried() {
    let server = server_answering(ResponseTemplate::new(200).set_delay(SLOW_RESPONSE)).await;
    let err = bounded(
        Call::new(&client(&server), Ok(post_parts()), status_only)
            .timeout(Duration::from_millis(40)),
    )
    .await
    .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_retryable_transport_error_with_a_cause() {
    let client = builder_for(&format!("http://127.0.0.1:{}/api/v1", closed_port()))
        .build()
        .unwrap();
    let err = bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(err.status().is_none());
    assert!(err.to_string().starts_with("transport error:"), "{err}");
    assert!(std::error::Error::source(&err).is_some());
}

// -------------------------------------------------------------------------------------------------
// Which methods are retried on what (RFC 9110 idempotency)
// -------------------------------------------------------------------------------------------------

/// `post_parts()` with another method.
fn parts_with(method: reqwest::Method) -> userplane::runtime::RequestParts {
    let mut parts = post_parts();
    parts.method = method;
    parts
}

#[tokio::test]
async fn put_is_retried_on_408_request_timeout() {
    let server = server_failing_then_succeeding(ResponseTemplate::new(408), 1).await;
    record();
    bounded(
        client(&server)
            .links()
            .update("ws_1", "lnk_1", &title_update("t")),
    )
    .await
    .expect("the second attempt succeeds");
    assert_eq!(received(&server).await.len(), 2);
    assert_eq!(waited_ms().len(), 1);
}

#[tokio::test]
async fn patch_like_post_is_retried_only_on_429_and_503() {
    for (status, attempts) in [
        (408u16, 1usize),
        (500, 1),
        (502, 1),
        (504, 1),
        (429, 3),
        (503, 3),
    ] {
        let server = server_answering(ResponseTemplate::new(status)).await;
        let call = Call::new(
            &client(&server),
            Ok(parts_with(reqwest::Method::PATCH)),
            status_only,
        );
        assert_eq!(bounded(call).await.unwrap(), status);
        assert_eq!(received(&server).await.len(), attempts, "PATCH {status}");
    }
}

#[tokio::test]
async fn post_is_not_retried_on_502_or_504() {
    for status in [502u16, 504] {
        let server = server_answering(ResponseTemplate::new(status)).await;
        record();
        let result = bounded(Call::new(&client(&server), Ok(post_parts()), status_only)).await;
        assert_eq!(result.unwrap(), status);
        assert_eq!(received(&server).await.len(), 1, "POST {status}");
        assert_eq!(waited_ms(), [] as [u64; 0]);
    }
}

/// A refused connection never reached the server, so even a POST is sent again.
#[tokio::test]
async fn post_is_retried_after_a_refused_connection() {
    let client = builder_for(&format!("http://127.0.0.1:{}/api/v1", closed_port()))
        .build()
        .unwrap();
    record();
    let err = bounded(Call::new(&client, Ok(post_parts()), status_only))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    // The default two retries, each after a backoff of the fast policy (at most 5 ms).
    let waits = waited_ms();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!(waits.iter().all(|&ms| ms <= 5), "{waits:?}");
}

// -------------------------------------------------------------------------------------------------
// Per-call options
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn with_options_sets_the_timeout_the_retries_and_extra_headers_of_one_call() {
    let options = || {
        let mut options = userplane::runtime::RequestOptions::default();
        options.timeout = Some(Duration::from_millis(40));
        options.max_retries = Some(0);
        options.headers = vec![("x-request-tag".into(), "nightly".into())];
        options
    };
    // Retries: 0 instead of the client's 2, and the extra header is sent.
    let server = server_answering(ResponseTemplate::new(503)).await;
    let status =
        bounded(Call::new(&client(&server), Ok(post_parts()), status_only).with_options(options()))
            .await
            .unwrap();
    assert_eq!(status, 503);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(header(&requests[0], "x-request-tag"), Some("nightly"));
    // Timeout: 40 ms instead of the client's 10 s.
    let server = server_answering(success().set_delay(SLOW_RESPONSE)).await;
    let err =
        bounded(Call::new(&client(&server), Ok(post_parts()), status_only).with_options(options()))
            .await
            .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { timeout, .. } if timeout == Duration::from_millis(40)),
        "{err:?}"
    );
    // Fields left unset keep the call's earlier settings: a later `with_options` without a
    // timeout does not undo `.timeout(..)`.
    let err = bounded(
        Call::new(&client(&server), Ok(post_parts()), status_only)
            .timeout(Duration::from_millis(30))
            .with_options(userplane::runtime::RequestOptions::default()),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { timeout, .. } if timeout == Duration::from_millis(30)),
        "{err:?}"
    );
}

// -------------------------------------------------------------------------------------------------
// Extension points over retries: hooks, the user's own reqwest client, a credentials provider
// -------------------------------------------------------------------------------------------------

/// A hook signs every attempt (retries included) of a generated call sent by the user's own
/// `reqwest::Client`, whose default header also reaches the wire beside the API key.
#[tokio::test]
async fn hooks_sign_every_attempt_sent_by_the_users_own_reqwest_client() {
    use userplane::runtime::{Attempt, Hook, HookError};
    struct Signer;
    impl Hook for Signer {
        fn on_request(
            &self,
            request: &mut reqwest::Request,
            attempt: &Attempt<'_>,
        ) -> Result<(), HookError> {
            let value = format!("{}#{}", attempt.operation_id, attempt.number);
            let value = reqwest::header::HeaderValue::from_str(&value).map_err(HookError::new)?;
            request.headers_mut().insert("x-signature", value);
            Ok(())
        }
    }
    let server = server_failing_then_succeeding(ResponseTemplate::new(503), 1).await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert(
        "x-proxy-tag",
        reqwest::header::HeaderValue::from_static("p1"),
    );
    let own = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .expect("reqwest client");
    let client = builder(&server)
        .http_client(own)
        .hook(Signer)
        .build()
        .expect("client");
    bounded(
        client
            .links()
            .update("ws_1", "lnk_1", &title_update("Signed")),
    )
    .await
    .expect("the retry succeeds");
    let requests = received(&server).await;
    let seen: Vec<_> = requests
        .iter()
        .map(|r| {
            (
                header(r, "x-signature").map(str::to_owned),
                header(r, "x-proxy-tag").map(str::to_owned),
                header(r, "authorization").map(str::to_owned),
            )
        })
        .collect();
    let expected = |n: u32| {
        (
            Some(format!("links.update#{n}")),
            Some("p1".to_owned()),
            Some(format!("Bearer {KEY}")),
        )
    };
    assert_eq!(seen, [expected(1), expected(2)]);
}

/// The generated client with a credentials provider instead of a key: a 401 to the first token
/// gets one new token and one more attempt.
#[tokio::test]
async fn a_credentials_provider_replaces_a_rejected_token() {
    use userplane::runtime::{Token, TokenReason};
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::header("authorization", "Bearer second"))
        .respond_with(success())
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401))
        .with_priority(2)
        .mount(&server)
        .await;
    let reasons = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&reasons);
    let client = Client::builder()
        .base_url(format!("{}/api/v1", server.uri()))
        .credentials_provider(move |reason: TokenReason| {
            let mut log = log.lock().unwrap();
            log.push(reason);
            let token = if log.len() == 1 { "first" } else { "second" };
            async move { Ok(Token::new(token)) }
        })
        .build()
        .expect("client");
    bounded(
        client
            .links()
            .update("ws_1", "lnk_1", &title_update("Refreshed")),
    )
    .await
    .expect("sent again with the new token");
    assert_eq!(
        *reasons.lock().unwrap(),
        [TokenReason::Initial, TokenReason::Rejected]
    );
    assert_eq!(received(&server).await.len(), 2);
}

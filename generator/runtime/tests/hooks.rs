//! Hooks see and change every attempt (retries included) on the wire, and a user's own
//! `reqwest::Client` carries the calls with its configuration.

mod support;

use std::sync::{Arc, Mutex};

use client_runtime::{Attempt, Call, Error, Hook, HookError, RequestParts};
use reqwest::header::HeaderValue;
use reqwest::Method;
use wiremock::ResponseTemplate;

use support::{
    bounded, builder, header, received, server_answering, server_failing_then_succeeding,
    status_only, KEY,
};

fn get(path: &'static str) -> RequestParts {
    RequestParts::new("test.get", Method::GET, path, path.to_owned())
}

/// Signs each attempt with its number and records what it saw of requests and responses.
#[derive(Default)]
struct Signer {
    seen: Mutex<Vec<String>>,
}

impl Hook for Signer {
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt<'_>,
    ) -> Result<(), HookError> {
        let authorized = request.headers().contains_key("authorization");
        self.seen.lock().unwrap().push(format!(
            "request {} #{} authorized={authorized}",
            attempt.operation_id, attempt.number
        ));
        let mut signature = HeaderValue::from_str(&format!("sig-{}", attempt.number)).unwrap();
        signature.set_sensitive(true);
        request.headers_mut().insert("x-signature", signature);
        Ok(())
    }

    fn on_response(&self, response: &mut reqwest::Response, attempt: &Attempt<'_>) {
        self.seen.lock().unwrap().push(format!(
            "response #{} {}",
            attempt.number,
            response.status().as_u16()
        ));
    }
}

/// A hook that only counts responses, through a shared handle.
struct Second(Arc<Mutex<Vec<String>>>);

impl Hook for Second {
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        _attempt: &Attempt<'_>,
    ) -> Result<(), HookError> {
        // Runs after the first hook: its header is already there.
        let signed = request.headers().contains_key("x-signature");
        self.0
            .lock()
            .unwrap()
            .push(format!("second signed={signed}"));
        Ok(())
    }
}

#[tokio::test]
async fn hooks_run_in_order_on_every_attempt_including_retries() {
    let server = server_failing_then_succeeding(ResponseTemplate::new(503), 1).await;
    let signer = Arc::new(Signer::default());
    let second = Arc::new(Mutex::new(Vec::new()));
    let client = builder(&server)
        .hook(Arc::clone(&signer))
        .hook(Second(Arc::clone(&second)))
        .build()
        .expect("client");

    let status = bounded(Call::new(&client, Ok(get("/things")), status_only))
        .await
        .expect("the retry succeeds");
    assert_eq!(status, 200);

    assert_eq!(
        *signer.seen.lock().unwrap(),
        [
            "request test.get #1 authorized=true",
            "response #1 503",
            "request test.get #2 authorized=true",
            "response #2 200",
        ]
    );
    assert_eq!(
        *second.lock().unwrap(),
        ["second signed=true", "second signed=true"]
    );
    let signatures: Vec<_> = received(&server)
        .await
        .iter()
        .map(|r| header(r, "x-signature").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(signatures, ["sig-1", "sig-2"]);
}

/// A response hook's change to the headers is what the retry decision and the caller see: a
/// `Retry-After` longer than the policy accepts, added by the hook, stops the retry of a 503.
#[tokio::test]
async fn a_response_hook_changes_what_retries_and_decoding_see() {
    struct Patience;
    impl Hook for Patience {
        fn on_response(&self, response: &mut reqwest::Response, _attempt: &Attempt<'_>) {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from_static("3600"));
        }
    }
    let server = server_answering(ResponseTemplate::new(503)).await;
    let client = builder(&server).hook(Patience).build().expect("client");
    let err = bounded(Call::new(&client, Ok(get("/things")), |_| {
        client_runtime::Outcome::<(), serde_json::Value>::Unexpected("error status".into())
    }))
    .await
    .expect_err("a 503 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        err.headers()
            .and_then(|h| h.get("retry-after"))
            .and_then(|v| v.to_str().ok()),
        Some("3600")
    );
    assert_eq!(received(&server).await.len(), 1, "not retried");
}

#[tokio::test]
async fn a_request_hook_error_ends_the_call_before_anything_is_sent() {
    struct Refuse;
    impl Hook for Refuse {
        fn on_request(
            &self,
            _request: &mut reqwest::Request,
            _attempt: &Attempt<'_>,
        ) -> Result<(), HookError> {
            Err(HookError::new("no signing key loaded"))
        }
    }
    let server = server_answering(ResponseTemplate::new(200)).await;
    let client = builder(&server).hook(Refuse).build().expect("client");
    let err = bounded(Call::new(&client, Ok(get("/things")), status_only))
        .await
        .expect_err("the hook refuses");
    assert!(matches!(err, Error::Hook(_)), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "request hook failed: no signing key loaded"
    );
    assert!(received(&server).await.is_empty());
}

/// A user's own `reqwest::Client` (here with a default header, standing in for proxies and
/// certificates) sends the calls; the API key, user agent and retries still apply.
#[tokio::test]
async fn a_users_own_reqwest_client_carries_the_calls() {
    let server = server_failing_then_succeeding(ResponseTemplate::new(503), 1).await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-corporate-proxy", HeaderValue::from_static("tag-7"));
    let own = reqwest::Client::builder()
        .default_headers(defaults)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    let client = builder(&server).http_client(own).build().expect("client");
    let status = bounded(Call::new(&client, Ok(get("/things")), status_only))
        .await
        .expect("the retry succeeds");
    assert_eq!(status, 200);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header(request, "x-corporate-proxy"), Some("tag-7"));
        assert_eq!(
            header(request, "authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(header(request, "user-agent"), Some(support::API.user_agent));
    }
}

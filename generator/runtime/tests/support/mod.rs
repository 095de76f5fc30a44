//! What the runtime's integration tests share: an API configuration, a client pointed at a
//! wiremock server, and a bound on every call.

#![allow(dead_code)] // Each test file uses its own share of these helpers.

use std::time::Duration;

use client_runtime::{
    ApiConfig, AuthPlacement, AuthScheme, Client, ClientBuilder, Outcome, RawResponse, RetryPolicy,
};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A bearer-key API with no default base URL, as a generated crate would describe it.
pub const API: ApiConfig = ApiConfig {
    default_base_url: "",
    env_api_key: "RUNTIME_TEST_API_KEY",
    env_base_url: "RUNTIME_TEST_BASE_URL",
    user_agent: "runtime-tests/0 (rust)",
    auth: &[AuthScheme {
        name: "bearerAuth",
        placement: AuthPlacement::Bearer,
    }],
    security: &[&["bearerAuth"]],
};

pub const KEY: &str = "runtime_test_secret_key";

/// A builder pointed at the mock server under `/api/v1`, with millisecond retry backoffs.
pub fn builder(server: &MockServer) -> ClientBuilder {
    ClientBuilder::for_api(API)
        .base_url(format!("{}/api/v1", server.uri()))
        .api_key(KEY)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5))
                .max_retry_after(Duration::from_secs(1)),
        )
        .timeout(Duration::from_secs(10))
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

/// Awaits `fut`, failing the test if it takes more than 10 s.
pub async fn bounded<F: std::future::IntoFuture>(fut: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), fut.into_future())
        .await
        .expect("the call finished within 10 s")
}

pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

pub fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

/// A server answering every request with `template`.
pub async fn server_answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// A server answering `first` to the first `times` requests and `200` afterwards.
pub async fn server_failing_then_succeeding(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

/// A decoder for hand-built calls: the status, with any error body as JSON.
pub fn status_only(raw: &RawResponse) -> Outcome<u16, Value> {
    Outcome::Success(raw.status.as_u16())
}

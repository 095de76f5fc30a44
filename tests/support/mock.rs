//! Helpers of the wiremock test binaries: a client pointed at a mock server, canned responses,
//! and the calls most tests make.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use userplane::runtime::{Outcome, RawResponse, RequestBody, RequestParts};
use userplane::{Client, ClientBuilder, Error, UpdateLinkError};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::{bounded, builder_for, full_success_body, title_update};

/// How long a "slow" mock response takes. Clients in these tests time out after tens of
/// milliseconds and never wait for it; the margin keeps the tests stable on a loaded machine.
pub const SLOW_RESPONSE: Duration = Duration::from_secs(3);

/// A builder pointed at the mock server, with the `/api/v1` prefix of the real base URL.
pub fn builder(server: &MockServer) -> ClientBuilder {
    builder_for(&format!("{}/api/v1", server.uri()))
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

pub fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

/// A response with a JSON body given as exact bytes.
pub fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

pub fn success() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(full_success_body())
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

/// A server answering `first` to the first `times` requests and a full success afterwards.
pub async fn server_failing_then_succeeding(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(success())
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

/// `links.update("ws_1", "lnk_1", title "New title")` without retries, expected to fail.
pub async fn update_fails(server: &MockServer) -> Error<UpdateLinkError> {
    bounded(
        client(server)
            .links()
            .update("ws_1", "lnk_1", &title_update("New title"))
            .max_retries(0),
    )
    .await
    .expect_err("the call fails")
}

pub fn invalid_request<T: std::fmt::Debug>(
    result: Result<T, Error<UpdateLinkError>>,
) -> userplane::runtime::InvalidRequest {
    match result {
        Err(Error::InvalidRequest(e)) => e,
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

/// A decoder for hand-built calls: the status, with any error body as JSON.
pub fn status_only(raw: &RawResponse) -> Outcome<u16, Value> {
    Outcome::Success(raw.status.as_u16())
}

pub fn post_parts() -> RequestParts {
    RequestParts {
        body: RequestBody::json(&json!({ "linkTitle": "x" })).unwrap(),
        ..RequestParts::new(
            "links.create",
            Method::POST,
            "/public/workspace/{workspaceId}/links",
            "/public/workspace/ws_1/links".to_owned(),
        )
    }
}

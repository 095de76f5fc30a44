//! The generated Userplane client against a real HTTP server on loopback (wiremock).
//!
//! Covers `links.update` end to end (wire format, validation, typed errors, retries, timeouts,
//! redaction) and the generic runtime pieces the operation does not exercise (other HTTP methods
//! and bodies, query strings, pagination) through `runtime::Call`, as generated code uses it.
//! Every call is bounded; retry backoffs are milliseconds.

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde_json::{json, Value};
use userplane::runtime::{
    encode_path_segment, paginate, parse_retry_after, ApiKey, ArrayStyle, BuildError, Call,
    ErrorDetails, MultipartField, Outcome, Page, QueryWriter, RawResponse, RequestBody,
    RequestParts, RetryPolicy, StreamExt, DEFAULT_MAX_PAGES,
};
use userplane::{
    Client, ClientBuilder, DomainStatus, Error, LinkProviderType, LinkType, Nullable,
    UpdateLinkError, UpdateLinkNotFound, UpdateLinkRequest, UpdateLinkResponse,
};
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use support::{
    bounded, builder_for, closed_port, full_success_body, spec_error_body, title_update,
    variant_name, DECLARED_CODES, DECLARED_STATUSES, KEY, UPDATE_PATH,
};

// -------------------------------------------------------------------------------------------------
// Helpers
// -------------------------------------------------------------------------------------------------

/// How long a "slow" mock response takes. Clients in these tests time out after tens of
/// milliseconds and never wait for it; the margin keeps the tests stable on a loaded machine.
const SLOW_RESPONSE: Duration = Duration::from_secs(3);

/// A builder pointed at the mock server, with the `/api/v1` prefix of the real base URL.
fn builder(server: &MockServer) -> ClientBuilder {
    builder_for(&format!("{}/api/v1", server.uri()))
}

fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

/// A response with a JSON body given as exact bytes.
fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn success() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(full_success_body())
}

/// A server answering every request with `template`.
async fn server_answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// A server answering `first` to the first `times` requests and a full success afterwards.
async fn server_failing_then_succeeding(first: ResponseTemplate, times: u64) -> MockServer {
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
async fn update_fails(server: &MockServer) -> Error<UpdateLinkError> {
    bounded(
        client(server)
            .links()
            .update("ws_1", "lnk_1", &title_update("New title"))
            .max_retries(0),
    )
    .await
    .expect_err("the call fails")
}

fn invalid_request<T: std::fmt::Debug>(
    result: Result<T, Error<UpdateLinkError>>,
) -> userplane::runtime::InvalidRequest {
    match result {
        Err(Error::InvalidRequest(e)) => e,
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

/// A decoder for hand-built calls: the status, with any error body as JSON.
fn status_only(raw: &RawResponse) -> Outcome<u16, Value> {
    Outcome::Success(raw.status.as_u16())
}

fn post_parts() -> RequestParts {
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

// -------------------------------------------------------------------------------------------------
// Typed errors
// -------------------------------------------------------------------------------------------------

/// The table the error tests use is exactly what the spec declares: every status, code and default
/// message, and nothing else.
#[test]
fn declared_error_codes_match_the_spec() {
    let text = std::fs::read_to_string(support::workspace_root().join("spec/userplane.yaml"))
        .expect("read the spec");
    let document = generator::load::load_str(&text).expect("the spec loads");
    let responses = &document.raw["paths"]["/public/workspace/{workspaceId}/links/{linkId}"]["put"]
        ["responses"];
    let mut from_spec = Vec::new();
    let mut statuses = Vec::new();
    for (status, response) in responses.as_object().expect("responses") {
        let status: u16 = status.parse().expect("numeric status");
        if status == 200 {
            continue;
        }
        statuses.push(status);
        let variants = response["content"]["application/json"]["schema"]["oneOf"]
            .as_array()
            .expect("error bodies are oneOf unions");
        for variant in variants {
            let props = &variant["properties"];
            if props["defined"]["const"] != json!(true) {
                continue;
            }
            assert_eq!(props["status"]["const"], json!(status));
            from_spec.push((
                status,
                props["code"]["const"].as_str().unwrap().to_owned(),
                props["message"]["default"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let table: Vec<_> = DECLARED_CODES
        .iter()
        .map(|(s, c, m, _)| (*s, (*c).to_owned(), (*m).to_owned()))
        .collect();
    assert_eq!(table, from_spec);
    let declared: Vec<u16> = DECLARED_STATUSES.iter().map(|(s, _)| *s).collect();
    assert_eq!(declared, statuses);
}

#[tokio::test]
async fn every_declared_code_decodes_into_its_own_variant() {
    for &(status, code, message, variant) in DECLARED_CODES {
        let body = spec_error_body(status, code, message);
        let server = server_answering(
            json_response(status, &body).insert_header("x-request-id", format!("req_{code}")),
        )
        .await;
        let err = update_fails(&server).await;

        let api = match &err {
            Error::Api(api) => api,
            other => panic!("{code}: expected Error::Api, got {other:?}"),
        };
        assert_eq!(variant_name(&api.error), variant, "{code}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{code}");
        assert_eq!(err.code(), Some(code));
        assert_eq!(err.message(), Some(message));
        assert_eq!(err.request_id(), Some(format!("req_{code}").as_str()));
        assert_eq!(err.raw_body(), Some(body.as_bytes()));
        let reason = api.status.canonical_reason().unwrap();
        assert_eq!(
            err.to_string(),
            format!("{status} {reason}: {code}: {message}")
        );
        // The operation's own error type names the status variant, the code and the message.
        let kind = variant.split("::").next().unwrap();
        assert_eq!(api.error.kind(), kind);
        assert_eq!(api.error.to_string(), format!("{kind} ({code}): {message}"));
        assert_eq!(ErrorDetails::code(&api.error), Some(code));
        let decoded = match &api.error {
            UpdateLinkError::BadRequest(e) => e.body(),
            UpdateLinkError::Unauthorized(e) => e.body(),
            UpdateLinkError::Forbidden(e) => e.body(),
            UpdateLinkError::NotFound(e) => e.body(),
            UpdateLinkError::Gone(e) => e.body(),
            UpdateLinkError::TooManyRequests(e) => e.body(),
            UpdateLinkError::InternalServerError(e) => e.body(),
            UpdateLinkError::ServiceUnavailable(e) => e.body(),
            other => panic!("unknown variant {other:?}"),
        };
        assert!(decoded.defined);
        assert_eq!(decoded.status, f64::from(status));
        assert_eq!(decoded.data, None);
    }
}

#[tokio::test]
async fn link_not_found_is_matchable_as_a_nested_variant() {
    let server = server_answering(json_response(
        404,
        r#"{"defined":true,"code":"LINK_NOT_FOUND","status":404,"message":"Link not found"}"#,
    ))
    .await;
    match update_fails(&server).await {
        Error::Api(api) => match api.error {
            UpdateLinkError::NotFound(UpdateLinkNotFound::LinkNotFound(body)) => {
                assert_eq!(body.message, "Link not found");
            }
            other => panic!("expected LinkNotFound, got {other:?}"),
        },
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_code_at_a_declared_status_lands_in_other() {
    for &(status, kind) in DECLARED_STATUSES {
        // The spec's catch-all variant: `defined: false`, any code, `status` a number.
        let body = format!(
            r#"{{"defined":false,"code":"SOMETHING_NEW","status":{status}.0,"message":"A newer server error","data":{{"hint":1}}}}"#
        );
        let server = server_answering(json_response(status, &body)).await;
        let err = update_fails(&server).await;
        let api = match &err {
            Error::Api(api) => api,
            other => panic!("{status}: expected Error::Api, got {other:?}"),
        };
        assert_eq!(variant_name(&api.error), format!("{kind}::Other"));
        assert_eq!(err.code(), Some("SOMETHING_NEW"));
        assert_eq!(err.message(), Some("A newer server error"));
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    }
}

#[tokio::test]
async fn undeclared_status_418_is_unexpected_with_status_headers_and_raw_body() {
    let server = server_answering(
        ResponseTemplate::new(418)
            .set_body_string("I'm a teapot")
            .insert_header("x-request-id", "req_tea"),
    )
    .await;
    let err = update_fails(&server).await;
    let Error::UnexpectedResponse(unexpected) = &err else {
        panic!("expected UnexpectedResponse, got {err:?}")
    };
    assert_eq!(unexpected.status.as_u16(), 418);
    assert_eq!(&unexpected.body[..], b"I'm a teapot");
    assert!(unexpected.reason.contains("418"), "{}", unexpected.reason);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(err.raw_body(), Some(&b"I'm a teapot"[..]));
    assert_eq!(err.request_id(), Some("req_tea"));
    assert_eq!(err.code(), None);
    assert!(err.api_error().is_none());
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(
        text.starts_with("unexpected response (418 I'm a teapot)"),
        "{text}"
    );
    assert!(text.contains("\"I'm a teapot\""), "{text}");
}

#[tokio::test]
async fn non_json_502_is_unexpected_with_status_and_raw_body() {
    let html = "<html><body>502 Bad Gateway</body></html>";
    let server = server_answering(ResponseTemplate::new(502).set_body_string(html)).await;
    let err = update_fails(&server).await;
    let Error::UnexpectedResponse(unexpected) = &err else {
        panic!("expected UnexpectedResponse, got {err:?}")
    };
    assert_eq!(unexpected.status.as_u16(), 502);
    assert_eq!(&unexpected.body[..], html.as_bytes());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

#[tokio::test]
async fn non_json_body_at_a_declared_status_is_unexpected() {
    let server =
        server_answering(ResponseTemplate::new(503).set_body_string("upstream down")).await;
    let err = update_fails(&server).await;
    let Error::UnexpectedResponse(unexpected) = &err else {
        panic!("expected UnexpectedResponse, got {err:?}")
    };
    assert_eq!(unexpected.status.as_u16(), 503);
    assert_eq!(&unexpected.body[..], b"upstream down");
    assert!(
        unexpected
            .reason
            .contains("not the JSON the spec describes"),
        "{}",
        unexpected.reason
    );
}

#[tokio::test]
async fn error_body_missing_required_members_is_unexpected() {
    let server = server_answering(json_response(404, r#"{"code":"LINK_NOT_FOUND"}"#)).await;
    let err = update_fails(&server).await;
    assert!(
        matches!(&err, Error::UnexpectedResponse(u) if u.status == 404),
        "{err:?}"
    );
    assert_eq!(err.raw_body(), Some(&br#"{"code":"LINK_NOT_FOUND"}"#[..]));
}

#[tokio::test]
async fn malformed_success_body_is_unexpected_with_a_bounded_message() {
    let server = server_answering(json_response(200, r#"{"message": 1"#)).await;
    let err = update_fails(&server).await;
    assert!(
        matches!(&err, Error::UnexpectedResponse(u) if u.status == 200),
        "{err:?}"
    );
    let server =
        server_answering(ResponseTemplate::new(200).set_body_string("x".repeat(5000))).await;
    let err = update_fails(&server).await;
    assert!(
        err.to_string().len() < 700,
        "the body excerpt is bounded: {err}"
    );
    assert_eq!(err.raw_body().map(<[u8]>::len), Some(5000));
}

// -------------------------------------------------------------------------------------------------
// Success
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn full_success_body_decodes_every_field() {
    let server = server_answering(success()).await;
    let updated: UpdateLinkResponse = bounded(client(&server).links().update(
        "ws_1",
        "lnk_1",
        &title_update("New title"),
    ))
    .await
    .expect("the call succeeds");
    assert_eq!(updated.message, "Link updated");
    assert_eq!(updated.data.workspace_id, "ws_1");
    let link = &updated.data.link;
    assert_eq!(link.link_id, "lnk_1");
    assert_eq!(link.link_title.as_deref(), Some("New title"));
    assert_eq!(link.link_type, LinkType::Recording);
    assert!(!link.link_reusable);
    assert_eq!(link.link_provider_type, LinkProviderType::Zendesk);
    assert_eq!(link.link_provider_id.as_deref(), Some("ticket-42"));
    assert_eq!(
        link.link_provider_reference.as_deref(),
        Some("https://support.example.com/tickets/42")
    );
    assert_eq!(link.link_url, "https://app.userplane.io/r/lnk_1");
    assert_eq!(
        link.link_meta,
        Some(BTreeMap::from([
            ("customer".to_owned(), "acme".to_owned()),
            ("priority".to_owned(), "high".to_owned()),
        ]))
    );
    assert_eq!(link.created_at, json!("2025-01-15T10:30:00.000Z"));
    assert_eq!(link.project.project_id, "prj_1");
    assert_eq!(link.project.title.as_deref(), Some("Support"));
    assert_eq!(link.creator.workspace_member_id, "wm_1");
    assert_eq!(link.creator.name, "Ada Lovelace");
    assert_eq!(link.domain.domain_id, "dom_1");
    assert_eq!(link.domain.url, "https://acme.userplane.io");
    assert_eq!(link.domain.status, DomainStatus::Verified);
    // Serialising the decoded value gives back the same JSON.
    assert_eq!(serde_json::to_value(&updated).unwrap(), full_success_body());
}

#[tokio::test]
async fn nullable_response_fields_decode_as_none() {
    let mut body = full_success_body();
    let link = &mut body["data"]["link"];
    for field in [
        "linkTitle",
        "linkProviderId",
        "linkProviderReference",
        "linkMeta",
    ] {
        link[field] = Value::Null;
    }
    link["project"]["title"] = Value::Null;
    link["createdAt"] = json!(1736937000000u64);
    let server = server_answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let updated = bounded(
        client(&server)
            .links()
            .update("ws_1", "lnk_1", &title_update("t")),
    )
    .await
    .expect("the call succeeds");
    let link = &updated.data.link;
    assert_eq!(link.link_title, None);
    assert_eq!(link.link_provider_id, None);
    assert_eq!(link.link_provider_reference, None);
    assert_eq!(link.link_meta, None);
    assert_eq!(link.project.title, None);
    assert_eq!(link.created_at, json!(1736937000000u64));
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_in_a_response_still_decode() {
    let mut body = full_success_body();
    body["data"]["link"]["linkType"] = json!("hologram");
    body["data"]["link"]["linkProviderType"] = json!("carrier_pigeon");
    body["data"]["link"]["domain"]["status"] = json!("suspended");
    body["data"]["link"]["addedLater"] = json!({ "x": 1 });
    body["requestCost"] = json!(3);
    let server = server_answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let updated = bounded(
        client(&server)
            .links()
            .update("ws_1", "lnk_1", &title_update("t")),
    )
    .await
    .expect("the call succeeds");
    let link = &updated.data.link;
    assert_eq!(link.link_type, LinkType::Unknown("hologram".into()));
    assert_eq!(
        link.link_provider_type,
        LinkProviderType::Unknown("carrier_pigeon".into())
    );
    assert_eq!(
        link.domain.status,
        DomainStatus::Unknown("suspended".into())
    );
}

#[tokio::test]
async fn send_with_response_exposes_status_headers_and_request_id() {
    let server = server_answering(
        success()
            .insert_header("x-request-id", "req_123")
            .insert_header("x-ratelimit-remaining", "41"),
    )
    .await;
    let response = bounded(
        client(&server)
            .links()
            .update("ws_1", "lnk_1", &title_update("New title"))
            .send_with_response(),
    )
    .await
    .expect("the call succeeds");
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.request_id(), Some("req_123"));
    assert_eq!(
        response
            .headers
            .get("x-ratelimit-remaining")
            .and_then(|v| v.to_str().ok()),
        Some("41")
    );
    assert_eq!(response.value.data.link.link_id, "lnk_1");
    let title = response.map(|v| v.data.link.link_title).into_inner();
    assert_eq!(title.as_deref(), Some("New title"));
}

// -------------------------------------------------------------------------------------------------
// The request on the wire
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn update_sends_put_with_bearer_key_json_content_type_and_exact_body() {
    let server = server_answering(success()).await;
    bounded(
        client(&server)
            .links()
            .update("ws_1", "lnk_1", &title_update("New title")),
    )
    .await
    .expect("the call succeeds");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.method.as_str(), "PUT");
    assert_eq!(req.url.path(), UPDATE_PATH);
    assert_eq!(req.url.query(), None);
    assert_eq!(
        header(req, "authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(header(req, "content-type"), Some("application/json"));
    assert_eq!(header(req, "accept"), Some("application/json"));
    assert_eq!(
        header(req, "user-agent"),
        Some("userplane/0.1.0 (rust; generated)")
    );
    assert_eq!(
        header(req, "content-length"),
        Some(req.body.len().to_string().as_str())
    );
    // Exactly the field that was set, nothing else.
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        r#"{"linkTitle":"New title"}"#
    );
}

#[tokio::test]
async fn every_body_field_reaches_the_wire_under_its_spec_name() {
    let server = server_answering(success()).await;
    let body = UpdateLinkRequest::new()
        .link_title(Nullable::Value("T".into()))
        .link_reusable(true)
        .link_provider_type(LinkProviderType::JiraServiceManagement)
        .link_provider_id(Nullable::Null)
        .link_provider_ref(Nullable::Value("https://x.example/1".into()))
        .link_meta(BTreeMap::from([
            ("b".to_owned(), "2".to_owned()),
            ("a".to_owned(), "1".to_owned()),
        ]));
    bounded(client(&server).links().update("ws_1", "lnk_1", &body))
        .await
        .expect("the call succeeds");
    let sent: Value = serde_json::from_slice(&received(&server).await[0].body).unwrap();
    assert_eq!(
        sent,
        json!({
            "linkTitle": "T",
            "linkReusable": true,
            "linkProviderType": "jira_service_management",
            "linkProviderId": null,
            "linkProviderRef": "https://x.example/1",
            "linkMeta": { "a": "1", "b": "2" }
        })
    );
}

#[tokio::test]
async fn link_title_tristate_reaches_the_wire_as_absent_null_or_value() {
    let server = server_answering(success()).await;
    let client = client(&server);
    let cases = [
        (Nullable::Absent, "{}"),
        (Nullable::Null, r#"{"linkTitle":null}"#),
        (Nullable::Value("x".to_owned()), r#"{"linkTitle":"x"}"#),
    ];
    for (title, _) in &cases {
        let body = UpdateLinkRequest::new().link_title(title.clone());
        bounded(client.links().update("ws_1", "lnk_1", &body))
            .await
            .expect("the call succeeds");
    }
    let bodies: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect();
    let expected: Vec<&str> = cases.iter().map(|(_, wire)| *wire).collect();
    assert_eq!(bodies, expected);
    // `Option` converts as "clear" (None) or "set" (Some).
    assert_eq!(Nullable::<String>::from(None), Nullable::Null);
    assert_eq!(Nullable::from(Some(1)), Nullable::Value(1));
    assert_eq!(Nullable::<String>::default(), Nullable::Absent);
}

#[test]
fn request_body_reads_back_absent_null_and_value() {
    for (text, title) in [
        ("{}", Nullable::Absent),
        (r#"{"linkTitle":null}"#, Nullable::Null),
        (r#"{"linkTitle":"x"}"#, Nullable::Value("x".to_owned())),
    ] {
        let parsed: UpdateLinkRequest = serde_json::from_str(text).unwrap();
        assert_eq!(parsed.link_title, title, "{text}");
        assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
    }
}

#[tokio::test]
async fn path_ids_are_percent_encoded_inside_their_own_segment() {
    let server = server_answering(success()).await;
    let client = client(&server);
    let cases = [
        ("../x", "a/b", "/api/v1/public/workspace/..%2Fx/links/a%2Fb"),
        (
            "ws 1?#",
            "lnk%2F1",
            "/api/v1/public/workspace/ws%201%3F%23/links/lnk%252F1",
        ),
        ("é", "...", "/api/v1/public/workspace/%C3%A9/links/..."),
    ];
    for (ws, link, _) in cases {
        bounded(client.links().update(ws, link, &title_update("t")))
            .await
            .unwrap_or_else(|e| panic!("{ws:?}/{link:?}: {e}"));
    }
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    let expected: Vec<&str> = cases.iter().map(|(_, _, p)| *p).collect();
    assert_eq!(paths, expected);
}

#[test]
fn path_segments_keep_only_unreserved_characters() {
    let cases = [
        ("ws_1", "ws_1"),
        ("AZaz09-._~", "AZaz09-._~"),
        ("../x", "..%2Fx"),
        ("a/b", "a%2Fb"),
        ("a b", "a%20b"),
        (
            "?#[]@!$&'()*+,;=%",
            "%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25",
        ),
        ("é", "%C3%A9"),
        ("\r\n", "%0D%0A"),
        (".", "%2E"),
        ("..", "%2E%2E"),
        ("...", "..."),
    ];
    for (raw, encoded) in cases {
        assert_eq!(encode_path_segment(raw), encoded, "{raw:?}");
    }
}

#[tokio::test]
async fn base_url_with_a_path_prefix_is_joined_with_or_without_trailing_slash() {
    let server = server_answering(success()).await;
    for base in [
        format!("{}/api/v1", server.uri()),
        format!("{}/api/v1/", server.uri()),
        format!("{}/api/v1//", server.uri()),
    ] {
        let client = builder_for(&base).build().unwrap();
        assert_eq!(client.base_url(), format!("{}/api/v1", server.uri()));
        bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
            .await
            .unwrap_or_else(|e| panic!("{base}: {e}"));
    }
    // And without a prefix.
    let client = builder_for(&server.uri()).build().unwrap();
    bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .unwrap();
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            UPDATE_PATH,
            UPDATE_PATH,
            UPDATE_PATH,
            "/public/workspace/ws_1/links/lnk_1"
        ]
    );
}

#[tokio::test]
async fn default_and_call_headers_are_sent_and_call_headers_win() {
    let server = server_answering(success()).await;
    let client = builder(&server)
        .default_header("x-team", "core")
        .default_header("x-env", "test")
        .user_agent("my-app/1.0")
        .build()
        .unwrap();
    bounded(
        client
            .links()
            .update("ws_1", "lnk_1", &title_update("t"))
            .header("x-env", "override")
            .header("idempotency-key", "k1"),
    )
    .await
    .unwrap();
    let req = &received(&server).await[0];
    assert_eq!(header(req, "x-team"), Some("core"));
    assert_eq!(header(req, "x-env"), Some("override"));
    assert_eq!(header(req, "idempotency-key"), Some("k1"));
    assert_eq!(header(req, "user-agent"), Some("my-app/1.0"));
}

// -------------------------------------------------------------------------------------------------
// Local validation: nothing is sent
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn link_title_over_255_characters_fails_locally_naming_the_field() {
    let server = server_answering(success()).await;
    let client = client(&server);
    let long = UpdateLinkRequest::new().link_title(Nullable::Value("t".repeat(256)));
    let e = invalid_request(bounded(client.links().update("ws_1", "lnk_1", &long)).await);
    assert_eq!(e.field, "body.linkTitle");
    assert_eq!(
        e.to_string(),
        "invalid request: body.linkTitle: must be at most 255 characters long (got 256)"
    );
    assert!(received(&server).await.is_empty(), "nothing was sent");

    // The limit counts characters, not bytes: 255 two-byte characters are fine.
    let at_limit = UpdateLinkRequest::new().link_title(Nullable::Value("é".repeat(255)));
    bounded(client.links().update("ws_1", "lnk_1", &at_limit))
        .await
        .expect("255 characters are allowed");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn other_body_constraints_fail_locally_by_json_path() {
    let server = server_answering(success()).await;
    let client = client(&server);
    let cases = [
        (
            UpdateLinkRequest::new()
                .link_meta(BTreeMap::from([("foo".to_owned(), "m".repeat(1025))])),
            "body.linkMeta.foo",
        ),
        (
            UpdateLinkRequest::new().link_provider_id(Nullable::Value("p".repeat(256))),
            "body.linkProviderId",
        ),
        (
            UpdateLinkRequest::new().link_provider_ref(Nullable::Value("r".repeat(2049))),
            "body.linkProviderRef",
        ),
        (
            UpdateLinkRequest::new().link_provider_type(LinkProviderType::from("carrier_pigeon")),
            "body.linkProviderType",
        ),
    ];
    for (body, field) in cases {
        let e = invalid_request(bounded(client.links().update("ws_1", "lnk_1", &body)).await);
        assert_eq!(e.field, field);
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn empty_or_dot_ids_fail_locally() {
    let server = server_answering(success()).await;
    let client = client(&server);
    let body = title_update("t");
    let e = invalid_request(bounded(client.links().update("", "lnk_1", &body)).await);
    assert_eq!(e.field, "workspaceId");
    assert!(e.reason.contains("at least 1"), "{e}");
    let e = invalid_request(bounded(client.links().update("ws_1", "", &body)).await);
    assert_eq!(e.field, "linkId");
    // `.` and `..` cannot be a segment of their own: URL parsers would resolve them.
    for id in [".", ".."] {
        let e = invalid_request(bounded(client.links().update(id, "lnk_1", &body)).await);
        assert_eq!(e.field, "workspaceId", "{id}");
        let e = invalid_request(bounded(client.links().update("ws_1", id, &body)).await);
        assert_eq!(e.field, "linkId", "{id}");
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn header_with_cr_or_lf_is_rejected_locally() {
    let server = server_answering(success()).await;
    let client = client(&server);
    for value in ["a\r\nX-Injected: 1", "a\nb", "a\rb"] {
        let e = invalid_request(
            bounded(
                client
                    .links()
                    .update("ws_1", "lnk_1", &title_update("t"))
                    .header("x-trace", value),
            )
            .await,
        );
        assert_eq!(e.field, "x-trace");
    }
    let e = invalid_request(
        bounded(
            client
                .links()
                .update("ws_1", "lnk_1", &title_update("t"))
                .header("bad name", "v"),
        )
        .await,
    );
    assert_eq!(e.field, "bad name");
    assert!(received(&server).await.is_empty(), "nothing was sent");

    // At build time, for default headers and the user agent.
    let err = Client::builder()
        .default_header("x-team", "a\r\nInjected: yes")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, BuildError::InvalidHeader { name, .. } if name == "x-team"),
        "{err:?}"
    );
    assert!(!err.to_string().contains("Injected"), "{err}");
    let err = Client::builder().user_agent("ua\n").build().unwrap_err();
    assert!(matches!(err, BuildError::InvalidHeader { .. }), "{err:?}");
}

#[tokio::test]
async fn zero_timeout_is_rejected_locally() {
    let server = server_answering(success()).await;
    let e = invalid_request(
        bounded(
            client(&server)
                .links()
                .update("ws_1", "lnk_1", &title_update("t"))
                .timeout(Duration::ZERO),
        )
        .await,
    );
    assert_eq!(e.field, "timeout");
    assert!(received(&server).await.is_empty());
    let err = Client::builder()
        .timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidTimeout { .. }), "{err:?}");
}

#[test]
fn bad_base_urls_are_rejected_at_build() {
    let build = |url: &str| Client::builder().base_url(url).api_key(KEY).build();
    assert!(matches!(build(""), Err(BuildError::EmptyBaseUrl)));
    assert!(matches!(build("   "), Err(BuildError::EmptyBaseUrl)));
    for url in [
        "not a url",
        "/api/v1",
        "ftp://example.com",
        "https://user:pw@example.com",
        "https://example.com/api?x=1",
        "https://example.com/#frag",
    ] {
        let err = build(url).expect_err(url);
        assert!(
            matches!(err, BuildError::InvalidBaseUrl { .. }),
            "{url}: {err:?}"
        );
        assert!(!err.to_string().contains("pw"), "{err}");
    }
    // The default is the spec's first server.
    let client = Client::new(KEY).unwrap();
    assert_eq!(client.base_url(), "https://api.userplane.io/api/v1");
    assert_eq!(client.base_url(), userplane::DEFAULT_BASE_URL);
}

#[test]
fn bad_api_keys_are_rejected_without_echoing_them() {
    for key in [
        "",
        " uspl_x",
        "uspl_x\n",
        "uspl_\r\nX-Evil: 1",
        "uspl_ü_secret",
    ] {
        let err = Client::builder().api_key(key).build().expect_err(key);
        assert!(matches!(err, BuildError::InvalidApiKey { .. }), "{err:?}");
        let text = format!("{err} {err:?}");
        if !key.trim().is_empty() {
            assert!(!text.contains(key.trim()), "{text}");
        }
    }
}

// -------------------------------------------------------------------------------------------------
// Secrets
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_api_key_never_appears_in_debug_or_display() {
    let key = ApiKey::new(KEY);
    assert!(!format!("{key:?} {key}").contains(KEY));
    assert_eq!(key.expose_secret(), KEY);

    let server = MockServer::start().await;
    let builder = builder(&server).default_header("x-api-key", "another-secret");
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains(KEY), "{builder_debug}");
    assert!(!builder_debug.contains("another-secret"), "{builder_debug}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?} {:?}", client.links());
    assert!(!client_debug.contains(KEY), "{client_debug}");
    assert!(!client_debug.contains("another-secret"), "{client_debug}");
    assert!(client_debug.contains("[redacted]"), "{client_debug}");
    let call = client
        .links()
        .update("ws_1", "lnk_1", &title_update("t"))
        .header("authorization", format!("Bearer {KEY}"));
    let call_debug = format!("{call:?}");
    assert!(!call_debug.contains(KEY), "{call_debug}");

    // Errors of every kind: API error (the server echoes nothing), transport, timeout, invalid
    // request, build error, unexpected response.
    Mock::given(method("PUT"))
        .and(path("/api/v1/public/workspace/ws_1/links/lnk_1"))
        .respond_with(json_response(
            401,
            &spec_error_body(401, "API_KEY_INVALID", "The provided API key is not valid."),
        ))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/public/workspace/ws_slow/links/lnk_1"))
        .respond_with(success().set_delay(SLOW_RESPONSE))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/public/workspace/ws_teapot/links/lnk_1"))
        .respond_with(ResponseTemplate::new(418))
        .mount(&server)
        .await;
    let links = client.links();
    let body = title_update("t");
    let api_err = bounded(links.update("ws_1", "lnk_1", &body))
        .await
        .unwrap_err();
    assert!(matches!(api_err, Error::Api(_)), "{api_err:?}");
    let timeout_err = bounded(
        links
            .update("ws_slow", "lnk_1", &body)
            .timeout(Duration::from_millis(30))
            .max_retries(0),
    )
    .await
    .unwrap_err();
    assert!(timeout_err.is_timeout(), "{timeout_err:?}");
    let unexpected_err = bounded(links.update("ws_teapot", "lnk_1", &body))
        .await
        .unwrap_err();
    let invalid_err = bounded(links.update("", "lnk_1", &body)).await.unwrap_err();
    let offline = builder_for(&format!("http://127.0.0.1:{}", closed_port()))
        .max_retries(0)
        .build()
        .unwrap();
    let transport_err = bounded(offline.links().update("ws_1", "lnk_1", &body))
        .await
        .unwrap_err();
    assert!(
        matches!(transport_err, Error::Transport(_)),
        "{transport_err:?}"
    );
    for err in [
        api_err,
        timeout_err,
        unexpected_err,
        invalid_err,
        transport_err,
    ] {
        let mut text = format!("{err:?} {err}");
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            text.push_str(&format!(" {cause} {cause:?}"));
            source = cause.source();
        }
        assert!(!text.contains(KEY), "{text}");
        // The request headers are not part of any error.
        assert!(!text.contains("another-secret"), "{text}");
    }
    let build_err = Client::builder()
        .api_key(format!("{KEY}\n"))
        .build()
        .unwrap_err();
    assert!(!format!("{build_err} {build_err:?}").contains(KEY));
}

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
    let started = Instant::now();
    let updated = bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .expect("the third attempt succeeds");
    assert_eq!(updated.data.link.link_id, "lnk_1");
    assert!(started.elapsed() < Duration::from_secs(2));
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
    let started = Instant::now();
    bounded(
        client(&server)
            .links()
            .update("ws_1", "lnk_1", &title_update("t")),
    )
    .await
    .expect("the second attempt succeeds");
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
    let started = Instant::now();
    bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .expect("the third attempt succeeds");
    // 20 ms, then 40 ms.
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
    let started = Instant::now();
    let err = bounded(client.links().update("ws_1", "lnk_1", &title_update("t")))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "did not wait for Retry-After"
    );
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
    let started = Instant::now();
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
            assert!(
                *elapsed >= Duration::from_millis(50) && *elapsed < SLOW_RESPONSE,
                "{elapsed:?}"
            );
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert!(err.is_timeout() && err.is_retryable());
    assert!(err.status().is_none());
    assert!(
        err.to_string().starts_with("request timed out after"),
        "{err}"
    );
    // Both attempts gave up long before the server would have answered.
    assert!(started.elapsed() < SLOW_RESPONSE);
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

#[test]
fn backoff_grows_exponentially_up_to_the_cap() {
    let policy = RetryPolicy::new()
        .initial_backoff(Duration::from_millis(500))
        .max_backoff(Duration::from_secs(8))
        .jitter(false);
    let delays: Vec<_> = (1..=7).map(|n| policy.backoff(n).as_millis()).collect();
    assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(8));
    // Full jitter stays within the cap.
    let jittered = RetryPolicy::new();
    for n in 1..=10 {
        for _ in 0..50 {
            assert!(jittered.backoff(n) <= policy.backoff(n));
        }
    }
}

fn retry_after(name: &str, value: &str, now: SystemTime) -> Option<Duration> {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_bytes(name.as_bytes()).unwrap(),
        HeaderValue::from_str(value).unwrap(),
    );
    parse_retry_after(&headers, now)
}

#[test]
fn retry_after_accepts_seconds_http_dates_and_milliseconds() {
    // Sun, 06 Nov 1994 08:49:37 GMT, the RFC 9110 example date.
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
    let cases = [
        ("retry-after", "120", Some(Duration::from_secs(120))),
        ("retry-after", " 0 ", Some(Duration::ZERO)),
        (
            "retry-after",
            "Sun, 06 Nov 1994 08:50:07 GMT",
            Some(Duration::from_secs(30)),
        ),
        // Obsolete date formats (RFC 850, asctime).
        (
            "retry-after",
            "Sunday, 06-Nov-94 08:49:47 GMT",
            Some(Duration::from_secs(10)),
        ),
        (
            "retry-after",
            "Sun Nov  6 08:49:57 1994",
            Some(Duration::from_secs(20)),
        ),
        // A date in the past means "now".
        (
            "retry-after",
            "Sun, 06 Nov 1994 08:00:00 GMT",
            Some(Duration::ZERO),
        ),
        ("retry-after-ms", "250", Some(Duration::from_millis(250))),
        ("retry-after-ms", "1.5", Some(Duration::from_micros(1500))),
        // Huge values saturate.
        (
            "retry-after",
            "99999999999999999999999",
            Some(Duration::from_secs(u64::MAX)),
        ),
    ];
    for (name, value, expected) in cases {
        assert_eq!(retry_after(name, value, now), expected, "{name}: {value:?}");
    }
    for garbage in ["-1", "soon", "1.5", "", "Sun, 99 Nov 1994 08:49:37 GMT"] {
        assert_eq!(
            retry_after("retry-after", garbage, now),
            None,
            "{garbage:?}"
        );
    }
    for garbage in ["-5", "NaN", "inf", "x"] {
        assert_eq!(
            retry_after("retry-after-ms", garbage, now),
            None,
            "{garbage:?}"
        );
    }
    assert_eq!(parse_retry_after(&HeaderMap::new(), now), None);
    // `delay_for` uses the header, and refuses waits over the cap.
    let policy = RetryPolicy::new().max_retry_after(Duration::from_secs(60));
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("7"));
    assert_eq!(
        policy.delay_for(1, Some(&headers)),
        Some(Duration::from_secs(7))
    );
    headers.insert("retry-after", HeaderValue::from_static("61"));
    assert_eq!(policy.delay_for(1, Some(&headers)), None);
}

// -------------------------------------------------------------------------------------------------
// Generic runtime: other methods, bodies, query strings, pagination
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn request_bodies_carry_their_content_type_and_bytes() {
    let server = server_answering(ResponseTemplate::new(200)).await;
    let client = client(&server);
    let cases = [
        (
            RequestBody::Json(br#"{"a":1}"#.to_vec()),
            "application/json",
            br#"{"a":1}"#.to_vec(),
        ),
        (
            RequestBody::Text("héllo".into()),
            "text/plain; charset=utf-8",
            "héllo".as_bytes().to_vec(),
        ),
        (
            RequestBody::Bytes {
                data: vec![0u8, 1].into(),
                content_type: "application/octet-stream".into(),
            },
            "application/octet-stream",
            vec![0, 1],
        ),
        (
            RequestBody::Form(vec![("q".into(), "a b&c".into()), ("n".into(), "1".into())]),
            "application/x-www-form-urlencoded",
            b"q=a+b%26c&n=1".to_vec(),
        ),
    ];
    let expected: Vec<(String, Vec<u8>)> = cases
        .iter()
        .map(|(_, ct, bytes)| ((*ct).to_owned(), bytes.clone()))
        .collect();
    for (body, _, _) in cases {
        let parts = RequestParts {
            body,
            ..RequestParts::new("test.op", Method::POST, "/things", "/things".to_owned())
        };
        bounded(Call::new(&client, Ok(parts), status_only))
            .await
            .unwrap();
    }
    let sent: Vec<(String, Vec<u8>)> = received(&server)
        .await
        .iter()
        .map(|r| {
            (
                header(r, "content-type").unwrap_or_default().to_owned(),
                r.body.clone(),
            )
        })
        .collect();
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn multipart_body_is_sent_identically_on_retry() {
    let server = server_failing_then_succeeding(ResponseTemplate::new(503), 1).await;
    let fields = vec![
        MultipartField::text("title", "Report"),
        MultipartField::file("file", "report.csv", b"a,b\n1,2\n".to_vec()).content_type("text/csv"),
    ];
    let parts = RequestParts {
        body: RequestBody::Multipart(fields),
        ..RequestParts::new("test.upload", Method::POST, "/upload", "/upload".to_owned())
    };
    bounded(Call::new(&client(&server), Ok(parts), status_only))
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "503 is retried for POST");
    assert_eq!(requests[0].body, requests[1].body);
    let content_type = header(&requests[1], "content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect(content_type);
    let text = String::from_utf8(requests[1].body.clone()).unwrap();
    assert!(text.starts_with(&format!("--{boundary}\r\n")), "{text}");
    assert!(
        text.contains(
            "name=\"file\"; filename=\"report.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\n\r\n"
        ),
        "{text}"
    );
    assert!(text.ends_with(&format!("--{boundary}--\r\n")), "{text}");
}

#[tokio::test]
async fn bodyless_post_sends_content_length_zero_and_get_sends_no_body() {
    let server = server_answering(ResponseTemplate::new(200)).await;
    let client = client(&server);
    for method in [Method::POST, Method::GET, Method::DELETE] {
        let parts = RequestParts::new("test.op", method, "/things", "/things".to_owned());
        bounded(Call::new(&client, Ok(parts), status_only))
            .await
            .unwrap();
    }
    let requests = received(&server).await;
    assert_eq!(requests[0].method.as_str(), "POST");
    assert_eq!(header(&requests[0], "content-length"), Some("0"));
    assert!(header(&requests[0], "content-type").is_none());
    assert_eq!(requests[1].method.as_str(), "GET");
    assert!(requests[1].body.is_empty() && header(&requests[1], "content-length").is_none());
    assert_eq!(requests[2].method.as_str(), "DELETE");
    assert!(requests[2].body.is_empty());
}

#[tokio::test]
async fn query_header_and_cookie_parameters_are_encoded() {
    let server = server_answering(ResponseTemplate::new(200)).await;
    let mut query = QueryWriter::new();
    query
        .push("page", 1)
        .push_opt("per_page", Some(20))
        .push_opt("missing", None::<u32>)
        .push_array("link_id", ["a b", "c&d=e"], ArrayStyle::Indexed)
        .push_array("tag", ["x", "y"], ArrayStyle::Form);
    let parts = RequestParts {
        query: query.finish(),
        headers: vec![("X-Page-Token", "abc".to_owned())],
        cookies: vec![
            ("session", "a b;c".to_owned()),
            ("theme", "dark".to_owned()),
        ],
        ..RequestParts::new(
            "links.list",
            Method::GET,
            "/public/workspace/{workspaceId}/links",
            format!("/public/workspace/{}/links", encode_path_segment("ws 1")),
        )
    };
    bounded(Call::new(&client(&server), Ok(parts), status_only))
        .await
        .unwrap();
    let req = &received(&server).await[0];
    assert_eq!(req.url.path(), "/api/v1/public/workspace/ws%201/links");
    assert_eq!(
        req.url.query(),
        Some("page=1&per_page=20&link_id%5B0%5D=a+b&link_id%5B1%5D=c%26d%3De&tag=x%2Cy")
    );
    assert_eq!(header(req, "x-page-token"), Some("abc"));
    assert_eq!(header(req, "cookie"), Some("session=a%20b%3Bc; theme=dark"));
}

#[test]
fn query_writer_array_styles() {
    let pairs = |style| {
        let mut q = QueryWriter::new();
        q.push_array("id", ["a", "b c"], style);
        q.finish()
    };
    let owned = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(
        pairs(ArrayStyle::FormExplode),
        owned(&[("id", "a"), ("id", "b c")])
    );
    assert_eq!(pairs(ArrayStyle::Form), owned(&[("id", "a,b c")]));
    assert_eq!(pairs(ArrayStyle::SpaceDelimited), owned(&[("id", "a b c")]));
    assert_eq!(pairs(ArrayStyle::PipeDelimited), owned(&[("id", "a|b c")]));
    assert_eq!(
        pairs(ArrayStyle::Brackets),
        owned(&[("id[]", "a"), ("id[]", "b c")])
    );
    assert_eq!(
        pairs(ArrayStyle::Indexed),
        owned(&[("id[0]", "a"), ("id[1]", "b c")])
    );
    let mut q = QueryWriter::new();
    q.push_array("empty", Vec::<String>::new(), ArrayStyle::Form)
        .push_array("empty", Vec::<String>::new(), ArrayStyle::FormExplode);
    assert!(q.is_empty(), "empty arrays add nothing");
    let mut q = QueryWriter::new();
    q.push_deep_object("filter", [("status", "active")])
        .push_form_object([("x", 1)]);
    assert_eq!(
        q.finish(),
        owned(&[("filter[status]", "active"), ("x", "1")])
    );
}

type Fetched = Result<Page<u32, u32>, Error<()>>;

/// Pages `1..`, each holding `[page * 10, page * 10 + 1]`, up to `last` (or forever with `None`).
fn numbered_pages(
    last: Option<u32>,
    calls: Arc<AtomicUsize>,
) -> impl FnMut(u32) -> std::future::Ready<Fetched> {
    move |page| {
        calls.fetch_add(1, Ordering::SeqCst);
        let next = match last {
            Some(last) if page >= last => None,
            _ => Some(page + 1),
        };
        std::future::ready(Ok(Page::new(vec![page * 10, page * 10 + 1], next)))
    }
}

async fn collect_pages<S>(mut stream: S) -> Vec<Result<u32, String>>
where
    S: userplane::runtime::Stream<Item = Result<u32, Error<()>>> + Unpin,
{
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        out.push(item.map_err(|e| format!("{e:?}")));
    }
    out
}

#[tokio::test]
async fn paginate_stops_when_next_is_none() {
    let calls = Arc::new(AtomicUsize::new(0));
    let items = collect_pages(paginate(
        1,
        DEFAULT_MAX_PAGES,
        numbered_pages(Some(3), calls.clone()),
    ))
    .await;
    assert_eq!(items, [Ok(10), Ok(11), Ok(20), Ok(21), Ok(30), Ok(31)]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn paginate_stops_at_an_empty_page_or_at_max_pages() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let stream = paginate(1u32, DEFAULT_MAX_PAGES, move |page: u32| {
        counter.fetch_add(1, Ordering::SeqCst);
        let items = if page == 1 { vec![1u32] } else { Vec::new() };
        // The server claims more pages forever; the empty page ends the stream.
        std::future::ready(Fetched::Ok(Page::new(items, Some(page + 1))))
    });
    assert_eq!(collect_pages(stream).await, [Ok(1)]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let calls = Arc::new(AtomicUsize::new(0));
    let items = collect_pages(paginate(1, 3, numbered_pages(None, calls.clone()))).await;
    assert_eq!(items.len(), 6);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert!(
        collect_pages(paginate(1, 0, numbered_pages(None, calls.clone())))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn paginate_ends_after_yielding_an_error() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let stream = paginate(1u32, DEFAULT_MAX_PAGES, move |page: u32| {
        counter.fetch_add(1, Ordering::SeqCst);
        std::future::ready(if page == 1 {
            Ok(Page::new(vec![1u32], Some(2)))
        } else {
            Err(Error::Timeout {
                timeout: Duration::from_secs(1),
                elapsed: Duration::from_secs(1),
            })
        })
    });
    let items = collect_pages(stream).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0], Ok(1));
    assert!(items[1].as_ref().unwrap_err().contains("Timeout"));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// Decodes `{"data":{"links":[{"linkId":..}],"pagination":{"hasMore":..}}}`.
fn decode_link_page(raw: &RawResponse) -> Outcome<(Vec<String>, bool), Value> {
    match raw.json::<Value>() {
        Ok(v) if raw.status.is_success() => {
            let ids = v["data"]["links"]
                .as_array()
                .map(|links| {
                    links
                        .iter()
                        .filter_map(|l| l["linkId"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let more = v["data"]["pagination"]["hasMore"]
                .as_bool()
                .unwrap_or(false);
            Outcome::Success((ids, more))
        }
        Ok(v) => Outcome::ApiError(v),
        Err(e) => Outcome::Unexpected(e.to_string()),
    }
}

#[tokio::test]
async fn paginate_walks_the_pages_of_a_real_endpoint() {
    let server = MockServer::start().await;
    for (page, has_more) in [(1, true), (2, true), (3, false)] {
        Mock::given(method("GET"))
            .and(path("/api/v1/public/workspace/ws_1/links"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": {
                    "links": [{ "linkId": format!("l{page}a") }, { "linkId": format!("l{page}b") }],
                    "pagination": { "page": page, "hasMore": has_more }
                }
            })))
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let stream = paginate(1u32, DEFAULT_MAX_PAGES, move |page: u32| {
        let client = client.clone();
        async move {
            let mut query = QueryWriter::new();
            query.push("page", page);
            let parts = RequestParts {
                query: query.finish(),
                ..RequestParts::new(
                    "links.list",
                    Method::GET,
                    "/public/workspace/{workspaceId}/links",
                    "/public/workspace/ws_1/links".to_owned(),
                )
            };
            let (ids, more) = Call::new(&client, Ok(parts), decode_link_page).await?;
            Ok::<_, Error<Value>>(Page::new(ids, more.then_some(page + 1)))
        }
    });
    // The stream can move to another task.
    let ids = bounded(tokio::spawn(async move {
        let mut stream = stream;
        let mut ids = Vec::new();
        while let Some(id) = stream.next().await {
            ids.push(id.expect("the page fetch succeeds"));
        }
        ids
    }))
    .await
    .unwrap();
    assert_eq!(ids, ["l1a", "l1b", "l2a", "l2b", "l3a", "l3b"]);
    assert_eq!(received(&server).await.len(), 3);
}

// -------------------------------------------------------------------------------------------------
// Tracing
// -------------------------------------------------------------------------------------------------

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One `request` span per call with the operation, path template, attempts and status; never the
/// key, header values or filled-in ids.
///
/// The subscriber is process-wide (tracing caches per-callsite interest globally, so a thread-local
/// one races with other tests); this test reads back only the lines of its own thread.
#[tokio::test(flavor = "current_thread")]
async fn tracing_records_operation_attempts_and_status_without_secrets() {
    use tracing_subscriber::util::SubscriberInitExt;
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_ansi(false)
        .with_thread_ids(true)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish()
        .try_init()
        .expect("no other test installs a subscriber");

    let server = server_failing_then_succeeding(
        json_response(503, &spec_error_body(503, "SERVICE_UNAVAILABLE", "Down"))
            .insert_header("retry-after", "0"),
        1,
    )
    .await;
    let client = builder(&server)
        .default_header("x-secret-header", "hunter2")
        .build()
        .unwrap();
    bounded(
        client
            .links()
            .update("ws_secret_id", "lnk_1", &title_update("secret title")),
    )
    .await
    .unwrap();

    let thread = format!("{:?}", std::thread::current().id());
    let output = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let own: String = output
        .lines()
        .filter(|l| l.contains(&thread))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(own.contains("request{"), "{own}");
    assert!(own.contains("operation=\"links.update\""), "{own}");
    assert!(own.contains("method=\"PUT\""), "{own}");
    assert!(
        own.contains("/public/workspace/{workspaceId}/links/{linkId}"),
        "{own}"
    );
    assert!(own.contains("retrying"), "{own}");
    assert!(own.contains("attempt{number=2}"), "{own}");
    assert!(own.contains("attempts=2"), "{own}");
    assert!(own.contains("status=200"), "{own}");
    assert!(own.contains("duration_ms="), "{own}");
    for secret in [KEY, "hunter2", "ws_secret_id", "secret title"] {
        assert!(!output.contains(secret), "{secret} leaked: {output}");
    }
}

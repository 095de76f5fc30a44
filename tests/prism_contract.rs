//! Contract tests: the generated client against Prism, a mock server that validates every request
//! against `spec/userplane.yaml` and answers with responses built from the spec.
//!
//! Run them with `cargo xtask test`, which installs the pinned Prism and sets `PRISM_BIN`; without
//! it these tests fail with a message saying so. Each test starts its own Prism on a free loopback
//! port and stops it (by PID) when it ends, also when it fails.
//!
//! The `example_*` tests run the hand-written example `generated-client/examples/update_link.rs`
//! (against Prism, and against wiremock for the error lines Prism cannot produce on demand).

mod support;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use userplane::{Error, LinkProviderType, LinkType, Nullable, UpdateLinkRequest};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use support::example::{run_example, stderr, stdout};
use support::prism::Prism;
use support::{builder_for, spec_error_body, title_update, variant_name, DECLARED_CODES, KEY};

/// Prism's header listing the spec violations it found in a request or response.
const VIOLATIONS: &str = "sl-violations";

#[tokio::test]
async fn prism_accepts_valid_updates_and_the_client_decodes_its_responses() {
    let prism = Prism::start().await;
    let client = builder_for(&prism.base_url).build().unwrap();
    let bodies = [
        ("a title", title_update("Quarterly review")),
        ("an empty body", UpdateLinkRequest::default()),
        (
            "a null title",
            UpdateLinkRequest::new().link_title(Nullable::Null),
        ),
        (
            "every field, at its length limit",
            UpdateLinkRequest::new()
                .link_title(Nullable::Value("t".repeat(255)))
                .link_reusable(false)
                .link_provider_type(LinkProviderType::ZohoDesk)
                .link_provider_id(Nullable::Null)
                .link_provider_ref(Nullable::Value("https://desk.example.com/t/1".into()))
                .link_meta(BTreeMap::from([("source".to_owned(), "m".repeat(1024))])),
        ),
    ];
    // Ids that need encoding must still match the path template's segments.
    let ids = [("ws_1", "lnk_1"), ("../x", "a/b"), ("ws 1", "lnk?#")];
    for (label, body) in &bodies {
        for (ws, link) in ids {
            let response =
                support::bounded(client.links().update(ws, link, body).send_with_response())
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "{ws:?}/{link:?} with {label}: {e}\nPrism log:\n{}",
                            prism.log()
                        )
                    });
            assert_eq!(response.status.as_u16(), 200);
            assert!(
                response.headers.get(VIOLATIONS).is_none(),
                "Prism found violations: {:?}",
                response.headers.get(VIOLATIONS)
            );
            // Prism's static response: the schema's first enum values and `"string"` examples.
            let link = &response.value.data.link;
            assert_eq!(response.value.message, "string");
            assert_eq!(link.link_id, "string");
            assert_eq!(link.link_title.as_deref(), Some("string"));
            assert_eq!(link.link_type, LinkType::File);
            assert_eq!(link.link_provider_type, LinkProviderType::Intercom);
            assert!(link.link_meta.is_some());
            assert_eq!(link.project.project_id, "string");
        }
    }
    assert_every_request_passed_validation(&prism, bodies.len() * ids.len()).await;
}

/// Prism logs the outcome of validating each request (and its own responses): all `expected`
/// requests passed and there was no violation.
async fn assert_every_request_passed_validation(prism: &Prism, expected: usize) {
    const PASSED: &str = "The request passed the validation rules";
    let log = prism
        .log_when(|log| log.matches(PASSED).count() >= expected)
        .await;
    assert_eq!(log.matches(PASSED).count(), expected, "Prism log:\n{log}");
    assert!(
        !log.contains("did not pass the validation rules") && !log.contains("Violation"),
        "Prism found violations:\n{log}"
    );
}

#[tokio::test]
async fn prism_prefer_code_yields_the_typed_error_for_every_declared_status() {
    let prism = Prism::start().await;
    let client = builder_for(&prism.base_url).build().unwrap();
    let mut statuses: Vec<u16> = DECLARED_CODES.iter().map(|(s, ..)| *s).collect();
    statuses.dedup();
    assert_eq!(statuses, [400, 401, 403, 404, 410, 429, 500, 503]);
    for status in statuses {
        let err = support::bounded(
            client
                .links()
                .update("ws_1", "lnk_1", &title_update("t"))
                .header("Prefer", format!("code={status}"))
                .max_retries(0),
        )
        .await
        .expect_err("Prism answers with the preferred error status");
        let Error::Api(api) = &err else {
            panic!(
                "{status}: expected Error::Api, got {err:?}\nPrism log:\n{}",
                prism.log()
            )
        };
        // Prism builds the body from the status's first `oneOf` member, with its default message.
        let (_, code, message, variant) =
            DECLARED_CODES.iter().find(|(s, ..)| *s == status).unwrap();
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(variant_name(&api.error), *variant);
        assert_eq!(err.code(), Some(*code));
        assert_eq!(err.message(), Some(*message));
        assert!(
            err.headers().unwrap().get(VIOLATIONS).is_none(),
            "{status}: the request was valid"
        );
    }
    assert_every_request_passed_validation(&prism, 8).await;
}

#[tokio::test]
async fn prism_rejects_requests_that_bypass_client_validation() {
    let prism = Prism::start().await;
    let client = builder_for(&prism.base_url).build().unwrap();
    let url = format!("{}/public/workspace/ws_1/links/lnk_1", prism.base_url);
    let raw = reqwest::Client::new();
    let put = |body: Value| {
        raw.put(&url)
            .bearer_auth(KEY)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let cases = [
        (json!({ "linkTitle": "t".repeat(256) }), "maxLength"),
        (
            json!({ "linkTitle": "t", "bogus": 1 }),
            "additionalProperties",
        ),
        (json!({ "linkProviderType": "carrier_pigeon" }), "enum"),
        (json!({ "linkReusable": "yes" }), "type"),
    ];
    for (body, rule) in cases {
        let response = put(body.clone()).await.expect("Prism answers");
        assert_eq!(response.status().as_u16(), 400, "{body}");
        let violations = response
            .headers()
            .get(VIOLATIONS)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{body}: no {VIOLATIONS} header"))
            .to_owned();
        assert!(violations.contains(rule), "{body}: {violations}");
        // The rejection is the spec's 400 body, which the client decodes as `BadRequest`.
        let (_, code, message, _) = DECLARED_CODES[0];
        let error: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(error["code"], code);
        assert_eq!(error["message"], message);
    }

    // A request without credentials is refused too.
    let response = raw
        .put(&url)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(response.headers().get(VIOLATIONS).is_some());

    // The client refuses the first of these bodies itself, before Prism sees it.
    let long = UpdateLinkRequest::new().link_title(Nullable::Value("t".repeat(256)));
    let err = support::bounded(client.links().update("ws_1", "lnk_1", &long))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(e) if e.field == "body.linkTitle"),
        "{err:?}"
    );
}

#[tokio::test]
async fn example_updates_a_link_against_prism() {
    let prism = Prism::start().await;
    let output = run_example(
        &prism.base_url,
        Some(KEY),
        &["ws_1", "lnk_1", "Quarterly review"],
    )
    .await;
    assert!(
        output.status.success(),
        "{:?}\nstdout: {}\nstderr: {}\nPrism log:\n{}",
        output.status,
        stdout(&output),
        stderr(&output),
        prism.log()
    );
    // Prism answers with its static example, whose strings are all "string".
    assert_eq!(stdout(&output), "updated link string: title=string\n");
    assert!(!stderr(&output).contains(KEY));
}

async fn example_against(
    response: ResponseTemplate,
    args: &[&str],
) -> (std::process::Output, MockServer) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    let output = run_example(&server.uri(), Some(KEY), args).await;
    (output, server)
}

#[tokio::test]
async fn example_prints_one_line_for_link_not_found() {
    let body = spec_error_body(404, "LINK_NOT_FOUND", "Link not found");
    let (output, server) = example_against(
        ResponseTemplate::new(404)
            .set_body_raw(body.into_bytes(), "application/json")
            .insert_header("x-request-id", "req_77"),
        &["ws_9", "lnk_9", "Quarterly review"],
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "link lnk_9 not found in workspace ws_9 (request id: req_77)\n"
    );
    // What the example sent: its arguments, as a title update.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "404 is not retried");
    assert_eq!(requests[0].method.as_str(), "PUT");
    assert_eq!(requests[0].url.path(), "/public/workspace/ws_9/links/lnk_9");
    assert_eq!(requests[0].body, br#"{"linkTitle":"Quarterly review"}"#);
    assert_eq!(
        requests[0].headers.get("authorization").unwrap(),
        &format!("Bearer {KEY}")
    );
}

#[tokio::test]
async fn example_prints_other_errors_with_the_generic_line() {
    let body = spec_error_body(410, "LINK_GONE", "Link has been deleted");
    let (output, server) = example_against(
        ResponseTemplate::new(410).set_body_raw(body.into_bytes(), "application/json"),
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "error: 410 Gone: LINK_GONE: Link has been deleted\n"
    );
    // Without arguments the example uses its default ids.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.path(),
        "/public/workspace/ws_demo/links/lnk_demo"
    );
}

#[tokio::test]
async fn example_without_an_api_key_says_what_to_set() {
    let server = MockServer::start().await;
    let output = run_example(&server.uri(), None, &[]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).starts_with("error: environment variable USERPLANE_API_KEY is not set"),
        "{}",
        stderr(&output)
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

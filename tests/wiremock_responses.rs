//! The generated Userplane client's `links.update` against a real HTTP server on loopback
//! (wiremock): what it makes of responses. Every declared status and code decodes into its own
//! typed variant, anything else is unexpected with status, headers and raw body kept, and success
//! bodies decode every field. Every call is bounded.

mod support;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use userplane::runtime::ErrorDetails;
use userplane::{
    DomainStatus, Error, LinkProviderType, LinkType, UpdateLinkError, UpdateLinkNotFound,
    UpdateLinkResponse,
};
use wiremock::ResponseTemplate;

use support::mock::*;
use support::{
    bounded, full_success_body, spec_error_body, title_update, variant_name, DECLARED_CODES,
    DECLARED_STATUSES,
};

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

//! The generated Userplane client's `links.update` against wiremock: the request on the wire
//! (method, key, body, path encoding, base URL prefix, headers), what is refused locally before
//! anything is sent, and the API key kept out of every output. Every call is bounded.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use userplane::runtime::{ApiKey, BuildError};
use userplane::{Client, Error, LinkProviderType, Nullable, UpdateLinkRequest};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use support::mock::*;
use support::{bounded, builder_for, closed_port, spec_error_body, title_update, KEY, UPDATE_PATH};

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

//! Property test of decoding: any status, headers and body in answer to `links.update` give
//! either the decoded success (for 200) or an error that keeps the status and the exact raw body;
//! never a panic, never a lost body. Responses are served by wiremock, so the generated decoder
//! runs exactly as it does for a real server.

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};
use userplane::Error;
use wiremock::matchers::any as any_request;
use wiremock::{Mock, MockServer, ResponseTemplate};

use support::mock::client;
use support::title_update;

const CASES: u32 = 384;
const SEED: u64 = 0xdec0_de16;

/// Statuses that may carry a body (no 1xx, 204, 205 or 304), weighted towards the declared ones.
fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => prop::sample::select(vec![200u16, 400, 401, 403, 404, 410, 429, 500, 503]),
        1 => (200u16..600).prop_filter("no body allowed", |s| !matches!(s, 204 | 205 | 304)),
    ]
}

/// Bodies: arbitrary bytes, and JSON close to what the spec declares (error envelopes with any
/// code, status and message; objects with wrong types), where decoding bugs hide.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let scalar = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        "\\PC{0,16}".prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "LINK_NOT_FOUND",
            "RATE_LIMITED",
            "API_KEY_INVALID",
            ""
        ])
        .prop_map(serde_json::Value::from),
    ];
    let envelope = (
        scalar.clone(),
        scalar.clone(),
        scalar.clone(),
        scalar.clone(),
        prop::option::of(scalar),
    )
        .prop_map(|(defined, code, status, message, data)| {
            let mut body = serde_json::json!({
                "defined": defined, "code": code, "status": status, "message": message,
            });
            if let Some(data) = data {
                body["data"] = data;
            }
            serde_json::to_vec(&body).unwrap()
        });
    let success = (any::<usize>(), any::<bool>()).prop_map(|(drop, nulled)| {
        let mut body = support::full_success_body();
        let link = body["data"]["link"].as_object_mut().unwrap();
        let key = link.keys().nth(drop % link.len()).unwrap().clone();
        if nulled {
            link.insert(key, serde_json::Value::Null);
        } else {
            link.remove(&key);
        }
        serde_json::to_vec(&body).unwrap()
    });
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        envelope,
        success,
        Just(serde_json::to_vec(&support::full_success_body()).unwrap()),
    ]
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop::option::of(prop::sample::select(vec![
        "application/json",
        "application/problem+json",
        "text/plain; charset=utf-8",
        "text/html",
        "application/octet-stream",
        "application/json; charset=latin1",
    ]))
}

#[test]
fn any_response_decodes_or_keeps_its_status_and_raw_body() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(MockServer::start());
    let client = client(&server);
    let ran = AtomicUsize::new(0);
    let decoded = AtomicUsize::new(0);
    eprintln!("decode_anything: seed {SEED:#x}, {CASES} cases");
    let mut runner = TestRunner::new(ProptestConfig {
        cases: CASES,
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(
        &(status(), body(), content_type(), "[ -~]{0,24}"),
        |(status, body, content_type, extra)| {
            ran.fetch_add(1, Ordering::Relaxed);
            let mut template = ResponseTemplate::new(status)
                .set_body_bytes(body.clone())
                .insert_header("x-extra", extra.as_str());
            if let Some(content_type) = content_type {
                template = template.insert_header("content-type", content_type);
            }
            let result = runtime.block_on(async {
                server.reset().await;
                Mock::given(any_request())
                    .respond_with(template)
                    .mount(&server)
                    .await;
                support::bounded(
                    client
                        .links()
                        .update("ws_1", "lnk_1", &title_update("t"))
                        .max_retries(0),
                )
                .await
            });
            match result {
                Ok(_) => {
                    prop_assert_eq!(status, 200);
                    decoded.fetch_add(1, Ordering::Relaxed);
                }
                Err(Error::Api(_) | Error::UnexpectedResponse(_)) => {
                    let err = result.unwrap_err();
                    prop_assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
                    prop_assert_eq!(err.raw_body(), Some(body.as_slice()));
                }
                Err(other) => {
                    return Err(TestCaseError::fail(format!(
                        "{status}: neither decoded nor kept: {other:?}"
                    )))
                }
            }
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}\n{runner}");
    }
    let (ran, decoded) = (ran.into_inner(), decoded.into_inner());
    eprintln!("decode_anything: {ran} responses, {decoded} decoded as success");
    assert!(ran >= CASES as usize, "only {ran} cases ran");
    assert!(decoded > 0, "no case reached the success decoder");
}

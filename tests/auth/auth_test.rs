//! Copied into the crate generated from `schemes.yaml` and run there by `tests/auth.rs`: the
//! generated client sends, per operation, the credentials of the first alternative of its security
//! requirement it has, in the place each scheme says, and refreshes a provider's token after a 401
//! once for many calls.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use schemes::runtime::{Token, TokenReason};
use schemes::{Client, ClientBuilder, Error};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder().base_url(server.uri()).max_retries(0)
}

async fn last(server: &MockServer) -> Request {
    server
        .received_requests()
        .await
        .unwrap()
        .pop()
        .expect("a request")
}

fn get<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn each_scheme_goes_where_the_spec_puts_it() {
    let server = server().await;
    let client = builder(&server)
        .api_key("oauth-token")
        .credential("apiKeyHeader", "header-key")
        .credential("apiKeyQuery", "query-key")
        .credential("session", "session id")
        .credential("basicAuth", "user:pw")
        .credential("oidc", "id-token")
        .build()
        .unwrap();

    // The API's requirement: the OAuth2 scheme (`api_key` sets the first scheme) as a bearer token.
    client.items().list().await.unwrap();
    let request = last(&server).await;
    assert_eq!(get(&request, "authorization"), Some("Bearer oauth-token"));
    assert_eq!(get(&request, "x-api-key"), None);

    // `security: []`: nothing.
    client.public().status().await.unwrap();
    let request = last(&server).await;
    assert_eq!(get(&request, "authorization"), None);
    assert_eq!(request.url.query(), None);

    // `[{}, {apiKeyQuery}]`: the key is sent when the client has it.
    client.optional().status().await.unwrap();
    assert_eq!(last(&server).await.url.query(), Some("api_key=query-key"));

    // Two schemes together: a cookie and a header.
    client.session().touch().await.unwrap();
    let request = last(&server).await;
    assert_eq!(get(&request, "cookie"), Some("sid=session%20id"));
    assert_eq!(get(&request, "x-api-key"), Some("header-key"));
    assert_eq!(get(&request, "authorization"), None);

    client.basic().status().await.unwrap();
    assert_eq!(
        get(&last(&server).await, "authorization"),
        Some("Basic dXNlcjpwdw==")
    );

    // OpenID Connect: a bearer token.
    client.oidc().status().await.unwrap();
    assert_eq!(
        get(&last(&server).await, "authorization"),
        Some("Bearer id-token")
    );
}

#[tokio::test]
async fn the_second_alternative_is_used_when_the_first_has_no_credential() {
    let server = server().await;
    let client = builder(&server)
        .credential("apiKeyHeader", "header-key")
        .build()
        .unwrap();
    client.items().list().await.unwrap();
    let request = last(&server).await;
    assert_eq!(get(&request, "x-api-key"), Some("header-key"));
    assert_eq!(get(&request, "authorization"), None);
    // Optional auth without its key: sent without credentials.
    client.optional().status().await.unwrap();
    assert_eq!(last(&server).await.url.query(), None);
}

#[tokio::test]
async fn a_provider_token_is_refreshed_after_a_401_and_then_reused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"message": "expired"})),
        )
        .mount(&server)
        .await;
    let fetches = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&fetches);
    let client = builder(&server)
        .credentials_provider(move |reason: TokenReason| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(Token::new(match reason {
                    TokenReason::Rejected => "fresh",
                    _ => "stale-s3cret",
                }))
            }
        })
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("s3cret"));

    // One call first, so the stale token is cached; then a burst with the fresh one.
    client.items().list().await.unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 2, "initial, then rejected");
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.items().list().await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().unwrap().ok);
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 2, "the fresh token is reused");
}

#[tokio::test]
async fn a_token_the_server_keeps_refusing_ends_in_the_typed_401() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"message": "no"})),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .credentials_provider(|_reason| async { Ok(Token::new("never-s3cret")) })
        .build()
        .unwrap();
    let err = client.items().list().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert!(!format!("{err:?} {err}").contains("s3cret"));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "sent, refreshed once, sent again"
    );
}

#[tokio::test]
async fn a_credential_for_a_scheme_the_spec_lacks_is_a_build_error() {
    let err = Client::builder()
        .credential("mtls", "x")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the API description declares no security scheme named `mtls`"
    );
}

//! The built client's redirect policy and accessors, checked through `Client::http_client` (the
//! `reqwest::Client` the builder configured) against wiremock servers.

mod support;

use std::time::Duration;

use client_runtime::{ApiConfig, AuthPlacement, AuthScheme, ClientBuilder};
use reqwest::StatusCode;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use support::{bounded, builder, received, API};

/// The same API, but with the key in a custom header (which reqwest does not strip on a
/// cross-host redirect).
const HEADER_API: ApiConfig = ApiConfig {
    auth: &[AuthScheme {
        name: "apiKeyAuth",
        placement: AuthPlacement::Header("X-API-Key"),
    }],
    security: &[&["apiKeyAuth"]],
    ..API
};

fn redirect_to(location: String) -> ResponseTemplate {
    ResponseTemplate::new(302).insert_header("location", location.as_str())
}

/// A server where `/hop/i` redirects to `/hop/{i+1}` for `i < hops`, and `/hop/{hops}` answers 200.
async fn redirect_chain(hops: usize) -> MockServer {
    let server = MockServer::start().await;
    for i in 0..hops {
        Mock::given(path(format!("/hop/{i}")))
            .respond_with(redirect_to(format!("{}/hop/{}", server.uri(), i + 1)))
            .mount(&server)
            .await;
    }
    Mock::given(path(format!("/hop/{hops}")))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

/// `previous` holds the original URL and each one redirected to: the 10th redirect is refused.
#[tokio::test]
async fn nine_redirects_are_followed_and_the_tenth_is_an_error() {
    let nine = redirect_chain(9).await;
    let client = builder(&nine).build().expect("client builds");
    let response = bounded(
        client
            .http_client()
            .get(format!("{}/hop/0", nine.uri()))
            .send(),
    )
    .await
    .expect("nine redirects are followed");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.url().path().ends_with("/hop/9"));

    let ten = redirect_chain(10).await;
    let client = builder(&ten).build().expect("client builds");
    let err = bounded(
        client
            .http_client()
            .get(format!("{}/hop/0", ten.uri()))
            .send(),
    )
    .await
    .expect_err("a tenth redirect is refused");
    assert!(err.is_redirect(), "{err:?}");
    assert!(received(&ten)
        .await
        .iter()
        .all(|req| req.url.path() != "/hop/10"));
}

/// Two servers on 127.0.0.1 differ only by port: that is another origin.
async fn cross_origin_pair() -> (MockServer, MockServer) {
    let (from, to) = (MockServer::start().await, MockServer::start().await);
    Mock::given(path("/start"))
        .respond_with(redirect_to(format!("{}/landed", to.uri())))
        .mount(&from)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&to)
        .await;
    (from, to)
}

#[tokio::test]
async fn a_header_key_never_follows_a_redirect_to_another_port() {
    let (from, to) = cross_origin_pair().await;
    let client = ClientBuilder::for_api(HEADER_API)
        .base_url(from.uri())
        .api_key(support::KEY)
        .build()
        .expect("client builds");
    let response = bounded(
        client
            .http_client()
            .get(format!("{}/start", from.uri()))
            .send(),
    )
    .await
    .expect("the redirect is returned, not followed");
    assert_eq!(response.status(), StatusCode::FOUND);
    assert!(
        received(&to).await.is_empty(),
        "the other origin was called"
    );
}

#[tokio::test]
async fn a_bearer_key_follows_a_redirect_to_another_port() {
    let (from, to) = cross_origin_pair().await;
    let client = builder(&from).build().expect("client builds");
    let response = bounded(
        client
            .http_client()
            .get(format!("{}/start", from.uri()))
            .send(),
    )
    .await
    .expect("the redirect is followed");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(received(&to).await.len(), 1);
}

#[tokio::test]
async fn a_header_key_follows_a_redirect_on_the_same_origin() {
    let server = redirect_chain(1).await;
    let client = ClientBuilder::for_api(HEADER_API)
        .base_url(server.uri())
        .api_key(support::KEY)
        .build()
        .expect("client builds");
    let response = bounded(
        client
            .http_client()
            .get(format!("{}/hop/0", server.uri()))
            .send(),
    )
    .await
    .expect("the redirect is followed");
    assert_eq!(response.status(), StatusCode::OK);
}

/// A caller's own `reqwest::Client` is the one `http_client` returns (its default header shows).
#[tokio::test]
async fn http_client_is_the_one_given_and_max_retries_the_one_set() {
    let server = support::server_answering(ResponseTemplate::new(200)).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-own-client", "yes".parse().expect("valid header value"));
    let own = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("reqwest client builds");
    let client = builder(&server)
        .http_client(own)
        .max_retries(7)
        .build()
        .expect("client builds");
    assert_eq!(client.max_retries(), 7);
    assert_eq!(client.timeout(), Duration::from_secs(10));
    bounded(client.http_client().get(server.uri()).send())
        .await
        .expect("the server answers");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(support::header(&requests[0], "x-own-client"), Some("yes"));
}

//! Copied into the crate generated from `paged.yaml` and run there by `tests/pagination.rs`: the
//! generated `*_stream` helpers walk pages against a wiremock server and stop when they should.

use futures_util::StreamExt;
use paged::{Client, ListLinkParams, ListThingParams};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).api_key("test-key").build().unwrap()
}

fn page(ids: &[&str], page: i64, has_more: bool) -> serde_json::Value {
    serde_json::json!({
        "message": "ok",
        "data": {
            "workspaceId": "ws",
            "links": ids.iter().map(|id| serde_json::json!({"linkId": id})).collect::<Vec<_>>(),
            "pagination": {"page": page, "perPage": 2, "total": 5, "totalPages": 3, "hasMore": has_more}
        }
    })
}

#[tokio::test]
async fn page_numbers_are_followed_until_has_more_is_false() {
    let server = MockServer::start().await;
    for (n, ids, more) in [(1, vec!["a", "b"], true), (2, vec!["c", "d"], true), (3, vec!["e"], false)] {
        Mock::given(method("GET"))
            .and(path("/workspace/ws/links"))
            .and(query_param("page", n.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(&ids, n, more)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let params = ListLinkParams::new(1).per_page(2);
    let ids: Vec<String> = client
        .links()
        .list_stream("ws", &params)
        .map(|item| item.unwrap().link_id)
        .collect()
        .await;
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn an_empty_page_stops_even_if_the_server_claims_more() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[], 1, true)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let items: Vec<_> = client.links().list_stream("ws", &ListLinkParams::new(1)).collect().await;
    assert!(items.is_empty());
}

#[tokio::test]
async fn an_error_ends_the_stream_after_yielding_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a"], 1, true)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(404).set_body_string("gone"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let items: Vec<_> = client.links().list_stream("ws", &ListLinkParams::new(1)).collect().await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let err = items[1].as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn page_tokens_are_followed_until_there_is_no_next_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(query_param_is_missing("page_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": ["x", "y"], "next_page": "t2"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(query_param("page_token", "t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": ["z"], "next_page": null})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let items: Vec<String> = client
        .things()
        .list_stream(&ListThingParams::default())
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, ["x", "y", "z"]);
}

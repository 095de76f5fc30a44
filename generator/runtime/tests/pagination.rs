//! [`paginate`]: when a stream of pages stops, and a walk over a real endpoint's pages.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use client_runtime::{
    paginate, Call, Error, Outcome, Page, RawResponse, RequestParts, StreamExt, DEFAULT_MAX_PAGES,
};
use reqwest::Method;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use support::{bounded, client, received};

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
    S: client_runtime::Stream<Item = Result<u32, Error<()>>> + Unpin,
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
            let parts = RequestParts {
                query: vec![("page".to_owned(), page.to_string())],
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

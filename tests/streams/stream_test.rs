//! Copied into the crate generated from `streams.yaml` and run there by `tests/streams.rs`: event
//! streams and byte streams through the generated methods, against a hand-rolled chunked HTTP
//! server (to split the body exactly where a test wants) and wiremock.

use bytes::Bytes;
use futures_util::StreamExt;
use streams::runtime::EventError;
use streams::{ChatRequest, Client, CreateAttachmentRequest, CreateChatError, DownloadFileError, Error, Upload};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(base: &str) -> Client {
    Client::builder().base_url(base).build().unwrap()
}

/// Serves one request on the loopback interface: `head` (status line and headers), then each of
/// `chunks` as its own HTTP/1.1 chunk, so the client's body reader meets the splits as written.
async fn chunked_server(head: &'static str, chunks: Vec<Vec<u8>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        socket.set_nodelay(true).unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending its request");
            request.extend_from_slice(&buf[..n]);
        }
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(b"transfer-encoding: chunked\r\n\r\n").await.unwrap();
        for chunk in chunks {
            socket.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.unwrap();
            socket.write_all(&chunk).await.unwrap();
            socket.write_all(b"\r\n").await.unwrap();
            socket.flush().await.unwrap();
            tokio::task::yield_now().await;
        }
        socket.write_all(b"0\r\n\r\n").await.unwrap();
        socket.flush().await.unwrap();
    });
    format!("http://{addr}/v1")
}

/// `text` cut at each of `cuts` (byte offsets), which may fall inside a line or a character.
fn split_at(text: &str, cuts: &[usize]) -> Vec<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        out.push(bytes[start..cut].to_vec());
        start = cut;
    }
    out.push(bytes[start..].to_vec());
    out
}

#[tokio::test]
async fn events_are_typed_with_their_fields_across_chunks_split_inside_lines_and_characters() {
    let body = "retry: 1500\n\n: keep-alive\n\nevent: tick\nid: 7\ndata: {\"n\": 1,\ndata: \"x\": \"é\"}\n\ndata: {\"n\": 2}\n\n";
    let e_acute = body.find('é').unwrap();
    assert!(!body.is_char_boundary(e_acute + 1));
    // Inside `retry:`, inside the `id:` line, inside the two bytes of `é`, between `\n` and `\n`.
    let cuts = [3, body.find("id: 7").unwrap() + 2, e_acute + 1, body.len() - 1];
    let base = chunked_server("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n", split_at(body, &cuts)).await;
    let mut events = client(&base).ticks().watch().await.unwrap();
    let first = events.next().await.unwrap().unwrap();
    assert_eq!(first.event.as_deref(), Some("tick"));
    assert_eq!(first.id.as_deref(), Some("7"));
    assert_eq!(first.data.n, 1);
    assert_eq!(events.retry(), Some(std::time::Duration::from_millis(1500)), "a lone retry: block sets it");
    let second = events.next().await.unwrap().unwrap();
    assert_eq!((second.event, second.id, second.data.n), (None, None, 2));
    assert_eq!(events.last_event_id(), Some("7"));
    assert!(events.next().await.is_none(), "the stream ends with the body");
}

#[tokio::test]
async fn a_malformed_event_is_an_error_item_and_the_stream_goes_on() {
    let body = "data: {\"n\": 1}\n\nid: 2\ndata: {\"n\": \"two\"}\n\ndata: [DONE\n\ndata: {\"n\": 3}\n\n";
    let base = chunked_server("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n", split_at(body, &[20])).await;
    let items: Vec<_> = client(&base).ticks().watch().await.unwrap().collect().await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().data.n, 1);
    match &items[1] {
        Err(EventError::Decode { id, data, reason, .. }) => {
            assert_eq!(id.as_deref(), Some("2"));
            assert_eq!(data, "{\"n\": \"two\"}", "the raw data is kept");
            assert!(reason.contains("invalid type"), "{reason}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(matches!(&items[2], Err(EventError::Decode { data, .. }) if data == "[DONE"));
    assert_eq!(items[3].as_ref().unwrap().data.n, 3);
}

#[tokio::test]
async fn an_operation_offering_json_and_events_has_both_methods_and_errors_stay_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat"))
        .and(wiremock::matchers::body_partial_json(serde_json::json!({"stream": true})))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string("data: {\"text\": \"Hel\"}\n\ndata: {\"text\": \"lo\"}\n\n"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat"))
        .and(wiremock::matchers::body_partial_json(serde_json::json!({"prompt": "slow"})))
        .respond_with(ResponseTemplate::new(429).set_body_json(serde_json::json!({"message": "later"})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"text": "Hello"})))
        .with_priority(10)
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let whole = client.chat().create(&ChatRequest::new("hi")).await.unwrap();
    assert_eq!(whole.text, "Hello");
    let deltas: Vec<String> = client
        .chat()
        .create_events(&ChatRequest::new("hi").stream(true))
        .await
        .unwrap()
        .map(|event| event.unwrap().data.text)
        .collect()
        .await;
    assert_eq!(deltas, ["Hel", "lo"]);
    let err = client
        .chat()
        .create_events(&ChatRequest::new("slow").stream(true))
        .max_retries(0)
        .await
        .unwrap_err();
    match err {
        Error::Api(e) => match &e.error {
            CreateChatError::TooManyRequests(problem) => assert_eq!(problem.message, "later"),
            other => panic!("expected the typed 429, got {other:?}"),
        },
        other => panic!("expected the typed 429, got {other:?}"),
    }
}

#[tokio::test]
async fn a_binary_download_is_read_whole_or_as_a_stream_of_chunks() {
    let file: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let chunks: Vec<Vec<u8>> = file.chunks(7_001).map(<[u8]>::to_vec).collect();
    let base = chunked_server("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n", chunks.clone()).await;
    let whole = client(&base).files().download("f1").await.unwrap();
    assert_eq!(whole, Bytes::from(file.clone()));

    let base = chunked_server("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n", chunks).await;
    let response = client(&base).files().download_stream("f1").send_with_response().await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    let mut stream = response.into_inner();
    let mut received = Vec::new();
    let mut largest = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        largest = largest.max(chunk.len());
        received.extend_from_slice(&chunk);
    }
    assert_eq!(received, file);
    assert!(largest <= 7_001, "no chunk is larger than one the server wrote: {largest}");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "gone"})))
        .mount(&server)
        .await;
    let err = client(&format!("{}/v1", server.uri())).files().download_stream("f2").await.unwrap_err();
    assert!(
        matches!(&err, Error::Api(e) if matches!(&e.error, DownloadFileError::NotFound(p) if p.message == "gone")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_upload_takes_bytes_or_a_stream_of_known_or_unknown_length() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v1/files/f1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let chunks = || futures_util::stream::iter(["ab", "c", "def"].map(|c| Ok::<_, std::io::Error>(Bytes::from(c))));
    client.files().upload("f1", b"abcdef".to_vec()).await.unwrap();
    client.files().upload("f1", Upload::stream_with_length(chunks(), 6)).await.unwrap();
    client.files().upload("f1", Upload::stream(chunks())).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.body, b"abcdef");
        assert_eq!(request.headers.get("content-type").unwrap(), "application/octet-stream");
    }
    assert_eq!(requests[1].headers.get("content-length").unwrap(), "6");
    assert_eq!(requests[2].headers.get("transfer-encoding").unwrap(), "chunked");
}

#[tokio::test]
async fn a_multipart_upload_sends_its_file_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/attachments"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let body = CreateAttachmentRequest::new("Report", b"a,b\n1,2\n".to_vec());
    client.attachments().create(&body).await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let text = String::from_utf8(request.body.clone()).unwrap();
    assert!(text.contains("name=\"title\"\r\n\r\nReport\r\n"), "{text}");
    assert!(
        text.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\na,b\n1,2\n\r\n"),
        "{text}"
    );
}

//! Copied into the crate generated from `streams.yaml` and run there by `tests/streams.rs`: event
//! streams and byte streams through the generated methods, against a hand-rolled chunked HTTP
//! server (to split the body exactly where a test wants) and wiremock.

use bytes::Bytes;
use futures_util::StreamExt;
use streams::runtime::EventError;
use streams::{ChatRequest, Client, CreateAttachmentRequest, CreateChatError, Document, DownloadFileError, Error, Upload};
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

/// The parts of a `multipart/form-data` body, each as its header text and content, split at the
/// boundary the request's `Content-Type` names.
fn multipart_parts(request: &wiremock::Request) -> Vec<(String, Vec<u8>)> {
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    let boundary = content_type.split("boundary=").nth(1).expect("a boundary");
    let delimiter = format!("\r\n--{boundary}");
    // The first delimiter has no line break before it.
    let body = [b"\r\n".as_slice(), &request.body].concat();
    let mut parts = Vec::new();
    let mut rest = &body[..];
    loop {
        let at = rest.windows(delimiter.len()).position(|w| w == delimiter.as_bytes()).expect("a delimiter");
        if !parts.is_empty() || at > 0 {
            let part = &rest[..at];
            let head_end = part.windows(4).position(|w| w == b"\r\n\r\n").expect("part headers");
            parts.push((String::from_utf8(part[..head_end].to_vec()).unwrap(), part[head_end + 4..].to_vec()));
        }
        rest = &rest[at + delimiter.len()..];
        if rest.starts_with(b"--") {
            return parts;
        }
        rest = rest.strip_prefix(b"\r\n".as_slice()).expect("a line break after the delimiter");
    }
}

/// A stream of `data` in chunks of `size` bytes, as a file reader would yield it.
fn chunked(data: &[u8], size: usize) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync + 'static {
    let chunks: Vec<Result<Bytes, std::io::Error>> = data.chunks(size).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    futures_util::stream::iter(chunks)
}

async fn accepting_server(method_name: &str, route: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(method_name))
        .and(path(route))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_multipart_file_part_streams_whole_with_its_file_name_and_content_type() {
    let server = accepting_server("POST", "/v1/attachments").await;
    let client = client(&format!("{}/v1", server.uri()));
    let file: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let upload = Upload::stream_with_length(chunked(&file, 7_001), file.len() as u64)
        .file_name("report.bin")
        .content_type("application/vnd.example");
    let body = CreateAttachmentRequest::new("Report", upload)
        .thumbnail(b"PNG".to_vec())
        .extras(vec![Upload::from("one"), Upload::stream_with_length(chunked(b"two", 2), 3).file_name("2.txt")]);
    client.attachments().create(&body).await.unwrap();
    // One extra file of unknown length: the body is sent chunked.
    let body = CreateAttachmentRequest::new("Notes", Upload::stream(chunked(b"a,b\n1,2\n", 3)));
    client.attachments().create(&body).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let parts = multipart_parts(&requests[0]);
    let heads: Vec<&str> = parts.iter().map(|(head, _)| head.as_str()).collect();
    assert_eq!(
        heads,
        [
            "Content-Disposition: form-data; name=\"title\"",
            "Content-Disposition: form-data; name=\"file\"; filename=\"report.bin\"\r\nContent-Type: application/vnd.example",
            "Content-Disposition: form-data; name=\"thumbnail\"; filename=\"thumbnail\"\r\nContent-Type: image/png",
            "Content-Disposition: form-data; name=\"extras\"; filename=\"extras\"\r\nContent-Type: application/octet-stream",
            "Content-Disposition: form-data; name=\"extras\"; filename=\"2.txt\"\r\nContent-Type: application/octet-stream",
        ]
    );
    let contents: Vec<&[u8]> = parts.iter().map(|(_, content)| content.as_slice()).collect();
    assert_eq!(contents, [b"Report".as_slice(), &file, b"PNG", b"one", b"two"]);
    assert_eq!(
        requests[0].headers.get("content-length").unwrap().to_str().unwrap(),
        requests[0].body.len().to_string(),
        "every part's length is known"
    );
    assert!(requests[0].headers.get("transfer-encoding").is_none());

    assert_eq!(requests[1].headers.get("transfer-encoding").unwrap(), "chunked");
    assert!(requests[1].headers.get("content-length").is_none());
    let parts = multipart_parts(&requests[1]);
    // Typed by the spec's `encoding` when the upload says nothing.
    assert_eq!(parts[1].0, "Content-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: text/csv");
    assert_eq!(parts[1].1, b"a,b\n1,2\n");
}

#[tokio::test]
async fn a_struct_also_sent_as_json_sends_its_file_part_from_memory_and_a_spent_stream_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/documents")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(path("/v1/attachments")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = client(&format!("{}/v1", server.uri()));
    // `Document` is also a JSON body: it keeps `Vec<u8>` (and its serde derives).
    let document = Document::new("a.txt", b"hello".to_vec());
    client.documents().create(&document).await.unwrap();
    client.documents().replace(&document).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let parts = multipart_parts(&requests[0]);
    assert_eq!(parts[1].0, "Content-Disposition: form-data; name=\"content\"; filename=\"content\"\r\nContent-Type: application/octet-stream");
    assert_eq!(parts[1].1, b"hello");
    assert_eq!(requests[1].body_json::<serde_json::Value>().unwrap()["content"], serde_json::json!([104, 101, 108, 108, 111]));

    // A stream is read by the request that sends it: sending the same struct again is refused
    // before anything goes out, rather than sending an empty part.
    let body = CreateAttachmentRequest::new("Once", Upload::stream(chunked(b"data", 2)));
    client.attachments().create(&body).await.unwrap();
    let err = client.attachments().create(&body).await.unwrap_err();
    match &err {
        Error::InvalidRequest(e) => assert!(e.to_string().contains("file"), "{e}"),
        other => panic!("expected an invalid request, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "the second send went nowhere");
}

#[tokio::test]
async fn bytes_uploads_are_retried_after_a_503_and_streamed_ones_are_not() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .retry_policy(streams::RetryPolicy::new().initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    let file = b"0123456789".to_vec();
    for streamed in [false, true] {
        for multipart in [false, true] {
            server.reset().await;
            Mock::given(method("PUT"))
                .respond_with(ResponseTemplate::new(503))
                .up_to_n_times(1)
                .with_priority(1)
                .mount(&server)
                .await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(503))
                .up_to_n_times(1)
                .with_priority(1)
                .mount(&server)
                .await;
            Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
            let upload = if streamed {
                Upload::stream_with_length(chunked(&file, 4), file.len() as u64)
            } else {
                Upload::from(file.clone())
            };
            let result = if multipart {
                client.attachments().create(&CreateAttachmentRequest::new("t", upload)).await.map_err(|e| e.status())
            } else {
                client.files().upload("f1", upload).await.map_err(|e| e.status())
            };
            let requests = server.received_requests().await.unwrap();
            let case = format!("streamed: {streamed}, multipart: {multipart}");
            if streamed {
                assert_eq!(result, Err(Some(reqwest::StatusCode::SERVICE_UNAVAILABLE)), "{case}");
                assert_eq!(requests.len(), 1, "{case}");
            } else {
                assert_eq!(result, Ok(()), "{case}");
                assert_eq!(requests.len(), 2, "{case}");
            }
            // What each attempt sent: the file (the form's boundary is new for each attempt).
            for request in &requests {
                let sent = if multipart { multipart_parts(request)[1].1.clone() } else { request.body.clone() };
                assert_eq!(sent, file, "{case}");
            }
        }
    }
}

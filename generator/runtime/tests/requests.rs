//! What reaches the wire for hand-built requests, as generated code builds them: bodies of every
//! kind with their content type, bodies resent unchanged on retry, streamed bodies sent once,
//! `Content-Length: 0` on a body-less POST, and query, header and cookie parameters encoded.

mod support;

use bytes::Bytes;
use client_runtime::{fill_path, Call, MultipartField, RequestBody, RequestParts, Upload};
use reqwest::Method;
use wiremock::ResponseTemplate;

use support::{
    bounded, client, header, received, server_answering, server_failing_then_succeeding,
    status_only,
};

#[tokio::test]
async fn request_bodies_carry_their_content_type_and_bytes() {
    let server = server_answering(ResponseTemplate::new(200)).await;
    let client = client(&server);
    let cases = [
        (
            RequestBody::Json(br#"{"a":1}"#.to_vec()),
            "application/json",
            br#"{"a":1}"#.to_vec(),
        ),
        (
            RequestBody::Text("héllo".into()),
            "text/plain; charset=utf-8",
            "héllo".as_bytes().to_vec(),
        ),
        (
            RequestBody::Bytes {
                data: vec![0u8, 1].into(),
                content_type: "application/octet-stream".into(),
            },
            "application/octet-stream",
            vec![0, 1],
        ),
        (
            RequestBody::Form(vec![("q".into(), "a b&c".into()), ("n".into(), "1".into())]),
            "application/x-www-form-urlencoded",
            b"q=a+b%26c&n=1".to_vec(),
        ),
    ];
    let expected: Vec<(String, Vec<u8>)> = cases
        .iter()
        .map(|(_, ct, bytes)| ((*ct).to_owned(), bytes.clone()))
        .collect();
    for (body, _, _) in cases {
        let parts = RequestParts {
            body,
            ..RequestParts::new("test.op", Method::POST, "/things", "/things".to_owned())
        };
        bounded(Call::new(&client, Ok(parts), status_only))
            .await
            .unwrap();
    }
    let sent: Vec<(String, Vec<u8>)> = received(&server)
        .await
        .iter()
        .map(|r| {
            (
                header(r, "content-type").unwrap_or_default().to_owned(),
                r.body.clone(),
            )
        })
        .collect();
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn multipart_body_is_sent_identically_on_retry() {
    let server = server_failing_then_succeeding(ResponseTemplate::new(503), 1).await;
    let fields = vec![
        MultipartField::text("title", "Report"),
        MultipartField::file("file", "report.csv", b"a,b\n1,2\n".to_vec()).content_type("text/csv"),
    ];
    let parts = RequestParts {
        body: RequestBody::Multipart(fields),
        ..RequestParts::new("test.upload", Method::POST, "/upload", "/upload".to_owned())
    };
    bounded(Call::new(&client(&server), Ok(parts), status_only))
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "503 is retried for POST");
    // Each attempt's form has a boundary of its own; the rest is the same.
    let bodies: Vec<String> = requests
        .iter()
        .map(|request| {
            let content_type = header(request, "content-type").unwrap();
            let boundary = content_type
                .strip_prefix("multipart/form-data; boundary=")
                .expect(content_type);
            let text = String::from_utf8(request.body.clone()).unwrap();
            assert!(text.starts_with(&format!("--{boundary}\r\n")), "{text}");
            assert!(text.ends_with(&format!("--{boundary}--\r\n")), "{text}");
            assert_eq!(
                header(request, "content-length"),
                Some(request.body.len().to_string().as_str()),
                "a multipart body of known parts has a known length"
            );
            text.replace(boundary, "BOUNDARY")
        })
        .collect();
    assert_eq!(bodies[0], bodies[1]);
    assert!(
        bodies[1].contains(
            "name=\"file\"; filename=\"report.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\n\r\n"
        ),
        "{}",
        bodies[1]
    );
}

/// Chunks of a streamed body, split so that no chunk is the whole body.
fn chunks() -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync {
    futures_util::stream::iter(
        ["ab", "cd", "ef"].map(|chunk| Ok(Bytes::from_static(chunk.as_bytes()))),
    )
}

#[tokio::test]
async fn a_streamed_body_is_sent_with_its_length_or_chunked_and_never_retried() {
    let server = server_failing_then_succeeding(ResponseTemplate::new(503), 1).await;
    let client = client(&server);
    let bodies = [
        RequestBody::Bytes {
            data: Upload::stream_with_length(chunks(), 6),
            content_type: "application/octet-stream".into(),
        },
        RequestBody::Bytes {
            data: Upload::stream(chunks()),
            content_type: "application/octet-stream".into(),
        },
        RequestBody::Multipart(vec![MultipartField::file(
            "file",
            "f.bin",
            Upload::stream(chunks()),
        )]),
    ];
    let mut statuses = Vec::new();
    for body in bodies {
        let parts = RequestParts {
            body,
            ..RequestParts::new("test.upload", Method::PUT, "/upload", "/upload".to_owned())
        };
        statuses.push(
            match bounded(Call::new(&client, Ok(parts), status_only)).await {
                Ok(status) => status,
                Err(e) => e.status().map_or(0, |s| s.as_u16()),
            },
        );
    }
    // The first request met the 503 and was not retried (its body was read); the others succeed.
    assert_eq!(statuses, [503, 200, 200]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "nothing was sent twice");
    assert_eq!(requests[0].body, b"abcdef");
    assert_eq!(header(&requests[0], "content-length"), Some("6"));
    assert_eq!(requests[1].body, b"abcdef");
    assert_eq!(header(&requests[1], "transfer-encoding"), Some("chunked"));
    let multipart = String::from_utf8(requests[2].body.clone()).unwrap();
    assert!(
        multipart.contains(
            "filename=\"f.bin\"\r\nContent-Type: application/octet-stream\r\n\r\nabcdef\r\n"
        ),
        "{multipart}"
    );
}

#[tokio::test]
async fn bodyless_post_sends_content_length_zero_and_get_sends_no_body() {
    let server = server_answering(ResponseTemplate::new(200)).await;
    let client = client(&server);
    for method in [Method::POST, Method::GET, Method::DELETE] {
        let parts = RequestParts::new("test.op", method, "/things", "/things".to_owned());
        bounded(Call::new(&client, Ok(parts), status_only))
            .await
            .unwrap();
    }
    let requests = received(&server).await;
    assert_eq!(requests[0].method.as_str(), "POST");
    assert_eq!(header(&requests[0], "content-length"), Some("0"));
    assert!(header(&requests[0], "content-type").is_none());
    assert_eq!(requests[1].method.as_str(), "GET");
    assert!(requests[1].body.is_empty() && header(&requests[1], "content-length").is_none());
    assert_eq!(requests[2].method.as_str(), "DELETE");
    assert!(requests[2].body.is_empty());
}

#[tokio::test]
async fn query_header_and_cookie_parameters_are_encoded() {
    let server = server_answering(ResponseTemplate::new(200)).await;
    let parts = RequestParts {
        // What generated code writes for `page=1`, `per_page=20`, an indexed array and a
        // comma-joined (`explode: false`) one; values go unencoded, the URL encodes them.
        query: [
            ("page", "1"),
            ("per_page", "20"),
            ("link_id[0]", "a b"),
            ("link_id[1]", "c&d=e"),
            ("tag", "x,y"),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect(),
        headers: vec![("X-Page-Token", "abc".to_owned())],
        cookies: vec![
            ("session", "a b;c".to_owned()),
            ("theme", "dark".to_owned()),
        ],
        ..RequestParts::new(
            "links.list",
            Method::GET,
            "/public/workspace/{workspaceId}/links",
            fill_path(
                "/public/workspace/{workspaceId}/links",
                &[("workspaceId", "ws 1")],
            )
            .unwrap(),
        )
    };
    bounded(Call::new(&client(&server), Ok(parts), status_only))
        .await
        .unwrap();
    let req = &received(&server).await[0];
    assert_eq!(req.url.path(), "/api/v1/public/workspace/ws%201/links");
    assert_eq!(
        req.url.query(),
        Some("page=1&per_page=20&link_id%5B0%5D=a+b&link_id%5B1%5D=c%26d%3De&tag=x%2Cy")
    );
    assert_eq!(header(req, "x-page-token"), Some("abc"));
    assert_eq!(header(req, "cookie"), Some("session=a%20b%3Bc; theme=dark"));
}

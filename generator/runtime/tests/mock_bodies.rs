//! The in-process mock reads every request body whole, streamed ones included (a multipart form,
//! an `Upload::stream`), so an expectation's `received` requests hold what a server would get.
#![cfg(feature = "mock")]

use bytes::Bytes;
use client_runtime::mock::{MockAnswer, MockApi};
use client_runtime::{
    ApiConfig, Call, ClientBuilder, MultipartField, Outcome, RawResponse, RequestBody,
    RequestParts, Upload,
};
use reqwest::Method;
use serde_json::Value;

const API: ApiConfig = ApiConfig {
    default_base_url: "http://fake.invalid",
    env_api_key: "MOCK_BODIES_TEST_API_KEY",
    env_base_url: "MOCK_BODIES_TEST_BASE_URL",
    user_agent: "mock-bodies-tests/0 (rust)",
    auth: &[],
    security: &[],
};

fn status(raw: &RawResponse) -> Outcome<u16, Value> {
    Outcome::Success(raw.status.as_u16())
}

fn stream(chunks: &'static [&'static str]) -> Upload {
    Upload::stream(futures_util::stream::iter(
        chunks
            .iter()
            .map(|c| Ok::<_, std::io::Error>(Bytes::from(*c))),
    ))
}

#[tokio::test]
async fn the_in_process_mock_receives_streamed_and_multipart_bodies_whole() {
    let mock = MockApi::in_process();
    let expectation = mock.expect("files.put", Method::PUT, "/files");
    expectation.answer(MockAnswer::raw(204, Bytes::new()));
    expectation.times(2);
    let client = mock.configure(ClientBuilder::for_api(API)).build().unwrap();
    let send = |body: RequestBody| {
        let parts = RequestParts {
            body,
            ..RequestParts::new("files.put", Method::PUT, "/files", "/files".to_owned())
        };
        Call::new(&client, Ok(parts), status)
    };
    let raw = RequestBody::Bytes {
        data: stream(&["ab", "cd"]),
        content_type: "application/octet-stream".to_owned(),
    };
    assert_eq!(send(raw).await.unwrap(), 204);
    let form = RequestBody::Multipart(vec![
        MultipartField::text("title", "T"),
        MultipartField::upload("file", stream(&["x,", "y"]).file_name("a.csv")),
    ]);
    assert_eq!(send(form).await.unwrap(), 204);

    let received = expectation.received();
    assert_eq!(received[0].body, "abcd");
    let form = String::from_utf8(received[1].body.to_vec()).unwrap();
    assert!(form.contains("name=\"title\"\r\n\r\nT\r\n"), "{form}");
    assert!(
        form.contains("name=\"file\"; filename=\"a.csv\"\r\nContent-Type: application/octet-stream\r\n\r\nx,y\r\n"),
        "{form}"
    );
    mock.verify();
}

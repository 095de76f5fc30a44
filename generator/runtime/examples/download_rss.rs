//! Peak memory of a 1 GiB download through a loopback server, streamed (`ByteStream`) and then
//! read whole, as generated code makes the calls. Run with
//! `cargo run --release -p client-runtime --example download_rss` (Linux: reads `VmHWM`).

use std::time::Instant;

use client_runtime::{
    ApiConfig, ByteStream, Call, ClientBuilder, Outcome, RawResponse, RequestParts,
};
use futures_util::StreamExt;
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SIZE: u64 = 1 << 30;

const API: ApiConfig = ApiConfig {
    default_base_url: "http://127.0.0.1",
    env_api_key: "DOWNLOAD_RSS_API_KEY",
    env_base_url: "DOWNLOAD_RSS_BASE_URL",
    user_agent: "download-rss",
    auth: &[],
    security: &[],
};

/// Peak resident set size of this process so far, in MiB.
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// Answers every connection's request with `SIZE` bytes from one reused 64 KiB buffer.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = socket.read(&mut buf).await.unwrap();
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {SIZE}\r\n\r\n"
                );
                socket.write_all(head.as_bytes()).await.unwrap();
                let chunk = vec![7u8; 64 << 10];
                let mut left = SIZE;
                while left > 0 {
                    let n = left.min(chunk.len() as u64) as usize;
                    if socket.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    left -= n as u64;
                }
            });
        }
    });
    format!("http://{addr}")
}

fn head(raw: &RawResponse) -> Outcome<(), ()> {
    if raw.status.is_success() {
        Outcome::Success(())
    } else {
        Outcome::Unexpected(format!("status {}", raw.status))
    }
}

fn whole(raw: &RawResponse) -> Outcome<bytes::Bytes, ()> {
    Outcome::Success(raw.body.clone())
}

fn parts() -> Result<RequestParts, client_runtime::InvalidRequest> {
    RequestParts::for_template("files.download", Method::GET, "/file", &[])
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = serve().await;
    let client = ClientBuilder::for_api(API)
        .base_url(&base)
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .unwrap();
    println!("before: peak RSS {} MiB", peak_rss_mib());

    let started = Instant::now();
    let mut stream = Call::streaming(&client, parts(), head, ByteStream::from_response)
        .await
        .unwrap();
    let mut total = 0u64;
    while let Some(chunk) = stream.next().await {
        total += chunk.unwrap().len() as u64;
    }
    assert_eq!(total, SIZE);
    println!(
        "streamed (ByteStream): {} MiB in {:.1} s, peak RSS {} MiB",
        total >> 20,
        started.elapsed().as_secs_f64(),
        peak_rss_mib()
    );

    let started = Instant::now();
    let body = Call::new(&client, parts(), whole).await.unwrap();
    assert_eq!(body.len() as u64, SIZE);
    println!(
        "read whole (Bytes): {} MiB in {:.1} s, peak RSS {} MiB",
        body.len() >> 20,
        started.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
}

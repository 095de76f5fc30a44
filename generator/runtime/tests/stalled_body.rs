//! A reqwest error that is a timeout but neither a connect nor a request error: the server sends
//! its headers and then stalls the body until the read timeout fires. `Error::is_retryable`
//! must say yes to it on the strength of `is_timeout` alone.

use std::io::Write;
use std::net::TcpListener;
use std::time::Duration;

use client_runtime::Error;

/// Reads one request, answers it with headers promising 10 bytes, then holds the socket open
/// silently until the client gives up (the thread ends when the client closes the connection).
fn stalling_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().expect("accept");
        // Answering before the whole request is read makes hyper drop the connection.
        let mut request = Vec::new();
        let mut chunk = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match std::io::Read::read(&mut socket, &mut chunk) {
                Ok(n) if n > 0 => request.extend_from_slice(&chunk[..n]),
                _ => return,
            }
        }
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n")
            .expect("write headers");
        // Blocks until the client closes the connection; nothing is ever written back.
        while std::io::Read::read(&mut socket, &mut chunk).is_ok_and(|n| n > 0) {}
    });
    format!("http://{address}/")
}

#[tokio::test]
async fn a_body_read_timeout_is_retryable() {
    let url = stalling_server();
    // A real clock here: a paused tokio clock jumps to the next timer whenever the runtime waits
    // on I/O, so the timeout could fire before the headers arrive. No duration is asserted.
    let http = reqwest::Client::builder()
        .read_timeout(Duration::from_millis(500))
        .build()
        .expect("reqwest client builds");
    let response = http.get(&url).send().await.expect("the headers arrive");
    let err = response
        .bytes()
        .await
        .expect_err("the stalled body times out");
    assert!(
        err.is_timeout() && !err.is_connect() && !err.is_request(),
        "expected a timeout that is neither a connect nor a request error: {err:?}"
    );
    assert!(Error::<()>::Transport(err).is_retryable());
}

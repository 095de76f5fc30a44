//! The `request` span of a call records its outcome (attempts, status, duration) when it ends;
//! read here from a `tracing_subscriber::fmt` subscriber's span-close lines, on a paused clock so
//! the duration is exact.

mod support;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_runtime::{Call, ClientBuilder, RequestParts};
use reqwest::Method;
use tracing_subscriber::fmt::format::FmtSpan;

use support::{status_only, API, KEY};

/// A writer the subscriber appends its lines to, shared with the test.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl io::Write for Lines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Lines {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

#[tokio::test(start_paused = true)]
async fn the_request_span_records_attempts_status_and_duration() {
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);

    let client = ClientBuilder::for_api(API)
        .base_url("http://fake.invalid/api")
        .api_key(KEY)
        .transport(|_request: reqwest::Request| async {
            // On the paused clock: the call's duration is exactly this.
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let response = http::Response::builder()
                .status(204)
                .body("")
                .expect("valid response");
            Ok(reqwest::Response::from(response))
        })
        .build()
        .expect("client builds");
    let parts = RequestParts::new("test.get", Method::GET, "/things", "/things".to_owned());
    let status = Call::new(&client, Ok(parts), status_only)
        .await
        .expect("the call succeeds");
    assert_eq!(status, 204);

    let text = lines.text();
    let close = text
        .lines()
        .find(|line| line.contains("request{") && line.contains("close"))
        .unwrap_or_else(|| panic!("no close line of the request span in:\n{text}"));
    for field in ["attempts=1", "status=204", "duration_ms=1500"] {
        assert!(close.contains(field), "{field} missing from: {close}");
    }
}

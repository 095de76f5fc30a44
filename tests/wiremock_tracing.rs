//! The generated Userplane client's tracing: one span per call with the operation, attempts and
//! status, and never a secret.

mod support;

use std::sync::{Arc, Mutex};

use support::mock::*;
use support::{bounded, spec_error_body, title_update, KEY};

// -------------------------------------------------------------------------------------------------
// Tracing
// -------------------------------------------------------------------------------------------------

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One `request` span per call with the operation, path template, attempts and status; never the
/// key, header values or filled-in ids.
///
/// The subscriber is process-wide (tracing caches per-callsite interest globally, so a thread-local
/// one races with other tests); this test reads back only the lines of its own thread.
#[tokio::test(flavor = "current_thread")]
async fn tracing_records_operation_attempts_and_status_without_secrets() {
    use tracing_subscriber::util::SubscriberInitExt;
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_ansi(false)
        .with_thread_ids(true)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish()
        .try_init()
        .expect("no other test installs a subscriber");

    let server = server_failing_then_succeeding(
        json_response(503, &spec_error_body(503, "SERVICE_UNAVAILABLE", "Down"))
            .insert_header("retry-after", "0"),
        1,
    )
    .await;
    let client = builder(&server)
        .default_header("x-secret-header", "hunter2")
        .build()
        .unwrap();
    bounded(
        client
            .links()
            .update("ws_secret_id", "lnk_1", &title_update("secret title")),
    )
    .await
    .unwrap();

    // tracing-subscriber writes the thread id's number padded to two digits: `ThreadId(02)`.
    let id = format!("{:?}", std::thread::current().id());
    let number = id.trim_start_matches("ThreadId(").trim_end_matches(')');
    let thread = format!("ThreadId({number:0>2})");
    let output = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let own: String = output
        .lines()
        .filter(|l| l.contains(&thread))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(own.contains("request{"), "{own}");
    assert!(own.contains("operation=\"links.update\""), "{own}");
    assert!(own.contains("method=\"PUT\""), "{own}");
    assert!(
        own.contains("/public/workspace/{workspaceId}/links/{linkId}"),
        "{own}"
    );
    assert!(own.contains("retrying"), "{own}");
    assert!(own.contains("attempt{number=2}"), "{own}");
    assert!(own.contains("attempts=2"), "{own}");
    assert!(own.contains("status=200"), "{own}");
    assert!(own.contains("duration_ms="), "{own}");
    for secret in [KEY, "hunter2", "ws_secret_id", "secret title"] {
        assert!(!output.contains(secret), "{secret} leaked: {output}");
    }
}

//! The waits between attempts, exactly as the client scheduled them: read from its
//! `retrying ...` debug events (`delay_ms=N`), for the calling thread only.
//!
//! Why not tokio's paused clock: the calls go over real sockets to wiremock, and a paused clock
//! jumps to the next timer (reqwest's attempt timeout) whenever the runtime waits on a socket, so
//! attempts would time out at once. The events give the exact scheduled delays instead, with no
//! upper bound on wall time.

use std::cell::RefCell;
use std::sync::Once;

thread_local! {
    static LINES: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

struct ThreadBuffer;

impl std::io::Write for ThreadBuffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        LINES.with(|l| l.borrow_mut().extend_from_slice(data));
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Starts recording on this thread (installing the process-wide subscriber once) and forgets
/// what the thread recorded before. Tests must run the call on this thread
/// (`#[tokio::test]`'s default current-thread runtime does).
pub fn record() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        use tracing_subscriber::util::SubscriberInitExt;
        tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .with_ansi(false)
            .with_writer(|| ThreadBuffer)
            .finish()
            .try_init()
            .expect("no other subscriber in this test binary");
    });
    LINES.with(|l| l.borrow_mut().clear());
}

/// The delays (milliseconds) the client waited before each retry since [`record`], in order.
pub fn waited_ms() -> Vec<u64> {
    let text = LINES.with(|l| String::from_utf8_lossy(&l.borrow()).into_owned());
    text.lines()
        .filter(|l| l.contains("retrying after"))
        .map(|l| {
            let at = l.find("delay_ms=").expect("retry events carry delay_ms") + "delay_ms=".len();
            let digits: String = l[at..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse().expect("delay_ms is a number")
        })
        .collect()
}

//! Retries: which failures are retried for which methods, and how long to wait before each retry
//! (exponential backoff with full jitter, or what `Retry-After` asks for).

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// How long to wait between attempts. The number of retries is set separately
/// ([`ClientBuilder::max_retries`](super::ClientBuilder::max_retries), [`Call::max_retries`](super::Call::max_retries)).
///
/// The delay before retry `n` (1-based) is drawn uniformly from `[0, min(max_backoff,
/// initial_backoff * 2^(n-1))]` ("full jitter"), unless the response carries `Retry-After` /
/// `retry-after-ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Backoff before the first retry (before jitter). Default 0.5 s.
    pub initial_backoff: Duration,
    /// Upper bound of the computed backoff. Default 8 s.
    pub max_backoff: Duration,
    /// Longest server-requested delay that is waited for. Default 60 s.
    pub max_retry_after: Duration,
    /// Whether delays are randomised ("full jitter"). Default `true`.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// The default policy: 0.5 s initial backoff, 8 s maximum backoff, `Retry-After` honoured up to
    /// 60 s, full jitter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the backoff before the first retry (before jitter).
    #[must_use]
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Sets the upper bound of the computed backoff.
    #[must_use]
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Sets the longest server-requested delay (`Retry-After`) that is waited for. A response
    /// asking for a longer wait is returned to the caller without retrying.
    #[must_use]
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Turns jitter on (the default) or off. Without jitter the delays are exactly
    /// `initial_backoff * 2^(n-1)`, capped at `max_backoff`.
    #[must_use]
    pub fn jitter(mut self, enabled: bool) -> Self {
        self.jitter = enabled;
        self
    }

    /// The computed delay before retry number `retry` (1-based), ignoring any `Retry-After` header.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let cap = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        if self.jitter {
            Duration::try_from_secs_f64(cap.as_secs_f64() * fastrand::f64()).unwrap_or(cap)
        } else {
            cap
        }
    }

    /// The delay before retry number `retry` (1-based) after a response with these headers, or
    /// `None` if the server asked for a longer wait than [`RetryPolicy::max_retry_after`].
    pub fn delay_for(&self, retry: u32, headers: Option<&HeaderMap>) -> Option<Duration> {
        match headers.and_then(|h| parse_retry_after(h, SystemTime::now())) {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }
}

/// Reads the server-requested delay from `retry-after-ms` (milliseconds) or `Retry-After` (delay in
/// seconds, or an HTTP date relative to `now`). Dates in the past give a zero delay; malformed
/// values are ignored.
pub fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
    {
        if ms.is_finite() && ms >= 0.0 {
            if let Ok(delay) = Duration::try_from_secs_f64(ms / 1000.0) {
                return Some(delay);
            }
        }
    }
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long numbers saturate instead of failing.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

pub(super) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

pub(super) fn should_retry_status(method: &Method, status: StatusCode) -> bool {
    if is_idempotent(method) {
        is_retryable_status(status)
    } else {
        status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
    }
}

/// Whether a failure of a custom [`Transport`](super::Transport) (or its timeout) is retried:
/// as for reqwest's errors, every method when nothing reached the server, idempotent ones
/// otherwise.
pub(super) fn should_retry_custom_transport(method: &Method, connect: bool) -> bool {
    connect || is_idempotent(method)
}

pub(super) fn should_retry_transport(method: &Method, err: &reqwest::Error) -> bool {
    if err.is_builder() || err.is_redirect() || err.is_decode() {
        return false;
    }
    // A connection that was never established cannot have reached the server.
    err.is_connect()
        || (is_idempotent(method) && (err.is_timeout() || err.is_request() || err.is_body()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn retry_after(name: &str, value: &str, now: SystemTime) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        parse_retry_after(&headers, now)
    }

    /// A refused connection never reached the server: retried for every method, and the error a
    /// call returns with it says it may be retried and keeps reqwest's error as its source.
    #[tokio::test]
    async fn a_refused_connection_is_retried_for_any_method() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let refused = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .expect_err("nothing listens there");
        assert!(refused.is_connect(), "{refused:?}");
        assert!(should_retry_transport(&Method::POST, &refused));
        assert!(should_retry_transport(&Method::GET, &refused));
        let error = super::super::Error::<()>::Transport(refused);
        assert!(error.is_retryable());
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn retryable_statuses_are_408_429_and_5xx() {
        for status in [408, 429, 500, 502, 503, 504, 599] {
            assert!(
                is_retryable_status(StatusCode::from_u16(status).unwrap()),
                "{status}"
            );
        }
        for status in [200, 400, 401, 404, 409, 499] {
            assert!(
                !is_retryable_status(StatusCode::from_u16(status).unwrap()),
                "{status}"
            );
        }
    }

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(500))
            .max_backoff(Duration::from_secs(8))
            .jitter(false);
        let delays: Vec<_> = (1..=7).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(8));
        let capped = policy.clone().max_backoff(Duration::from_millis(1500));
        assert_eq!(capped.backoff(3), Duration::from_millis(1500));
        // Full jitter stays within the cap.
        let jittered = RetryPolicy::new();
        for n in 1..=10 {
            for _ in 0..50 {
                assert!(jittered.backoff(n) <= policy.backoff(n));
            }
        }
    }

    /// A jitter that always waits 0 (or always the cap) would pass the bound check above: the
    /// draws must cover the whole range `[0, cap]`, uniformly. The thread's generator is seeded,
    /// so the draws are the same on every run.
    #[test]
    fn full_jitter_spreads_delays_over_the_whole_range() {
        fastrand::seed(16);
        let cap = Duration::from_millis(2000);
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(500))
            .max_backoff(cap);
        // Retry 3: 500 ms * 2^2 = the 2 s cap.
        let draws: Vec<f64> = (0..2000)
            .map(|_| policy.backoff(3).as_secs_f64() / cap.as_secs_f64())
            .collect();
        assert!(draws.iter().all(|d| (0.0..=1.0).contains(d)));
        let share = |lo: f64, hi: f64| {
            draws.iter().filter(|d| (lo..hi).contains(*d)).count() as f64 / draws.len() as f64
        };
        // Each tenth of the range gets about a tenth of the draws.
        for tenth in 0..10 {
            let lo = f64::from(tenth) / 10.0;
            let got = share(lo, lo + 0.1);
            assert!((0.07..0.13).contains(&got), "[{lo}, {}): {got}", lo + 0.1);
        }
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((0.45..0.55).contains(&mean), "mean {mean}");
    }

    #[test]
    fn retry_after_accepts_seconds_http_dates_and_milliseconds() {
        // Sun, 06 Nov 1994 08:49:37 GMT, the RFC 9110 example date.
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let cases = [
            ("retry-after", "120", Some(Duration::from_secs(120))),
            ("retry-after", " 0 ", Some(Duration::ZERO)),
            (
                "retry-after",
                "Sun, 06 Nov 1994 08:50:07 GMT",
                Some(Duration::from_secs(30)),
            ),
            // Obsolete date formats (RFC 850, asctime).
            (
                "retry-after",
                "Sunday, 06-Nov-94 08:49:47 GMT",
                Some(Duration::from_secs(10)),
            ),
            (
                "retry-after",
                "Sun Nov  6 08:49:57 1994",
                Some(Duration::from_secs(20)),
            ),
            // A date in the past means "now".
            (
                "retry-after",
                "Sun, 06 Nov 1994 08:00:00 GMT",
                Some(Duration::ZERO),
            ),
            ("retry-after-ms", "250", Some(Duration::from_millis(250))),
            ("retry-after-ms", "1.5", Some(Duration::from_micros(1500))),
            // Huge values saturate.
            (
                "retry-after",
                "99999999999999999999999",
                Some(Duration::from_secs(u64::MAX)),
            ),
        ];
        for (name, value, expected) in cases {
            assert_eq!(retry_after(name, value, now), expected, "{name}: {value:?}");
        }
        for garbage in ["-1", "soon", "1.5", "", "Sun, 99 Nov 1994 08:49:37 GMT"] {
            assert_eq!(
                retry_after("retry-after", garbage, now),
                None,
                "{garbage:?}"
            );
        }
        for garbage in ["-5", "NaN", "inf", "x"] {
            assert_eq!(
                retry_after("retry-after-ms", garbage, now),
                None,
                "{garbage:?}"
            );
        }
        assert_eq!(parse_retry_after(&HeaderMap::new(), now), None);
        // `delay_for` uses the header, and refuses waits over the cap.
        let policy = RetryPolicy::new().max_retry_after(Duration::from_secs(60));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(
            policy.delay_for(1, Some(&headers)),
            Some(Duration::from_secs(7))
        );
        headers.insert("retry-after", HeaderValue::from_static("61"));
        assert_eq!(policy.delay_for(1, Some(&headers)), None);
    }
}

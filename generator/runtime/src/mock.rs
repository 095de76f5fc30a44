//! Test doubles of the API (the `mock` feature): expectations that match requests and answer
//! them, shared by a mock HTTP server ([`MockApi::start_server`], on wiremock) and an in-process
//! form ([`MockApi::in_process`], a [`Transport`](super::Transport) below the client's auth, hooks,
//! retries, timeouts and decoding, so all of them run for real without a socket).
//!
//! Generated crates wrap these in one typed builder per operation (`mock.links().update()`);
//! this module knows only methods, path templates, JSON and bytes. An expectation is registered
//! as soon as it is created, and every builder method changes the registered one, so there is no
//! separate "mount" step. Verification runs when the [`MockApi`] is dropped (or on
//! [`MockApi::verify`]): a call count that was not met, or a request no expectation matched,
//! fails the test with the operation and the reason.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::builder::ClientBuilder;
pub use super::mock_typed::{
    MockErrorAnswer, MockErrors, MockJsonBody, MockJsonSuccess, TypedExpectation,
};

/// The API key [`MockApi::configure`] gives clients: mocks accept any key.
pub const MOCK_API_KEY: &str = "mock-api-key";

/// The base URL [`MockApi::configure`] gives in-process clients (never resolved).
pub const IN_PROCESS_BASE_URL: &str = "http://mock.invalid";

/// The status answered to a request no expectation matches (as wiremock does).
pub const UNMATCHED_STATUS: u16 = 404;

/// Expectations for one test, and the requests they received.
///
/// Dropping it verifies the expectations (unless the thread is already panicking).
pub struct MockApi {
    registry: Arc<Registry>,
    server: Option<super::mock_server::Server>,
    /// Set once a failure was reported, so dropping does not report it again.
    reported: AtomicBool,
}

impl MockApi {
    /// Mocks answered by a mock HTTP server on a local port; point clients at
    /// [`MockApi::base_url`] (or use [`MockApi::configure`]).
    pub async fn start_server() -> Self {
        let registry = Arc::new(Registry::default());
        let server = super::mock_server::Server::start(Arc::clone(&registry)).await;
        Self {
            registry,
            server: Some(server),
            reported: AtomicBool::new(false),
        }
    }

    /// Mocks answered in process, through the client's transport hook (see
    /// [`MockApi::configure`]): no socket, no port, and answer delays follow the tokio clock, so
    /// retry and timeout tests run instantly on a paused clock.
    pub fn in_process() -> Self {
        Self {
            registry: Arc::new(Registry::default()),
            server: None,
            reported: AtomicBool::new(false),
        }
    }

    /// The mock server's URL, to pass to [`ClientBuilder::base_url`]; `None` for the in-process
    /// form.
    pub fn base_url(&self) -> Option<String> {
        self.server.as_ref().map(super::mock_server::Server::uri)
    }

    /// A client builder pointed at these mocks, with a placeholder API key: the caller adds its
    /// own settings (retries, timeouts) and builds. The server form sets the base URL to the
    /// server's; the in-process form sets the transport, and `http://mock.invalid` as the base URL
    /// (paths are matched by their end, so a base path does not matter).
    pub fn configure(&self, builder: ClientBuilder) -> ClientBuilder {
        let builder = builder.api_key(MOCK_API_KEY);
        match self.base_url() {
            Some(url) => builder.base_url(url),
            None => builder
                .base_url(IN_PROCESS_BASE_URL)
                .transport(super::mock_transport::InProcess(Arc::clone(&self.registry))),
        }
    }

    /// Registers an expectation for one operation (generated code calls this; use the typed
    /// builders of the crate's `mock` module).
    pub fn expect(
        &self,
        operation: &'static str,
        method: Method,
        path_template: &'static str,
    ) -> Expectation {
        let state = Arc::new(ExpectationState {
            operation,
            method,
            path_template,
            inner: Mutex::new(ExpectationInner::default()),
        });
        lock(&self.registry.expectations).push(Arc::clone(&state));
        Expectation { state }
    }

    /// The expectations, for the unit tests of the typed builders.
    #[cfg(test)]
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Requests no expectation matched, each with why the expectations of its operation did not.
    pub fn unmatched(&self) -> Vec<(MockRequest, String)> {
        lock(&self.registry.unmatched).clone()
    }

    /// What [`MockApi::verify`] would report: each expectation whose call count was not met and
    /// each request no expectation matched, naming the operation.
    pub fn failures(&self) -> Vec<String> {
        self.registry.failures()
    }

    /// Panics, naming each operation, if an expectation's call count was not met or a request
    /// matched no expectation. Dropping the `MockApi` does the same unless a failure was
    /// already reported here.
    pub fn verify(&self) {
        let failures = self.failures();
        if !failures.is_empty() {
            self.reported.store(true, Ordering::Relaxed);
            panic!("mock expectations not met:\n{}", failures.join("\n"));
        }
    }
}

impl Drop for MockApi {
    fn drop(&mut self) {
        if !std::thread::panicking() && !self.reported.load(Ordering::Relaxed) {
            self.verify();
        }
    }
}

impl fmt::Debug for MockApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockApi")
            .field("base_url", &self.base_url())
            .field("expectations", &lock(&self.registry.expectations).len())
            .finish()
    }
}

/// A request as the mock received it.
#[derive(Clone)]
pub struct MockRequest {
    /// The HTTP method.
    pub method: Method,
    /// The URL path, percent-encoded as sent.
    pub path: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The request headers (never printed: they carry the API key).
    pub headers: HeaderMap,
    /// The body as sent.
    pub body: Bytes,
    /// The path parameters, decoded, once the request matched an operation's path template.
    pub path_params: Vec<(String, String)>,
}

impl MockRequest {
    /// A request as received: `path` percent-encoded, `query` the raw query string.
    pub fn new(
        method: Method,
        path: &str,
        query: Option<&str>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        let query = query
            .map(|q| {
                q.split('&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                        (form_decode(name), form_decode(value))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            method,
            path: path.to_owned(),
            query,
            headers,
            body,
            path_params: Vec::new(),
        }
    }

    /// A path parameter by its name in the spec (`linkId`), decoded.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        find(&self.path_params, name)
    }

    /// The first query parameter named `name`, decoded.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        find(&self.query, name)
    }

    /// A header's value, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The body read as JSON into `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// Matches `path_template`'s segments against the end of the path (the base URL may add a
    /// prefix); the decoded parameters on success.
    fn match_template(&self, template: &str) -> Option<Vec<(String, String)>> {
        let wanted: Vec<&str> = template.trim_matches('/').split('/').collect();
        let got: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let tail = got.get(got.len().checked_sub(wanted.len())?..)?;
        let mut params = Vec::new();
        for (want, seg) in wanted.iter().zip(tail) {
            let decoded = percent_decode_str(seg).decode_utf8_lossy();
            if let Some(name) = want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                params.push((name.to_owned(), decoded.into_owned()));
            } else if *want != decoded {
                return None;
            }
        }
        Some(params)
    }
}

/// Shows method, path, query and body, never header values.
impl fmt::Debug for MockRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl fmt::Display for MockRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        for (i, (name, value)) in self.query.iter().enumerate() {
            write!(f, "{}{name}={value}", if i == 0 { '?' } else { '&' })?;
        }
        if !self.body.is_empty() {
            write!(f, " body {}", String::from_utf8_lossy(&self.body))?;
        }
        Ok(())
    }
}

/// One answer of an expectation: status, headers, body and how long to wait before answering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockAnswer {
    /// The status code.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
    /// Waited before answering (on the tokio clock in the in-process form, so a paused clock
    /// skips it).
    pub delay: Duration,
}

impl MockAnswer {
    /// `status` with `body` as it is, and no content type.
    pub fn raw(status: u16, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// `status` with `value` as a JSON body.
    pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Self {
        let body = serde_json::to_vec(value).expect("a mock answer serialises to JSON");
        Self::raw(status, body).header("content-type", "application/json")
    }

    /// `status` with `body` as JSON, its `tag` member set to `code` (an error body of a status
    /// whose variants are told apart by a code; `None` keeps the body's own).
    pub fn tagged_json<T: Serialize + ?Sized>(
        status: u16,
        tag: &str,
        code: Option<&str>,
        body: &T,
    ) -> Self {
        let mut value = serde_json::to_value(body).expect("a mock answer serialises to JSON");
        if let (Some(code), serde_json::Value::Object(members)) = (code, &mut value) {
            members.insert(tag.to_owned(), serde_json::Value::String(code.to_owned()));
        }
        Self::json(status, &value)
    }

    /// `status` with `text` as a `text/plain` body.
    pub fn text(status: u16, text: impl Into<String>) -> Self {
        Self::raw(status, text.into()).header("content-type", "text/plain; charset=utf-8")
    }

    /// Adds a response header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Waits `delay` before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// The expectations of one mock, in the order they were created.
#[derive(Default)]
pub(crate) struct Registry {
    expectations: Mutex<Vec<Arc<ExpectationState>>>,
    unmatched: Mutex<Vec<(MockRequest, String)>>,
}

impl Registry {
    /// The answer to `request`: from the first expectation that matches it and has calls left
    /// (else the last that matches, whose count then fails verification), or a 404 saying why
    /// nothing matched.
    pub(crate) fn answer(&self, request: MockRequest) -> MockAnswer {
        let expectations = lock(&self.expectations).clone();
        let mut reasons = Vec::new();
        let mut matching = Vec::new();
        for state in &expectations {
            if state.method != request.method {
                continue;
            }
            let Some(params) = request.match_template(state.path_template) else {
                continue;
            };
            let mut request = request.clone();
            request.path_params = params;
            match state.check(&request) {
                Ok(()) => matching.push((state, request)),
                Err(why) => reasons.push(format!("{}: {why}", state.label())),
            }
        }
        let chosen = matching
            .iter()
            .position(|(state, _)| state.has_calls_left())
            .or_else(|| matching.len().checked_sub(1));
        if let Some(i) = chosen {
            let (state, request) = matching.swap_remove(i);
            return state.take_answer(request);
        }
        let why = if reasons.is_empty() {
            "no expectation for this method and path".to_owned()
        } else {
            reasons.join("; ")
        };
        eprintln!("mock: unmatched request {request}: {why}");
        let answer = MockAnswer::text(
            UNMATCHED_STATUS,
            format!("mock: no expectation matched {request}: {why}"),
        );
        lock(&self.unmatched).push((request, why));
        answer
    }

    fn failures(&self) -> Vec<String> {
        let mut failures: Vec<String> = lock(&self.expectations)
            .iter()
            .filter_map(|state| state.count_failure())
            .collect();
        failures.extend(
            lock(&self.unmatched)
                .iter()
                .map(|(request, why)| format!("  unmatched request {request}: {why}")),
        );
        failures
    }
}

/// An expectation registered on a [`MockApi`]; the crate's typed builders wrap one.
#[derive(Clone)]
pub struct Expectation {
    state: Arc<ExpectationState>,
}

type Check = Box<dyn Fn(&MockRequest) -> Result<(), String> + Send + Sync>;

struct ExpectationState {
    operation: &'static str,
    method: Method,
    path_template: &'static str,
    inner: Mutex<ExpectationInner>,
}

#[derive(Default)]
struct ExpectationInner {
    checks: Vec<Check>,
    answers: VecDeque<MockAnswer>,
    /// Answered after `answers` run out (the last one answered, repeated).
    last: Option<MockAnswer>,
    times: Option<usize>,
    received: Vec<MockRequest>,
}

impl ExpectationState {
    fn label(&self) -> String {
        format!(
            "{} ({} {})",
            self.operation, self.method, self.path_template
        )
    }

    fn check(&self, request: &MockRequest) -> Result<(), String> {
        lock(&self.inner)
            .checks
            .iter()
            .try_for_each(|check| check(request))
    }

    fn has_calls_left(&self) -> bool {
        let inner = lock(&self.inner);
        !matches!(inner.times, Some(n) if inner.received.len() >= n)
    }

    fn take_answer(&self, request: MockRequest) -> MockAnswer {
        let mut inner = lock(&self.inner);
        inner.received.push(request);
        let answer = match inner.answers.pop_front() {
            Some(answer) => answer,
            None => inner.last.clone().unwrap_or_else(|| {
                MockAnswer::text(500, format!("mock: {} has no answer set", self.label()))
            }),
        };
        inner.last = Some(answer.clone());
        answer
    }

    fn count_failure(&self) -> Option<String> {
        let inner = lock(&self.inner);
        let expected = inner.times?;
        let got = inner.received.len();
        (got != expected).then(|| {
            format!(
                "  {}: expected {expected} call{}, received {got}",
                self.label(),
                if expected == 1 { "" } else { "s" }
            )
        })
    }
}

impl Expectation {
    /// The operation id this expectation is for.
    pub fn operation(&self) -> &'static str {
        self.state.operation
    }

    /// Adds a condition: `check` returns why a request does not match, or `Ok`.
    pub fn check(
        &self,
        check: impl Fn(&MockRequest) -> Result<(), String> + Send + Sync + 'static,
    ) {
        lock(&self.state.inner).checks.push(Box::new(check));
    }

    /// Matches requests whose path parameter `name` (as the spec names it) is `value`.
    pub fn path_param(&self, name: &'static str, value: String) {
        self.check(move |request| {
            let got = request.path_param(name);
            expect_equal(
                &format!("path parameter `{name}`"),
                Some(value.as_str()),
                got,
            )
        });
    }

    /// Matches requests whose query parameter `name` is `value` (as the client writes it).
    pub fn query_param(&self, name: &'static str, value: String) {
        self.check(move |request| {
            let got = request.query_param(name);
            expect_equal(
                &format!("query parameter `{name}`"),
                Some(value.as_str()),
                got,
            )
        });
    }

    /// Matches requests whose header `name` is `value`.
    pub fn header(&self, name: &'static str, value: String) {
        self.check(move |request| {
            expect_equal(
                &format!("header `{name}`"),
                Some(value.as_str()),
                request.header(name),
            )
        });
    }

    /// Matches requests whose JSON body equals `expected` serialised (member order aside).
    pub fn json_body<T: Serialize + ?Sized>(&self, expected: &T) {
        let expected = serde_json::to_value(expected).expect("a mock body serialises to JSON");
        self.check(move |request| {
            match serde_json::from_slice::<serde_json::Value>(&request.body) {
                Ok(got) if got == expected => Ok(()),
                Ok(got) => Err(format!("body: expected {expected}, got {got}")),
                Err(e) => Err(format!(
                    "body: expected JSON {expected}, got a body that is not JSON ({e})"
                )),
            }
        });
    }

    /// Matches requests whose JSON body decodes into `T` and satisfies `predicate`.
    pub fn json_body_matches<T: DeserializeOwned>(
        &self,
        predicate: impl Fn(&T) -> bool + Send + Sync + 'static,
    ) {
        self.check(move |request| match request.json::<T>() {
            Ok(body) if predicate(&body) => Ok(()),
            Ok(_) => Err(format!(
                "body: the predicate returned false for {}",
                String::from_utf8_lossy(&request.body)
            )),
            Err(e) => Err(format!(
                "body: does not decode as {} ({e})",
                std::any::type_name::<T>()
            )),
        });
    }

    /// Adds the next answer: the answers are given in order, one per request, and the last one
    /// repeats (`503` then `200` is two calls).
    pub fn answer(&self, answer: MockAnswer) {
        lock(&self.state.inner).answers.push_back(answer);
    }

    /// Waits `delay` before the answer added last.
    ///
    /// # Panics
    /// When no answer was added yet.
    pub fn delay(&self, delay: Duration) {
        let mut inner = lock(&self.state.inner);
        match inner.answers.back_mut() {
            Some(answer) => answer.delay = delay,
            None => panic!(
                "{}: `delay` applies to the answer added last; add an answer first",
                self.state.label()
            ),
        }
    }

    /// Expects exactly `n` matching requests (checked on [`MockApi::verify`] and drop). Once
    /// `n` arrived, later requests go to other matching expectations first.
    pub fn times(&self, n: usize) {
        lock(&self.state.inner).times = Some(n);
    }

    /// The requests this expectation answered, in order.
    pub fn received(&self) -> Vec<MockRequest> {
        lock(&self.state.inner).received.clone()
    }

    /// The JSON bodies of [`Expectation::received`], decoded into `T`.
    ///
    /// # Panics
    /// When a body does not decode (the client sent something `T` cannot hold).
    pub fn received_json<T: DeserializeOwned>(&self) -> Vec<T> {
        self.received()
            .iter()
            .map(|request| {
                request.json().unwrap_or_else(|e| {
                    panic!(
                        "{}: received body does not decode as {}: {e}",
                        self.state.label(),
                        std::any::type_name::<T>()
                    )
                })
            })
            .collect()
    }
}

impl fmt::Debug for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = lock(&self.state.inner);
        f.debug_struct("Expectation")
            .field("operation", &self.state.operation)
            .field("checks", &inner.checks.len())
            .field("answers", &inner.answers)
            .field("times", &inner.times)
            .field("received", &inner.received.len())
            .finish()
    }
}

fn expect_equal(what: &str, expected: Option<&str>, got: Option<&str>) -> Result<(), String> {
    if expected == got {
        return Ok(());
    }
    let show = |v: Option<&str>| v.map_or_else(|| "nothing".to_owned(), |v| format!("{v:?}"));
    Err(format!(
        "{what}: expected {}, got {}",
        show(expected),
        show(got)
    ))
}

fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn form_decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// A poisoned lock only means another test thread panicked; the data is still what it was.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, path: &str, query: Option<&str>, body: &str) -> MockRequest {
        MockRequest::new(
            method,
            path,
            query,
            HeaderMap::new(),
            Bytes::from(body.to_owned()),
        )
    }

    fn expectation(registry: &Registry) -> Expectation {
        let state = Arc::new(ExpectationState {
            operation: "links.update",
            method: Method::PUT,
            path_template: "/w/{ws}/links/{id}",
            inner: Mutex::new(ExpectationInner::default()),
        });
        lock(&registry.expectations).push(Arc::clone(&state));
        Expectation { state }
    }

    #[test]
    fn templates_match_the_end_of_the_path_with_decoded_parameters() {
        let r = request(Method::GET, "/api/v1/w/a%2Fb/links/%C3%A9", None, "");
        assert_eq!(
            r.match_template("/w/{ws}/links/{id}"),
            Some(vec![
                ("ws".to_owned(), "a/b".to_owned()),
                ("id".to_owned(), "é".to_owned())
            ])
        );
        assert_eq!(r.match_template("/w/{ws}/other/{id}"), None);
        assert_eq!(r.match_template("/x/api/v1/w/{ws}/links/{id}"), None);
        let q = request(Method::GET, "/", Some("a=1+2&b=%26&c"), "");
        assert_eq!(q.query_param("a"), Some("1 2"));
        assert_eq!(q.query_param("b"), Some("&"));
        assert_eq!(q.query_param("c"), Some(""));
    }

    #[test]
    fn answers_come_in_turn_the_last_repeats_and_counts_are_verified() {
        let registry = Registry::default();
        let e = expectation(&registry);
        e.answer(MockAnswer::text(503, "busy"));
        e.answer(MockAnswer::raw(200, "ok"));
        e.times(2);
        let statuses: Vec<u16> = (0..3)
            .map(|_| {
                registry
                    .answer(request(Method::PUT, "/w/1/links/2", None, ""))
                    .status
            })
            .collect();
        assert_eq!(statuses, [503, 200, 200]);
        assert_eq!(e.received()[0].path_param("id"), Some("2"));
        assert_eq!(
            registry.failures(),
            ["  links.update (PUT /w/{ws}/links/{id}): expected 2 calls, received 3"]
        );
    }

    #[test]
    fn an_unmatched_request_says_which_condition_failed() {
        let registry = Registry::default();
        let e = expectation(&registry);
        e.path_param("id", "9".to_owned());
        e.json_body(&serde_json::json!({"a": 1}));
        let wrong_id = registry.answer(request(Method::PUT, "/w/1/links/2", None, r#"{"a":1}"#));
        assert_eq!(wrong_id.status, UNMATCHED_STATUS);
        registry.answer(request(Method::PUT, "/w/1/links/9", None, r#"{"a":2}"#));
        registry.answer(request(Method::GET, "/w/1/links/9", None, ""));
        assert_eq!(
            registry.failures(),
            [
                "  unmatched request PUT /w/1/links/2 body {\"a\":1}: links.update (PUT /w/{ws}/links/{id}): path parameter `id`: expected \"9\", got \"2\"",
                "  unmatched request PUT /w/1/links/9 body {\"a\":2}: links.update (PUT /w/{ws}/links/{id}): body: expected {\"a\":1}, got {\"a\":2}",
                "  unmatched request GET /w/1/links/9: no expectation for this method and path",
            ]
        );
    }

    #[test]
    fn a_tagged_error_body_carries_its_code() {
        let body = serde_json::json!({"code": "placeholder", "message": "m"});
        let answer = MockAnswer::tagged_json(404, "code", Some("LINK_NOT_FOUND"), &body);
        let sent: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({"code": "LINK_NOT_FOUND", "message": "m"})
        );
        let kept = MockAnswer::tagged_json(404, "code", None, &body);
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&kept.body).unwrap(),
            body
        );
    }
}

//! Several security schemes per API, chosen per operation, and tokens from a credentials provider
//! (refreshed after a 401 or on expiry, one fetch for many calls), over an in-process transport
//! that records what each attempt carried.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_runtime::{
    ApiConfig, AuthPlacement, AuthScheme, BuildError, Call, ClientBuilder, CredentialsError, Error,
    Outcome, RawResponse, RequestParts, Token, TokenReason,
};
use reqwest::Method;
use serde_json::Value;

const SCHEMES: &[AuthScheme] = &[
    AuthScheme {
        name: "bearerAuth",
        placement: AuthPlacement::Bearer,
    },
    AuthScheme {
        name: "apiKeyHeader",
        placement: AuthPlacement::Header("X-API-Key"),
    },
    AuthScheme {
        name: "apiKeyQuery",
        placement: AuthPlacement::Query("api_key"),
    },
    AuthScheme {
        name: "session",
        placement: AuthPlacement::Cookie("sid"),
    },
    AuthScheme {
        name: "basicAuth",
        placement: AuthPlacement::Basic,
    },
];

const API: ApiConfig = ApiConfig {
    default_base_url: "http://fake.invalid",
    env_api_key: "AUTH_TEST_API_KEY",
    env_base_url: "AUTH_TEST_BASE_URL",
    user_agent: "auth-tests/0 (rust)",
    auth: SCHEMES,
    security: &[&["bearerAuth"]],
};

/// What one attempt carried: its credentials.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Sent {
    authorization: Option<String>,
    api_key: Option<String>,
    cookie: Option<String>,
    query: Option<String>,
}

type Log = Arc<Mutex<Vec<Sent>>>;

/// A builder whose transport records each request and answers `401` to the bearer token
/// `rejected` (if any) and `200` otherwise.
fn recording(rejected: Option<&'static str>) -> (ClientBuilder, Log) {
    recording_with_gate(rejected, None)
}

/// As [`recording`]; a refused request's `401` waits at `gate` (so that a number of calls are
/// refused together).
fn recording_with_gate(
    rejected: Option<&'static str>,
    gate: Option<Arc<tokio::sync::Barrier>>,
) -> (ClientBuilder, Log) {
    let log = Log::default();
    let sink = Arc::clone(&log);
    let builder =
        ClientBuilder::for_api(API)
            .max_retries(0)
            .transport(move |request: reqwest::Request| {
                let header = |name: &str| {
                    request
                        .headers()
                        .get(name)
                        .map(|v| v.to_str().unwrap().to_owned())
                };
                let sent = Sent {
                    authorization: header("authorization"),
                    api_key: header("x-api-key"),
                    cookie: header("cookie"),
                    query: request.url().query().map(str::to_owned),
                };
                let refused = rejected
                    .is_some_and(|token| sent.authorization == Some(format!("Bearer {token}")));
                sink.lock().unwrap().push(sent);
                let gate = gate.clone().filter(|_| refused);
                async move {
                    if let Some(gate) = gate {
                        gate.wait().await;
                    }
                    let status = if refused { 401 } else { 200 };
                    Ok(http::Response::builder()
                        .status(status)
                        .body("")
                        .unwrap()
                        .into())
                }
            });
    (builder, log)
}

fn status(raw: &RawResponse) -> Outcome<u16, Value> {
    Outcome::Success(raw.status.as_u16())
}

fn op(security: Option<client_runtime::Security>) -> RequestParts {
    RequestParts {
        security,
        ..RequestParts::new("test.op", Method::POST, "/op", "/op".to_owned())
    }
}

fn bearer(token: &str) -> Option<String> {
    Some(format!("Bearer {token}"))
}

#[tokio::test]
async fn each_operation_sends_the_first_alternative_it_has_credentials_for() {
    let (builder, log) = recording(None);
    let client = builder
        .api_key("primary")
        .credential("apiKeyHeader", "header-key")
        .credential("apiKeyQuery", "query key")
        .credential("session", "s;1")
        .build()
        .expect("client");
    let cases: [(Option<client_runtime::Security>, Sent); 6] = [
        // The API's default requirement: the primary scheme, set by `api_key`.
        (
            None,
            Sent {
                authorization: bearer("primary"),
                ..Sent::default()
            },
        ),
        // Two schemes together (header and cookie).
        (
            Some(&[&["apiKeyHeader", "session"], &["bearerAuth"]]),
            Sent {
                api_key: Some("header-key".into()),
                cookie: Some("sid=s%3B1".into()),
                ..Sent::default()
            },
        ),
        // The first alternative lacks a credential (basic): the second is sent.
        (
            Some(&[&["basicAuth"], &["apiKeyQuery"]]),
            Sent {
                query: Some("api_key=query+key".into()),
                ..Sent::default()
            },
        ),
        // Optional auth listed first: credentials are still sent when there are some.
        (
            Some(&[&[], &["bearerAuth"]]),
            Sent {
                authorization: bearer("primary"),
                ..Sent::default()
            },
        ),
        // `security: []`: none.
        (Some(&[]), Sent::default()),
        // Nothing satisfiable: none (the server decides).
        (Some(&[&["basicAuth"]]), Sent::default()),
    ];
    let expected: Vec<Sent> = cases.iter().map(|(_, sent)| sent.clone()).collect();
    for (security, _) in cases {
        Call::new(&client, Ok(op(security)), status)
            .await
            .expect("200");
    }
    assert_eq!(*log.lock().unwrap(), expected);
}

#[tokio::test]
async fn a_credential_for_an_undeclared_scheme_is_refused_and_secrets_stay_hidden() {
    let err = ClientBuilder::for_api(API)
        .credential("oauth", "x")
        .build()
        .expect_err("no such scheme");
    assert!(
        matches!(&err, BuildError::UnknownAuthScheme { name } if name == "oauth"),
        "{err:?}"
    );

    let builder = ClientBuilder::for_api(API)
        .api_key("s3cret-primary")
        .credential("apiKeyHeader", "s3cret-header")
        .credentials_provider_for("session", |_reason| async {
            Ok(Token::new("s3cret-token"))
        });
    let client = builder.clone().build().expect("client");
    for text in [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{:?}", Token::new("s3cret-token")),
    ] {
        assert!(!text.contains("s3cret"), "{text}");
    }
    assert!(format!("{client:?}").contains("provider"), "{client:?}");
}

/// A provider's token is fetched once and reused; after a 401 the provider is asked for a new one
/// (`Rejected`) and the call is sent again with it, even with retries off and for a POST.
#[tokio::test]
async fn a_rejected_token_is_refreshed_once_and_the_call_sent_again() {
    let (builder, log) = recording(Some("old"));
    let reasons = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&reasons);
    let client = builder
        .credentials_provider(move |reason: TokenReason| {
            let mut seen = seen.lock().unwrap();
            seen.push(reason);
            let token = if seen.len() == 1 { "old" } else { "new" };
            async move { Ok(Token::new(token)) }
        })
        .build()
        .expect("client");

    let status_code = Call::new(&client, Ok(op(None)), status)
        .await
        .expect("sent");
    assert_eq!(status_code, 200);
    Call::new(&client, Ok(op(None)), status)
        .await
        .expect("sent");
    assert_eq!(
        *reasons.lock().unwrap(),
        [TokenReason::Initial, TokenReason::Rejected]
    );
    let tokens: Vec<_> = log
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.authorization.clone())
        .collect();
    assert_eq!(tokens, [bearer("old"), bearer("new"), bearer("new")]);
}

/// A token the server keeps refusing is refreshed once per call, then the 401 is returned.
#[tokio::test]
async fn a_second_401_is_returned_not_refreshed_again() {
    let (builder, log) = recording(Some("bad"));
    let client = builder
        .credentials_provider(|_reason| async { Ok(Token::new("bad")) })
        .build()
        .expect("client");
    let code = Call::new(&client, Ok(op(None)), status)
        .await
        .expect("decoded");
    assert_eq!(code, 401);
    assert_eq!(log.lock().unwrap().len(), 2);
}

/// Many calls refused at once lead to one refresh: the provider is asked once for the first token
/// and once after the 401s (all sixteen are answered together), and every call succeeds with the
/// new token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_fetch_and_one_refresh() {
    let gate = Arc::new(tokio::sync::Barrier::new(16));
    let (builder, log) = recording_with_gate(Some("v1"), Some(gate));
    let fetches = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&fetches);
    let client = builder
        .credentials_provider(move |_reason| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok(Token::new(format!("v{n}"))) }
        })
        .build()
        .expect("client");
    let calls: Vec<_> = (0..16)
        .map(|_| tokio::spawn(Call::new(&client, Ok(op(None)), status).send()))
        .collect();
    for call in calls {
        assert_eq!(call.await.expect("joined").expect("sent"), 200);
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    let sent = log.lock().unwrap();
    assert_eq!(sent.len(), 32, "each call: once with v1, once with v2");
    assert_eq!(
        sent.iter()
            .filter(|s| s.authorization == bearer("v2"))
            .count(),
        16
    );
}

/// A token past its `expires_in` is replaced before it is sent (`Expired`), on tokio's clock.
#[tokio::test(start_paused = true)]
async fn an_expired_token_is_fetched_again_before_sending() {
    let (builder, log) = recording(None);
    let fetches = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&fetches);
    let client = builder
        .credentials_provider(move |reason| {
            let mut seen = seen.lock().unwrap();
            seen.push(reason);
            let token = format!("t{}", seen.len());
            async move { Ok(Token::new(token).expires_in(Duration::from_secs(60))) }
        })
        .build()
        .expect("client");
    Call::new(&client, Ok(op(None)), status)
        .await
        .expect("sent");
    tokio::time::advance(Duration::from_secs(30)).await;
    Call::new(&client, Ok(op(None)), status)
        .await
        .expect("sent");
    tokio::time::advance(Duration::from_secs(31)).await;
    Call::new(&client, Ok(op(None)), status)
        .await
        .expect("sent");
    assert_eq!(
        *fetches.lock().unwrap(),
        [TokenReason::Initial, TokenReason::Expired]
    );
    let tokens: Vec<_> = log
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.authorization.clone())
        .collect();
    assert_eq!(tokens, [bearer("t1"), bearer("t1"), bearer("t2")]);
}

#[tokio::test]
async fn a_provider_failure_ends_the_call_before_sending() {
    let (builder, log) = recording(None);
    let client = builder
        .credentials_provider(|_reason| async {
            Err(CredentialsError::new("token endpoint unreachable"))
        })
        .build()
        .expect("client");
    let err = Call::new(&client, Ok(op(None)), status)
        .await
        .expect_err("no token");
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "no credentials: token endpoint unreachable"
    );
    assert!(log.lock().unwrap().is_empty());
    // An unusable token (a line break would split the header) is refused the same way.
    let (builder, log) = recording(None);
    let client = builder
        .credentials_provider(|_reason| async { Ok(Token::new("a\r\nb")) })
        .build()
        .expect("client");
    let err = Call::new(&client, Ok(op(None)), status)
        .await
        .expect_err("bad token");
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert!(!err.to_string().contains("a\r\nb"));
    assert!(log.lock().unwrap().is_empty());
}

/// The attempt's timeout covers the wait for a token: a provider slower than it ends the call as
/// `Error::Timeout` before anything is sent (not retried), and its fetch goes on, shared with the
/// next call, rather than starting again.
#[tokio::test(start_paused = true)]
async fn a_token_fetch_slower_than_the_timeout_ends_the_call_and_the_next_call_shares_it() {
    let (builder, log) = recording(None);
    let fetches = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&fetches);
    let client = builder
        .timeout(Duration::from_secs(2))
        .max_retries(3)
        .credentials_provider(move |_reason| {
            counted.fetch_add(1, Ordering::SeqCst);
            async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                Ok(Token::new("slow"))
            }
        })
        .build()
        .expect("client");
    let started = tokio::time::Instant::now();
    let err = Call::new(&client, Ok(op(None)), status)
        .await
        .expect_err("the token came too late");
    match err {
        Error::Timeout { timeout, elapsed } => {
            assert_eq!(timeout, Duration::from_secs(2));
            assert_eq!(elapsed, Duration::from_secs(2));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    assert!(log.lock().unwrap().is_empty(), "nothing was sent");

    let sent = Call::new(&client, Ok(op(None)), status)
        .await
        .expect("sent with the token of the same fetch");
    assert_eq!(sent, 200);
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(3),
        "the fetch kept going from its start"
    );
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    let tokens: Vec<_> = log
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.authorization.clone())
        .collect();
    assert_eq!(tokens, [bearer("slow")]);
}

/// A request sent after waiting for a token gets what is left of the attempt's timeout.
#[tokio::test(start_paused = true)]
async fn a_request_sent_after_waiting_for_a_token_gets_the_rest_of_the_timeout() {
    let timeouts = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&timeouts);
    let client = ClientBuilder::for_api(API)
        .timeout(Duration::from_secs(2))
        .credentials_provider(|_reason| async {
            tokio::time::sleep(Duration::from_millis(1_500)).await;
            Ok(Token::new("t").expires_in(Duration::from_secs(60)))
        })
        .transport(move |request: reqwest::Request| {
            seen.lock().unwrap().push(request.timeout().copied());
            async {
                Ok(http::Response::builder()
                    .status(200)
                    .body("")
                    .unwrap()
                    .into())
            }
        })
        .build()
        .expect("client");
    Call::new(&client, Ok(op(None)), status)
        .await
        .expect("sent");
    // The token is cached now: the next call waits for nothing and gets the whole timeout.
    Call::new(&client, Ok(op(None)), status)
        .await
        .expect("sent");
    assert_eq!(
        *timeouts.lock().unwrap(),
        [
            Some(Duration::from_millis(500)),
            Some(Duration::from_secs(2))
        ]
    );
}

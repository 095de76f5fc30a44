//! The contract harness `cargo xtask contract` builds next to a generated client (the dependency
//! `client`, emitted with `contract_decoders()`). Not a module of xtask: written out as the
//! harness crate's `src/main.rs`.
//!
//! - `harness fuzz PLAN CASES SEED`: arbitrary statuses, headers and bodies (random bytes, random
//!   JSON, the spec's sample bodies and mutations of them) into every operation's decoder: it must
//!   never panic, and an error must keep the status and the exact raw body.
//! - `harness prism PLAN BASE_URL ROUNDS`: every operation, for every declared status, sent to
//!   `prism mock -d` with `Prefer: code=N, dynamic=true`; each answer with the asked status must
//!   decode (as the success or as the typed error).
//!
//! Both print each failure, then one `CONTRACT {json}` summary line; the exit code is 1 on failures.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use client::runtime::{ErasedDecoder, Error, RawResponse};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The longest body excerpt a failure report shows.
const SHOWN_BODY: usize = 1500;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: harness fuzz PLAN CASES SEED | harness prism PLAN BASE_URL ROUNDS";
    let (Some(mode), Some(plan), Some(a), Some(b)) =
        (args.first(), args.get(1), args.get(2), args.get(3))
    else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let plan: Value = match std::fs::read_to_string(plan).map(|t| serde_json::from_str(&t)) {
        Ok(Ok(plan)) => plan,
        other => {
            eprintln!("cannot read the plan {plan}: {other:?}");
            return ExitCode::from(2);
        }
    };
    let decoders: BTreeMap<&str, ErasedDecoder> = client::contract_decoders().into_iter().collect();
    let operations = plan["operations"].as_array().cloned().unwrap_or_default();
    let missing: Vec<&str> = operations
        .iter()
        .filter_map(|op| op["key"].as_str())
        .filter(|key| !decoders.contains_key(key))
        .collect();
    let summary = match (mode.as_str(), a.parse::<u64>(), b.parse::<u64>()) {
        ("fuzz", Ok(cases), Ok(seed)) => fuzz(&operations, &decoders, cases as u32, seed),
        ("prism", _, Ok(rounds)) => prism(&operations, &decoders, a, rounds),
        _ => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let mut summary = summary;
    summary["operations"] = json!(operations.len());
    summary["without_decoder"] = json!(missing);
    let failed = summary["failures"].as_u64() != Some(0) || !missing.is_empty();
    println!("CONTRACT {summary}");
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn raw(status: u16, headers: &[(String, String)], body: Vec<u8>) -> Option<RawResponse> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).ok()?,
            HeaderValue::from_str(value).ok()?,
        );
    }
    Some(RawResponse {
        status: StatusCode::from_u16(status).ok()?,
        headers: map,
        body: body.into(),
    })
}

// ---------------------------------------------------------------------------------------------
// fuzz

fn fuzz(
    operations: &[Value],
    decoders: &BTreeMap<&str, ErasedDecoder>,
    cases: u32,
    seed: u64,
) -> Value {
    let mut failures = 0u64;
    let (ran, decoded, api_errors) = (Cell::new(0u64), Cell::new(0u64), Cell::new(0u64));
    let mut samples_not_decoded = Vec::new();
    for (index, op) in operations.iter().enumerate() {
        let key = op["key"].as_str().unwrap_or_default();
        let Some(&decode) = decoders.get(key) else {
            continue;
        };
        let responses = op["responses"].as_array().cloned().unwrap_or_default();
        let declared: Vec<u16> = responses
            .iter()
            .filter_map(|r| r["status"].as_u64().map(|s| s as u16))
            .collect();
        let samples: Vec<Value> = responses
            .iter()
            .map(|r| r["sample"].clone())
            .filter(|s| !s.is_null())
            .collect();
        // The spec's own sample for each declared status decodes (noted, not failed: a sample is
        // only as good as the spec's examples and the sampler).
        for response in &responses {
            let (Some(status), Some(sample)) =
                (response["status"].as_u64(), response.get("sample"))
            else {
                continue;
            };
            if sample.is_null() {
                continue;
            }
            let json = [("content-type".to_owned(), "application/json".to_owned())];
            let Some(raw) = raw(status as u16, &json, sample.to_string().into_bytes()) else {
                continue;
            };
            if let Err(Error::UnexpectedResponse(e)) = decode(raw) {
                samples_not_decoded.push(json!({
                    "operation": key, "status": status, "reason": e.reason,
                }));
            }
        }
        let mut runner = TestRunner::new(Config {
            cases,
            rng_seed: RngSeed::Fixed(seed.wrapping_add(index as u64)),
            failure_persistence: None,
            ..Config::default()
        });
        let strategy = (
            status(declared),
            body(samples),
            prop::option::of(prop::sample::select(CONTENT_TYPES)),
            "[ -~]{0,24}",
        );
        let result = runner.run(&strategy, |(status, body, content_type, extra)| {
            let mut headers = vec![("x-extra".to_owned(), extra)];
            if let Some(content_type) = content_type {
                headers.push((CONTENT_TYPE.as_str().to_owned(), content_type.to_owned()));
            }
            let Some(raw) = raw(status, &headers, body.clone()) else {
                return Ok(());
            };
            ran.set(ran.get() + 1);
            match decode(raw) {
                Ok(response) => {
                    prop_assert_eq!(response.status.as_u16(), status);
                    decoded.set(decoded.get() + 1);
                }
                Err(error @ (Error::Api(_) | Error::UnexpectedResponse(_))) => {
                    if matches!(error, Error::Api(_)) {
                        api_errors.set(api_errors.get() + 1);
                    }
                    prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
                    prop_assert_eq!(error.raw_body(), Some(body.as_slice()));
                }
                Err(other) => {
                    return Err(TestCaseError::fail(format!(
                        "neither decoded nor kept: {other:?}"
                    )))
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            failures += 1;
            println!("FAIL {key}: {e}");
        }
    }
    for note in &samples_not_decoded {
        println!("NOTE the spec's sample body does not decode: {note}");
    }
    json!({
        "mode": "fuzz", "seed": seed, "cases_per_operation": cases, "decodes": ran.get(),
        "success": decoded.get(), "api_errors": api_errors.get(), "failures": failures,
        "samples_not_decoded": samples_not_decoded.len(),
    })
}

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/problem+json",
    "text/plain; charset=utf-8",
    "text/html",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
];

/// The declared statuses most of the time, any status (even 1xx and beyond 599) otherwise.
fn status(declared: Vec<u16>) -> BoxedStrategy<u16> {
    if declared.is_empty() {
        return (100u16..1000).boxed();
    }
    prop_oneof![3 => prop::sample::select(declared), 1 => 100u16..1000].boxed()
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Random bytes, random JSON, a sample body, or a sample with one node replaced or removed.
fn body(samples: Vec<Value>) -> BoxedStrategy<Vec<u8>> {
    let bytes = prop::collection::vec(any::<u8>(), 0..256);
    let random_json = json_value().prop_map(|v| v.to_string().into_bytes());
    if samples.is_empty() {
        return prop_oneof![bytes, random_json].boxed();
    }
    let pick = prop::sample::select(samples);
    let as_is = pick.clone().prop_map(|v| v.to_string().into_bytes());
    let mutated = (pick, any::<u64>(), json_value()).prop_map(|(mut sample, at, replacement)| {
        mutate(&mut sample, at, replacement);
        sample.to_string().into_bytes()
    });
    prop_oneof![1 => bytes, 1 => random_json, 1 => as_is, 4 => mutated].boxed()
}

/// Replaces (or, for an object member, sometimes removes) the node numbered `at % nodes`.
fn mutate(root: &mut Value, at: u64, replacement: Value) {
    let count = nodes(root);
    let mut target = at % count;
    replace_nth(root, &mut target, replacement, at % 3 == 1);
}

fn nodes(value: &Value) -> u64 {
    1 + match value {
        Value::Array(items) => items.iter().map(nodes).sum(),
        Value::Object(fields) => fields.values().map(nodes).sum(),
        _ => 0,
    }
}

fn replace_nth(value: &mut Value, n: &mut u64, replacement: Value, remove: bool) -> bool {
    if *n == 0 {
        *value = replacement;
        return true;
    }
    *n -= 1;
    match value {
        Value::Array(items) => items
            .iter_mut()
            .any(|item| replace_nth(item, n, replacement.clone(), remove)),
        Value::Object(fields) => {
            let keys: Vec<String> = fields.keys().cloned().collect();
            for key in keys {
                if *n == 0 && remove {
                    fields.remove(&key);
                    return true;
                }
                if replace_nth(&mut fields[&key], n, replacement.clone(), remove) {
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// prism

fn prism(
    operations: &[Value],
    decoders: &BTreeMap<&str, ErasedDecoder>,
    base_url: &str,
    rounds: u64,
) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a reqwest client");
    if let Err(e) = runtime.block_on(wait_for_prism(&http, base_url)) {
        println!("FAIL Prism: {e}");
        return json!({"mode": "prism", "failures": 1});
    }
    let (mut requests, mut decoded, mut failures) = (0u64, 0u64, 0u64);
    let mut not_served: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for _ in 0..rounds {
        for op in operations {
            let key = op["key"].as_str().unwrap_or_default();
            let Some(&decode) = decoders.get(key) else {
                continue;
            };
            for response in op["responses"].as_array().into_iter().flatten() {
                let status = response["status"].as_u64().unwrap_or(500) as u16;
                let declared = response["declared"].as_str().unwrap_or_default();
                requests += 1;
                let answer = runtime.block_on(send(&http, base_url, op, status));
                let raw = match answer {
                    Ok(raw) => raw,
                    Err(e) => {
                        failures += 1;
                        println!("FAIL {key} {declared}: no answer: {e}");
                        continue;
                    }
                };
                if raw.status.as_u16() != status {
                    let entry = not_served
                        .entry(format!("{key} {declared}"))
                        .or_insert_with(|| {
                            (0, format!("{} {}", raw.status, excerpt(&raw.body, 300)))
                        });
                    entry.0 += 1;
                    continue;
                }
                let body = raw.body.clone();
                match decode(raw) {
                    Ok(_) | Err(Error::Api(_)) => decoded += 1,
                    Err(Error::UnexpectedResponse(e)) => {
                        failures += 1;
                        println!(
                            "FAIL {key} {declared} (status {status}): {}\n  body: {}",
                            e.reason,
                            excerpt(&body, SHOWN_BODY)
                        );
                    }
                    Err(other) => {
                        failures += 1;
                        println!("FAIL {key} {declared}: {other:?}");
                    }
                }
            }
        }
    }
    for (what, (count, answer)) in &not_served {
        println!("NOT SERVED {what} ({count}x): Prism answered {answer}");
    }
    json!({
        "mode": "prism", "rounds": rounds, "requests": requests, "decoded": decoded,
        "failures": failures, "not_served": not_served.values().map(|v| v.0).sum::<u64>(),
    })
}

/// Polls until Prism answers `/` with its own problem document (it is a Node program and starts
/// slowly; large specs take longer).
async fn wait_for_prism(http: &reqwest::Client, base_url: &str) -> Result<(), String> {
    for _ in 0..3000 {
        if let Ok(response) = http.get(base_url).send().await {
            if response.text().await.unwrap_or_default().contains("prism") {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{base_url} did not answer as Prism within 300 s"))
}

async fn send(
    http: &reqwest::Client,
    base_url: &str,
    op: &Value,
    status: u16,
) -> Result<RawResponse, reqwest::Error> {
    let method = op["method"].as_str().unwrap_or("GET");
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let url = format!("{base_url}{}", op["path"].as_str().unwrap_or("/"));
    let pairs = |field: &str| -> Vec<(String, String)> {
        serde_json::from_value(op[field].clone()).unwrap_or_default()
    };
    let mut request = http
        .request(method, url)
        .query(&pairs("query"))
        .header("prefer", format!("code={status}, dynamic=true"));
    for (name, value) in pairs("headers") {
        request = request.header(name, value);
    }
    if let (Some(content_type), Some(body)) = (op["content_type"].as_str(), op["body"].as_str()) {
        request = request
            .header(CONTENT_TYPE, content_type)
            .body(body.to_owned());
    }
    let response = request.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

fn excerpt(body: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(limit) {
        Some((at, _)) => format!("{}... ({} bytes)", &text[..at], body.len()),
        None => text.into_owned(),
    }
}

//! Call overhead of the generated client: `client.links().update(ws, link, &body)` against a
//! loopback server, versus a hand-written reqwest 0.12 call sending the same request (same JSON
//! body, same headers, same per-request timeout) and decoding the same response, into equivalent
//! hand-written structs and into `serde_json::Value`.
//!
//! `cargo bench -p tests --bench call_overhead` measures rounds of calls, alternating the order of
//! the variants each round, and prints for each the median time per call, its ratio to the
//! hand-written typed call (median of per-round ratios), and the heap allocations (count and
//! bytes) per call. Allocations are
//! counted by a `#[global_allocator]` on the calling thread: the client runs on a current-thread
//! tokio runtime (so reqwest's connection task runs there too), and so does the server, which
//! allocates nothing per request. Run without `--bench` (as `cargo test --benches`
//! does) it makes a handful of calls to check that everything works. It asserts nothing on figures.
//!
//! The server is a minimal HTTP/1.1 keep-alive server, a task on the same runtime (127.0.0.1,
//! ephemeral port), answering every request with the same 200 and a body valid for the spec, so
//! that its cost is small and the same for every variant, and no call waits on another thread.

use serde::{Deserialize, Serialize};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use userplane::UpdateLinkRequest;

// ---------------------------------------------------------------------------------------------
// Allocation counting (this thread only)
// ---------------------------------------------------------------------------------------------

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

fn count(size: usize) {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
    let _ = BYTES.try_with(|c| c.set(c.get() + size as u64));
}

// SAFETY: every method forwards to `System` unchanged; the counters are const-initialised
// thread-locals without destructors, so touching them never allocates or re-enters the allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs() -> (u64, u64) {
    (ALLOCS.with(Cell::get), BYTES.with(Cell::get))
}

// ---------------------------------------------------------------------------------------------
// Loopback server
// ---------------------------------------------------------------------------------------------

const RESPONSE_BODY: &str = r#"{"message":"Link updated","data":{"workspaceId":"ws_1","link":{"linkId":"lnk_1","linkTitle":"Quarterly review","linkType":"recording","linkReusable":true,"linkProviderType":"zendesk","linkProviderId":"ticket-42","linkProviderReference":"https://support.example.com/tickets/42","linkURL":"https://app.userplane.io/r/lnk_1","linkMeta":{"source":"bench"},"createdAt":"2025-01-15T10:30:00.000Z","project":{"projectId":"prj_1","title":"Support"},"creator":{"workspaceMemberId":"wm_1","name":"Ada Lovelace"},"domain":{"domainId":"dom_1","url":"https://acme.userplane.io","status":"verified"}}}}"#;

/// Starts the server as a task on the current runtime and returns its address.
///
/// Client and server share one thread, so a call involves no cross-thread wake-up (which on a
/// small VM costs more, and varies more, than the client itself). Uses only the `net` feature of
/// tokio (enabled by reqwest's connector), polling with `readable`/`try_read`.
async fn start_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral loopback port");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream));
        }
    });
    addr
}

/// Answers every request on one connection until the client closes it. Allocates only when the
/// connection opens: per request it works in the same buffers.
async fn serve(stream: tokio::net::TcpStream) {
    let _ = stream.set_nodelay(true);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{RESPONSE_BODY}",
        RESPONSE_BODY.len()
    )
    .into_bytes();
    let mut buf = vec![0u8; 64 * 1024];
    let mut filled = 0;
    loop {
        // A complete request: its head, then `content-length` bytes of body.
        let complete = find(&buf[..filled], b"\r\n\r\n").map(|head_end| {
            let head = &buf[..head_end];
            let length = head
                .split(|&b| b == b'\n')
                .find_map(|line| {
                    let line = std::str::from_utf8(line).ok()?;
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            head_end + 4 + length
        });
        match complete {
            Some(end) if end <= filled => {
                buf.copy_within(end..filled, 0);
                filled -= end;
                let mut written = 0;
                while written < response.len() {
                    if stream.writable().await.is_err() {
                        return;
                    }
                    match stream.try_write(&response[written..]) {
                        Ok(n) => written += n,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                        Err(_) => return,
                    }
                }
            }
            _ => {
                if filled == buf.len() || stream.readable().await.is_err() {
                    return;
                }
                match stream.try_read(&mut buf[filled..]) {
                    Ok(0) => return,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(_) => return,
                }
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------------------
// The hand-written equivalent
// ---------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct HandRequest<'a> {
    #[serde(rename = "linkTitle", skip_serializing_if = "Option::is_none")]
    link_title: Option<&'a str>,
    #[serde(rename = "linkReusable", skip_serializing_if = "Option::is_none")]
    link_reusable: Option<bool>,
    #[serde(rename = "linkMeta", skip_serializing_if = "Option::is_none")]
    link_meta: Option<&'a BTreeMap<String, String>>,
}

#[allow(dead_code)] // Fields are decoded as the generated client decodes them, not read.
#[derive(Deserialize)]
struct HandResponse {
    message: String,
    data: HandData,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandData {
    #[serde(rename = "workspaceId")]
    workspace_id: String,
    link: HandLink,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandLink {
    #[serde(rename = "linkId")]
    link_id: String,
    #[serde(rename = "linkTitle")]
    link_title: Option<String>,
    #[serde(rename = "linkType")]
    link_type: String,
    #[serde(rename = "linkReusable")]
    link_reusable: bool,
    #[serde(rename = "linkProviderType")]
    link_provider_type: String,
    #[serde(rename = "linkProviderId")]
    link_provider_id: Option<String>,
    #[serde(rename = "linkProviderReference")]
    link_provider_reference: Option<String>,
    #[serde(rename = "linkURL")]
    link_url: String,
    #[serde(rename = "linkMeta")]
    link_meta: Option<BTreeMap<String, String>>,
    #[serde(rename = "createdAt")]
    created_at: serde_json::Value,
    project: HandProject,
    creator: HandCreator,
    domain: HandDomain,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandProject {
    #[serde(rename = "projectId")]
    project_id: String,
    title: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandCreator {
    #[serde(rename = "workspaceMemberId")]
    workspace_member_id: String,
    name: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandDomain {
    #[serde(rename = "domainId")]
    domain_id: String,
    url: String,
    status: String,
}

const API_KEY: &str = "uspl_bench_key";
const USER_AGENT: &str = "userplane/0.1.0 (rust; generated)";
const TIMEOUT: Duration = Duration::from_secs(60);

struct Hand {
    http: reqwest::Client,
    base: String,
}

impl Hand {
    fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .expect("reqwest client");
        Hand {
            http,
            base: base.to_owned(),
        }
    }

    fn request(&self, ws: &str, link: &str, body: &HandRequest<'_>) -> reqwest::RequestBuilder {
        self.http
            .put(format!("{}/public/workspace/{ws}/links/{link}", self.base))
            .bearer_auth(API_KEY)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(TIMEOUT)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(serde_json::to_vec(body).expect("serialisable body"))
    }

    async fn update_typed(&self, ws: &str, link: &str, body: &HandRequest<'_>) -> HandResponse {
        let response = self
            .request(ws, link, body)
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.expect("response body");
        serde_json::from_slice(&bytes).expect("typed body")
    }

    async fn update_value(
        &self,
        ws: &str,
        link: &str,
        body: &HandRequest<'_>,
    ) -> serde_json::Value {
        let response = self
            .request(ws, link, body)
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.expect("response body");
        serde_json::from_slice(&bytes).expect("JSON body")
    }
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Generated,
    HandTyped,
    HandValue,
}

impl Variant {
    const ALL: [Variant; 3] = [Variant::Generated, Variant::HandTyped, Variant::HandValue];

    fn label(self) -> &'static str {
        match self {
            Variant::Generated => "generated `links().update`",
            Variant::HandTyped => "hand-written reqwest, typed structs",
            Variant::HandValue => "hand-written reqwest, serde_json::Value",
        }
    }
}

#[derive(Default)]
struct Samples {
    per_call_ns: Vec<f64>,
    allocs_per_call: Vec<f64>,
    bytes_per_call: Vec<f64>,
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (warmup, rounds, calls) = if full { (500, 31, 500) } else { (2, 1, 5) };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let addr = runtime.block_on(start_server());
    let base = format!("http://{addr}");

    let generated = userplane::Client::builder()
        .base_url(&base)
        .api_key(API_KEY)
        .timeout(TIMEOUT)
        .build()
        .expect("generated client");
    let hand = Hand::new(&base);
    let meta = BTreeMap::from([("source".to_owned(), "bench".to_owned())]);
    let body = UpdateLinkRequest::new()
        .link_title("Quarterly review")
        .link_reusable(true)
        .link_meta(meta.clone());
    let hand_body = HandRequest {
        link_title: Some("Quarterly review"),
        link_reusable: Some(true),
        link_meta: Some(&meta),
    };
    // Same request on the wire: the generated body serialises to the hand-written one.
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        serde_json::to_value(&hand_body).unwrap()
    );

    let results = runtime.block_on(async {
        let call = |variant: Variant| {
            let (generated, hand, body, hand_body) = (&generated, &hand, &body, &hand_body);
            async move {
                match variant {
                    Variant::Generated => {
                        let r = generated
                            .links()
                            .update("ws_1", "lnk_1", body)
                            .await
                            .expect("generated call");
                        std::hint::black_box(r);
                    }
                    Variant::HandTyped => {
                        std::hint::black_box(hand.update_typed("ws_1", "lnk_1", hand_body).await);
                    }
                    Variant::HandValue => {
                        std::hint::black_box(hand.update_value("ws_1", "lnk_1", hand_body).await);
                    }
                }
            }
        };
        for variant in Variant::ALL {
            for _ in 0..warmup {
                call(variant).await;
            }
        }
        // `CALL_OVERHEAD_ONLY=generated|typed|value` sends that variant's calls alone and prints
        // nothing else: for `strace -c` or `perf stat`, which cannot tell variants apart.
        if let Ok(only) = std::env::var("CALL_OVERHEAD_ONLY") {
            let variant = match only.as_str() {
                "generated" => Variant::Generated,
                "typed" => Variant::HandTyped,
                _ => Variant::HandValue,
            };
            let start = Instant::now();
            for _ in 0..rounds * calls {
                call(variant).await;
            }
            let per_call = start.elapsed().as_nanos() as f64 / (rounds * calls) as f64;
            println!("{}: {:.1} µs per call", variant.label(), per_call / 1000.0);
            std::process::exit(0);
        }
        let mut samples: Vec<Samples> = Variant::ALL.iter().map(|_| Samples::default()).collect();
        for round in 0..rounds {
            let mut order = Variant::ALL;
            order.rotate_left(round % Variant::ALL.len());
            for variant in order {
                let i = Variant::ALL.iter().position(|v| *v == variant).unwrap();
                let (a0, b0) = allocs();
                let start = Instant::now();
                for _ in 0..calls {
                    call(variant).await;
                }
                let elapsed = start.elapsed();
                let (a1, b1) = allocs();
                let n = calls as f64;
                samples[i].per_call_ns.push(elapsed.as_nanos() as f64 / n);
                samples[i].allocs_per_call.push((a1 - a0) as f64 / n);
                samples[i].bytes_per_call.push((b1 - b0) as f64 / n);
            }
        }
        samples
    });

    println!(
        "call_overhead: {rounds} rounds x {calls} calls per variant{} (loopback, HTTP/1.1 keep-alive, current-thread runtime)\n",
        if full { "" } else { " (quick check; run with `cargo bench` for figures)" }
    );
    println!("| variant | time per call (median) | vs hand-written typed (median of per-round ratios) | allocations per call | bytes allocated per call |");
    println!("|---|---:|---:|---:|---:|");
    // Each round measures every variant back to back, so per-round ratios cancel slow drifts in
    // machine load better than a ratio of medians.
    let hand = &results[1];
    for (variant, s) in Variant::ALL.iter().zip(&results) {
        let ratios: Vec<f64> = s
            .per_call_ns
            .iter()
            .zip(&hand.per_call_ns)
            .map(|(x, y)| x / y)
            .collect();
        println!(
            "| {} | {:.1} µs | {:+.1}% | {:.1} | {:.0} |",
            variant.label(),
            median(&s.per_call_ns) / 1000.0,
            (median(&ratios) - 1.0) * 100.0,
            median(&s.allocs_per_call),
            median(&s.bytes_per_call)
        );
    }
    let per_round: Vec<String> = Variant::ALL
        .iter()
        .zip(&results)
        .map(|(v, s)| {
            format!(
                "{}: {}",
                v.label(),
                s.per_call_ns
                    .iter()
                    .map(|ns| format!("{:.1}", ns / 1000.0))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })
        .collect();
    println!("\nper-round µs per call: {}", per_round.join("; "));
}

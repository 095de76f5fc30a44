//! The generated pagination helpers, end to end: a crate is generated from
//! `pagination/paged.yaml`, `pagination/stream_test.rs` is added to it as an integration test, and
//! `cargo test` runs it there (the helpers are generic over the API, so they must be proven on a
//! generated crate, not on hand-written code).

mod support;

use std::path::Path;

#[test]
fn generated_stream_helpers_walk_pages_against_a_mock_server() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("pagination");
    let spec = std::fs::read_to_string(here.join("paged.yaml")).unwrap();
    let mut config = generator::Config::new("paged");
    config.standalone = true;
    let generation = generator::generate(&spec, &config).unwrap_or_else(|e| panic!("{e}"));
    let ops: Vec<_> = generation
        .api
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .map(|op| op.id.as_str())
        .collect();
    assert_eq!(
        ops,
        ["links.list", "things.list"],
        "both list shapes must be recognised"
    );

    support::generated_crate::run(
        &generation.krate,
        "paged",
        support::generated_crate::CrateTest {
            file: &here.join("stream_test.rs"),
            dev_dependencies: &[
                "wiremock = \"0.6\"",
                "futures-util = \"0.3\"",
                "serde_json = \"1\"",
            ],
            tokio_features: &[],
            tests: 4,
        },
    );
}

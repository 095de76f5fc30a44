//! Auth from the spec, end to end: a crate is generated from `auth/schemes.yaml` (every kind of
//! security scheme, per-operation requirements with alternatives, schemes needed together,
//! optional `{}` and `security: []`), `auth/auth_test.rs` is added to it as an integration test,
//! and `cargo test` runs it there against wiremock, through the generated crate's public API.

mod support;

use std::path::Path;

#[test]
fn generated_clients_send_the_credentials_each_operation_accepts() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("auth");
    let spec = std::fs::read_to_string(here.join("schemes.yaml")).unwrap();
    let mut config = generator::Config::new("schemes");
    config.standalone = true;
    let generation = generator::generate(&spec, &config).unwrap_or_else(|e| panic!("{e}"));
    // Mutual TLS is not a credential a client sends: every other scheme is.
    let schemes: Vec<_> = generation
        .api
        .auth
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        schemes,
        [
            "oauth",
            "apiKeyHeader",
            "apiKeyQuery",
            "session",
            "basicAuth",
            "oidc"
        ]
    );

    support::generated_crate::run(
        &generation.krate,
        "schemes",
        support::generated_crate::CrateTest {
            file: &here.join("auth_test.rs"),
            dev_dependencies: &["wiremock = \"0.6\"", "serde_json = \"1\""],
            tokio_features: &[],
            tests: 5,
        },
    );
}

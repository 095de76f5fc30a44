//! Streamed bodies, end to end: a crate is generated from `streams/streams.yaml` (an operation
//! offering JSON or server-sent events, one with events only, a binary download and upload,
//! multipart uploads of a struct only ever sent as multipart and of one also sent as JSON),
//! `streams/stream_test.rs` is added to it as an integration test, and `cargo test` runs it there
//! against servers on the loopback interface.

mod support;

use std::path::Path;

#[test]
fn generated_event_and_byte_streams_work_against_loopback_servers() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("streams");
    let spec = std::fs::read_to_string(here.join("streams.yaml")).unwrap();
    let mut config = generator::Config::new("streams");
    config.standalone = true;
    let generation = generator::generate(&spec, &config).unwrap_or_else(|e| panic!("{e}"));
    let methods: Vec<(&str, bool, bool)> = generation
        .api
        .operations
        .iter()
        .map(|op| {
            (
                op.id.as_str(),
                op.has_events_method(),
                op.has_byte_stream_method(),
            )
        })
        .collect();
    assert_eq!(
        methods,
        [
            ("chat.create", true, false),
            ("ticks.watch", false, false),
            ("files.download", false, true),
            ("files.upload", false, false),
            ("attachments.create", false, false),
            ("documents.replace", false, false),
            ("documents.create", false, false),
        ],
        "which operations get `_events` and `_stream` companions"
    );

    // File fields are `Upload`s in a struct that is only ever a multipart body; one also sent as
    // JSON keeps `Vec<u8>`.
    let field_types = |name: &str| -> Vec<String> {
        let def = generation
            .api
            .types
            .iter()
            .find(|t| t.name == name)
            .unwrap();
        match &def.kind {
            generator::ir::TypeKind::Struct(s) => {
                s.fields.iter().map(|f| format!("{:?}", f.ty)).collect()
            }
            other => panic!("{name} is not a struct: {other:?}"),
        }
    };
    assert_eq!(
        field_types("CreateAttachmentRequest"),
        ["String", "Upload", "Upload", "Array(Upload)"]
    );
    assert_eq!(field_types("Document"), ["String", "Bytes"]);

    support::generated_crate::run(
        &generation.krate,
        "streams",
        support::generated_crate::CrateTest {
            file: &here.join("stream_test.rs"),
            dev_dependencies: &[
                "wiremock = \"0.6\"",
                "futures-util = \"0.3\"",
                "serde_json = \"1\"",
                "bytes = \"1\"",
            ],
            // The chunked server's sockets.
            tokio_features: &["net", "io-util"],
            tests: 8,
        },
    );
}

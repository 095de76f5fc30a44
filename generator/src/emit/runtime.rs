//! The runtime every generated crate carries as `src/runtime/`: the sources of the runtime crate
//! (`generator/runtime/src/`, compiled and tested there on its own), embedded when the generator
//! is built and written out unchanged, so a generated crate needs no dependency on the generator.

/// One source file of the runtime crate: its name in `generator/runtime/src/` and its text.
macro_rules! source {
    ($name:literal) => {
        ($name, include_str!(concat!("../../runtime/src/", $name)))
    };
}

/// Every file of `generator/runtime/src/`, by name (a test checks that none is missing).
pub const RUNTIME_SOURCES: &[(&str, &str)] = &[
    source!("auth.rs"),
    source!("body.rs"),
    source!("builder.rs"),
    source!("call.rs"),
    source!("client.rs"),
    source!("config.rs"),
    source!("credentials.rs"),
    source!("error.rs"),
    source!("hook.rs"),
    source!("events.rs"),
    source!("lib.rs"),
    source!("macros.rs"),
    source!("mock.rs"),
    source!("mock_server.rs"),
    source!("mock_transport.rs"),
    source!("mock_typed.rs"),
    source!("nullable.rs"),
    source!("paginate.rs"),
    source!("prepare.rs"),
    source!("request.rs"),
    source!("response.rs"),
    source!("retry.rs"),
    source!("send.rs"),
    source!("transport.rs"),
    source!("stream.rs"),
    source!("upload.rs"),
    source!("validate.rs"),
];

/// Where a runtime source file goes in a generated crate: the runtime crate's root (`lib.rs`) is
/// the `runtime` module's `mod.rs`, and every other file keeps its name beside it.
pub fn generated_path(source: &str) -> String {
    match source {
        "lib.rs" => "src/runtime/mod.rs".to_owned(),
        module => format!("src/runtime/{module}"),
    }
}

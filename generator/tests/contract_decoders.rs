//! What `cargo xtask contract` relies on in the generated crate: `contract_decoders()` only when
//! asked for, one entry per operation keyed `METHOD /path`, reachable from the crate root; and
//! the response fix it led to (a binary string under `*/*` is the raw body, not JSON).

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /files/{id}:
    get:
      operationId: getFile
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: the file as stored
          content: {"*/*": {schema: {$ref: "#/components/schemas/FileContent"}}}
        "404": {description: none}
    delete:
      operationId: deleteFile
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: gone}}
components:
  schemas:
    FileContent: {type: string, format: binary}
"##;

fn operations_rs(contract_decoders: bool) -> (String, String) {
    let mut config = generator::Config::new("files");
    config.contract_decoders = contract_decoders;
    let generation = generator::generate(SPEC, &config).expect("generates");
    let file = |name: &str| {
        generation
            .krate
            .files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} emitted"))
            .contents
            .clone()
    };
    (file("src/operations.rs"), file("src/lib.rs"))
}

#[test]
fn contract_decoders_are_emitted_only_when_asked_for_and_are_public() {
    let (plain, plain_lib) = operations_rs(false);
    assert!(!plain.contains("contract_decoders"));
    assert!(!plain_lib.contains("pub use operations::*"));
    let (ops, lib) = operations_rs(true);
    assert!(ops.contains("pub fn contract_decoders()"), "{ops}");
    for key in ["\"GET /files/{id}\"", "\"DELETE /files/{id}\""] {
        assert_eq!(ops.matches(key).count(), 1, "{key} once in:\n{ops}");
    }
    assert!(lib.contains("pub use operations::*;"), "{lib}");
    syn::parse_file(&ops).expect("parses");
}

#[test]
fn a_binary_string_under_a_wildcard_media_type_is_the_raw_body() {
    let (ops, _) = operations_rs(false);
    assert!(ops.contains("Call<::bytes::Bytes, GetFileError>"), "{ops}");
    assert!(
        ops.contains("Outcome::Success(response.body.clone())"),
        "{ops}"
    );
    assert!(!ops.contains("json_success"), "{ops}");
}

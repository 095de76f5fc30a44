use super::*;
use serde_json::json;

fn doc(body: &str) -> String {
    format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{body}")
}

#[test]
fn nullable_becomes_a_null_type() {
    let d = load_str(&doc("    A: {type: string, nullable: true}\n    B: {nullable: true, allOf: [{$ref: '#/components/schemas/A'}]}\n")).unwrap();
    assert_eq!(
        d.raw.pointer("/components/schemas/A/type"),
        Some(&json!(["string", "null"]))
    );
    let b = d.raw.pointer("/components/schemas/B").unwrap();
    assert_eq!(b["anyOf"][1], json!({"type": "null"}));
    assert!(b.get("nullable").is_none());
    assert_eq!(d.source_version, "3.0.3");
}

#[test]
fn boolean_exclusive_bounds_become_numeric() {
    let d = load_str(&doc("    N: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false}\n")).unwrap();
    let n = d.raw.pointer("/components/schemas/N").unwrap();
    assert_eq!(n["exclusiveMinimum"], json!(0));
    assert!(n.get("minimum").is_none());
    assert_eq!(n["maximum"], json!(9));
    assert!(n.get("exclusiveMaximum").is_none());
}

#[test]
fn a_property_named_like_a_keyword_is_left_alone() {
    let d = load_str(&doc("    P:\n      type: object\n      properties:\n        nullable: {type: boolean}\n        example: {type: string}\n")).unwrap();
    assert_eq!(
        d.raw.pointer("/components/schemas/P/properties/nullable"),
        Some(&json!({"type": "boolean"}))
    );
    assert_eq!(
        d.raw.pointer("/components/schemas/P/properties/example"),
        Some(&json!({"type": "string"}))
    );
}

#[test]
fn dropped_keywords_are_reported_with_their_pointer() {
    let d = load_str(&doc("    X:\n      type: object\n      not: {type: string}\n      patternProperties: {'^a': {type: string}}\n")).unwrap();
    let pointers: Vec<&str> = d.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert!(
        pointers.contains(&"/components/schemas/X/not"),
        "{pointers:?}"
    );
    assert!(
        pointers.contains(&"/components/schemas/X/patternProperties"),
        "{pointers:?}"
    );
    assert!(
        d.warnings.iter().all(|w| w.line.is_some()),
        "{:?}",
        d.warnings
    );
}

#[test]
fn a_dangling_ref_is_an_error_naming_the_pointer_and_line() {
    let err = load_str(&doc("    A: {$ref: '#/components/schemas/Missing'}\n")).unwrap_err();
    let d = &err.0[0];
    assert_eq!(d.pointer, "/components/schemas/A/$ref");
    assert_eq!(d.line, Some(6));
    assert!(d.message.contains("points at nothing"), "{d}");
}

#[test]
fn external_refs_are_refused() {
    let err = load_str(&doc("    A: {$ref: 'other.yaml#/Pet'}\n")).unwrap_err();
    assert!(err.to_string().contains("external `$ref"), "{err}");
}

#[test]
fn malformed_yaml_reports_a_line() {
    let err = load_str("openapi: 3.1.0\ninfo: [unclosed\n").unwrap_err();
    assert!(err.0[0].line.is_some(), "{err}");
    assert!(err.to_string().contains("invalid YAML"));
}

#[test]
fn swagger_2_is_refused_with_a_hint() {
    let err = load_str("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
    assert!(err.to_string().contains("Swagger 2.0"));
    assert!(err.0[0].hint.is_some());
}

#[test]
fn a_wrong_shape_names_the_pointer() {
    let err = load_str("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n").unwrap_err();
    assert_eq!(err.0[0].pointer, "/paths/~1a/get/responses", "{err}");
}

#[test]
fn integer_keys_and_json_input_both_load() {
    let yaml = load_str("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n").unwrap();
    assert!(yaml.raw.pointer("/paths/~1a/get/responses/200").is_some());
    let json =
        load_str(r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#)
            .unwrap();
    assert_eq!(json.sha256.len(), 64);
}

fn warning_at<'a>(doc: &'a Document, pointer: &str) -> &'a Diagnostic {
    doc.warnings
        .iter()
        .find(|w| w.pointer == pointer)
        .unwrap_or_else(|| panic!("no warning at {pointer}: {:#?}", doc.warnings))
}

#[test]
fn missing_info_fields_are_filled_with_a_warning() {
    let d = load_str("openapi: 3.1.0\ninfo: {title: t}\npaths: {}\n").unwrap();
    assert_eq!(d.spec.info.version, "0.0.0");
    warning_at(&d, "/info/version");
    let d = load_str("openapi: 3.0\ninfo: {title: t, version: 1.0}\npaths: {}\n").unwrap();
    assert_eq!(d.spec.info.version, "1.0");
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
}

#[test]
fn relative_urls_resolve_against_the_server_or_are_dropped() {
    let spec = |servers: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1', license: {{name: MIT, url: ./LICENSE}}}}\n{servers}externalDocs: {{url: '/docs/#x'}}\npaths: {{}}\ncomponents:\n  securitySchemes:\n    o:\n      type: oauth2\n      flows:\n        implicit: {{authorizationUrl: /oauth/authorize, scopes: {{}}}}\n        password: {{tokenUrl: 'https://a.example/token', scopes: {{}}}}\n"
        )
    };
    let without = load_str(&spec("")).unwrap();
    assert!(without.spec.external_docs.is_none());
    assert!(without.spec.info.license.as_ref().unwrap().url.is_none());
    warning_at(
        &without,
        "/components/securitySchemes/o/flows/implicit/authorizationUrl",
    );
    assert!(without
        .raw
        .pointer("/components/securitySchemes/o/flows/implicit")
        .is_none());
    assert!(without
        .raw
        .pointer("/components/securitySchemes/o/flows/password")
        .is_some());

    let with = load_str(&spec("servers: [{url: 'https://api.example.com/v1/'}]\n")).unwrap();
    assert_eq!(
        with.spec.external_docs.as_ref().unwrap().url.as_str(),
        "https://api.example.com/docs/#x"
    );
    assert_eq!(
        with.raw
            .pointer("/components/securitySchemes/o/flows/implicit/authorizationUrl"),
        Some(&json!("https://api.example.com/oauth/authorize"))
    );
    warning_at(&with, "/externalDocs/url");
}

#[test]
fn boolean_exclusive_bounds_in_a_31_document_are_read_as_30_meant() {
    let d = load_str("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    N: {type: integer, minimum: 0, exclusiveMinimum: true}\n").unwrap();
    assert_eq!(
        d.raw.pointer("/components/schemas/N/exclusiveMinimum"),
        Some(&json!(0))
    );
    warning_at(&d, "/components/schemas/N/exclusiveMinimum");
}

#[test]
fn integers_beyond_64_bits_in_yaml_load() {
    let d = load_str("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Seed: {type: integer, minimum: -9223372036854775808, maximum: 18446744073709551616}\n").unwrap();
    assert_eq!(
        d.raw.pointer("/components/schemas/Seed/minimum"),
        Some(&json!(i64::MIN))
    );
    warning_at(&d, "/components/schemas/Seed/maximum");
}

#[test]
fn non_path_members_of_paths_are_ignored() {
    let d = load_str("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  x-codegen-contextRoot: /api\n  /a: {get: {responses: {'200': {description: ok}}}}\n").unwrap();
    assert_eq!(d.spec.paths.as_ref().unwrap().len(), 1);
}

#[test]
fn parts_the_typed_model_refuses_are_left_out_or_widened() {
    let d = load_str("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  securitySchemes:\n    weird: {type: magic}\n    key: {type: apiKey, in: header, name: X-Key}\n  schemas:\n    Odd: {type: object, properties: {a: {type: 5}, b: {type: string, pattern: 0}}, examples: {one: {a: 1}}}\n    Bad: {type: object, properties: {c: {allOf: 3, type: 4}}}\n").unwrap();
    let schemes = &d.spec.components.as_ref().unwrap().security_schemes;
    assert!(schemes.contains_key("key") && !schemes.contains_key("weird"));
    warning_at(&d, "/components/securitySchemes/weird");
    // One bad keyword costs that keyword; a schema with several is read as any JSON value.
    let odd = d.raw.pointer("/components/schemas/Odd").unwrap();
    assert_eq!(odd["properties"]["a"], json!({}));
    assert_eq!(odd["properties"]["b"], json!({"type": "string"}));
    assert!(odd.get("examples").is_none() && odd.get("type").is_some());
    warning_at(&d, "/components/schemas/Odd/properties/b/pattern");
    assert_eq!(
        d.raw.pointer("/components/schemas/Bad/properties/c"),
        Some(&json!({}))
    );
    assert!(warning_at(&d, "/components/schemas/Bad/properties/c")
        .message
        .contains("any JSON value"));
}

#[test]
fn what_cannot_be_repaired_is_still_an_error_with_its_pointer() {
    let err =
        load_str("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: 7\n")
            .unwrap_err();
    assert!(err.0[0].message.contains("does not match"), "{err}");
    assert_eq!(err.0[0].pointer, "/paths/~1a/get", "{err}");
}

#[test]
fn a_key_inside_a_flow_mapping_is_located_on_its_own_line() {
    let text = "openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\n  contact: {name: Example, url: zeit.co}\nservers:\n  - url: https://api.example.com/v1\npaths: {}\n";
    let d = load_str(text).unwrap();
    assert_eq!(warning_at(&d, "/info/contact/url").line, Some(5));
}

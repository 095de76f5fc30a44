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

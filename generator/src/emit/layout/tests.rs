//! The layouts checked against what prettyplease prints for the same items, with names long
//! enough to force every break.

use super::*;

fn printed(item: &str) -> String {
    prettyplease::unparse(&syn::parse_file(item).unwrap())
}

#[test]
fn signatures_break_as_prettyplease_breaks_them() {
    for params in [1, 3, 6] {
        let params: Vec<(String, String)> = (0..params)
            .map(|i| (format!("argument_{i}"), format!("&SomeLongTypeName{i}")))
            .collect();
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        for ret in [
            "()",
            "Outcome<AVeryLongSuccessTypeNameIndeed, AnEvenLongerErrorTypeNameThatWraps>",
        ] {
            let mut l = Layout::default();
            l.signature("fn some_operation_request", &params, ret);
            let head = l.print(0).unwrap();
            let args: Vec<String> = params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            let item = format!(
                "fn some_operation_request({}) -> {ret} {{ x }}",
                args.join(", ")
            );
            let expected = printed(&item);
            assert!(expected.starts_with(&head), "{expected}\n---\n{head}");
        }
    }
}

#[test]
fn statements_and_arms_break_as_prettyplease_breaks_them() {
    let call = |n: usize| {
        Expr::call(
            "Call::new",
            vec![
                Expr::word("self"),
                Expr::call(
                    "an_operation_request",
                    (0..n)
                        .map(|i| Expr::word(format!("argument_{i}")))
                        .collect(),
                ),
                Expr::word("an_operation_decode"),
            ],
        )
    };
    let chain = Expr::word("parts").method(
        "push_query",
        vec![
            Expr::word("\"since\""),
            Expr::word("value").method(
                "to_rfc3339_opts",
                vec![
                    Expr::word("::chrono::SecondsFormat::AutoSi"),
                    Expr::word("true"),
                ],
            ),
        ],
    );
    for n in [0, 2, 5, 12] {
        let mut l = Layout::default();
        l.stmt(&call(n), true);
        l.stmt(&chain, true);
        l.let_stmt("mut parts", &call(n).tried());
        l.word("match status {");
        l.cbox(INDENT);
        l.hardbreak();
        l.arm("200u16 | 201u16", &call(n));
        l.offset(-INDENT);
        l.end();
        l.word("}");
        l.hardbreak();
        let body = l.print(4).unwrap();
        let args: Vec<String> = (0..n).map(|i| format!("argument_{i}")).collect();
        let call = format!(
            "Call::new(self, an_operation_request({}), an_operation_decode)",
            args.join(", ")
        );
        let item = format!(
            "fn f() {{ {call}; parts.push_query(\"since\", value.to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true)); let mut parts = {call}?; match status {{ 200u16 | 201u16 => {call}, }} }}"
        );
        let expected = printed(&item);
        let expected = expected.strip_prefix("fn f() {\n").unwrap();
        assert_eq!(format!("{body}}}\n"), expected, "{n}");
    }
}

#[test]
fn impl_headers_variants_and_macro_items_break_as_prettyplease_breaks_them() {
    for name in [
        "ShortError",
        "AppsListInstallationRequestsForAuthenticatedAppError",
    ] {
        for path in ["crate::runtime::ErrorDetails", "::std::convert::From<&str>"] {
            let mut header = Layout::default();
            header.impl_header(Some(path), name);
            let expected = printed(&format!("impl {path} for {name} {{}}"));
            let expected = expected.strip_suffix("}\n").unwrap();
            assert_eq!(header.print(0).unwrap(), format!("{expected}\n"));
        }

        let ty = format!("BTreeMap<String, {name}{name}>");
        let mut variant = Layout::default();
        variant.tuple_variant("Variant", &ty);
        let expected = printed(&format!("enum E {{ Variant({ty}), }}"));
        let expected = expected.strip_prefix("enum E {\n").unwrap();
        assert_eq!(format!("{}}}\n", variant.print(4).unwrap()), expected);

        let mut call = Layout::default();
        call.macro_stmt("crate::runtime::impl_error_display!", name);
        let expected = printed(&format!("crate::runtime::impl_error_display!({name});"));
        assert_eq!(call.print(0).unwrap(), expected);
    }
}

#[test]
fn fields_break_as_prettyplease_breaks_them() {
    for name in ["id", &"secret_scanning_push_protection".repeat(3)] {
        for ty in [
            "Option<bool>".to_owned(),
            format!("Option<Box<{}>>", "CodeSecurityConfiguration".repeat(3)),
            format!("BTreeMap<String, Vec<{}>>", "Repository".repeat(5)),
        ] {
            let mut field = Layout::default();
            field.field(name, &ty);
            let expected = printed(&format!("struct S {{ pub {name}: {ty}, }}"));
            let expected = expected.strip_prefix("struct S {\n").unwrap();
            assert_eq!(format!("{}}}\n", field.print(4).unwrap()), expected);
        }
    }
}

#[test]
fn if_let_headers_and_references_break_as_prettyplease_breaks_them() {
    for field in [
        "id",
        "secret_scanning_push_protection",
        &"very_long_field".repeat(6),
    ] {
        for pattern in ["Some", "crate::runtime::Nullable::Value"] {
            let mut header = Layout::default();
            let value = Expr::word("self").field(field).reference();
            header.if_let_header(pattern, "value", &value);
            let header = header.print(4).unwrap();
            let json = format!("\"{}\"", field.repeat(2));
            let mut join = Layout::default();
            let call = Expr::call(
                "crate::runtime::join_path",
                vec![Expr::word("path"), Expr::word(json.as_str())],
            );
            join.let_stmt("path", &call.reference());
            let join = join.print(8).unwrap();
            let expected = printed(&format!(
                "fn f() {{ if let {pattern}(value) = &self.{field} {{ let path = &crate::runtime::join_path(path, {json}); }} }}"
            ));
            let expected = expected.strip_prefix("fn f() {\n").unwrap();
            assert_eq!(format!("{header}{join}    }}\n}}\n"), expected);
        }
    }
}

#[test]
fn macro_arguments_fill_lines_as_prettyplease_fills_them() {
    // From nothing to more fields than a line holds; names up to longer than a line.
    for (fields, len) in [(0, 4), (1, 4), (3, 12), (8, 20), (2, 95)] {
        let name = format!("Model{}", "N".repeat(len));
        let mut words = vec![name.clone()];
        if fields > 0 {
            words.push("{".into());
        }
        let mut args = format!("{name} {{");
        for i in 0..fields {
            let field = format!("field_{i}_{}", "f".repeat(len));
            let comma = if i + 1 < fields { "," } else { "" };
            let json = format!("\"json{i}{}\"{comma}", "J".repeat(len));
            args.push_str(&format!(" optional {field} = {json}"));
            words.extend(["optional".into(), field, "=".into(), json]);
        }
        if fields == 0 {
            words.push("{}".into());
            args.push('}');
        } else {
            words.push("}".into());
            args.push_str(" }");
        }
        words.extend(["extra".into(), "additional_properties".into()]);
        args.push_str(" extra additional_properties");
        let mut call = Layout::default();
        call.macro_fill_stmt("crate::runtime::impl_serialize_struct!", &words);
        let expected = printed(&format!("crate::runtime::impl_serialize_struct!({args});"));
        assert_eq!(call.print(0).unwrap(), expected, "{fields} {len}");
    }
}

#[test]
fn a_fitted_word_past_the_margin_declines() {
    let mut l = Layout::default();
    l.stmt(&Expr::fitted("x".repeat(90)), true);
    assert_eq!(l.print(0), None);
    // An arm's comma is not measured: this arm is 90 columns wide and stays on its line.
    let error = "E".repeat(58);
    let mut l = Layout::default();
    let decode = Expr::call(format!("{error}::decode"), vec![Expr::word("response")]);
    l.arm("_", &decode);
    let arm = l.print(8).unwrap();
    let expected = printed(&format!(
        "fn f() {{ match s {{ _ => {error}::decode(response), }} }}"
    ));
    assert_eq!(arm.len(), 91);
    assert!(expected.contains(&arm), "{expected}");
}

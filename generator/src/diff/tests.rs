//! The diff on the evolutions `cargo xtask semver-oracle` checks against cargo-semver-checks, and
//! the version and changelog rules.

use super::record::{decide, next_version};
use super::*;

fn userplane() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    std::fs::read_to_string(root.join("spec/userplane.yaml")).unwrap()
}

#[test]
fn every_evolution_gets_its_level() {
    let base = userplane();
    let config = Config::new("userplane");
    let mut wrong = Vec::new();
    for evolution in evolutions::all() {
        let evolved = evolution.apply(&base).unwrap();
        let report = diff_specs(&base, &evolved, &config).unwrap();
        assert!(
            !report.changes.is_empty(),
            "{}: no change found",
            evolution.name
        );
        if report.bump() != Some(evolution.level) {
            wrong.push(format!(
                "{}: expected {}, got {}\n{}",
                evolution.name,
                evolution.level.as_str(),
                report.bump_str(),
                report.to_text()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_same_spec_has_no_changes() {
    let base = userplane();
    let report = diff_specs(&base, &base, &Config::new("userplane")).unwrap();
    assert_eq!(report.bump(), None);
    assert_eq!(report.bump_str(), "none");
    assert_eq!(report.summary(), "API unchanged");
}

#[test]
fn a_removed_error_code_names_the_variant_and_the_pointer() {
    let base = userplane();
    let removed = evolutions::all()
        .into_iter()
        .find(|e| e.name == "error code removed")
        .unwrap();
    let report = diff_specs(&base, &removed.apply(&base).unwrap(), &Config::new("u")).unwrap();
    let change = &report.changes[0];
    assert_eq!(change.level, Level::Major);
    assert!(
        change
            .message
            .contains("variant `UpdateLinkNotFound::LinkNotFound` removed"),
        "{change:?}"
    );
    assert_eq!(
        change.pointer,
        "/paths/~1public~1workspace~1{workspaceId}~1links~1{linkId}/put/responses/404"
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["bump"], "major");
    assert_eq!(json["changes"][0]["level"], "major");
    assert_eq!(json["changes"][0]["pointer"], change.pointer.as_str());
    let text = report.to_text();
    assert!(text.starts_with("API changes: major (1 breaking"), "{text}");
}

#[test]
fn text_groups_breaking_first() {
    let report = Report {
        changes: vec![
            Change {
                level: Level::Major,
                pointer: "/a".into(),
                message: "gone".into(),
            },
            Change {
                level: Level::Minor,
                pointer: "/b".into(),
                message: "new".into(),
            },
        ],
    };
    let text = report.to_text();
    let major = text.find("major (breaking").unwrap();
    let minor = text.find("minor (additive").unwrap();
    assert!(major < minor, "{text}");
    assert!(!text.contains("patch ("), "{text}");
}

#[test]
fn versions_follow_cargo_semver() {
    assert_eq!(next_version("0.1.0", Level::Major), "0.2.0");
    assert_eq!(next_version("0.1.3", Level::Minor), "0.1.4");
    assert_eq!(next_version("0.1.3", Level::Patch), "0.1.4");
    assert_eq!(next_version("0.0.3", Level::Major), "0.0.4");
    assert_eq!(next_version("1.2.3", Level::Major), "2.0.0");
    assert_eq!(next_version("1.2.3", Level::Minor), "1.3.0");
    assert_eq!(next_version("1.2.3", Level::Patch), "1.2.4");
    assert_eq!(next_version("1.2.3-rc.1", Level::Patch), "1.2.4");
    assert_eq!(next_version("weird", Level::Patch), "weird.1");
}

#[test]
fn regenerating_bumps_once_and_keeps_history() {
    let base = userplane();
    let config = Config::new("userplane");
    let (_, old_surface) = surface_of_spec(&base, &config).unwrap();
    let first = decide(None, None, "aaa", &old_surface, "0.1.0");
    assert_eq!(first.version, "0.1.0");
    let record = Record {
        spec_sha256: "aaa".into(),
        version: first.version.clone(),
        surface: old_surface.clone(),
    };
    // Same spec: nothing moves, the changelog is kept as it is.
    let same = decide(
        Some(&record),
        Some(&first.changelog),
        "aaa",
        &old_surface,
        "0.1.0",
    );
    assert_eq!(same.version, "0.1.0");
    assert_eq!(same.changelog, first.changelog);
    assert!(same.report.is_none());
    // A breaking change: 0.2.0, a new entry on top, the old one kept.
    let removed = evolutions::all()
        .into_iter()
        .find(|e| e.name == "error code removed")
        .unwrap();
    let (_, new_surface) = surface_of_spec(&removed.apply(&base).unwrap(), &config).unwrap();
    let next = decide(
        Some(&record),
        Some(&first.changelog),
        "bbb",
        &new_surface,
        "0.1.0",
    );
    assert_eq!(next.version, "0.2.0");
    let new_entry = next.changelog.find("## 0.2.0 (spec sha256 bbb)").unwrap();
    let old_entry = next.changelog.find("## 0.1.0 (spec sha256 aaa)").unwrap();
    assert!(new_entry < old_entry, "{}", next.changelog);
    assert!(
        next.changelog.contains("### Breaking"),
        "{}",
        next.changelog
    );
    assert!(
        next.changelog
            .contains("`UpdateLinkNotFound::LinkNotFound` removed"),
        "{}",
        next.changelog
    );
    // A spec change the API does not see (a description elsewhere): a patch.
    let patch = decide(Some(&record), None, "ccc", &old_surface, "0.1.0");
    assert_eq!(patch.version, "0.1.1");
}

/// `tests/streams/streams.yaml` (event streams, binary downloads and uploads, multipart bodies),
/// as JSON after `edit`.
fn streams_spec(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let text = std::fs::read_to_string(root.join("tests/streams/streams.yaml")).unwrap();
    let mut spec = crate::load::parse_text(&text).unwrap().value;
    edit(&mut spec);
    serde_json::to_string_pretty(&spec).unwrap()
}

/// The `content` map of a response of the streams spec.
fn content<'a>(
    spec: &'a mut serde_json::Value,
    operation: &str,
    status: &str,
) -> &'a mut serde_json::Map<String, serde_json::Value> {
    spec.pointer_mut(&format!("/paths/{operation}/responses/{status}/content"))
        .and_then(|c| c.as_object_mut())
        .unwrap()
}

fn messages(report: &Report, level: Level) -> Vec<&str> {
    report
        .changes
        .iter()
        .filter(|c| c.level == level)
        .map(|c| c.message.as_str())
        .collect()
}

#[test]
fn the_surface_records_event_and_byte_stream_companions_and_uploads() {
    let config = Config::new("streams");
    let (_, surface) = surface_of_spec(&streams_spec(|_| {}), &config).unwrap();
    let op = |id: &str| surface.operations.iter().find(|o| o.id == id).unwrap();
    let chat = op("chat.create");
    assert_eq!(chat.success, "Delta");
    let events = chat.events.as_ref().unwrap();
    assert_eq!(
        (events.name.as_str(), events.returns.as_str()),
        ("create_events", "EventStream<Delta>")
    );
    assert_eq!(op("ticks.watch").success, "EventStream<Tick>");
    assert!(
        op("ticks.watch").events.is_none(),
        "events only: the method itself"
    );
    let download = op("files.download");
    assert_eq!(download.success, "Bytes");
    let stream = download.byte_stream.as_ref().unwrap();
    assert_eq!(
        (stream.name.as_str(), stream.returns.as_str()),
        ("download_stream", "ByteStream")
    );
    assert_eq!(
        op("files.upload").args,
        ["id: &str", "body: impl Into<Upload>"]
    );
    let fields = |name: &str| match &surface.types.iter().find(|t| t.name == name).unwrap().shape {
        surface::Shape::Struct(s) => s.fields.iter().map(|f| f.ty.clone()).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        fields("CreateAttachmentRequest"),
        ["String", "Upload", "Option<Upload>", "Option<Vec<Upload>>"]
    );
    assert_eq!(fields("Document"), ["String", "Vec<u8>"]);
    // An API without streams records nothing new: `.codegen/api.json` files stay as they were.
    let json = serde_json::to_value(&surface_of_spec(&userplane(), &config).unwrap().1).unwrap();
    let recorded = json["operations"][0].as_object().unwrap();
    assert!(!recorded.contains_key("events") && !recorded.contains_key("byte_stream"));
}

#[test]
fn an_event_stream_beside_json_added_is_minor_and_removed_is_major() {
    let config = Config::new("streams");
    let with = streams_spec(|_| {});
    let without = streams_spec(|spec| {
        content(spec, "~1chat/post", "200").remove("text/event-stream");
    });
    let removed = diff_specs(&with, &without, &config).unwrap();
    assert_eq!(removed.bump(), Some(Level::Major), "{}", removed.to_text());
    assert_eq!(
        messages(&removed, Level::Major),
        ["`chat.create` no longer offers an event stream: `client.chat().create_events(..)` removed"]
    );
    assert_eq!(removed.changes[0].pointer, "/paths/~1chat/post/responses");
    let added = diff_specs(&without, &with, &config).unwrap();
    assert_eq!(added.bump(), Some(Level::Minor), "{}", added.to_text());
    assert_eq!(
        messages(&added, Level::Minor),
        ["`chat.create` now offers an event stream: new method `client.chat().create_events(..)` returns `EventStream<Delta>`"]
    );
}

#[test]
fn an_event_type_change_breaks_the_companion_and_the_events_only_method() {
    let config = Config::new("streams");
    let tick = serde_json::json!({"schema": {"$ref": "#/components/schemas/Tick"}});
    let evolved = streams_spec(|spec| {
        content(spec, "~1chat/post", "200").insert("text/event-stream".into(), tick);
        content(spec, "~1ticks/get", "200")["text/event-stream"]["schema"]["$ref"] =
            "#/components/schemas/Delta".into();
    });
    let report = diff_specs(&streams_spec(|_| {}), &evolved, &config).unwrap();
    assert_eq!(
        messages(&report, Level::Major),
        [
            "`client.chat().create_events(..)` now returns `EventStream<Tick>` (was `EventStream<Delta>`)",
            "success response of `ticks.watch` changed: `client.ticks().watch(..)` now returns `EventStream<Delta>` (was `EventStream<Tick>`)",
        ]
    );
}

#[test]
fn a_binary_response_shows_its_byte_stream_coming_and_going() {
    let config = Config::new("streams");
    let binary = streams_spec(|_| {});
    let json = streams_spec(|spec| {
        let content = content(spec, "~1files~1{id}/get", "200");
        content.remove("application/octet-stream");
        content.insert(
            "application/json".into(),
            serde_json::json!({"schema": {"$ref": "#/components/schemas/Problem"}}),
        );
    });
    let to_json = diff_specs(&binary, &json, &config).unwrap();
    assert_eq!(
        messages(&to_json, Level::Major),
        [
            "success response of `files.download` changed: `client.files().download(..)` now returns `Problem` (was `Bytes`)",
            "`files.download` no longer offers a byte stream: `client.files().download_stream(..)` removed",
        ]
    );
    let to_binary = diff_specs(&json, &binary, &config).unwrap();
    assert_eq!(to_binary.bump(), Some(Level::Major));
    assert_eq!(
        messages(&to_binary, Level::Minor),
        ["`files.download` now offers a byte stream: new method `client.files().download_stream(..)` returns `ByteStream`"]
    );
}

#[test]
fn a_struct_that_becomes_only_a_multipart_body_changes_its_file_fields_to_uploads() {
    let config = Config::new("streams");
    let shared = streams_spec(|_| {});
    let multipart_only = streams_spec(|spec| {
        spec.pointer_mut("/paths/~1documents")
            .and_then(|p| p.as_object_mut())
            .unwrap()
            .remove("put");
    });
    let report = diff_specs(&shared, &multipart_only, &config).unwrap();
    assert_eq!(report.bump(), Some(Level::Major), "{}", report.to_text());
    assert!(
        messages(&report, Level::Major).contains(
            &"type of property `content` changed: field `content` of `Document` is now `Upload` (was `Vec<u8>`), code reading or setting it no longer compiles"
        ),
        "{}",
        report.to_text()
    );
}

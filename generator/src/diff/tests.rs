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

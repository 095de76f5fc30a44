//! Snapshots of the IR of the committed spec, and of the models, errors and operations for one
//! small spec per construct.

use generator::{generate, Config};
use std::path::Path;

fn generate_file(path: &Path, crate_name: &str) -> generator::Generation {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    generate(&text, &Config::new(crate_name)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The committed client's generated files are reviewed once, in `generated-client/` (CI's
/// `cargo xtask codegen --check` keeps them current); only what the generator understood of the
/// spec, its IR, is snapshotted here.
#[test]
fn userplane_ir() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let text = std::fs::read_to_string(root.join("spec/userplane.yaml")).unwrap();
    let config = generator::Config::from_toml(
        &std::fs::read_to_string(root.join("codegen.toml")).unwrap(),
        "userplane",
    )
    .unwrap();
    let generation = generate(&text, &config).unwrap();
    insta::with_settings!({
        description => "IR of spec/userplane.yaml; after reviewing a spec change, accept with `cargo insta accept` (or INSTA_UPDATE=always cargo test -p generator --test snapshots)",
    }, {
        insta::assert_yaml_snapshot!("userplane_ir", generation.api);
    });
    // The spec hash is recorded once, so a spec change touches only the lines it affects.
    let sha256 = generator::load::load_str(&text).unwrap().sha256;
    for file in &generation.krate.files {
        let is_record = file.path == generator::diff::record::RECORD_PATH;
        assert_eq!(file.contents.contains(&sha256), is_record, "{}", file.path);
    }
    assert!(
        generation.warnings.is_empty(),
        "unexpected warnings: {:?}",
        generation.warnings
    );
}

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(names.len() >= 7);
    for path in names {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let generation = generate_file(&path, &stem);
        let krate = &generation.krate;
        let text = format!(
            "// warnings: {:?}\n{}\n{}\n{}",
            generation
                .warnings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            strip_header(krate.file("src/models.rs").unwrap()),
            strip_header(krate.file("src/errors.rs").unwrap()),
            strip_header(krate.file("src/operations.rs").unwrap()),
        );
        insta::assert_snapshot!(format!("fixture_{stem}"), text);
    }
}

/// The `@generated` header is the same in every file.
fn strip_header(s: &str) -> &str {
    s.splitn(4, '\n').nth(3).unwrap_or(s)
}

#[test]
fn type_overrides_apply_to_properties_and_components() {
    let spec = "openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  createdAt: {}
                  owner: {$ref: '#/components/schemas/Owner'}
components:
  schemas:
    Owner: {type: object, properties: {name: {type: string}}}
";
    let config = Config::from_toml(
        "[type_overrides]\n\"GetAResponse.createdAt\" = \"date-time\"\n\"Owner\" = \"::std::collections::BTreeMap<String, String>\"\n",
        "overrides",
    )
    .unwrap();
    let generation = generate(spec, &config).unwrap();
    let models = generation.krate.file("src/models.rs").unwrap();
    assert!(
        models.contains("pub created_at: Option<::chrono::DateTime<::chrono::Utc>>"),
        "{models}"
    );
    assert!(
        models.contains("pub type Owner = ::std::collections::BTreeMap<String, String>;"),
        "{models}"
    );
    assert!(generation
        .krate
        .file("Cargo.toml")
        .unwrap()
        .contains("chrono"));
    // Unknown keys are a typo, not something to ignore.
    assert!(Config::from_toml("crate_nmae = \"x\"", "x").is_err());
}

#[test]
fn include_filters_select_operations_by_id_and_tag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let text =
        std::fs::read_to_string(root.join("tests/corpus/userplane-draft.openapi.yaml")).unwrap();
    let ids = |config: &Config| -> Vec<String> {
        generate(&text, config)
            .unwrap()
            .api
            .operations
            .iter()
            .map(|op| op.id.clone())
            .collect()
    };
    let mut by_id = Config::new("draft");
    by_id.include_operations = vec!["links.update".into(), "links.list".into()];
    assert_eq!(ids(&by_id), ["links.list", "links.update"]);
    let mut by_tag = Config::new("draft");
    by_tag.include_tags = vec!["Me".into()];
    assert_eq!(ids(&by_tag), ["me"]);
    assert!(ids(&Config::new("draft")).len() >= 19);
}

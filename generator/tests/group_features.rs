//! Cargo features per operation group (`emit::features`): which items each feature compiles.
//! That every combination compiles without warnings is `tests/corpus.rs`'s job.

use generator::{generate, Config, Generation};

const SPEC: &str = r##"
openapi: 3.0.3
info: { title: Groups, version: "1" }
paths:
  /repos/{id}:
    get:
      operationId: repos.get
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Repo" } } } }
        "404": { description: missing, content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } } }
  /users/{id}:
    get:
      operationId: users.get
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/User" } } } }
        "404": { description: missing, content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } } }
  /v1/gists:
    post:
      tags: [gists]
      operationId: createGist
      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/NewGist" } } } }
      responses:
        "201": { description: created }
  /ping:
    get:
      operationId: ping
      responses:
        "204": { description: pong }
components:
  schemas:
    Repo:
      type: object
      properties: { owner: { $ref: "#/components/schemas/User" } }
    User:
      type: object
      properties: { login: { type: string } }
    Problem:
      type: object
      properties: { message: { type: string } }
    NewGist:
      type: object
      required: [files]
      properties: { files: { type: string } }
    WebhookPush:
      type: object
      properties: { pusher: { $ref: "#/components/schemas/Pusher" }, repo: { $ref: "#/components/schemas/Repo" } }
    Pusher:
      type: object
      properties: { name: { type: string } }
"##;

fn generate_with(from: usize) -> Generation {
    let mut config = Config::new("groups");
    config.group_features_from = from;
    generate(SPEC, &config).unwrap_or_else(|e| panic!("refused:\n{e}"))
}

fn file<'a>(g: &'a Generation, path: &str) -> &'a str {
    g.krate.file(path).unwrap_or_else(|| panic!("no {path}"))
}

/// The `cfg` attribute right before `item` in `text`, without its closing `]` ("" when there is
/// none).
fn gate_of<'a>(text: &'a str, item: &str) -> &'a str {
    let at = text
        .find(item)
        .unwrap_or_else(|| panic!("{item} not in:\n{text}"));
    let before = &text[..at];
    let attrs_start = before
        .rfind(";\n")
        .into_iter()
        .chain(before.rfind("}\n"))
        .max()
        .map_or(0, |i| i + 2);
    let attrs = &before[attrs_start..];
    match attrs.find("#[cfg(") {
        Some(i) => attrs[i..].split("]\n").next().unwrap_or_default(),
        None => "",
    }
}

/// Whether a struct's serde impl is always compiled or only with `serde-roundtrip`.
#[derive(Debug, PartialEq)]
enum Compiled {
    Always,
    Roundtrip,
}
use Compiled::{Always, Roundtrip};

/// How the runtime macro `impl_{trait_}_struct!` is invoked for the struct `name`, if it is.
fn serde_impl(models: &str, trait_: &str, name: &str) -> Option<Compiled> {
    let call = format!("crate::runtime::impl_{trait_}_struct!(");
    let at = models.match_indices(&call).map(|(at, _)| at).find(|&at| {
        models[at + call.len()..]
            .trim_start()
            .starts_with(&format!("{name} {{"))
    })?;
    let attribute = models[..at].trim_end().lines().last().unwrap_or_default();
    Some(match attribute {
        "#[cfg(feature = \"serde-roundtrip\")]" => Roundtrip,
        _ => Always,
    })
}

#[test]
fn each_item_is_gated_by_the_groups_that_use_it() {
    let g = generate_with(1);
    let manifest = file(&g, "Cargo.toml");
    for feature in [
        "repos = [] # 1 operation",
        "users = [] # 1 operation",
        "gists = [] # 1 operation",
        "other-models = []",
        "default = [\"rustls\", \"full\"]",
    ] {
        assert!(manifest.contains(feature), "{feature} missing:\n{manifest}");
    }
    let models = file(&g, "src/models.rs");
    // Reached by one group, by two, by none but through an unused schema, by no operation.
    assert_eq!(
        gate_of(models, "pub struct Repo "),
        "#[cfg(any(feature = \"other-models\", feature = \"repos\"))"
    );
    assert_eq!(
        gate_of(models, "pub struct User "),
        "#[cfg(any(feature = \"other-models\", feature = \"repos\", feature = \"users\"))"
    );
    assert_eq!(
        gate_of(models, "pub struct NewGist "),
        "#[cfg(feature = \"gists\")"
    );
    assert_eq!(
        gate_of(models, "pub struct Pusher "),
        "#[cfg(feature = \"other-models\")"
    );
    assert_eq!(
        gate_of(models, "pub struct Problem "),
        "#[cfg(any(feature = \"repos\", feature = \"users\"))"
    );
    // Only received, `Problem` implements `Serialize` only for the round trip; `Repo` and `User`
    // are also inside an unused schema, which implements both, so they need both too.
    assert_eq!(serde_impl(models, "serialize", "Problem"), Some(Roundtrip));
    assert_eq!(serde_impl(models, "deserialize", "Problem"), Some(Always));
    for name in ["Repo", "User", "Pusher"] {
        assert_eq!(
            serde_impl(models, "serialize", name),
            Some(Always),
            "{name}"
        );
        assert_eq!(
            serde_impl(models, "deserialize", name),
            Some(Always),
            "{name}"
        );
    }
    assert_eq!(serde_impl(models, "serialize", "NewGist"), Some(Always));
    assert_eq!(
        serde_impl(models, "deserialize", "NewGist"),
        Some(Roundtrip)
    );
    let operations = file(&g, "src/operations.rs");
    assert_eq!(
        gate_of(operations, "pub struct ReposApi"),
        "#[cfg(feature = \"repos\")"
    );
    assert_eq!(
        gate_of(operations, "fn create_gist_request"),
        "#[cfg(feature = \"gists\")"
    );
    // No group in its id, no tag: its path's first segment is its group.
    assert_eq!(
        gate_of(operations, "fn ping_request"),
        "#[cfg(feature = \"ping\")"
    );
    // The error type users.get shares with repos.get is compiled with either.
    let errors = file(&g, "src/errors.rs");
    assert_eq!(
        gate_of(errors, "pub enum GetRepoError"),
        "#[cfg(any(feature = \"repos\", feature = \"users\"))"
    );
    assert_eq!(
        gate_of(errors, "pub type GetUserError"),
        "#[cfg(feature = \"users\")"
    );
    assert!(file(&g, "README.md").contains("## Compiling only the groups you call"));
}

#[test]
fn below_the_size_threshold_nothing_is_gated() {
    let g = generate_with(5);
    assert!(!file(&g, "Cargo.toml").contains("full"));
    for path in [
        "src/models.rs",
        "src/operations.rs",
        "src/errors.rs",
        "src/lib.rs",
    ] {
        assert!(
            !file(&g, path).contains("#[cfg(feature = \"repos\")"),
            "{path} is gated"
        );
    }
    assert!(!file(&g, "README.md").contains("Compiling only the groups"));
}

/// A tagged union's `Serialize` and `Deserialize` are written by hand, both always: the types it
/// holds implement both even where the client only receives them.
#[test]
fn the_variants_of_a_tagged_union_derive_both_serde_traits() {
    let spec = r##"
openapi: 3.0.3
info: { title: Events, version: "1" }
paths:
  /events:
    get:
      operationId: events.list
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Event" } } } }
  /notes:
    get:
      operationId: notes.get
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Note" } } } }
components:
  schemas:
    Event:
      oneOf: [{ $ref: "#/components/schemas/Push" }, { $ref: "#/components/schemas/Star" }]
      discriminator: { propertyName: kind, mapping: { push: "#/components/schemas/Push", star: "#/components/schemas/Star" } }
    Push:
      type: object
      required: [kind]
      properties: { kind: { type: string }, ref: { type: string } }
    Star:
      type: object
      required: [kind]
      properties: { kind: { type: string } }
    Note:
      type: object
      properties: { text: { type: string } }
"##;
    let mut config = Config::new("events");
    config.group_features_from = 1;
    let g = generate(spec, &config).unwrap_or_else(|e| panic!("refused:\n{e}"));
    let models = file(&g, "src/models.rs");
    assert_eq!(serde_impl(models, "serialize", "Push"), Some(Always));
    assert_eq!(serde_impl(models, "deserialize", "Push"), Some(Always));
    assert_eq!(serde_impl(models, "serialize", "Note"), Some(Roundtrip));
    assert_eq!(serde_impl(models, "deserialize", "Note"), Some(Always));
}

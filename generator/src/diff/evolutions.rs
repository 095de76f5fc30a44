//! Spec evolutions of `spec/userplane.yaml`, each with the level the report gives it: the diff's
//! unit tests check the levels, and `cargo xtask semver-oracle` checks them against
//! cargo-semver-checks on the two generated crates.

use super::Level;
use serde_json::{json, Value};

/// One edit a spec author might make.
pub struct Evolution {
    pub name: &'static str,
    /// The level the generated crate's version must move by.
    pub level: Level,
    apply: fn(&mut Value) -> Result<(), String>,
}

impl Evolution {
    /// The evolved spec, as JSON text (the loader reads JSON and YAML alike).
    pub fn apply(&self, spec_text: &str) -> Result<String, String> {
        let mut spec = crate::load::parse_text(spec_text)
            .map_err(|d| d.to_string())?
            .value;
        (self.apply)(&mut spec).map_err(|e| format!("{}: {e}", self.name))?;
        Ok(serde_json::to_string_pretty(&spec).expect("a JSON value serialises"))
    }
}

const PATH: &str = "/paths/~1public~1workspace~1{workspaceId}~1links~1{linkId}";
const PUT: &str = "/paths/~1public~1workspace~1{workspaceId}~1links~1{linkId}/put";
const REQUEST: &str = "/requestBody/content/application~1json/schema";
const LINK: &str =
    "/responses/200/content/application~1json/schema/properties/data/properties/link";

type Map = serde_json::Map<String, Value>;

fn at<'a>(spec: &'a mut Value, pointer: &str) -> Result<&'a mut Value, String> {
    spec.pointer_mut(pointer)
        .ok_or_else(|| format!("the spec has no {pointer}"))
}

fn put<'a>(spec: &'a mut Value, pointer: &str) -> Result<&'a mut Value, String> {
    at(spec, &format!("{PUT}{pointer}"))
}

fn object<'a>(spec: &'a mut Value, pointer: &str) -> Result<&'a mut Map, String> {
    at(spec, pointer)?
        .as_object_mut()
        .ok_or_else(|| format!("{pointer} is not an object"))
}

fn array<'a>(spec: &'a mut Value, pointer: &str) -> Result<&'a mut Vec<Value>, String> {
    at(spec, pointer)?
        .as_array_mut()
        .ok_or_else(|| format!("{pointer} is not an array"))
}

/// The members of the 404 response's `oneOf`, one per error code.
fn not_found_members(spec: &mut Value) -> Result<&mut Vec<Value>, String> {
    array(
        spec,
        &format!("{PUT}/responses/404/content/application~1json/schema/oneOf"),
    )
}

pub fn all() -> Vec<Evolution> {
    vec![
        Evolution {
            name: "new operation (a GET on the same path)",
            level: Level::Minor,
            apply: |spec| {
                let mut get = object(spec, PUT)?.clone();
                get.remove("requestBody");
                get.insert("operationId".into(), json!("links.get"));
                get.insert("summary".into(), json!("Get recording link"));
                get.insert("description".into(), json!("One recording link"));
                object(spec, PATH)?.insert("get".into(), Value::Object(get));
                Ok(())
            },
        },
        Evolution {
            name: "new optional request property",
            level: Level::Minor,
            apply: |spec| {
                object(spec, &format!("{PUT}{REQUEST}/properties"))?.insert(
                    "linkNote".into(),
                    json!({"type": "string", "maxLength": 500}),
                );
                Ok(())
            },
        },
        Evolution {
            name: "new response property",
            level: Level::Minor,
            apply: |spec| {
                object(spec, &format!("{PUT}{LINK}/properties"))?
                    .insert("linkViews".into(), json!({"type": "integer"}));
                array(spec, &format!("{PUT}{LINK}/required"))?.push(json!("linkViews"));
                Ok(())
            },
        },
        Evolution {
            name: "new enum value",
            level: Level::Minor,
            apply: |spec| {
                // The request's and the response's provider enums are one type; both gain it.
                for schema in [REQUEST, LINK] {
                    array(
                        spec,
                        &format!("{PUT}{schema}/properties/linkProviderType/enum"),
                    )?
                    .push(json!("discord"));
                }
                Ok(())
            },
        },
        Evolution {
            name: "new error code at a declared status",
            level: Level::Minor,
            apply: |spec| {
                let members = not_found_members(spec)?;
                let mut member = members.first().cloned().ok_or("404 has no members")?;
                member["properties"]["code"] = json!({"const": "PROJECT_NOT_FOUND"});
                members.insert(1, member);
                Ok(())
            },
        },
        Evolution {
            name: "new error status",
            level: Level::Minor,
            apply: |spec| {
                let conflict = json!({
                    "description": "409",
                    "content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                        "required": ["code", "message"],
                    }}},
                });
                object(spec, &format!("{PUT}/responses"))?.insert("409".into(), conflict);
                Ok(())
            },
        },
        Evolution {
            name: "new optional query parameter",
            level: Level::Minor,
            apply: |spec| {
                array(spec, &format!("{PUT}/parameters"))?.push(json!({
                    "name": "dryRun",
                    "in": "query",
                    "required": false,
                    "schema": {"type": "boolean"},
                }));
                Ok(())
            },
        },
        Evolution {
            name: "operation removed",
            level: Level::Major,
            apply: |spec| {
                object(spec, PATH)?.remove("put");
                Ok(())
            },
        },
        Evolution {
            name: "error code removed",
            level: Level::Major,
            apply: |spec| {
                not_found_members(spec)?
                    .retain(|m| m["properties"]["code"]["const"] != "LINK_NOT_FOUND");
                Ok(())
            },
        },
        Evolution {
            name: "optional request property made required",
            level: Level::Major,
            apply: |spec| {
                object(spec, &format!("{PUT}{REQUEST}"))?
                    .insert("required".into(), json!(["linkReusable"]));
                Ok(())
            },
        },
        Evolution {
            name: "property type changed",
            level: Level::Major,
            apply: |spec| {
                *put(spec, &format!("{REQUEST}/properties/linkReusable"))? =
                    json!({"type": "string"});
                Ok(())
            },
        },
        Evolution {
            name: "schema renamed (inline `domain` moved to components as `LinkDomain`)",
            level: Level::Major,
            apply: |spec| {
                let domain = std::mem::replace(
                    put(spec, &format!("{LINK}/properties/domain"))?,
                    json!({"$ref": "#/components/schemas/LinkDomain"}),
                );
                object(spec, "/components")?
                    .insert("schemas".into(), json!({"LinkDomain": domain}));
                Ok(())
            },
        },
        Evolution {
            name: "description-only change",
            level: Level::Patch,
            apply: |spec| {
                object(spec, PUT)?.insert(
                    "description".into(),
                    json!("Update a recording link's title, provider and metadata"),
                );
                Ok(())
            },
        },
    ]
}

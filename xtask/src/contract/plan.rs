//! The harness's plan, read from the spec as JSON: for every operation, one request Prism accepts
//! (arguments from the spec's examples and defaults, else the smallest value the schema allows,
//! credentials for the first security requirement), and its declared statuses, each with a sample
//! body the fuzzer mutates.

use serde::Serialize;
use serde_json::{json, Map, Value};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How deep a sample value nests before the sampler gives up on optional depth (a recursive
/// schema's required fields still end somewhere in real specs; this bounds the ones that do not).
const MAX_DEPTH: usize = 12;

#[derive(Serialize)]
pub struct Plan {
    pub operations: Vec<PlannedOperation>,
}

#[derive(Serialize)]
pub struct PlannedOperation {
    /// `METHOD /path/{template}`, the key of the generated `contract_decoders()`.
    pub key: String,
    pub method: String,
    /// The path with its parameters filled in and percent-encoded.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
    /// The body as sent: JSON text, form text or plain text.
    pub body: Option<String>,
    pub responses: Vec<PlannedResponse>,
}

#[derive(Serialize)]
pub struct PlannedResponse {
    /// As declared (`200`, `4XX`, `default`).
    pub declared: String,
    /// The status asked of Prism (`Prefer: code=N`) and tried first by the fuzzer.
    pub status: u16,
    /// A JSON body the schema allows, if the response declares a JSON schema.
    pub sample: Option<Value>,
}

/// The plan for `spec` (already parsed to JSON). Operations whose responses are all 1xx are left
/// out: reqwest cannot receive those.
pub fn plan(spec: &Value) -> Plan {
    let sampler = Sampler { spec };
    let mut operations = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return Plan { operations };
    };
    for (template, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let item = sampler.deref_object(item);
        for method in METHODS {
            let Some(op) = item.get(*method).and_then(Value::as_object) else {
                continue;
            };
            if let Some(planned) = sampler.operation(template, method, &item, op) {
                operations.push(planned);
            }
        }
    }
    Plan { operations }
}

struct Sampler<'a> {
    spec: &'a Value,
}

impl<'a> Sampler<'a> {
    /// Follows `$ref`s within the document (a few hops at most).
    fn deref(&self, mut value: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(pointer) = value.get("$ref").and_then(Value::as_str) else {
                break;
            };
            match pointer
                .strip_prefix('#')
                .and_then(|p| self.spec.pointer(&decode_pointer(p)))
            {
                Some(target) => value = target,
                None => break,
            }
        }
        value
    }

    fn deref_object(&self, object: &'a Map<String, Value>) -> Map<String, Value> {
        match object.get("$ref") {
            Some(_) => self
                .deref(&Value::Object(object.clone()))
                .as_object()
                .cloned()
                .unwrap_or_default(),
            None => object.clone(),
        }
    }

    fn operation(
        &self,
        template: &str,
        method: &str,
        item: &Map<String, Value>,
        op: &Map<String, Value>,
    ) -> Option<PlannedOperation> {
        let mut path = template.to_owned();
        let mut query = Vec::new();
        let mut headers = Vec::new();
        let mut cookies = Vec::new();
        let params = item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .chain(op.get("parameters").and_then(Value::as_array))
            .flatten()
            .map(|p| self.deref(p));
        for param in params {
            let name = param.get("name").and_then(Value::as_str).unwrap_or("");
            let location = param.get("in").and_then(Value::as_str).unwrap_or("");
            let required = param.get("required").and_then(Value::as_bool) == Some(true);
            if location != "path" && !required {
                continue;
            }
            let value = self.param_value(param);
            match location {
                "path" => {
                    let text = encode_segment(&plain_text(&value));
                    path = path.replace(&format!("{{{name}}}"), &text);
                }
                "query" => match &value {
                    Value::Array(items) => {
                        query.extend(items.iter().map(|v| (name.to_owned(), plain_text(v))))
                    }
                    Value::Object(fields) => query.extend(
                        fields
                            .iter()
                            .map(|(k, v)| (k.clone(), plain_text(v)))
                            .collect::<Vec<_>>(),
                    ),
                    _ => query.push((name.to_owned(), plain_text(&value))),
                },
                "header" => headers.push((name.to_owned(), plain_text(&value))),
                "cookie" => cookies.push(format!("{name}={}", plain_text(&value))),
                _ => {}
            }
        }
        // A placeholder no parameter declares (a spec defect the generator repairs) gets a value too.
        while let (Some(open), Some(close)) = (path.find('{'), path.find('}')) {
            if close < open {
                break;
            }
            path.replace_range(open..=close, "a");
        }
        self.credentials(op, &mut headers, &mut query, &mut cookies);
        if !cookies.is_empty() {
            headers.push(("cookie".into(), cookies.join("; ")));
        }
        let (content_type, body) = self.request_body(op);
        let responses = self.responses(op);
        if responses.is_empty() {
            return None;
        }
        Some(PlannedOperation {
            key: format!("{} {template}", method.to_ascii_uppercase()),
            method: method.to_ascii_uppercase(),
            path,
            query,
            headers,
            content_type,
            body,
            responses,
        })
    }

    fn param_value(&self, param: &Value) -> Value {
        if let Some(example) = param.get("example") {
            return example.clone();
        }
        if let Some(first) = param
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|e| e.values().next())
            .and_then(|e| self.deref(e).get("value"))
        {
            return first.clone();
        }
        match param.get("schema") {
            Some(schema) => self.sample(schema, 0),
            None => json!("a"),
        }
    }

    /// Credentials for the first security requirement (the operation's, else the document's).
    fn credentials(
        &self,
        op: &Map<String, Value>,
        headers: &mut Vec<(String, String)>,
        query: &mut Vec<(String, String)>,
        cookies: &mut Vec<String>,
    ) {
        let requirement = op
            .get("security")
            .or_else(|| self.spec.get("security"))
            .and_then(Value::as_array)
            .and_then(|r| r.first())
            .and_then(Value::as_object);
        let schemes = self.spec.pointer("/components/securitySchemes");
        for name in requirement.into_iter().flat_map(|r| r.keys()) {
            let Some(scheme) = schemes.and_then(|s| s.get(name)).map(|s| self.deref(s)) else {
                continue;
            };
            let field = |key: &str| scheme.get(key).and_then(Value::as_str).unwrap_or("");
            match (field("type"), field("scheme").to_ascii_lowercase().as_str()) {
                ("apiKey", _) => match field("in") {
                    "query" => query.push((field("name").into(), "contract-key".into())),
                    "cookie" => cookies.push(format!("{}=contract-key", field("name"))),
                    _ => headers.push((field("name").into(), "contract-key".into())),
                },
                ("http", "basic") => {
                    headers.push(("authorization".into(), "Basic dXNlcjpwYXNz".into()))
                }
                _ => headers.push(("authorization".into(), "Bearer contract-token".into())),
            }
        }
    }

    /// The body for a required or optional request body: JSON, a flat form, or text.
    fn request_body(&self, op: &Map<String, Value>) -> (Option<String>, Option<String>) {
        let Some(body) = op.get("requestBody").map(|b| self.deref(b)) else {
            return (None, None);
        };
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            return (None, None);
        };
        let pick = content
            .iter()
            .find(|(media, _)| is_json(media))
            .or_else(|| content.iter().next());
        let Some((media, media_object)) = pick else {
            return (None, None);
        };
        let value = match media_object.get("example") {
            Some(example) => example.clone(),
            None => match media_object.get("schema") {
                Some(schema) => self.sample(schema, 0),
                None => json!({}),
            },
        };
        let text = if is_json(media) {
            value.to_string()
        } else if media.starts_with("application/x-www-form-urlencoded") {
            value
                .as_object()
                .map(|fields| {
                    fields
                        .iter()
                        .map(|(k, v)| {
                            format!("{}={}", encode_segment(k), encode_segment(&plain_text(v)))
                        })
                        .collect::<Vec<_>>()
                        .join("&")
                })
                .unwrap_or_default()
        } else {
            plain_text(&value)
        };
        (Some(media.clone()), Some(text))
    }

    fn responses(&self, op: &Map<String, Value>) -> Vec<PlannedResponse> {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            return Vec::new();
        };
        let declared: Vec<u16> = responses.keys().filter_map(|k| k.parse().ok()).collect();
        let mut out = Vec::new();
        for (key, response) in responses {
            let status = match key.to_ascii_uppercase().as_str() {
                "DEFAULT" => (500..600).find(|s| !declared.contains(s)).unwrap_or(599),
                range if range.len() == 3 && range.ends_with("XX") => {
                    let Some(class) = range[..1].parse::<u16>().ok() else {
                        continue;
                    };
                    (class * 100..class * 100 + 100)
                        .find(|s| !declared.contains(s))
                        .unwrap_or(class * 100)
                }
                exact => match exact.parse::<u16>() {
                    Ok(status) => status,
                    Err(_) => continue,
                },
            };
            if status < 200 {
                continue;
            }
            let response = self.deref(response);
            let sample = response
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.iter().find(|(media, _)| is_json(media)))
                .and_then(|(_, media)| match media.get("example") {
                    Some(example) => Some(example.clone()),
                    None => media.get("schema").map(|s| self.sample(s, 0)),
                });
            out.push(PlannedResponse {
                declared: key.clone(),
                status,
                sample,
            });
        }
        out
    }

    /// A value `schema` allows: its example, default, const or first enum value, else the
    /// smallest value of its type (required properties only, `minItems` items).
    fn sample(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.deref(schema);
        let Some(object) = schema.as_object() else {
            return Value::Null;
        };
        for key in ["example", "default", "const"] {
            if let Some(value) = object.get(key) {
                return value.clone();
            }
        }
        if let Some(first) = object
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        if let Some(first) = object
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()).or(e.first()))
        {
            return first.clone();
        }
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                match self.sample(part, depth + 1) {
                    Value::Object(fields) => merged.extend(fields),
                    other if parts.len() == 1 => return other,
                    _ => {}
                }
            }
            if let Some(Value::Object(own)) = self.object_sample(object, depth) {
                merged.extend(own);
            }
            return Value::Object(merged);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(choices) = object.get(key).and_then(Value::as_array) {
                let choice = choices
                    .iter()
                    .find(|c| self.deref(c).get("type").and_then(Value::as_str) != Some("null"))
                    .or(choices.first());
                if let Some(choice) = choice {
                    return self.sample(choice, depth + 1);
                }
            }
        }
        let ty = match object.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ if object.contains_key("properties") => "object",
            _ if object.contains_key("items") => "array",
            _ => "string",
        };
        match ty {
            "object" => self.object_sample(object, depth).unwrap_or(json!({})),
            "array" => {
                let count = object.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let item = object
                    .get("items")
                    .map(|i| self.sample(i, depth + 1))
                    .unwrap_or(json!("a"));
                Value::Array(vec![item; count.min(4) as usize])
            }
            "integer" | "number" => number_sample(object, ty == "integer"),
            "boolean" => json!(true),
            "null" => Value::Null,
            _ => string_sample(object),
        }
    }

    fn object_sample(&self, object: &Map<String, Value>, depth: usize) -> Option<Value> {
        let properties = object.get("properties")?.as_object()?;
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let fields = properties
            .iter()
            .filter(|(name, _)| required.contains(&name.as_str()))
            .map(|(name, schema)| (name.clone(), self.sample(schema, depth + 1)))
            .collect();
        Some(Value::Object(fields))
    }
}

fn number_sample(object: &Map<String, Value>, integer: bool) -> Value {
    let bound = |key: &str| object.get(key).and_then(Value::as_f64);
    let exclusive_min = match object.get("exclusiveMinimum") {
        Some(Value::Bool(true)) => bound("minimum"),
        Some(Value::Number(n)) => n.as_f64(),
        _ => None,
    };
    let mut value = match (bound("minimum"), exclusive_min) {
        (_, Some(low)) => low + if integer { 1.0 } else { 0.5 },
        (Some(low), None) => low,
        (None, None) => match bound("maximum") {
            Some(high) if high < 1.0 => high,
            _ => 1.0,
        },
    };
    if let Some(step) = bound("multipleOf").filter(|s| *s > 0.0) {
        value = (value / step).ceil() * step;
    }
    if integer {
        json!(value.ceil() as i64)
    } else {
        json!(value)
    }
}

fn string_sample(object: &Map<String, Value>) -> Value {
    let format = object.get("format").and_then(Value::as_str).unwrap_or("");
    let text = match format {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05Z",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" => "someone@example.com",
        "uri" | "url" | "iri" => "https://example.com/a",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "YWJj",
        "duration" => "P1D",
        _ => "a",
    };
    let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let mut text = text.to_owned();
    while text.chars().count() < min {
        text.push('a');
    }
    json!(text)
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

/// A parameter value as the `simple`/`form` styles write a scalar (arrays comma-joined).
fn plain_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(plain_text).collect::<Vec<_>>().join(","),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k},{}", plain_text(v)))
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_segment(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A `$ref` fragment as a JSON pointer (percent-decoded; invalid escapes kept as written).
fn decode_pointer(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(spec: Value) -> PlannedOperation {
        plan(&spec)
            .operations
            .into_iter()
            .next()
            .expect("one operation")
    }

    #[test]
    fn path_query_header_and_body_come_from_examples_defaults_and_minimal_values() {
        let op = one(json!({
            "paths": {"/things/{id}": {"post": {
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "example": "a b"},
                    {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 5}},
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "x-mode", "in": "header", "required": true, "schema": {"$ref": "#/components/schemas/Mode"}}
                ],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "required": ["name", "tags"],
                    "properties": {"name": {"type": "string", "minLength": 3}, "tags": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "uuid"}}, "note": {"type": "string"}}
                }}}},
                "responses": {"201": {"content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "integer", "default": 7}}, "required": ["id"]}}}}, "4XX": {}, "default": {}}
            }}},
            "components": {"schemas": {"Mode": {"type": "string", "enum": ["fast", "slow"]}}}
        }));
        assert_eq!(op.key, "POST /things/{id}");
        assert_eq!(op.path, "/things/a%20b");
        assert_eq!(op.query, vec![("limit".to_owned(), "5".to_owned())]);
        assert_eq!(op.headers, vec![("x-mode".to_owned(), "fast".to_owned())]);
        let body: Value = serde_json::from_str(op.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"name": "aaa", "tags": ["3fa85f64-5717-4562-b3fc-2c963f66afa6"]})
        );
        let statuses: Vec<(&str, u16)> = op
            .responses
            .iter()
            .map(|r| (r.declared.as_str(), r.status))
            .collect();
        assert_eq!(statuses, vec![("201", 201), ("4XX", 400), ("default", 500)]);
        assert_eq!(op.responses[0].sample, Some(json!({"id": 7})));
    }

    #[test]
    fn credentials_follow_the_first_security_requirement() {
        let op = one(json!({
            "security": [{"key": []}, {"bearer": []}],
            "paths": {"/a": {"get": {"responses": {"200": {}}}}},
            "components": {"securitySchemes": {
                "key": {"type": "apiKey", "in": "query", "name": "api_key"},
                "bearer": {"type": "http", "scheme": "bearer"}
            }}
        }));
        assert_eq!(
            op.query,
            vec![("api_key".to_owned(), "contract-key".to_owned())]
        );
        assert!(op.headers.is_empty());
    }
}

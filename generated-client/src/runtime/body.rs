//! Request bodies: JSON, text, raw bytes, `application/x-www-form-urlencoded` and
//! `multipart/form-data`, each encoded once so that retries resend the same bytes.

use std::fmt;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::HeaderValue;
use serde::Serialize;

use super::error::InvalidRequest;
use super::validate::check_header_value;

/// `application/x-www-form-urlencoded` byte set (the space is turned into `+` separately).
const FORM_URLENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// A request body. It is owned data, so it can be sent again on every retry.
#[derive(Clone, Default)]
pub enum RequestBody {
    /// No body.
    #[default]
    None,
    /// Serialized JSON (`application/json`).
    Json(Vec<u8>),
    /// Plain text (`text/plain; charset=utf-8`).
    Text(String),
    /// Raw bytes with their media type.
    Bytes {
        /// The body.
        data: Bytes,
        /// Its `Content-Type`.
        content_type: String,
    },
    /// `application/x-www-form-urlencoded` fields.
    Form(Vec<(String, String)>),
    /// `multipart/form-data` fields.
    Multipart(Vec<MultipartField>),
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may hold secrets: show only their kind and size.
        match self {
            Self::None => f.write_str("None"),
            Self::Json(data) => write!(f, "Json({} bytes)", data.len()),
            Self::Text(text) => write!(f, "Text({} bytes)", text.len()),
            Self::Bytes { data, content_type } => {
                write!(f, "Bytes({} bytes, {content_type})", data.len())
            }
            Self::Form(fields) => write!(f, "Form({} fields)", fields.len()),
            Self::Multipart(fields) => write!(f, "Multipart({} fields)", fields.len()),
        }
    }
}

impl RequestBody {
    /// Serializes `value` as JSON.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, InvalidRequest> {
        serde_json::to_vec(value)
            .map(Self::Json)
            .map_err(|e| InvalidRequest::new("body", format!("cannot be serialized as JSON: {e}")))
    }

    /// Encodes the body once; retries reuse the bytes.
    pub(super) fn encode(self) -> Result<Option<(Bytes, HeaderValue)>, InvalidRequest> {
        let content_type = |ct: &str| {
            HeaderValue::from_str(ct).map_err(|_| {
                InvalidRequest::new(
                    "content-type",
                    "contains characters not allowed in a header",
                )
            })
        };
        Ok(Some(match self {
            Self::None => return Ok(None),
            Self::Json(data) => (
                Bytes::from(data),
                HeaderValue::from_static("application/json"),
            ),
            Self::Text(text) => (
                Bytes::from(text),
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            Self::Bytes {
                data,
                content_type: ct,
            } => (data, content_type(&ct)?),
            Self::Form(fields) => (
                Bytes::from(form_urlencode(&fields)),
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            ),
            Self::Multipart(fields) => {
                let (data, ct) = encode_multipart(&fields)?;
                (data, content_type(&ct)?)
            }
        }))
    }
}

/// One field of a `multipart/form-data` body.
#[derive(Clone)]
pub struct MultipartField {
    /// The field name.
    pub name: String,
    /// The field content.
    pub data: Bytes,
    /// The file name, for file uploads.
    pub file_name: Option<String>,
    /// The part's `Content-Type` (file parts default to `application/octet-stream`).
    pub content_type: Option<String>,
}

impl fmt::Debug for MultipartField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultipartField")
            .field("name", &self.name)
            .field("data", &format_args!("{} bytes", self.data.len()))
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl MultipartField {
    /// A text field.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            data: Bytes::from(value.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// A file field.
    pub fn file(
        name: impl Into<String>,
        file_name: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        Self {
            name: name.into(),
            data: data.into(),
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// Sets the part's `Content-Type`.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

/// Quotes a multipart name or file name as browsers do (WHATWG HTML: `"`, CR and LF
/// percent-encoded).
fn push_quoted(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    for b in value.bytes() {
        match b {
            b'"' => out.extend_from_slice(b"%22"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'\n' => out.extend_from_slice(b"%0A"),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

fn encode_multipart(fields: &[MultipartField]) -> Result<(Bytes, String), InvalidRequest> {
    let boundary = format!(
        "----rust-client-boundary-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    );
    let size: usize = fields
        .iter()
        .map(|f| f.data.len() + f.name.len() + 128)
        .sum();
    let mut out = Vec::with_capacity(size + boundary.len() * (fields.len() + 1));
    for field in fields {
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=");
        push_quoted(&mut out, &field.name);
        if let Some(file_name) = &field.file_name {
            out.extend_from_slice(b"; filename=");
            push_quoted(&mut out, file_name);
        }
        out.extend_from_slice(b"\r\n");
        let content_type = field
            .content_type
            .as_deref()
            .or(field.file_name.as_ref().map(|_| "application/octet-stream"));
        if let Some(ct) = content_type {
            check_header_value(&format!("{}.content_type", field.name), ct)?;
            out.extend_from_slice(b"Content-Type: ");
            out.extend_from_slice(ct.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&field.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    Ok((
        Bytes::from(out),
        format!("multipart/form-data; boundary={boundary}"),
    ))
}

fn form_urlencode_into(out: &mut String, value: &str) {
    for chunk in utf8_percent_encode(value, FORM_URLENCODED) {
        out.push_str(if chunk == "%20" { "+" } else { chunk });
    }
}

fn form_urlencode(fields: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_urlencode_into(&mut out, name);
        out.push('=');
        form_urlencode_into(&mut out, value);
    }
    out
}

impl RequestBody {
    /// An `application/x-www-form-urlencoded` body from any serialisable struct or map: strings as
    /// they are, other scalars as JSON text, arrays as repeated keys, nested objects as JSON.
    pub fn form<T: Serialize + ?Sized>(value: &T) -> Result<Self, InvalidRequest> {
        let json = serde_json::to_value(value)
            .map_err(|e| InvalidRequest::new("body", format!("cannot be serialised: {e}")))?;
        let serde_json::Value::Object(map) = json else {
            return Err(InvalidRequest::new("body", "a form body must be an object"));
        };
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut fields = Vec::with_capacity(map.len());
        for (key, value) in &map {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => {
                    fields.extend(items.iter().map(|item| (key.clone(), text(item))));
                }
                other => fields.push((key.clone(), text(other))),
            }
        }
        Ok(Self::Form(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding() {
        let fields = vec![
            ("a b".to_owned(), "x&y=z~*".to_owned()),
            ("é".to_owned(), String::new()),
        ];
        assert_eq!(form_urlencode(&fields), "a+b=x%26y%3Dz%7E*&%C3%A9=");
    }

    #[test]
    fn multipart_encoding() {
        let fields = vec![
            MultipartField::text("title", "hi"),
            MultipartField::file("file", "a\"b.txt", Bytes::from_static(b"data"))
                .content_type("text/plain"),
        ];
        let (body, content_type) = encode_multipart(&fields).unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhi\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"a%22b.txt\"\r\n\
             Content-Type: text/plain\r\n\r\ndata\r\n--{boundary}--\r\n"
        );
        assert_eq!(std::str::from_utf8(&body).unwrap(), expected);
        // A name cannot end the header line or the quoted string: CR, LF and `"` are escaped.
        let mut quoted = Vec::new();
        push_quoted(&mut quoted, "a\r\nb\"c");
        assert_eq!(quoted, b"\"a%0D%0Ab%22c\"");
        let bad = vec![MultipartField::text("x", "y").content_type("text/plain\r\nX: y")];
        assert!(encode_multipart(&bad).is_err());
    }
}

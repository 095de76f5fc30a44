//! Request bodies: JSON, text, raw bytes, `application/x-www-form-urlencoded` and
//! `multipart/form-data`. Bodies in memory are encoded once so that retries resend the same
//! bytes; a multipart body is encoded by reqwest's `multipart` module for each attempt (it streams
//! file parts rather than copying them into one buffer); a streamed [`Upload`] is sent once.

use std::fmt;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::HeaderValue;
use serde::Serialize;

use super::error::InvalidRequest;
use super::upload::Upload;
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
    /// Raw bytes (in memory or streamed) with their media type.
    Bytes {
        /// The body.
        data: Upload,
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
            Self::Bytes { data, content_type } => write!(f, "Bytes({data:?}, {content_type})"),
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

    /// Encodes the body once (retries reuse the bytes), or checks what is encoded per attempt.
    pub(super) fn encode(self) -> Result<Option<EncodedBody>, InvalidRequest> {
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
            Self::Json(data) => EncodedBody::Bytes(
                Bytes::from(data),
                HeaderValue::from_static("application/json"),
            ),
            Self::Text(text) => EncodedBody::Bytes(
                Bytes::from(text),
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            Self::Bytes {
                data,
                content_type: declared,
            } => {
                if data.is_spent() {
                    return Err(spent("body"));
                }
                let ct = content_type(data.content_type.as_deref().unwrap_or(&declared))?;
                EncodedBody::Upload(data, ct)
            }
            Self::Form(fields) => EncodedBody::Bytes(
                Bytes::from(form_urlencode(&fields)),
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            ),
            Self::Multipart(fields) => {
                // Checked here, before anything is sent; the form is built for each attempt.
                for field in &fields {
                    field.part_content_type()?;
                    if field.data.is_spent() {
                        return Err(spent(&field.name));
                    }
                }
                EncodedBody::Multipart(fields)
            }
        }))
    }
}

/// A streamed upload that an earlier request has already read: reusing it would send nothing.
fn spent(field: &str) -> InvalidRequest {
    InvalidRequest::new(
        field,
        "is a stream an earlier request has already sent (a stream is read once)",
    )
}

/// A body ready to send: bytes and their type, an upload and its type, or multipart fields.
pub(super) enum EncodedBody {
    Bytes(Bytes, HeaderValue),
    Upload(Upload, HeaderValue),
    Multipart(Vec<MultipartField>),
}

/// One field of a `multipart/form-data` body.
#[derive(Clone)]
pub struct MultipartField {
    /// The field name.
    pub name: String,
    /// The field content (a file part may be a stream).
    pub data: Upload,
    /// The file name, for file uploads.
    pub file_name: Option<String>,
    /// The part's `Content-Type` (file parts default to `application/octet-stream`).
    pub content_type: Option<String>,
}

impl fmt::Debug for MultipartField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultipartField")
            .field("name", &self.name)
            .field("data", &self.data)
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
            data: Upload::from(value.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// A file field: bytes in memory, or an [`Upload::stream`] read as it is sent.
    pub fn file(
        name: impl Into<String>,
        file_name: impl Into<String>,
        data: impl Into<Upload>,
    ) -> Self {
        let data = data.into();
        Self {
            name: name.into(),
            content_type: data.content_type.clone(),
            data,
            file_name: Some(file_name.into()),
        }
    }

    /// A file field labelled as the upload says ([`Upload::file_name`], by default the field's
    /// name; [`Upload::content_type`], by default `application/octet-stream`).
    pub fn upload(name: impl Into<String>, data: impl Into<Upload>) -> Self {
        let name = name.into();
        let data = data.into();
        Self {
            file_name: Some(data.file_name.clone().unwrap_or_else(|| name.clone())),
            content_type: data.content_type.clone(),
            name,
            data,
        }
    }

    /// The part's `Content-Type` (file parts default to `application/octet-stream`), checked.
    fn part_content_type(&self) -> Result<Option<&str>, InvalidRequest> {
        let content_type = self
            .content_type
            .as_deref()
            .or(self.file_name.as_ref().map(|_| "application/octet-stream"));
        if let Some(ct) = content_type {
            check_header_value(&format!("{}.content_type", self.name), ct)?;
            reqwest::multipart::Part::bytes(&[][..])
                .mime_str(ct)
                .map_err(|_| self.bad_content_type())?;
        }
        Ok(content_type)
    }

    fn bad_content_type(&self) -> InvalidRequest {
        InvalidRequest::new(format!("{}.content_type", self.name), "is not a media type")
    }

    /// Sets the part's `Content-Type`.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Sets the part's `Content-Type` unless it has one: the type the spec's `encoding` gives a
    /// file part yields to the upload's own [`Upload::content_type`].
    #[must_use]
    pub fn or_content_type(mut self, content_type: impl Into<String>) -> Self {
        if self.content_type.is_none() {
            self.content_type = Some(content_type.into());
        }
        self
    }
}

/// The multipart form of one attempt, built by reqwest (which chooses the boundary and quotes
/// names and file names), or `None` when a streamed part was already sent by an earlier attempt.
/// An invalid part content type is an error.
pub(super) fn multipart_form(
    fields: &[MultipartField],
) -> Result<Option<reqwest::multipart::Form>, InvalidRequest> {
    let mut form = reqwest::multipart::Form::new();
    for field in fields {
        let Some(body) = field.data.take_body() else {
            return Ok(None);
        };
        let mut part = match field.data.len() {
            Some(len) => reqwest::multipart::Part::stream_with_length(body, len),
            None => reqwest::multipart::Part::stream(body),
        };
        if let Some(file_name) = &field.file_name {
            part = part.file_name(file_name.clone());
        }
        if let Some(ct) = field.part_content_type()? {
            part = part.mime_str(ct).map_err(|_| field.bad_content_type())?;
        }
        form = form.part(field.name.clone(), part);
    }
    Ok(Some(form))
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
    fn a_form_body_holds_each_field_as_text_and_its_debug_shows_no_value() {
        let body = RequestBody::form(&serde_json::json!({"token": "s3cret", "n": 2})).unwrap();
        match &body {
            RequestBody::Form(fields) => {
                // Field order follows the map's: sorted, or insertion order where another crate
                // of the build turns on serde_json's `preserve_order`.
                let mut fields = fields.clone();
                fields.sort();
                assert_eq!(
                    fields,
                    vec![
                        ("n".to_owned(), "2".to_owned()),
                        ("token".to_owned(), "s3cret".to_owned())
                    ]
                )
            }
            other => panic!("expected a form, got {other:?}"),
        }
        assert_eq!(format!("{body:?}"), "Form(2 fields)");
        let json = RequestBody::json(&serde_json::json!({"password": "s3cret"})).unwrap();
        assert_eq!(format!("{json:?}"), "Json(21 bytes)");
        assert!(RequestBody::form(&[1, 2]).is_err());
    }

    #[test]
    fn form_encoding() {
        let fields = vec![
            ("a b".to_owned(), "x&y=z~*".to_owned()),
            ("é".to_owned(), String::new()),
        ];
        assert_eq!(form_urlencode(&fields), "a+b=x%26y%3Dz%7E*&%C3%A9=");
    }

    #[test]
    fn an_upload_labels_its_part_and_a_spent_stream_is_refused_before_sending() {
        let plain = MultipartField::upload("file", Bytes::from_static(b"x"));
        assert_eq!(plain.file_name.as_deref(), Some("file"));
        assert_eq!(
            plain.part_content_type().unwrap(),
            Some("application/octet-stream")
        );
        let labelled = Upload::from("a,b")
            .file_name("report.csv")
            .content_type("text/csv");
        let part = MultipartField::upload("file", labelled.clone()).or_content_type("image/png");
        assert_eq!(part.file_name.as_deref(), Some("report.csv"));
        assert_eq!(part.part_content_type().unwrap(), Some("text/csv"));
        let spec_typed = MultipartField::upload("file", "x").or_content_type("image/png");
        assert_eq!(spec_typed.part_content_type().unwrap(), Some("image/png"));
        let body = RequestBody::Bytes {
            data: labelled,
            content_type: "application/octet-stream".to_owned(),
        };
        match body.encode() {
            Ok(Some(EncodedBody::Upload(_, ct))) => assert_eq!(ct, "text/csv"),
            _ => panic!("expected an upload body"),
        }

        let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from("ab"))]);
        let stream = Upload::stream(chunks);
        assert!(stream.take_body().is_some(), "sent by a first request");
        let fields = vec![MultipartField::upload("doc", stream.clone())];
        let err = RequestBody::Multipart(fields).encode().err().unwrap();
        assert!(err.to_string().contains("doc"), "{err}");
        let body = RequestBody::Bytes {
            data: stream,
            content_type: "application/octet-stream".to_owned(),
        };
        assert!(body.encode().is_err());
    }

    #[test]
    fn multipart_part_types_are_checked_before_sending() {
        let ok = vec![
            MultipartField::text("title", "hi"),
            MultipartField::file("file", "a.txt", Bytes::from_static(b"data"))
                .content_type("text/plain"),
        ];
        assert!(multipart_form(&ok).unwrap().is_some());
        assert!(RequestBody::Multipart(ok).encode().is_ok());
        for bad in ["text/plain\r\nX: y", "not a media type"] {
            let fields = vec![MultipartField::text("x", "y").content_type(bad)];
            let err = RequestBody::Multipart(fields).encode().err().unwrap();
            assert!(err.to_string().contains("x.content_type"), "{err}");
        }
    }
}

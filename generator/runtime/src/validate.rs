//! Client-side validation of the constraints the API description declares: the [`Validate`]
//! trait and the `check_*` functions generated `Validate` impls call.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderValue;

use super::error::InvalidRequest;
use super::nullable::Nullable;

/// Client-side validation of the constraints in the API description.
///
/// `path` is the location of `self` in the request (e.g. `body` or `body.linkMeta`);
/// implementations report errors for `join_path(path, "fieldName")`. The default method accepts
/// everything.
pub trait Validate {
    /// Checks `self`, located at `path`.
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        let _ = path;
        Ok(())
    }
}

/// `parent.child`, or `child` when `parent` is empty.
pub fn join_path(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

/// `parent[index]`.
pub fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

macro_rules! validate_always_ok {
    ($($ty:ty),* $(,)?) => {
        $(impl Validate for $ty {})*
    };
}

validate_always_ok!(
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    (),
    String,
    str,
    serde_json::Value,
    Bytes,
);

impl<T: Validate + ?Sized> Validate for &T {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        (**self).validate(path)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        (**self).validate(path)
    }
}

impl<T: Validate + ?Sized> Validate for Arc<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        (**self).validate(path)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        match self {
            Some(value) => value.validate(path),
            None => Ok(()),
        }
    }
}

impl<T: Validate> Validate for Nullable<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        match self {
            Nullable::Value(value) => value.validate(path),
            _ => Ok(()),
        }
    }
}

impl<T: Validate> Validate for [T] {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        self.iter()
            .enumerate()
            .try_for_each(|(i, item)| item.validate(&index_path(path, i)))
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        self.as_slice().validate(path)
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        self.iter()
            .try_for_each(|(key, value)| value.validate(&join_path(path, key)))
    }
}

impl<T: Validate, S: BuildHasher> Validate for HashMap<String, T, S> {
    fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
        self.iter()
            .try_for_each(|(key, value)| value.validate(&join_path(path, key)))
    }
}

/// `minLength`: at least `min` characters (Unicode code points, as JSON Schema counts).
pub fn check_min_length(field: &str, value: &str, min: usize) -> Result<(), InvalidRequest> {
    // Byte length bounds the number of characters from above.
    if value.len() >= min.saturating_mul(4) {
        return Ok(());
    }
    let len = value.chars().count();
    if len < min {
        return Err(InvalidRequest::new(
            field,
            format!("must be at least {min} characters long (got {len})"),
        ));
    }
    Ok(())
}

/// `maxLength`: at most `max` characters (Unicode code points, as JSON Schema counts).
pub fn check_max_length(field: &str, value: &str, max: usize) -> Result<(), InvalidRequest> {
    if value.len() <= max {
        return Ok(());
    }
    let len = value.chars().count();
    if len > max {
        return Err(InvalidRequest::new(
            field,
            format!("must be at most {max} characters long (got {len})"),
        ));
    }
    Ok(())
}

/// `minItems`: at least `min` items.
pub fn check_min_items(field: &str, len: usize, min: usize) -> Result<(), InvalidRequest> {
    if len < min {
        return Err(InvalidRequest::new(
            field,
            format!("must have at least {min} items (got {len})"),
        ));
    }
    Ok(())
}

/// `maxItems`: at most `max` items.
pub fn check_max_items(field: &str, len: usize, max: usize) -> Result<(), InvalidRequest> {
    if len > max {
        return Err(InvalidRequest::new(
            field,
            format!("must have at most {max} items (got {len})"),
        ));
    }
    Ok(())
}

/// `minimum`: `value >= bound` (NaN fails).
pub fn check_minimum(field: &str, value: f64, bound: f64) -> Result<(), InvalidRequest> {
    if value >= bound {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            field,
            format!("must be >= {bound} (got {value})"),
        ))
    }
}

/// `maximum`: `value <= bound` (NaN fails).
pub fn check_maximum(field: &str, value: f64, bound: f64) -> Result<(), InvalidRequest> {
    if value <= bound {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            field,
            format!("must be <= {bound} (got {value})"),
        ))
    }
}

/// `exclusiveMinimum`: `value > bound` (NaN fails).
pub fn check_exclusive_minimum(field: &str, value: f64, bound: f64) -> Result<(), InvalidRequest> {
    if value > bound {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            field,
            format!("must be > {bound} (got {value})"),
        ))
    }
}

/// `exclusiveMaximum`: `value < bound` (NaN fails).
pub fn check_exclusive_maximum(field: &str, value: f64, bound: f64) -> Result<(), InvalidRequest> {
    if value < bound {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            field,
            format!("must be < {bound} (got {value})"),
        ))
    }
}

/// The value can be sent in an HTTP header: no CR, LF, NUL or other control characters except tab
/// (bytes above 0x7F are sent as-is, as RFC 9110 `obs-text`).
pub fn check_header_value(field: &str, value: &str) -> Result<(), InvalidRequest> {
    HeaderValue::from_str(value).map(drop).map_err(|_| {
        InvalidRequest::new(
            field,
            "contains characters not allowed in an HTTP header \
             (control characters such as CR or LF)",
        )
    })
}

/// A path parameter is usable: not empty, and not `.` or `..` (which URL parsers remove).
pub fn check_path_param(field: &str, value: &str) -> Result<(), InvalidRequest> {
    if value.is_empty() {
        return Err(InvalidRequest::new(field, "must not be empty"));
    }
    if value == "." || value == ".." {
        return Err(InvalidRequest::new(field, "must not be `.` or `..`"));
    }
    Ok(())
}

pub(super) fn check_cookie_name(name: &str) -> Result<(), InvalidRequest> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(InvalidRequest::new(name, "invalid cookie name"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Positive(i64);
    impl Validate for Positive {
        fn validate(&self, path: &str) -> Result<(), InvalidRequest> {
            check_minimum(path, self.0 as f64, 1.0)
        }
    }

    #[test]
    fn collections_validate_each_item_at_its_index() {
        let items = vec![Positive(1), Positive(0)];
        let error = items.validate("body.items").unwrap_err();
        assert_eq!(error.field, "body.items[1]");
        assert!(vec![Positive(2)].validate("x").is_ok());
        // References and nullable values check what they hold.
        assert_eq!(
            <&Positive as Validate>::validate(&&Positive(0), "r")
                .unwrap_err()
                .field,
            "r"
        );
        assert!(Nullable::Value(Positive(0)).validate("n").is_err());
        assert!(Nullable::<Positive>::Null.validate("n").is_ok());
        assert_eq!(index_path("a", 3), "a[3]");
        assert_eq!(join_path("", "b"), "b");
        assert_eq!(join_path("a", "b"), "a.b");
    }

    #[test]
    fn length_and_exclusive_bounds_are_exact_at_the_boundary() {
        assert!(check_min_items("f", 2, 2).is_ok());
        assert!(check_min_items("f", 3, 2).is_ok());
        assert!(check_min_items("f", 1, 2).is_err());
        assert!(check_max_items("f", 2, 2).is_ok());
        assert!(check_max_items("f", 3, 2).is_err());
        assert!(check_max_length("f", "ééé", 3).is_ok());
        assert!(check_max_length("f", "éééé", 3).is_err());
        assert!(check_min_length("f", "éé", 2).is_ok());
        assert!(check_min_length("f", "é", 2).is_err());
        assert!(check_exclusive_maximum("f", 9.5, 10.0).is_ok());
        assert!(check_exclusive_maximum("f", 10.0, 10.0).is_err());
        assert!(check_exclusive_maximum("f", f64::NAN, 10.0).is_err());
        assert!(check_exclusive_minimum("f", 10.5, 10.0).is_ok());
        assert!(check_exclusive_minimum("f", 10.0, 10.0).is_err());
        assert!(check_maximum("f", 10.0, 10.0).is_ok());
        assert!(check_maximum("f", 10.5, 10.0).is_err());
        assert!(check_minimum("f", 10.0, 10.0).is_ok());
        assert!(check_minimum("f", 9.5, 10.0).is_err());
    }
}

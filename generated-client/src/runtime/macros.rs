//! Macros generated code calls, so that the same impls are written once here rather than in
//! every generated file.

/// Implements `Display`, `FromStr` and serde for a generated string enum from its `as_str` and
/// `From<&str>` (which carry the spec's values): the same few lines for every enum, kept here
/// rather than repeated in every generated file.
#[allow(unused_macros)]
macro_rules! impl_string_enum {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                Ok(Self::from(value.as_ref()))
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use impl_string_enum;

/// Implements `Display` (`Kind (CODE): message`) and `std::error::Error` for a generated error
/// enum from its `kind()` and [`ErrorDetails`].
#[allow(unused_macros)]
macro_rules! impl_error_display {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.kind())?;
                if let Some(code) = $crate::runtime::ErrorDetails::code(self) {
                    write!(f, " ({code})")?;
                }
                if let Some(message) = $crate::runtime::ErrorDetails::message(self) {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
        }

        impl ::std::error::Error for $name {}
    };
}
#[allow(unused_imports)]
pub(crate) use impl_error_display;

/// A setter of one field of a generated model, for tests (the `mock` feature), one line per field
/// in the generated crate rather than five: `mock_setter!(Option tags: Vec<String>, "tags")` is
/// `pub fn tags(mut self, value: impl Into<Vec<String>>) -> Self`, setting `self.tags` to
/// `Some(value.into())`.
///
/// The first word says how the field holds the type: `Plain`, `Option`, `Nullable`, or
/// `Boxed`, `OptionBoxed`, `NullableBoxed` for a boxed value. `method = field` names a setter
/// unlike its field (`with_type = r#type`); the last argument is the field's name in the spec
/// (the field's own name when left out).
#[allow(unused_macros)]
macro_rules! mock_setter {
    (@wrap Plain $value:expr) => { $value };
    (@wrap Option $value:expr) => { Some($value) };
    (@wrap Nullable $value:expr) => { $crate::runtime::Nullable::Value($value) };
    (@wrap Boxed $value:expr) => { Box::new($value) };
    (@wrap OptionBoxed $value:expr) => { Some(Box::new($value)) };
    (@wrap NullableBoxed $value:expr) => { $crate::runtime::Nullable::Value(Box::new($value)) };
    ($wrap:ident $method:ident = $field:ident: $ty:ty, $name:expr) => {
        #[doc = concat!(" Sets `", $name, "` (`mock` feature, for tests).")]
        pub fn $method(mut self, value: impl Into<$ty>) -> Self {
            self.$field = $crate::runtime::mock_setter!(@wrap $wrap value.into());
            self
        }
    };
    ($wrap:ident $method:ident = $field:ident: $ty:ty) => {
        $crate::runtime::mock_setter!($wrap $method = $field: $ty, stringify!($field));
    };
    ($wrap:ident $field:ident: $ty:ty, $name:expr) => {
        $crate::runtime::mock_setter!($wrap $field = $field: $ty, $name);
    };
    ($wrap:ident $field:ident: $ty:ty) => {
        $crate::runtime::mock_setter!($wrap $field = $field: $ty, stringify!($field));
    };
}
#[allow(unused_imports)]
pub(crate) use mock_setter;

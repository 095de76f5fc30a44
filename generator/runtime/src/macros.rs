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

/// Implements `Deserialize` for a generated struct from its fields: `kind field = "json name"`,
/// where kind is `required` (missing: an error), or `default`, `optional` or `nullable` (missing:
/// the field type's default), then optionally `extra field` for the map of the properties beyond
/// the declared ones. What serde's derive does for JSON, in a fraction of the code
/// (`serde_struct.rs` says why).
#[allow(unused_macros)]
macro_rules! impl_deserialize_struct {
    ($name:ident { $($kind:ident $field:ident = $json:literal),* $(,)? } $(extra $extra:ident)?) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                // A name no generated type has (theirs are CamelCase), which the one here would
                // shadow inside this function.
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::std::result::Result<$name, A::Error> {
                        $(let mut $field = None;)*
                        $(let mut $extra = ::std::collections::BTreeMap::new();)?
                        while let Some(key) = map.next_key::<$crate::runtime::FieldName<'de>>()? {
                            // One `?` for all the arms: each one is code to check, per field.
                            match key.as_str() {
                                $($json => $crate::runtime::next_field(&mut map, &mut $field, $json),)*
                                _ => $crate::runtime::impl_deserialize_struct!(@other map key $($extra)?),
                            }?;
                        }
                        Ok($name {
                            $($field: $crate::runtime::impl_deserialize_struct!(@take $field $json $kind),)*
                            $($extra,)?
                        })
                    }
                }
                $crate::runtime::impl_deserialize_struct!(
                    @read deserializer __Visitor $name [$($json),*] $($extra)?
                )
            }
        }
    };
    (@other $map:ident $key:ident) => {
        $map.next_value::<::serde::de::IgnoredAny>().map(drop)
    };
    (@other $map:ident $key:ident $extra:ident) => {
        $map.next_value().map(|value| {
            $extra.insert($key.into_owned(), value);
        })
    };
    (@take $field:ident $json:literal required) => {
        match $field {
            Some(value) => value,
            None => $crate::runtime::missing_field($json)?,
        }
    };
    (@take $field:ident $json:literal $kind:ident) => {
        $field.unwrap_or_default()
    };
    (@read $de:ident $visitor:ident $name:ident [$($json:literal),*]) => {
        $de.deserialize_struct(stringify!($name), &[$($json),*], $visitor)
    };
    (@read $de:ident $visitor:ident $name:ident [$($json:literal),*] $extra:ident) => {
        $de.deserialize_map($visitor)
    };
}
#[allow(unused_imports)]
pub(crate) use impl_deserialize_struct;

/// Implements `Serialize` for a generated struct from the same field list as
/// [`impl_deserialize_struct`]: `optional` fields are left out when `None`, `nullable` ones when
/// `Absent`, and the `extra` map's entries follow the declared fields, as serde's derive writes
/// them with `skip_serializing_if` and `flatten`.
#[allow(unused_macros)]
macro_rules! impl_serialize_struct {
    ($name:ident {}) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                ::serde::ser::SerializeStruct::end(
                    serializer.serialize_struct(stringify!($name), 0)?,
                )
            }
        }
    };
    ($name:ident { $($kind:ident $field:ident = $json:literal),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let len = 0 $(+ $crate::runtime::impl_serialize_struct!(@count self.$field, $kind))*;
                let mut out = serializer.serialize_struct(stringify!($name), len)?;
                $($crate::runtime::impl_serialize_struct!(@field out self.$field, $json, $kind);)*
                out.end()
            }
        }
    };
    ($name:ident { $($kind:ident $field:ident = $json:literal),* $(,)? } extra $extra:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut out = serializer.serialize_map(None)?;
                $(
                    if !$crate::runtime::impl_serialize_struct!(@skip self.$field, $kind) {
                        out.serialize_entry($json, &self.$field)?;
                    }
                )*
                for (key, value) in &self.$extra {
                    out.serialize_entry(key, value)?;
                }
                out.end()
            }
        }
    };
    (@field $out:ident $value:expr, $json:literal, optional) => {
        if $value.is_none() {
            $out.skip_field($json)?;
        } else {
            $out.serialize_field($json, &$value)?;
        }
    };
    (@field $out:ident $value:expr, $json:literal, nullable) => {
        if $value.is_absent() {
            $out.skip_field($json)?;
        } else {
            $out.serialize_field($json, &$value)?;
        }
    };
    (@field $out:ident $value:expr, $json:literal, $kind:ident) => {
        $out.serialize_field($json, &$value)?
    };
    (@count $value:expr, optional) => {
        usize::from($value.is_some())
    };
    (@count $value:expr, nullable) => {
        usize::from(!$value.is_absent())
    };
    (@count $value:expr, $kind:ident) => {
        1
    };
    (@skip $value:expr, optional) => {
        $value.is_none()
    };
    (@skip $value:expr, nullable) => {
        $value.is_absent()
    };
    (@skip $value:expr, $kind:ident) => {
        false
    };
}
#[allow(unused_imports)]
pub(crate) use impl_serialize_struct;

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

//! The typed expectation of every operation (the `mock` feature): [`TypedExpectation<Op>`], where
//! `Op` is a marker type the generated crate declares per operation.
//!
//! What every operation's builder does the same way (answers, delays, counts, raw checks, the
//! typed body and success) is written here once, generic over the marker; the marker's trait
//! impls say what differs ([`MockJsonBody`], [`MockJsonSuccess`], [`MockErrors`]). The generated
//! crate adds only the parameter matchers (`.link_id("lnk_9")`), and `respond` for an operation
//! whose success is not JSON, as inherent impls on `TypedExpectation<ItsMarker>`, and names each
//! one as users write it (`pub type UpdateLinkExpectation = TypedExpectation<UpdateLink>`).
//! Before, every operation carried its own copy of all of it: half of a large API's mock code.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use reqwest::Method;

use super::mock::{Expectation, MockAnswer, MockApi, MockRequest};

/// An operation whose request body is JSON: [`TypedExpectation::body`] and its kin take `Body`.
pub trait MockJsonBody {
    /// The request body's type.
    type Body: Serialize + DeserializeOwned;
}

/// An operation whose first declared success is JSON: [`TypedExpectation::respond`] answers
/// `STATUS` with a `Success`.
pub trait MockJsonSuccess {
    /// The first success status the spec declares (200 when it declares none).
    const STATUS: u16;
    /// The success body's type.
    type Success: Serialize;
}

/// An operation that declares errors: [`TypedExpectation::respond_error`] takes its error type.
pub trait MockErrors {
    /// The operation's error enum.
    type Error: MockErrorAnswer;
}

/// An error enum of the API, written back as the status and body it is decoded from (its code
/// in the tag member of a status whose variants are told apart by one).
pub trait MockErrorAnswer {
    /// The answer that the operation's decoder reads back as `self`.
    fn mock_answer(&self) -> MockAnswer;
}

/// An expectation of one operation, registered on the [`MockApi`] it came
/// from (`mock.links().update()`), typed by the operation's marker `Op`.
///
/// Builder methods add to the registered expectation and return it, so they chain; keep the
/// value to read what it received. Besides the methods here, each operation has one matcher per
/// path, query and header parameter, named like the parameter (`.link_id("lnk_9")`).
pub struct TypedExpectation<Op> {
    inner: Expectation,
    operation: PhantomData<fn() -> Op>,
}

impl<Op> TypedExpectation<Op> {
    /// Registers an expectation of the operation `operation` (`method` on `path_template`) on
    /// `mock`; the generated operation accessors (`mock.links().update()`) call this.
    pub fn register(
        mock: &MockApi,
        operation: &'static str,
        method: Method,
        path_template: &'static str,
    ) -> Self {
        Self::new(mock.expect(operation, method, path_template))
    }

    /// Types an expectation registered with [`MockApi::expect`].
    pub fn new(inner: Expectation) -> Self {
        Self {
            inner,
            operation: PhantomData,
        }
    }

    /// Answers with any status, headers and body.
    pub fn respond_with(self, answer: MockAnswer) -> Self {
        self.inner.answer(answer);
        self
    }

    /// Waits `delay` before the answer added last.
    ///
    /// # Panics
    /// When no answer was added yet.
    pub fn delay(self, delay: Duration) -> Self {
        self.inner.delay(delay);
        self
    }

    /// Expects exactly `n` calls (checked when the `MockApi` is dropped).
    pub fn times(self, n: usize) -> Self {
        self.inner.times(n);
        self
    }

    /// Adds a condition on the raw request: `Err` says why it does not match.
    pub fn check(
        self,
        check: impl Fn(&MockRequest) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.inner.check(check);
        self
    }

    /// The requests answered so far.
    pub fn received(&self) -> Vec<MockRequest> {
        self.inner.received()
    }

    /// The untyped expectation.
    pub fn expectation(&self) -> &Expectation {
        &self.inner
    }
}

impl<Op: MockJsonBody> TypedExpectation<Op> {
    /// Matches requests whose JSON body equals `body`.
    pub fn body(self, body: &Op::Body) -> Self {
        self.inner.json_body(body);
        self
    }

    /// Matches requests whose body decodes and satisfies `predicate`.
    pub fn body_matches(
        self,
        predicate: impl Fn(&Op::Body) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.inner.json_body_matches(predicate);
        self
    }

    /// The bodies of the requests answered so far, decoded.
    ///
    /// # Panics
    /// When a body does not decode (the client sent something the body type cannot hold).
    pub fn received_bodies(&self) -> Vec<Op::Body> {
        self.inner.received_json()
    }
}

impl<Op: MockJsonSuccess> TypedExpectation<Op> {
    /// Answers the operation's first success status with this value.
    pub fn respond(self, value: &Op::Success) -> Self {
        self.inner.answer(MockAnswer::json(Op::STATUS, value));
        self
    }
}

impl<Op: MockErrors> TypedExpectation<Op> {
    /// Answers with the status and body the spec declares for `error` (a per-status code enum
    /// converts into the operation's error enum).
    pub fn respond_error(self, error: impl Into<Op::Error>) -> Self {
        self.inner.answer(error.into().mock_answer());
        self
    }
}

impl<Op> Clone for TypedExpectation<Op> {
    fn clone(&self) -> Self {
        Self::new(self.inner.clone())
    }
}

impl<Op> fmt::Debug for TypedExpectation<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TypedExpectation")
            .field(&self.inner)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A marker as a generated crate declares one.
    enum Rename {}

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Named {
        name: String,
    }

    enum RenameError {
        Gone,
    }

    impl MockJsonBody for Rename {
        type Body = Named;
    }
    impl MockJsonSuccess for Rename {
        const STATUS: u16 = 201;
        type Success = Named;
    }
    impl MockErrors for Rename {
        type Error = RenameError;
    }
    impl MockErrorAnswer for RenameError {
        fn mock_answer(&self) -> MockAnswer {
            match self {
                RenameError::Gone => MockAnswer::raw(410, "gone"),
            }
        }
    }

    fn request(body: &str) -> MockRequest {
        let headers = reqwest::header::HeaderMap::new();
        MockRequest::new(
            Method::PUT,
            "/things/7",
            None,
            headers,
            body.to_owned().into(),
        )
    }

    #[test]
    fn the_marker_types_body_success_and_error() {
        let mock = MockApi::in_process();
        let expectation = TypedExpectation::<Rename>::register(
            &mock,
            "things.rename",
            Method::PUT,
            "/things/{id}",
        )
        .body_matches(|b| b.name.starts_with('n'))
        .respond(&Named { name: "new".into() })
        .respond_error(RenameError::Gone)
        .times(2);
        let registry = mock.registry();
        let first = registry.answer(request(r#"{"name":"new"}"#));
        assert_eq!(
            (first.status, &first.body[..]),
            (201, &br#"{"name":"new"}"#[..])
        );
        let second = registry.answer(request(r#"{"name":"next"}"#));
        assert_eq!((second.status, &second.body[..]), (410, &b"gone"[..]));
        assert_eq!(
            expectation.received_bodies(),
            [
                Named { name: "new".into() },
                Named {
                    name: "next".into()
                }
            ]
        );
        assert_eq!(expectation.received().len(), 2);
        assert!(mock.failures().is_empty(), "{:?}", mock.failures());
    }
}

//! Runtime support shared by every operation of this client.
//!
//! This module is generic: it is copied verbatim from the generator's runtime crate
//! (`generator/runtime/src/`, where it is compiled and tested on its own) into every generated
//! client crate, and it names nothing outside itself: what it needs to know about the API comes in
//! as an [`ApiConfig`] value. Each concern is a module of its own. It provides:
//!
//! * [`Client`] and [`ClientBuilder`]: connection settings (base URL, API key, timeouts, retries,
//!   default headers). A `Client` is cheap to clone and is meant to be shared.
//! * [`Call`]: one pending API operation. Await it directly (`client.links().update(..).await`) or
//!   use [`Call::send_with_response`] to also get the status and headers. Per-call settings
//!   (timeout, retries, extra headers) are set with builder methods before awaiting.
//! * [`Error`]: everything that can go wrong, with [`ApiError`] for error responses documented by
//!   the API and [`UnexpectedResponse`] for anything else the server answered.
//! * [`Nullable`]: a tri-state field type (absent / `null` / value) for partial updates.
//! * [`Validate`] and the `check_*` functions: client-side checks of the constraints declared in
//!   the API description. A request that fails them is never sent.
//! * [`paginate`]: turns a page-fetching closure into a [`Stream`] of items.
//!
//! # Retries
//!
//! Failed attempts are retried up to [`ClientBuilder::max_retries`] times (2 by default) with
//! exponential backoff and full jitter (see [`RetryPolicy`]):
//!
//! * `408`, `429` and `5xx` responses, timeouts and connection errors are retried for idempotent
//!   methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`);
//! * `POST` and `PATCH` are retried only when the server cannot have acted on the request: on
//!   `429`, on `503` and when the connection could not be established;
//! * other `4xx` responses are never retried.
//!
//! A `Retry-After` (seconds or HTTP date) or `retry-after-ms` response header replaces the computed
//! backoff. If it asks for a longer wait than [`RetryPolicy::max_retry_after`], the response is
//! returned at once instead of being retried early.
//!
//! # Authentication
//!
//! The API's security schemes come from its description ([`ApiConfig::auth`]); each operation
//! sends the first alternative of its security requirement for which the client has credentials:
//! [`ClientBuilder::api_key`] for the first scheme, [`ClientBuilder::credential`] by scheme name,
//! or a [`CredentialsProvider`] for tokens that expire (fetched once for all concurrent calls,
//! fetched again on expiry or after a `401`, after which the call is sent once more).
//!
//! # Hooks
//!
//! A [`Hook`] added with [`ClientBuilder::hook`] sees every attempt's request just before it is
//! sent (credentials and headers applied; it may add or change headers, for signing) and every
//! response head before retries and decoding (for metrics). It runs again on each retry. Hooks are
//! synchronous; a client without hooks pays nothing for them.
//!
//! # Transport
//!
//! By default each attempt is sent by the client's `reqwest::Client` (its own, or the one given to
//! [`ClientBuilder::http_client`] for proxies, certificates or a shared pool). A [`Transport`] set
//! with [`ClientBuilder::transport`] sends them instead: it receives each attempt's finished
//! `reqwest::Request` (URL, credentials, headers, body) and returns a `reqwest::Response` or a
//! [`TransportError`]. It sits below everything else, so retries, the per-attempt timeout and
//! decoding run over it exactly as over the network: an in-process fake for tests needs no
//! socket, and a middleware stack (such as `reqwest-middleware`'s) can be plugged in whole.
//!
//! # Security
//!
//! Keys and tokens are never part of any `Debug` or `Display` output, error message or tracing
//! field, and the headers that carry them are marked sensitive.
//!
//! # Tracing
//!
//! Each call runs inside an `INFO` span named `request` with the fields `operation`, `method` and
//! `path` (the path template, never the filled-in path); `attempts`, `status` and `duration_ms` are
//! recorded when the call ends. Each attempt runs in a nested `DEBUG` span `attempt` (field
//! `number`), and each retry emits a `DEBUG` event with its delay. Header values, parameters and
//! bodies are never recorded.
#![warn(missing_docs)]

mod auth;
mod body;
mod builder;
mod call;
mod client;
mod config;
mod credentials;
mod error;
#[cfg(feature = "sse")]
mod events;
mod hook;
mod macros;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "mock")]
mod mock_server;
#[cfg(feature = "mock")]
mod mock_transport;
#[cfg(feature = "mock")]
mod mock_typed;
mod nullable;
mod paginate;
mod prepare;
mod request;
mod response;
mod retry;
mod send;
mod stream;
mod transport;
mod upload;
mod validate;

pub use auth::{ApiKey, AuthPlacement, AuthScheme, Security};
pub use body::{MultipartField, RequestBody};
pub use builder::{
    BuildError, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
};
pub use call::Call;
pub use client::Client;
pub use config::ApiConfig;
pub use credentials::{CredentialsError, CredentialsProvider, Token, TokenFuture, TokenReason};
pub use error::{ApiError, Error, ErrorDetails, InvalidRequest, UnexpectedResponse};
#[cfg(feature = "sse")]
pub use events::{Event, EventError, EventStream};
pub use hook::{Attempt, Hook, HookError};
// Used only by generated code, and only when the API has string enums or error codes (models
// and the `mock` feature for `mock_setter!`): a crate without them (and the runtime crate
// itself) does not use them.
#[allow(unused_imports)]
pub(crate) use macros::{impl_error_display, impl_string_enum, mock_setter};
pub use nullable::Nullable;
pub use paginate::{paginate, Page, DEFAULT_MAX_PAGES};
pub use request::{fill_path, param_text, RequestOptions, RequestParts};
pub use response::{
    decode_json, decode_text, json_error, json_success, text_error, text_success, Decoder, Outcome,
    RawResponse, Response, StreamDecoder,
};
pub use retry::{parse_retry_after, RetryPolicy};
pub use send::{decode_erased, ErasedDecoder, SendFuture};
pub use stream::ByteStream;
pub use transport::{Transport, TransportError, TransportFuture};
pub use upload::Upload;
pub use validate::{
    check_exclusive_maximum, check_exclusive_minimum, check_header_value, check_max_items,
    check_max_length, check_maximum, check_min_items, check_min_length, check_minimum,
    check_path_param, index_path, join_path, Validate,
};

pub use futures_core::Stream;
pub use futures_util::StreamExt;

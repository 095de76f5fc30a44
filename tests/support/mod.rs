//! Helpers shared by the wiremock and Prism test binaries (each binary uses a subset).
#![allow(dead_code)]

pub mod example;
pub mod generated_crate;
pub mod mock;
pub mod prism;
pub mod waits;

use std::time::Duration;

use serde_json::{json, Value};
use userplane::runtime::{ClientBuilder, RetryPolicy};
use userplane::{Client, UpdateLinkRequest};

/// The API key every test client uses; tests assert it never leaks into output.
pub const KEY: &str = "uspl_test_secret_key_123";

/// The path of `links.update` for `ws_1` / `lnk_1` behind the real base URL's `/api/v1` prefix.
pub const UPDATE_PATH: &str = "/api/v1/public/workspace/ws_1/links/lnk_1";

/// Every code the spec declares for `links.update`, with its status, the spec's default message and
/// the variant it must decode into (`StatusVariant::CodeVariant`).
/// `declared_error_codes_match_the_spec` checks this table against `spec/userplane.yaml`.
pub const DECLARED_CODES: &[(u16, &str, &str, &str)] = &[
    (
        400,
        "BAD_REQUEST",
        "Invalid request parameters. Check the request body and query parameters. See https://docs.userplane.io/api/error-handling",
        "BadRequest::BadRequest",
    ),
    (
        401,
        "API_KEY_REQUIRED",
        "API key is required. Include it as Authorization: Bearer <your-api-key>. See https://docs.userplane.io/api/authentication",
        "Unauthorized::ApiKeyRequired",
    ),
    (
        401,
        "API_KEY_INVALID",
        "The provided API key is not valid. Verify the key and try again. See https://docs.userplane.io/api/authentication",
        "Unauthorized::ApiKeyInvalid",
    ),
    (
        401,
        "API_KEY_EXPIRED",
        "The API key has expired. Rotate or create a new key. See https://docs.userplane.io/api/authentication",
        "Unauthorized::ApiKeyExpired",
    ),
    (
        403,
        "API_KEY_DISABLED",
        "The API key is disabled. Enable it or create a new key. See https://docs.userplane.io/api/authentication",
        "Forbidden::ApiKeyDisabled",
    ),
    (
        403,
        "NOT_A_MEMBER",
        "The API key owner is not a member of this workspace. See https://docs.userplane.io/api/error-handling",
        "Forbidden::NotAMember",
    ),
    (
        403,
        "LINK_WORKSPACE_MISMATCH",
        "Link does not belong to this workspace",
        "Forbidden::LinkWorkspaceMismatch",
    ),
    (
        404,
        "WORKSPACE_NOT_FOUND",
        "Workspace not found",
        "NotFound::WorkspaceNotFound",
    ),
    (
        404,
        "LINK_NOT_FOUND",
        "Link not found",
        "NotFound::LinkNotFound",
    ),
    (
        410,
        "WORKSPACE_GONE",
        "Workspace has been deleted",
        "Gone::WorkspaceGone",
    ),
    (
        410,
        "LINK_GONE",
        "Link has been deleted",
        "Gone::LinkGone",
    ),
    (
        429,
        "RATE_LIMITED",
        "Rate limit exceeded. Wait and retry with exponential backoff. See https://docs.userplane.io/api/rate-limits",
        "TooManyRequests::RateLimited",
    ),
    (
        500,
        "LINK_UPDATE_FAILED",
        "Failed to update link",
        "InternalServerError::LinkUpdateFailed",
    ),
    (
        503,
        "SERVICE_UNAVAILABLE",
        "API key verification service is temporarily unavailable. Please try again later. See https://docs.userplane.io/api/error-handling",
        "ServiceUnavailable::ServiceUnavailable",
    ),
];

/// The error statuses the spec declares for `links.update`, with the name of their variant.
pub const DECLARED_STATUSES: &[(u16, &str)] = &[
    (400, "BadRequest"),
    (401, "Unauthorized"),
    (403, "Forbidden"),
    (404, "NotFound"),
    (410, "Gone"),
    (429, "TooManyRequests"),
    (500, "InternalServerError"),
    (503, "ServiceUnavailable"),
];

/// Names the decoded variant as `StatusVariant::CodeVariant`, so that tests can compare it with
/// [`DECLARED_CODES`].
pub fn variant_name(error: &userplane::UpdateLinkError) -> &'static str {
    use userplane::UpdateLinkError as E;
    use userplane::*;
    match error {
        E::BadRequest(UpdateLinkBadRequest::BadRequest(_)) => "BadRequest::BadRequest",
        E::BadRequest(UpdateLinkBadRequest::Other(_)) => "BadRequest::Other",
        E::Unauthorized(UpdateLinkUnauthorized::ApiKeyRequired(_)) => {
            "Unauthorized::ApiKeyRequired"
        }
        E::Unauthorized(UpdateLinkUnauthorized::ApiKeyInvalid(_)) => "Unauthorized::ApiKeyInvalid",
        E::Unauthorized(UpdateLinkUnauthorized::ApiKeyExpired(_)) => "Unauthorized::ApiKeyExpired",
        E::Unauthorized(UpdateLinkUnauthorized::Other(_)) => "Unauthorized::Other",
        E::Forbidden(UpdateLinkForbidden::ApiKeyDisabled(_)) => "Forbidden::ApiKeyDisabled",
        E::Forbidden(UpdateLinkForbidden::NotAMember(_)) => "Forbidden::NotAMember",
        E::Forbidden(UpdateLinkForbidden::LinkWorkspaceMismatch(_)) => {
            "Forbidden::LinkWorkspaceMismatch"
        }
        E::Forbidden(UpdateLinkForbidden::Other(_)) => "Forbidden::Other",
        E::NotFound(UpdateLinkNotFound::WorkspaceNotFound(_)) => "NotFound::WorkspaceNotFound",
        E::NotFound(UpdateLinkNotFound::LinkNotFound(_)) => "NotFound::LinkNotFound",
        E::NotFound(UpdateLinkNotFound::Other(_)) => "NotFound::Other",
        E::Gone(UpdateLinkGone::WorkspaceGone(_)) => "Gone::WorkspaceGone",
        E::Gone(UpdateLinkGone::LinkGone(_)) => "Gone::LinkGone",
        E::Gone(UpdateLinkGone::Other(_)) => "Gone::Other",
        E::TooManyRequests(UpdateLinkTooManyRequests::RateLimited(_)) => {
            "TooManyRequests::RateLimited"
        }
        E::TooManyRequests(UpdateLinkTooManyRequests::Other(_)) => "TooManyRequests::Other",
        E::InternalServerError(UpdateLinkInternalServerError::LinkUpdateFailed(_)) => {
            "InternalServerError::LinkUpdateFailed"
        }
        E::InternalServerError(UpdateLinkInternalServerError::Other(_)) => {
            "InternalServerError::Other"
        }
        E::ServiceUnavailable(UpdateLinkServiceUnavailable::ServiceUnavailable(_)) => {
            "ServiceUnavailable::ServiceUnavailable"
        }
        E::ServiceUnavailable(UpdateLinkServiceUnavailable::Other(_)) => {
            "ServiceUnavailable::Other"
        }
        _ => "<a variant this test does not know>",
    }
}

/// The error body the spec implies for a declared code: exactly the four required members, in the
/// spec's order, e.g. `{"defined":true,"code":"LINK_NOT_FOUND","status":404,"message":"Link not found"}`.
pub fn spec_error_body(status: u16, code: &str, message: &str) -> String {
    format!(
        r#"{{"defined":true,"code":{},"status":{status},"message":{}}}"#,
        Value::from(code),
        Value::from(message)
    )
}

/// A retry policy with millisecond backoffs so that retry tests stay fast.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .max_retry_after(Duration::from_secs(1))
}

/// A builder for a server at `base` (no path prefix added), with fast retries.
pub fn builder_for(base: &str) -> ClientBuilder {
    Client::builder()
        .base_url(base)
        .api_key(KEY)
        .retry_policy(fast_policy())
        .timeout(Duration::from_secs(10))
}

/// The body of a simple update: a new title.
pub fn title_update(title: &str) -> UpdateLinkRequest {
    UpdateLinkRequest::new().link_title(title)
}

/// A complete 200 body of `links.update`: every property the spec lists, all required ones
/// present, no others.
pub fn full_success_body() -> Value {
    json!({
        "message": "Link updated",
        "data": {
            "workspaceId": "ws_1",
            "link": {
                "linkId": "lnk_1",
                "linkTitle": "New title",
                "linkType": "recording",
                "linkReusable": false,
                "linkProviderType": "zendesk",
                "linkProviderId": "ticket-42",
                "linkProviderReference": "https://support.example.com/tickets/42",
                "linkURL": "https://app.userplane.io/r/lnk_1",
                "linkMeta": { "customer": "acme", "priority": "high" },
                "createdAt": "2025-01-15T10:30:00.000Z",
                "project": { "projectId": "prj_1", "title": "Support" },
                "creator": { "workspaceMemberId": "wm_1", "name": "Ada Lovelace" },
                "domain": {
                    "domainId": "dom_1",
                    "url": "https://acme.userplane.io",
                    "status": "verified"
                }
            }
        }
    })
}

/// Fails the test instead of hanging if a call takes longer than expected.
pub async fn bounded<F: std::future::IntoFuture>(fut: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), fut.into_future())
        .await
        .expect("the call finished within 10 s")
}

/// A loopback port nothing listens on (reserved, then freed).
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral port")
        .port()
}

/// The workspace root (the parent of `tests/`).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

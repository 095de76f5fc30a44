//! [`ApiConfig`]: what the runtime needs to know about the API it serves, passed in by the
//! generated crate as a value (the runtime names nothing outside its own module).

use super::auth::{AuthScheme, Security};

/// The facts about one API that the client needs: where it lives, which environment variables
/// configure it, how it is identified, and how it authenticates.
///
/// A generated crate defines one as a constant and builds every [`ClientBuilder`] from it with
/// [`ClientBuilder::for_api`](super::ClientBuilder::for_api).
///
/// [`ClientBuilder`]: super::ClientBuilder
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiConfig {
    /// The first server URL the API description lists; empty when it lists none (a base URL must
    /// then be set on the builder).
    pub default_base_url: &'static str,
    /// The environment variable holding the API key, e.g. `USERPLANE_API_KEY`.
    pub env_api_key: &'static str,
    /// The environment variable that may override the base URL, e.g. `USERPLANE_BASE_URL`.
    pub env_base_url: &'static str,
    /// The default `User-Agent`, e.g. `userplane/0.1.0 (rust; generated)`.
    pub user_agent: &'static str,
    /// Every security scheme the API declares. The first is the one
    /// [`ClientBuilder::api_key`](super::ClientBuilder::api_key) and
    /// [`ClientBuilder::credentials_provider`](super::ClientBuilder::credentials_provider) set (the
    /// first scheme of the API's default requirement); the others are set by name.
    pub auth: &'static [AuthScheme],
    /// The requirement of operations that do not declare their own
    /// ([`RequestParts::security`](super::RequestParts::security) `None`).
    pub security: Security,
}

/// The configuration the runtime's own tests use: a bearer key, no default base URL.
#[cfg(test)]
pub(super) const TEST_API: ApiConfig = ApiConfig {
    default_base_url: "",
    env_api_key: "TEST_RUNTIME_API_KEY",
    env_base_url: "TEST_RUNTIME_BASE_URL",
    user_agent: "test-runtime/0 (rust)",
    auth: &[AuthScheme {
        name: "bearerAuth",
        placement: super::AuthPlacement::Bearer,
    }],
    security: &[&["bearerAuth"]],
};

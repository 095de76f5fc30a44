//! [`CredentialsProvider`]: tokens that expire. The client asks the provider for a [`Token`],
//! keeps it until it expires or the server answers `401`, and then asks again; one fetch at a
//! time per provider, however many calls need a token at once (the others wait for its result).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use futures_util::future::{FutureExt, Shared};
use tokio::time::Instant;

use super::auth::{ApiKey, AuthPlacement, PreparedAuth};

/// Why the client asks a [`CredentialsProvider`] for a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenReason {
    /// The client has no token yet.
    Initial,
    /// The last token's [`Token::expires_in`] has passed.
    Expired,
    /// The server answered `401 Unauthorized` to the last token: fetch a new one, not a cached
    /// copy of it.
    Rejected,
}

/// A token from a [`CredentialsProvider`], sent as its scheme says (bearer header, API key
/// header, query parameter or cookie). Its `Debug` output never reveals it.
#[derive(Clone)]
pub struct Token {
    secret: ApiKey,
    expires_in: Option<Duration>,
}

impl Token {
    /// A token with no known expiry: it is used until the server rejects it.
    pub fn new(secret: impl Into<ApiKey>) -> Self {
        Self {
            secret: secret.into(),
            expires_in: None,
        }
    }

    /// Sets how long the token stays valid from now; the client asks for a new one after that
    /// (subtract a safety margin from what the issuer says).
    #[must_use]
    pub fn expires_in(mut self, valid_for: Duration) -> Self {
        self.expires_in = Some(valid_for);
        self
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("secret", &self.secret)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Why a [`CredentialsProvider`] could not produce a token; the call returns it as
/// [`Error::Credentials`](super::Error::Credentials). Its message is shown in errors: keep secrets
/// out of it. Cheap to clone (every call waiting for the same fetch gets it).
#[derive(Clone)]
pub struct CredentialsError(Arc<dyn std::error::Error + Send + Sync>);

impl CredentialsError {
    /// Wraps the reason (any error, or a message).
    pub fn new(reason: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(Arc::from(reason.into()))
    }
}

impl fmt::Debug for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CredentialsError").field(&self.0).finish()
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// The future a [`CredentialsProvider`] returns.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<Token, CredentialsError>> + Send>>;

/// Supplies tokens that expire (OAuth2 access tokens, short-lived keys). Set with
/// [`ClientBuilder::credentials_provider`](super::ClientBuilder::credentials_provider).
///
/// The client calls [`CredentialsProvider::token`] when it has no valid token (first use, or past
/// [`Token::expires_in`]) and after the server answered `401` to a token (then the call is sent
/// once more with the new token, without using up a retry). Calls made while a fetch is under way
/// wait for that fetch: the provider is never asked twice at once, and a burst of `401`s leads to
/// one refresh. Waiting for a token is part of an attempt, under its timeout: a call whose token
/// does not come in time ends with `Error::Timeout` (not retried), the request then gets what is
/// left of the timeout, and a fetch outlasting one call goes on for the calls that share it.
///
/// Closures `Fn(TokenReason) -> impl Future<Output = Result<Token, CredentialsError>>` implement
/// it.
pub trait CredentialsProvider: Send + Sync + 'static {
    /// Fetches a token.
    fn token(&self, reason: TokenReason) -> TokenFuture;
}

impl<F, Fut> CredentialsProvider for F
where
    F: Fn(TokenReason) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Token, CredentialsError>> + Send + 'static,
{
    fn token(&self, reason: TokenReason) -> TokenFuture {
        Box::pin(self(reason))
    }
}

/// A token in the form it is sent, numbered by the fetch that produced it.
#[derive(Clone)]
pub(super) struct Fetched {
    pub(super) auth: PreparedAuth,
    pub(super) generation: u64,
}

/// A fetch every waiting call polls; the first to see it finish stores the token.
pub(super) type SharedFetch =
    Shared<Pin<Box<dyn Future<Output = Result<Fetched, CredentialsError>> + Send>>>;

/// A token to use now, or the fetch to wait for.
pub(super) enum TokenState {
    Ready(Fetched),
    Wait(SharedFetch),
}

/// One provider's cached token and its fetch under way, shared by all clones of a client.
pub(super) struct ProviderState {
    provider: Arc<dyn CredentialsProvider>,
    placement: AuthPlacement,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    /// Incremented by each fetch started; a token carries the number of its fetch.
    generation: u64,
    token: Option<Fetched>,
    expires_at: Option<Instant>,
    in_flight: Option<SharedFetch>,
}

impl ProviderState {
    pub(super) fn new(provider: Arc<dyn CredentialsProvider>, placement: AuthPlacement) -> Self {
        Self {
            provider,
            placement,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The token for an attempt: the cached one while valid, else a fetch (joined if under way).
    pub(super) fn current(self: &Arc<Self>) -> TokenState {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(fetch) = &cache.in_flight {
            return TokenState::Wait(fetch.clone());
        }
        let valid = match cache.expires_at {
            Some(at) => Instant::now() < at,
            None => true,
        };
        match &cache.token {
            Some(token) if valid => TokenState::Ready(token.clone()),
            Some(_) => TokenState::Wait(self.start(&mut cache, TokenReason::Expired)),
            None => TokenState::Wait(self.start(&mut cache, TokenReason::Initial)),
        }
    }

    /// The token to retry with after the server rejected the one from fetch `used`: a fetch
    /// started since then (under way or done) answers it; otherwise this starts the refresh.
    pub(super) fn rejected(self: &Arc<Self>, used: u64) -> TokenState {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(fetch) = &cache.in_flight {
            return TokenState::Wait(fetch.clone());
        }
        match &cache.token {
            Some(token) if token.generation > used => TokenState::Ready(token.clone()),
            _ => TokenState::Wait(self.start(&mut cache, TokenReason::Rejected)),
        }
    }

    /// Starts fetch number `generation + 1` and makes it the one every caller waits for.
    fn start(self: &Arc<Self>, cache: &mut Cache, reason: TokenReason) -> SharedFetch {
        cache.generation += 1;
        let generation = cache.generation;
        let fetch = self.provider.token(reason);
        // Weak: the cache holds this future, which must not keep the cache alive.
        let state: Weak<Self> = Arc::downgrade(self);
        let placement = self.placement;
        let future: Pin<Box<dyn Future<Output = _> + Send>> = Box::pin(async move {
            let result = fetch.await.and_then(|token| {
                let auth = PreparedAuth::new(placement, Some(&token.secret)).map_err(|e| {
                    CredentialsError::new(format!(
                        "the credentials provider returned an unusable token: {e}"
                    ))
                })?;
                Ok((
                    Fetched { auth, generation },
                    token.expires_in.map(|d| Instant::now() + d),
                ))
            });
            if let Some(state) = state.upgrade() {
                let mut cache = state.cache.lock().unwrap_or_else(PoisonError::into_inner);
                if cache.generation == generation {
                    cache.in_flight = None;
                    match &result {
                        Ok((fetched, expires_at)) => {
                            cache.token = Some(fetched.clone());
                            cache.expires_at = *expires_at;
                        }
                        Err(_) => cache.token = None,
                    }
                }
            }
            result.map(|(fetched, _)| fetched)
        });
        let shared = future.shared();
        cache.in_flight = Some(shared.clone());
        shared
    }
}

impl fmt::Debug for ProviderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderState")
            .field("placement", &self.placement)
            .finish_non_exhaustive()
    }
}

//! The in-process form of [`MockApi`](super::mock::MockApi): a [`Transport`] answering each
//! attempt from the expectations, below the client's auth, hooks, retries, timeouts and decoding
//! (which all run as they do over the network), with no socket. An answer's delay is a tokio
//! sleep, so a test on a paused clock skips it.

use std::sync::Arc;

use bytes::Bytes;

use super::mock::{MockRequest, Registry};
use super::transport::{Transport, TransportError, TransportFuture};

pub(crate) struct InProcess(pub(crate) Arc<Registry>);

impl Transport for InProcess {
    fn send(&self, request: reqwest::Request) -> TransportFuture {
        let registry = Arc::clone(&self.0);
        // A body the client built in memory (JSON, text, form, bytes); a streamed multipart body
        // is not readable here and is received as empty.
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .map(Bytes::copy_from_slice)
            .unwrap_or_default();
        let received = MockRequest::new(
            request.method().clone(),
            request.url().path(),
            request.url().query(),
            request.headers().clone(),
            body,
        );
        Box::pin(async move {
            let answer = registry.answer(received);
            if !answer.delay.is_zero() {
                tokio::time::sleep(answer.delay).await;
            }
            let mut response = http::Response::builder().status(answer.status);
            for (name, value) in &answer.headers {
                response = response.header(name, value);
            }
            let response = response.body(answer.body).map_err(TransportError::new)?;
            Ok(reqwest::Response::from(response))
        })
    }
}

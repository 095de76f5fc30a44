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
    fn send(&self, mut request: reqwest::Request) -> TransportFuture {
        let registry = Arc::clone(&self.0);
        let body = request.body_mut().take();
        Box::pin(async move {
            // Every body is read whole, a streamed one (a multipart form, an `Upload::stream`)
            // included, so expectations and `received` see what a server would.
            let body = match body {
                None => Bytes::new(),
                Some(body) => http_body_util::BodyExt::collect(body)
                    .await
                    .map_err(TransportError::new)?
                    .to_bytes(),
            };
            let received = MockRequest::new(
                request.method().clone(),
                request.url().path(),
                request.url().query(),
                request.headers().clone(),
                body,
            );
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

//! The server form of [`MockApi`](super::mock::MockApi): a wiremock server on a local port whose
//! one catch-all mock answers every request from the expectations.

use std::sync::Arc;

use bytes::Bytes;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::mock::{MockRequest, Registry};

/// A running mock server (stopped when dropped).
pub(crate) struct Server {
    server: MockServer,
}

impl Server {
    pub(crate) async fn start(registry: Arc<Registry>) -> Self {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(FromRegistry(registry))
            .mount(&server)
            .await;
        Self { server }
    }

    pub(crate) fn uri(&self) -> String {
        self.server.uri()
    }
}

struct FromRegistry(Arc<Registry>);

impl Respond for FromRegistry {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let received = MockRequest::new(
            request.method.clone(),
            request.url.path(),
            request.url.query(),
            request.headers.clone(),
            Bytes::from(request.body.clone()),
        );
        let answer = self.0.answer(received);
        let mut template = ResponseTemplate::new(answer.status)
            .set_body_bytes(answer.body.to_vec())
            .set_delay(answer.delay);
        for (name, value) in &answer.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        template
    }
}

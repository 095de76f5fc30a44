//! Testing code that uses the client, with the crate's `mock` feature: typed expectations answered
//! by a local mock server, so the code under test runs the client's real auth, retries and
//! decoding.
//!
//! ```text
//! cargo test -p userplane --features mock --example testing_with_mocks   # the tests below
//! cargo run -p userplane --features mock --example testing_with_mocks    # the same, printed
//! ```
//!
//! This file is hand-written; `cargo xtask codegen` does not touch `examples/`.

use userplane::{Client, Error, UpdateLinkError, UpdateLinkGone, UpdateLinkRequest};

/// The code under test: what a support tool shows after renaming a link.
async fn rename_link(client: &Client, workspace: &str, link: &str, title: &str) -> String {
    let body = UpdateLinkRequest::new().link_title(title);
    match client.links().update(workspace, link, &body).await {
        Ok(updated) => format!(
            "Renamed to {}",
            updated.data.link.link_title.unwrap_or_default()
        ),
        Err(Error::Api(e))
            if matches!(e.error, UpdateLinkError::Gone(UpdateLinkGone::LinkGone(_))) =>
        {
            "This link was deleted".to_owned()
        }
        Err(e) => format!("Could not rename the link: {e}"),
    }
}

#[cfg(feature = "mock")]
mod scenarios {
    use std::time::Duration;

    use userplane::mock::MockApi;
    use userplane::{
        Client, ErrorBody, Link, RetryPolicy, UpdateLinkGone, UpdateLinkResponse,
        UpdateLinkResponseData, UpdateLinkServiceUnavailable,
    };

    use super::rename_link;

    /// 410 `LINK_GONE` for exactly this link, once: the notice. `MockApi::start_server()`
    /// answers on a local port; `MockApi::in_process()` through the client's transport hook.
    pub async fn link_gone(mock: MockApi) -> String {
        let gone = UpdateLinkGone::LinkGone(ErrorBody::example());
        mock.links()
            .update()
            .workspace_id("ws_1")
            .link_id("lnk_9")
            .respond_error(gone)
            .times(1);
        let client = mock.configure(Client::builder()).build().expect("client");
        rename_link(&client, "ws_1", "lnk_9", "Checkout bug").await
    }

    /// 503, then the renamed link: the client retries on its own.
    pub async fn unavailable_then_renamed() -> String {
        let mock = MockApi::start_server().await;
        let link = Link::example().link_title("Checkout bug");
        let renamed =
            UpdateLinkResponse::example().data(UpdateLinkResponseData::example().link(link));
        let unavailable = UpdateLinkServiceUnavailable::ServiceUnavailable(ErrorBody::example());
        let update = mock
            .links()
            .update()
            .respond_error(unavailable)
            .respond(&renamed)
            .times(2);
        let fast = RetryPolicy::new().initial_backoff(Duration::from_millis(1));
        let client = mock
            .configure(Client::builder())
            .retry_policy(fast)
            .build()
            .expect("client");
        let shown = rename_link(&client, "ws_1", "lnk_9", "Checkout bug").await;
        assert_eq!(
            update.received_bodies().len(),
            2,
            "one request, then its retry"
        );
        shown
    }

    #[tokio::test]
    async fn a_deleted_link_shows_the_notice() {
        let mock = MockApi::start_server().await;
        assert_eq!(link_gone(mock).await, "This link was deleted");
    }

    #[tokio::test]
    async fn a_deleted_link_shows_the_notice_in_process() {
        assert_eq!(
            link_gone(MockApi::in_process()).await,
            "This link was deleted"
        );
    }

    #[tokio::test]
    async fn a_retried_rename_shows_the_new_title() {
        assert_eq!(unavailable_then_renamed().await, "Renamed to Checkout bug");
    }
}

#[cfg(feature = "mock")]
#[tokio::main]
async fn main() {
    let server = userplane::mock::MockApi::start_server().await;
    println!("link gone: {}", scenarios::link_gone(server).await);
    let in_process = userplane::mock::MockApi::in_process();
    println!(
        "link gone, in process: {}",
        scenarios::link_gone(in_process).await
    );
    println!(
        "503, then 200: {}",
        scenarios::unavailable_then_renamed().await
    );
}

#[cfg(not(feature = "mock"))]
fn main() {
    // Keeps `rename_link` used in this build too.
    let _ = rename_link;
    eprintln!("this example needs the mock feature: add `--features mock`");
    std::process::exit(2);
}

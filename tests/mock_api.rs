//! The generated client's `mock` feature, used as a user of the crate would: typed expectations
//! per operation, typed answers (success models and every declared error), matching on path
//! parameters and body, sequences through the client's real retries, and verification messages
//! that name the operation and what did not match.

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};

use userplane::mock::{MockAnswer, MockApi};
use userplane::runtime::ErrorDetails;
use userplane::{
    Client, Error, ErrorBody, Link, UpdateLinkBadRequest, UpdateLinkError, UpdateLinkForbidden,
    UpdateLinkGone, UpdateLinkInternalServerError, UpdateLinkNotFound, UpdateLinkRequest,
    UpdateLinkResponse, UpdateLinkResponseData, UpdateLinkServiceUnavailable,
    UpdateLinkTooManyRequests, UpdateLinkUnauthorized,
};

use support::{fast_policy, variant_name, DECLARED_CODES};

/// The code under test: what a user's service shows after renaming a link.
async fn rename_link(client: &Client, workspace: &str, link: &str, title: &str) -> String {
    let body = UpdateLinkRequest::new().link_title(title);
    match client.links().update(workspace, link, &body).await {
        Ok(updated) => format!("renamed {}", updated.data.link.link_id),
        Err(Error::Api(e))
            if matches!(e.error, UpdateLinkError::Gone(UpdateLinkGone::LinkGone(_))) =>
        {
            "This link was deleted".to_owned()
        }
        Err(e) => format!("failed: {e}"),
    }
}

/// The issue's acceptance test: "link gone -> show X", typed, no JSON by hand, through the
/// client's real sending, retry and decoding path.
#[tokio::test]
async fn a_deleted_link_shows_the_notice() {
    let mock = MockApi::start_server().await;
    let gone = UpdateLinkGone::LinkGone(ErrorBody::example());
    mock.links()
        .update()
        .workspace_id("ws_1")
        .link_id("lnk_9")
        .respond_error(gone)
        .times(1);
    let client = mock.configure(Client::builder()).build().unwrap();

    assert_eq!(
        rename_link(&client, "ws_1", "lnk_9", "New").await,
        "This link was deleted"
    );
}

/// Every status and code the spec declares for `links.update` is answered with the status and
/// JSON the client decodes back into the same typed variant (the table is checked against the
/// spec in `wiremock_responses.rs`).
#[tokio::test]
async fn every_declared_error_round_trips_through_the_mock() {
    let mock = MockApi::start_server().await;
    let client = mock
        .configure(Client::builder())
        .max_retries(0)
        .build()
        .unwrap();
    for &(status, code, message, variant) in DECLARED_CODES {
        let body = ErrorBody::example().message(message).code(code);
        let sent = typed_error(status, body);
        let expectation = mock.links().update().respond_error(sent.clone()).times(1);

        let Err(Error::Api(api)) = client
            .links()
            .update("ws", "lnk", &UpdateLinkRequest::new())
            .await
        else {
            panic!("{code}: expected a typed API error");
        };
        assert_eq!(api.status.as_u16(), status, "{code}");
        assert_eq!(variant_name(&api.error), variant, "{code}");
        assert_eq!(api.error, sent, "{code}");
        assert_eq!(api.error.code(), Some(code));
        assert_eq!(expectation.received().len(), 1, "{code}");
        mock.verify();
        // The next code's expectation comes first: this one has had its one call.
    }
}

/// The typed error for a declared status, its variant picked by the body's code as the client
/// does.
fn typed_error(status: u16, body: ErrorBody) -> UpdateLinkError {
    match status {
        400 => UpdateLinkBadRequest::from_body(body).into(),
        401 => UpdateLinkUnauthorized::from_body(body).into(),
        403 => UpdateLinkForbidden::from_body(body).into(),
        404 => UpdateLinkNotFound::from_body(body).into(),
        410 => UpdateLinkGone::from_body(body).into(),
        429 => UpdateLinkTooManyRequests::from_body(body).into(),
        500 => UpdateLinkInternalServerError::from_body(body).into(),
        503 => UpdateLinkServiceUnavailable::from_body(body).into(),
        other => panic!("status {other} is not in the table"),
    }
}

/// A code the spec does not list keeps its own code on the wire and decodes as `Other`.
#[tokio::test]
async fn an_undeclared_code_is_sent_as_is_and_decodes_as_other() {
    let mock = MockApi::start_server().await;
    let client = mock.configure(Client::builder()).build().unwrap();
    let other = UpdateLinkNotFound::Other(ErrorBody::example().code("TEAM_NOT_FOUND"));
    mock.links().update().respond_error(other.clone());

    let err = client
        .links()
        .update("ws", "lnk", &UpdateLinkRequest::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("TEAM_NOT_FOUND"));
    let Error::Api(api) = err else {
        panic!("expected a typed error")
    };
    assert_eq!(api.error, UpdateLinkError::NotFound(other));
}

/// `503` then `200`: the client's own retry sends the request again and decodes the success.
#[tokio::test]
async fn a_sequence_of_answers_runs_through_the_clients_retries() {
    let mock = MockApi::start_server().await;
    let link = Link::example()
        .link_id("lnk_9")
        .link_title("Renamed".to_owned());
    let ok = UpdateLinkResponse::example().data(UpdateLinkResponseData::example().link(link));
    let unavailable = UpdateLinkServiceUnavailable::ServiceUnavailable(ErrorBody::example());
    let update = mock
        .links()
        .update()
        .respond_error(unavailable)
        .respond(&ok)
        .times(2);
    let client = mock
        .configure(Client::builder())
        .retry_policy(fast_policy())
        .build()
        .unwrap();

    assert_eq!(
        rename_link(&client, "ws_1", "lnk_9", "Renamed").await,
        "renamed lnk_9"
    );
    let bodies = update.received_bodies();
    assert_eq!(
        bodies,
        [
            UpdateLinkRequest::new().link_title("Renamed"),
            UpdateLinkRequest::new().link_title("Renamed")
        ]
    );
    // The auth header was sent by the client's real auth layer on both attempts.
    assert!(update
        .received()
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer mock-api-key")));
}

/// Expectations narrowed by body: the one whose body matches answers; a typed predicate works too.
#[tokio::test]
async fn requests_are_matched_by_typed_body_and_predicate() {
    let mock = MockApi::start_server().await;
    let client = mock.configure(Client::builder()).build().unwrap();
    let gone = UpdateLinkGone::LinkGone(ErrorBody::example());
    mock.links()
        .update()
        .body(&UpdateLinkRequest::new().link_title("Old"))
        .respond_error(gone);
    let renamed = mock
        .links()
        .update()
        .body_matches(|b: &UpdateLinkRequest| b.link_reusable == Some(true))
        .respond(&UpdateLinkResponse::example())
        .times(1);

    let reusable = UpdateLinkRequest::new().link_reusable(true);
    assert!(client.links().update("ws", "lnk", &reusable).await.is_ok());
    assert_eq!(
        rename_link(&client, "ws", "lnk", "Old").await,
        "This link was deleted"
    );
    assert_eq!(renamed.received_bodies(), [reusable]);
}

/// A request no expectation matches is answered 404 with the reason, and verification names
/// the operation and the parameter that differed; a count not met is named too.
#[tokio::test]
async fn verification_names_the_operation_and_what_did_not_match() {
    let mock = MockApi::start_server().await;
    let client = mock.configure(Client::builder()).build().unwrap();
    mock.links()
        .update()
        .link_id("lnk_9")
        .respond(&UpdateLinkResponse::example())
        .times(1);

    let err = client
        .links()
        .update("ws", "lnk_1", &UpdateLinkRequest::new())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));

    let panic = catch_unwind(AssertUnwindSafe(|| mock.verify())).expect_err("verification fails");
    let message = panic.downcast_ref::<String>().expect("a formatted message");
    assert!(
        message.contains("links.update (PUT /public/workspace/{workspaceId}/links/{linkId}): expected 1 call, received 0"),
        "{message}"
    );
    assert!(
        message.contains(r#"unmatched request PUT /public/workspace/ws/links/lnk_1 body {}: links.update (PUT /public/workspace/{workspaceId}/links/{linkId}): path parameter `linkId`: expected "lnk_9", got "lnk_1""#),
        "{message}"
    );
}

/// Raw answers for what the spec does not declare: the client keeps status and body.
#[tokio::test]
async fn a_raw_answer_reaches_the_client_as_an_unexpected_response() {
    let mock = MockApi::start_server().await;
    let client = mock.configure(Client::builder()).build().unwrap();
    mock.links()
        .update()
        .respond_with(MockAnswer::text(418, "teapot"))
        .times(1);

    let Err(Error::UnexpectedResponse(unexpected)) = client
        .links()
        .update("ws", "lnk", &UpdateLinkRequest::new())
        .await
    else {
        panic!("expected an unexpected response");
    };
    assert_eq!(unexpected.status.as_u16(), 418);
    assert_eq!(&unexpected.body[..], b"teapot");
}

// -------------------------------------------------------------------------------------------------
// The in-process form: the same expectations through the client's transport hook, on tokio's
// paused clock (retry backoff, Retry-After and timeouts take no real time).
// -------------------------------------------------------------------------------------------------

/// The acceptance test again, in process: no socket, the client's own auth, retries and decoding.
#[tokio::test(start_paused = true)]
async fn a_deleted_link_shows_the_notice_in_process() {
    let mock = MockApi::in_process();
    let gone = UpdateLinkGone::LinkGone(ErrorBody::example());
    mock.links()
        .update()
        .workspace_id("ws_1")
        .link_id("lnk_9")
        .respond_error(gone)
        .times(1);
    let client = mock.configure(Client::builder()).build().unwrap();

    assert_eq!(
        rename_link(&client, "ws_1", "lnk_9", "New").await,
        "This link was deleted"
    );
}

/// `429` with `Retry-After: 30`, then `200`: the client waits the 30 s the server asked for (on
/// the paused clock) with the default retry policy, and sends the same request again with its
/// credentials.
#[tokio::test(start_paused = true)]
async fn in_process_answers_run_the_clients_real_retries_and_retry_after() {
    let mock = MockApi::in_process();
    let limited = MockAnswer::json(429, &ErrorBody::example().code("RATE_LIMITED"))
        .header("retry-after", "30");
    let renamed = UpdateLinkResponse::example()
        .data(UpdateLinkResponseData::example().link(Link::example().link_id("lnk_9")));
    let update = mock
        .links()
        .update()
        .respond_with(limited)
        .respond(&renamed)
        .times(2);
    let client = mock.configure(Client::builder()).build().unwrap();

    let started = tokio::time::Instant::now();
    assert_eq!(
        rename_link(&client, "ws_1", "lnk_9", "New").await,
        "renamed lnk_9"
    );
    assert_eq!(started.elapsed(), std::time::Duration::from_secs(30));
    let received = update.received();
    assert_eq!(received.len(), 2);
    assert!(received
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer mock-api-key")));
    assert_eq!(received[0].path, "/public/workspace/ws_1/links/lnk_9");
}

/// An answer slower than the client's timeout: the client's own per-attempt deadline fires; a
/// later expectation then answers promptly.
#[tokio::test(start_paused = true)]
async fn a_delayed_answer_meets_the_clients_real_timeout() {
    let mock = MockApi::in_process();
    let ok = UpdateLinkResponse::example();
    let slow = mock
        .links()
        .update()
        .respond(&ok)
        .delay(std::time::Duration::from_secs(120))
        .times(1);
    let client = mock
        .configure(Client::builder())
        .timeout(std::time::Duration::from_secs(10))
        .max_retries(0)
        .build()
        .unwrap();

    let err = client
        .links()
        .update("ws", "lnk", &UpdateLinkRequest::new())
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(slow.received().len(), 1);

    let prompt = mock.links().update().respond(&ok).times(1);
    let retrying = mock
        .configure(Client::builder())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    // `slow` has had its one call, so the new expectation answers the first attempt.
    assert!(retrying
        .links()
        .update("ws", "lnk", &UpdateLinkRequest::new())
        .await
        .is_ok());
    assert_eq!(prompt.received().len(), 1);
}

//! Renames a recording link.
//!
//! ```text
//! USERPLANE_API_KEY=uspl_... cargo run -p userplane --example update_link -- [WORKSPACE_ID] [LINK_ID] [TITLE]
//! ```
//!
//! `USERPLANE_BASE_URL` overrides the API's URL (for example to point at a mock server). Prints one
//! line: `updated link <id>: title=<title>` on success, or what went wrong.
//!
//! This file is hand-written; `cargo xtask codegen` does not touch `examples/`.

use std::process::ExitCode;

use userplane::{Client, Error, UpdateLinkError, UpdateLinkNotFound, UpdateLinkRequest};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let workspace_id = args.next().unwrap_or_else(|| "ws_demo".to_owned());
    let link_id = args.next().unwrap_or_else(|| "lnk_demo".to_owned());
    let title = args
        .next()
        .unwrap_or_else(|| "Renamed by the Rust example".to_owned());

    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => {
            eprintln!(
                "error: {e} (set USERPLANE_API_KEY, and USERPLANE_BASE_URL for another server)"
            );
            return ExitCode::from(2);
        }
    };

    let body = UpdateLinkRequest::new().link_title(title);
    match client.links().update(&workspace_id, &link_id, &body).await {
        Ok(updated) => {
            let link = &updated.data.link;
            let title = link.link_title.as_deref().unwrap_or("(none)");
            println!("updated link {}: title={title}", link.link_id);
            ExitCode::SUCCESS
        }
        Err(Error::Api(api))
            if matches!(
                api.error,
                UpdateLinkError::NotFound(UpdateLinkNotFound::LinkNotFound(_))
            ) =>
        {
            let request_id = api.request_id().unwrap_or("none");
            println!(
                "link {link_id} not found in workspace {workspace_id} (request id: {request_id})"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

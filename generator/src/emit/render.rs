//! Rendering parts to text: the tokens of a part parsed by syn and printed by prettyplease, its
//! gate's `#[cfg(...)]` written from a cache before each of its items, and the parts whose
//! emitter writes text directly (`Piece::Text`) taken as they are.
//!
//! Why: on large specs, re-parsing the tokens `quote` builds was about 40 % of a run's CPU time
//! (perf on GitHub's spec), and a large API's gates are much of its text (Stripe: 60-feature
//! `cfg(any(...))` lists, 41 % of the generated lines). A gate is printed once per distinct gate
//! instead of being built, parsed and printed before every item. The repetitive items are
//! written as text in prettyplease's layout: the models' plain structs, their serde macro calls,
//! string enums, builders and `Validate` impls (`model_text`), and each operation's parameter struct, methods, request
//! function and decoders (`operation_text`, `request_text`), and each operation's error type
//! (`errors_text`), with `layout` for lines that break; nearly all of `mock.rs` (`mock_text`:
//! accessors, expectations, error answers; `example_text`: the models' test values).
//!
//! In debug builds (every test and corpus run) every part that has a fast path is also rendered
//! the old way, whole, and the two texts must be equal: a difference is an error naming the part's
//! origin, so the whole test suite checks the text writers against prettyplease. Release builds
//! skip the check.

use super::{Gate, ItemJob};
use proc_macro2::TokenStream;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A piece of a part: one top-level item written as text in prettyplease's layout (without its
/// gate), or items as tokens, to be parsed and printed.
pub(crate) enum Piece {
    Item(String),
    Tokens(TokenStream),
}

/// The printed `#[cfg(...)]` line(s) of each gate met so far, shared by the workers.
#[derive(Default)]
pub(crate) struct GateTexts {
    printed: Mutex<HashMap<Gate, Arc<str>>>,
}

impl GateTexts {
    /// What prettyplease prints for `gate`'s attribute before a top-level item ("" for
    /// [`Gate::Always`]).
    fn text(&self, gate: &Gate) -> Result<Arc<str>, String> {
        if let Some(text) = self.lock().get(gate) {
            return Ok(text.clone());
        }
        let attr = gate.attr();
        let printed = format_tokens(quote::quote!(#attr struct Gated;))?;
        let text: Arc<str> = printed
            .strip_suffix("struct Gated;\n")
            .ok_or_else(|| format!("a `cfg` printed unexpectedly: {printed}"))?
            .into();
        self.lock().insert(gate.clone(), text.clone());
        Ok(text)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Gate, Arc<str>>> {
        // The map is only ever inserted into whole entries: a panic elsewhere leaves it usable.
        self.printed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One part's text, after the job's `finish`: the header of an error is already the whole
/// message. Pieces are written finished (a part's `finish` tidies what prettyplease prints, which
/// a writer of text writes tidy in the first place).
pub(super) fn render(job: &ItemJob<'_>, gates: &GateTexts) -> Result<String, String> {
    let finished = |text: String| match job.finish {
        Some(finish) => finish(text),
        None => text,
    };
    let Some(pieces) = job.pieces.as_ref().and_then(|pieces| pieces()) else {
        return render_tokens(job, gates).map(finished);
    };
    let gate = if job.gate_in_text {
        gates.text(&job.gate)?
    } else {
        Arc::from("")
    };
    let mut text = String::new();
    for piece in pieces {
        match piece {
            Piece::Item(item) => {
                text.push_str(&gate);
                text.push_str(&item);
            }
            Piece::Tokens(tokens) => print_gated(&mut text, &gate, tokens)?,
        }
    }
    if cfg!(debug_assertions) {
        let printed = finished(render_tokens(job, gates)?);
        if printed != text {
            return Err(layout_mismatch(&printed, &text));
        }
    }
    Ok(text)
}

/// A part rendered from its tokens alone (the reference the fast paths are checked against).
fn render_tokens(job: &ItemJob<'_>, gates: &GateTexts) -> Result<String, String> {
    let tokens = (job.build)();
    if !job.gate_in_text || job.gate == Gate::Always {
        return format_tokens(tokens).map_err(unparsable);
    }
    let gate = gates.text(&job.gate)?;
    let mut text = String::new();
    print_gated(&mut text, &gate, tokens)?;
    if cfg!(debug_assertions) {
        let whole = format_tokens(job.gate.apply((job.build)())).map_err(unparsable)?;
        if whole != text {
            return Err(layout_mismatch(&whole, &text));
        }
    }
    Ok(text)
}

/// Parses `tokens` (top-level items) and prints each after `gate`.
fn print_gated(out: &mut String, gate: &str, tokens: TokenStream) -> Result<(), String> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| unparsable(e.to_string()))?;
    if gate.is_empty() || !file.attrs.is_empty() {
        out.push_str(&prettyplease::unparse(&file));
        return Ok(());
    }
    for item in file.items {
        out.push_str(gate);
        out.push_str(&prettyplease::unparse(&syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![item],
        }));
    }
    Ok(())
}

pub(super) fn format_tokens(tokens: TokenStream) -> Result<String, String> {
    syn::parse2::<syn::File>(tokens)
        .map(|file| prettyplease::unparse(&file))
        .map_err(|e| e.to_string())
}

fn unparsable(e: String) -> String {
    format!("the generator produced Rust it cannot parse for this part: {e}")
}

/// The first line where the directly written text and prettyplease's differ.
fn layout_mismatch(printed: &str, written: &str) -> String {
    let (line, (want, got)) = printed
        .lines()
        .chain(std::iter::repeat(""))
        .zip(written.lines().chain(std::iter::repeat("")))
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .unwrap_or((0, ("", "")));
    format!(
        "the text written for this part differs from prettyplease's layout at its line {}: \
         expected `{want}`, written `{got}`",
        line + 1
    )
}

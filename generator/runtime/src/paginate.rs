//! Pagination: [`paginate`] turns a page-fetching closure into a stream of items.

use std::future::Future;

use futures_core::Stream;

use super::error::Error;

/// Default safety bound on the number of pages [`paginate`] fetches.
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// One page of results, and the state to fetch the next one (`None` on the last page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<S, T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The state for the next page, or `None` if this is the last.
    pub next: Option<S>,
}

impl<S, T> Page<S, T> {
    /// A page.
    pub fn new(items: Vec<T>, next: Option<S>) -> Self {
        Self { items, next }
    }
}

struct PageState<S, T, F> {
    fetch: F,
    next: Option<S>,
    buffer: std::vec::IntoIter<T>,
    pages: usize,
    max_pages: usize,
}

/// Streams the items of successive pages: `fetch(state)` returns a page and the state for the next
/// one.
///
/// The stream ends after a page whose `next` is `None`, at an empty page, after yielding an error,
/// or after `max_pages` pages (a safety bound against endless pagination; [`DEFAULT_MAX_PAGES`] is
/// a sensible value). The stream is `Unpin`, so `stream.next().await` ([`StreamExt::next`](super::StreamExt::next)) works
/// directly.
pub fn paginate<S, T, E, F, Fut>(
    initial: S,
    max_pages: usize,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin
where
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Result<Page<S, T>, Error<E>>>,
{
    let state = PageState {
        fetch,
        next: Some(initial),
        buffer: Vec::new().into_iter(),
        pages: 0,
        max_pages,
    };
    Box::pin(futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.next() {
                return Some((Ok(item), st));
            }
            if st.pages >= st.max_pages {
                return None;
            }
            let next = st.next.take()?;
            match (st.fetch)(next).await {
                Ok(page) => {
                    st.pages += 1;
                    if page.items.is_empty() {
                        return None;
                    }
                    st.next = page.next;
                    st.buffer = page.items.into_iter();
                }
                // `next` is now `None`, so the stream ends after the error.
                Err(e) => return Some((Err(e), st)),
            }
        }
    }))
}

//! Lazy pagination over Auth0 list endpoints: one engine, [`Paginator`], for every manager.
//!
//! # For users of the crate
//!
//! Every `get_all`-style method of a manager returns a [`Paginator`]. Nothing is sent until you
//! consume it, and then one page at a time:
//!
//! ```no_run
//! use futures::TryStreamExt as _;
//! # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
//! # #[cfg(feature = "users")] {
//! use auth0_management::managers::users::GetUsersParams;
//!
//! // Every user, streamed page by page (memory stays at one page).
//! let mut users = client.users().get_all(GetUsersParams::new().per_page(100)).items();
//! while let Some(user) = users.try_next().await? {
//!     println!("{:?}", user.user_id);
//! }
//!
//! // Or whole pages, with the totals the server reported.
//! let mut pages = client.users().get_all(GetUsersParams::new()).pages();
//! while let Some(page) = pages.try_next().await? {
//!     println!("{} of {:?}", page.items.len(), page.total);
//! }
//! # }
//! # Ok(()) }
//! ```
//!
//! Paging modes:
//!
//! - **Offset** ([`PageRequest::Offset`]): `page` (0-based), `per_page`, and
//!   `include_totals=true`, so the response carries `total`. The listing ends at the first empty
//!   page, when `start + items >= total`, or (when the server sent no total) at a short page.
//! - **Checkpoint** ([`PageRequest::Checkpoint`]): `from` (a cursor, absent on the first page) and
//!   `take`. The next cursor is the response's `next`; for endpoints whose responses carry none
//!   (`/logs`), it is derived from the last item of a full page
//!   ([`item_cursor`](Paginator::item_cursor)). The listing ends at an empty page, a page with no
//!   next cursor, or a cursor already seen (logged with `tracing::warn!`, never looped on; the
//!   requested cursors are remembered, one short string per page).
//! - **The 1000-record offset limit.** Auth0 refuses offset pages that reach 1000 records
//!   (`page * per_page >= 1000`). Before asking for such a page the paginator either continues
//!   with checkpoint paging from the last item's cursor, where the endpoint allows it
//!   ([`continue_with_checkpoint`](Paginator::continue_with_checkpoint)), or ends the stream
//!   with [`Error::PaginationLimit`], never with a silent stop or a 400 loop.
//!
//! A failed request ends the stream after yielding its error. [`max_pages`](Paginator::max_pages)
//! bounds a listing further.
//!
//! # For manager authors
//!
//! A list method builds a [`Paginator`] from a closure that fetches one page for a
//! [`PageRequest`]. The closure owns what it needs (a [`ManagementClient`] clone and the
//! params), is called once per page, and returns a [`Page`]. The generated list responses (an
//! untagged enum of a bare array or a paginated object) turn into a `Page` with
//! [`IntoPage`], implemented for each list response type with the crate-internal
//! `impl_into_page!` macro (defined in this module, next to [`IntoPage`]):
//!
//! ```ignore
//! // In src/managers/rules.rs:
//! crate::pagination::impl_into_page!(types::ListRulesResponseContent => types::Rule {
//!     ListRulesOffsetPaginatedResponseContent => offset rules,
//! });
//!
//! pub fn get_all(&self, params: GetRulesParams) -> Paginator<types::Rule> {
//!     let client = self.client.clone();
//!     Paginator::offset(params.page.unwrap_or(0), params.per_page.unwrap_or(50), move |req| {
//!         let client = client.clone();
//!         let params = params.clone();
//!         async move {
//!             let api = client.api();
//!             client
//!                 .call(api.get_rules(
//!                     params.enabled,
//!                     params.fields.as_deref(),
//!                     params.include_fields,
//!                     req.include_totals(), // Some(true) in offset mode
//!                     req.page(),           // Some(page) in offset mode
//!                     req.per_page(),       // Some(per_page) in offset mode
//!                 ))
//!                 .await
//!                 .map(IntoPage::into_page)
//!         }
//!     })
//! }
//! ```
//!
//! For a checkpoint endpoint whose response carries `next` (declare the variant with
//! `=> checkpoint <items field>` in the macro), start with [`Paginator::checkpoint`] and pass
//! [`PageRequest::from`] / [`PageRequest::take`] to the generated call.
//!
//! Endpoints with both shapes (clients, connections, client grants) start with
//! [`PageRequest::first`] and pass every `PageRequest` accessor to one generated call. Their
//! generated response enum is untagged; `cargo xtask spec-sync` makes `total` required on the
//! offset page so that a checkpoint page (`next`, no `total`) cannot decode as an offset page.
//!
//! [`ManagementClient`]: crate::ManagementClient

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::num::NonZeroU64;
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt as _, TryStreamExt as _};

use crate::{BoxFuture, Error, Result};

/// Auth0's offset-paging limit: `page * per_page` must stay below this many records.
pub const OFFSET_LIMIT: u64 = 1000;

/// What one page request asks for; given to the fetch closure of a [`Paginator`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    /// Offset paging: `page` (0-based) of `per_page` items, with `include_totals=true`.
    Offset {
        /// The page index, from 0.
        page: u64,
        /// Items per page.
        per_page: u64,
    },
    /// Checkpoint paging: `take` items after the cursor `from` (`None` on the first page).
    Checkpoint {
        /// The cursor, `None` for the first page.
        from: Option<String>,
        /// How many items to take.
        take: u64,
    },
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl PageRequest {
    /// The first request of a listing that offers both modes (clients, connections, client
    /// grants): checkpoint when the caller set `from` or `take`, offset otherwise; `default_size`
    /// fills in the page size the caller left out.
    pub fn first(
        page: Option<u64>,
        per_page: Option<u64>,
        from: Option<String>,
        take: Option<u64>,
        default_size: u64,
    ) -> Self {
        if from.is_some() || take.is_some() {
            PageRequest::Checkpoint {
                from,
                take: take.unwrap_or(default_size),
            }
        } else {
            PageRequest::Offset {
                page: page.unwrap_or(0),
                per_page: per_page.unwrap_or(default_size),
            }
        }
    }

    /// `Some(page)` in offset mode, for the generated `page` parameter.
    pub fn page(&self) -> Option<u64> {
        match self {
            PageRequest::Offset { page, .. } => Some(*page),
            PageRequest::Checkpoint { .. } => None,
        }
    }

    /// `Some(per_page)` in offset mode, for the generated `per_page` parameter.
    pub fn per_page(&self) -> Option<i64> {
        match self {
            PageRequest::Offset { per_page, .. } => Some(to_i64(*per_page)),
            PageRequest::Checkpoint { .. } => None,
        }
    }

    /// `Some(true)` in offset mode (so the response has a total), `None` in checkpoint mode.
    pub fn include_totals(&self) -> Option<bool> {
        match self {
            PageRequest::Offset { .. } => Some(true),
            PageRequest::Checkpoint { .. } => None,
        }
    }

    /// [`include_totals`](Self::include_totals), unless the caller chose: offset requests ask
    /// for totals unless the caller said otherwise; checkpoint pages have none.
    pub fn include_totals_or(&self, caller: Option<bool>) -> Option<bool> {
        self.include_totals().map(|t| caller.unwrap_or(t))
    }

    /// The checkpoint cursor, for the generated `from` parameter.
    pub fn from(&self) -> Option<&str> {
        match self {
            PageRequest::Checkpoint { from, .. } => from.as_deref(),
            PageRequest::Offset { .. } => None,
        }
    }

    /// `Some(take)` in checkpoint mode, for the generated `take` parameter.
    pub fn take(&self) -> Option<i64> {
        match self {
            PageRequest::Checkpoint { take, .. } => Some(to_i64(*take)),
            PageRequest::Offset { .. } => None,
        }
    }

    /// [`per_page`](Self::per_page) for parameters typed `NonZeroU64` (0 is left out).
    pub fn per_page_nonzero(&self) -> Option<NonZeroU64> {
        match self {
            PageRequest::Offset { per_page, .. } => NonZeroU64::new(*per_page),
            PageRequest::Checkpoint { .. } => None,
        }
    }

    /// [`take`](Self::take) for parameters typed `NonZeroU64` (0 is left out).
    pub fn take_nonzero(&self) -> Option<NonZeroU64> {
        match self {
            PageRequest::Checkpoint { take, .. } => NonZeroU64::new(*take),
            PageRequest::Offset { .. } => None,
        }
    }

    /// Whether this is a checkpoint request.
    pub fn is_checkpoint(&self) -> bool {
        matches!(self, PageRequest::Checkpoint { .. })
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The total number of items, if the server reported it (offset paging with totals).
    pub total: Option<u64>,
    /// The index of the first item of this page, if the server reported it.
    pub start: Option<u64>,
    /// The page size the server applied, if it reported it.
    pub limit: Option<u64>,
    /// The cursor of the next page (checkpoint paging), if any.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// A page with just items (a bare array response).
    pub fn new(items: Vec<T>) -> Self {
        Self {
            items,
            total: None,
            start: None,
            limit: None,
            next: None,
        }
    }

    /// Sets [`total`](Self::total).
    pub fn with_total(mut self, total: Option<u64>) -> Self {
        self.total = total;
        self
    }

    /// Sets [`start`](Self::start).
    pub fn with_start(mut self, start: Option<u64>) -> Self {
        self.start = start;
        self
    }

    /// Sets [`limit`](Self::limit).
    pub fn with_limit(mut self, limit: Option<u64>) -> Self {
        self.limit = limit;
        self
    }

    /// Sets [`next`](Self::next).
    pub fn with_next(mut self, next: Option<String>) -> Self {
        self.next = next;
        self
    }

    /// Maps the items, keeping the paging fields.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            start: self.start,
            limit: self.limit,
            next: self.next,
        }
    }
}

/// Turns a generated list response (a bare array or a paginated object) into a [`Page`].
///
/// Implemented for the list responses this crate's managers use; see the module docs.
pub trait IntoPage {
    /// The item type.
    type Item;
    /// The page.
    fn into_page(self) -> Page<Self::Item>;
}

impl<T> IntoPage for Vec<T> {
    type Item = T;
    fn into_page(self) -> Page<T> {
        Page::new(self)
    }
}

/// Counts as the generated paginated objects spell them (`f64`, `i64`, `NonZeroU64`, optional).
#[doc(hidden)]
pub trait AsCount {
    fn as_count(&self) -> Option<u64>;
}

impl AsCount for f64 {
    fn as_count(&self) -> Option<u64> {
        // Counts are integral; anything else (negative, NaN) is ignored.
        (self.is_finite() && *self >= 0.0).then_some(*self as u64)
    }
}

impl AsCount for i64 {
    fn as_count(&self) -> Option<u64> {
        u64::try_from(*self).ok()
    }
}

impl AsCount for u64 {
    fn as_count(&self) -> Option<u64> {
        Some(*self)
    }
}

impl AsCount for std::num::NonZeroU64 {
    fn as_count(&self) -> Option<u64> {
        Some(self.get())
    }
}

impl<C: AsCount> AsCount for Option<C> {
    fn as_count(&self) -> Option<u64> {
        self.as_ref().and_then(AsCount::as_count)
    }
}

/// Implements [`IntoPage`] for a generated list response enum.
///
/// ```ignore
/// impl_into_page!(types::ListUsersResponseContent => types::UserResponseSchema {
///     ListUsersOffsetPaginatedResponseContent => offset users,
/// });
/// impl_into_page!(types::ListConnectionsResponseContent => types::ConnectionForList {
///     ListConnectionsOffsetPaginatedResponseContent => offset connections,
///     ListConnectionsCheckpointPaginatedResponseContent => checkpoint connections,
/// });
/// ```
///
/// The `Array` variant is always handled. `offset` variants read `total`, `start` and `limit`;
/// `checkpoint` variants read `next`.
#[allow(unused_macros)] // Unused when no list endpoint's area is enabled.
macro_rules! impl_into_page {
    ($ty:ty => $item:ty { $($variant:ident => $kind:ident $field:ident),* $(,)? }) => {
        impl $crate::pagination::IntoPage for $ty {
            type Item = $item;
            fn into_page(self) -> $crate::pagination::Page<$item> {
                #[allow(unused_imports)]
                use $crate::pagination::AsCount as _;
                type Enum = $ty;
                match self {
                    Enum::Array(items) => $crate::pagination::Page::new(items),
                    $(Enum::$variant(p) => $crate::pagination::impl_into_page!(@$kind p, $field),)*
                }
            }
        }
    };
    (@offset $p:ident, $field:ident) => {
        $crate::pagination::Page::new($p.$field)
            .with_total($p.total.as_count())
            .with_start($p.start.as_count())
            .with_limit($p.limit.as_count())
    };
    (@checkpoint $p:ident, $field:ident) => {
        $crate::pagination::Page::new($p.$field).with_next($p.next)
    };
}
#[allow(unused_imports)]
pub(crate) use impl_into_page;

type Fetch<T> = Arc<dyn Fn(PageRequest) -> BoxFuture<'static, Result<Page<T>>> + Send + Sync>;
type Cursor<T> = Arc<dyn Fn(&T) -> Option<String> + Send + Sync>;

/// A lazy listing: fetches pages on demand through a closure. See the [module docs](self).
///
/// Cheap to clone; every call to [`pages`](Self::pages) or [`items`](Self::items) starts the
/// listing anew.
pub struct Paginator<T> {
    fetch: Fetch<T>,
    first: PageRequest,
    item_cursor: Option<Cursor<T>>,
    continue_with_checkpoint: bool,
    offset_limit: u64,
    max_pages: Option<u64>,
}

impl<T> Clone for Paginator<T> {
    fn clone(&self) -> Self {
        Self {
            fetch: self.fetch.clone(),
            first: self.first.clone(),
            item_cursor: self.item_cursor.clone(),
            continue_with_checkpoint: self.continue_with_checkpoint,
            offset_limit: self.offset_limit,
            max_pages: self.max_pages,
        }
    }
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("first", &self.first)
            .field("item_cursor", &self.item_cursor.is_some())
            .field("continue_with_checkpoint", &self.continue_with_checkpoint)
            .field("offset_limit", &self.offset_limit)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Paginator<T> {
    /// A listing that starts with `first` and fetches each page with `fetch`.
    pub fn new<F, Fut>(first: PageRequest, fetch: F) -> Self
    where
        F: Fn(PageRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    {
        Self {
            fetch: Arc::new(move |req| Box::pin(fetch(req))),
            first,
            item_cursor: None,
            continue_with_checkpoint: false,
            offset_limit: OFFSET_LIMIT,
            max_pages: None,
        }
    }

    /// Offset paging from page `start_page` (0-based), `per_page` items a page.
    pub fn offset<F, Fut>(start_page: u64, per_page: u64, fetch: F) -> Self
    where
        F: Fn(PageRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    {
        Self::new(
            PageRequest::Offset {
                page: start_page,
                per_page,
            },
            fetch,
        )
    }

    /// Checkpoint paging from cursor `from` (`None`: from the start), `take` items a page.
    pub fn checkpoint<F, Fut>(from: Option<String>, take: u64, fetch: F) -> Self
    where
        F: Fn(PageRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    {
        Self::new(PageRequest::Checkpoint { from, take }, fetch)
    }

    /// A listing of exactly one already fetched page (for endpoints without paging).
    pub fn once(page: Page<T>) -> Self
    where
        T: Clone + Sync,
    {
        let page = Arc::new(page);
        let mut p = Self::new(
            PageRequest::Offset {
                page: 0,
                per_page: u64::MAX,
            },
            move |_| {
                let page = page.clone();
                async move { Ok(Page::clone(&page)) }
            },
        );
        p.max_pages = Some(1);
        p
    }

    /// How to get a checkpoint cursor from an item (for `/logs`, the item's `log_id`). Used
    /// when a checkpoint response carries no `next`: after a full page, the last item's cursor
    /// asks for the next one. Also needed by
    /// [`continue_with_checkpoint`](Self::continue_with_checkpoint).
    pub fn item_cursor(
        mut self,
        cursor: impl Fn(&T) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.item_cursor = Some(Arc::new(cursor));
        self
    }

    /// At the offset limit, continue with checkpoint paging (`from` = the last item's cursor,
    /// `take` = `per_page`) instead of failing with [`Error::PaginationLimit`]. Only correct
    /// when checkpoint paging from an item returns the items that follow it in the offset
    /// order; needs [`item_cursor`](Self::item_cursor).
    pub fn continue_with_checkpoint(mut self) -> Self {
        self.continue_with_checkpoint = true;
        self
    }

    /// Overrides the offset limit (default [`OFFSET_LIMIT`]).
    pub fn offset_limit(mut self, limit: u64) -> Self {
        self.offset_limit = limit;
        self
    }

    /// Stops after `n` pages (without an error).
    pub fn max_pages(mut self, n: u64) -> Self {
        self.max_pages = Some(n);
        self
    }

    /// The first request this listing sends.
    pub fn first_request(&self) -> &PageRequest {
        &self.first
    }

    /// Fetches just the first page.
    pub async fn first_page(&self) -> Result<Page<T>> {
        self.check()?;
        (self.fetch)(self.first.clone()).await
    }

    /// The pages, fetched one at a time as the stream is polled.
    pub fn pages(&self) -> BoxStream<'static, Result<Page<T>>> {
        if let Err(e) = self.check() {
            return stream::once(async move { Err(e) }).boxed();
        }
        let state = State {
            p: self.clone(),
            next: Some(Next::Fetch(self.first.clone())),
            seen: HashSet::new(),
            last_cursor: None,
            fetched_items: 0,
            pages: 0,
        };
        stream::try_unfold(state, State::step).boxed()
    }

    /// The items of all pages, fetched one page at a time as the stream is polled.
    pub fn items(&self) -> BoxStream<'static, Result<T>> {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Collects every item (all pages) into a `Vec`.
    pub async fn collect_all(&self) -> Result<Vec<T>> {
        self.items().try_collect().await
    }

    fn check(&self) -> Result<()> {
        let size = match &self.first {
            PageRequest::Offset { per_page, .. } => *per_page,
            PageRequest::Checkpoint { take, .. } => *take,
        };
        if size == 0 {
            return Err(Error::InvalidInput(
                "page size (per_page / take) must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// What the stream does when next polled.
enum Next {
    Fetch(PageRequest),
    /// Yield this error (after the page that led to it was yielded), then end.
    Fail(Error),
}

struct State<T> {
    p: Paginator<T>,
    next: Option<Next>,
    /// Checkpoint cursors already requested.
    seen: HashSet<String>,
    /// Cursor of the last item seen (offset mode, with an item cursor).
    last_cursor: Option<String>,
    fetched_items: u64,
    pages: u64,
}

impl<T: Send + 'static> State<T> {
    async fn step(mut self) -> Result<Option<(Page<T>, Self)>> {
        if self.p.max_pages.is_some_and(|m| self.pages >= m) {
            return Ok(None);
        }
        let req = match self.next.take() {
            None => return Ok(None),
            Some(Next::Fail(e)) => return Err(e),
            Some(Next::Fetch(req)) => req,
        };
        let req = match req {
            PageRequest::Offset { page, per_page }
                if page.saturating_mul(per_page) >= self.p.offset_limit =>
            {
                // Only reachable when the listing starts at or beyond the limit.
                self.at_limit(per_page, None)?
            }
            req => req,
        };
        if let PageRequest::Checkpoint { from: Some(f), .. } = &req {
            self.seen.insert(f.clone());
        }
        let pg = (self.p.fetch)(req.clone()).await?;
        self.pages += 1;
        let len = pg.items.len() as u64;
        self.fetched_items = self.fetched_items.saturating_add(len);
        if len == 0 {
            // An empty page ends the listing; only a first page is yielded empty.
            return Ok((self.pages == 1).then_some((pg, self)));
        }
        self.next = match req {
            PageRequest::Offset { page, per_page } => self.after_offset(&pg, page, per_page),
            PageRequest::Checkpoint { from, take } => self.after_checkpoint(&pg, from, take),
        };
        Ok(Some((pg, self)))
    }

    fn after_offset(&mut self, pg: &Page<T>, page: u64, per_page: u64) -> Option<Next> {
        let len = pg.items.len() as u64;
        if let (Some(cursor), Some(last)) = (&self.p.item_cursor, pg.items.last()) {
            self.last_cursor = cursor(last);
        }
        let start = pg.start.unwrap_or(page.saturating_mul(per_page));
        let end = start.saturating_add(len);
        let done = match pg.total {
            Some(total) => end >= total,
            // Without a total, a short page is the last one, unless it was cut by the limit.
            None => len < per_page && end < self.p.offset_limit,
        };
        if done {
            return None;
        }
        let next_page = page.saturating_add(1);
        if next_page.saturating_mul(per_page) < self.p.offset_limit {
            return Some(Next::Fetch(PageRequest::Offset {
                page: next_page,
                per_page,
            }));
        }
        Some(match self.at_limit(per_page, pg.total) {
            Ok(req) => Next::Fetch(req),
            Err(e) => Next::Fail(e),
        })
    }

    fn after_checkpoint(&mut self, pg: &Page<T>, from: Option<String>, take: u64) -> Option<Next> {
        let len = pg.items.len() as u64;
        let cursor = match pg.next.as_ref().filter(|n| !n.is_empty()) {
            Some(n) => Some(n.clone()),
            None if len >= take => match (&self.p.item_cursor, pg.items.last()) {
                (Some(c), Some(last)) => c(last),
                _ => None,
            },
            None => None,
        }?;
        if self.seen.contains(&cursor) || from.as_deref() == Some(cursor.as_str()) {
            tracing::warn!(
                "pagination: the server returned a checkpoint cursor that was already requested; \
                 ending the listing instead of looping"
            );
            return None;
        }
        Some(Next::Fetch(PageRequest::Checkpoint {
            from: Some(cursor),
            take,
        }))
    }

    /// The request after the offset limit: checkpoint paging if allowed, else the error.
    fn at_limit(&mut self, per_page: u64, total: Option<u64>) -> Result<PageRequest> {
        if self.p.continue_with_checkpoint
            && let Some(c) = self.last_cursor.take()
        {
            return Ok(PageRequest::Checkpoint {
                from: Some(c),
                take: per_page,
            });
        }
        Err(Error::PaginationLimit {
            limit: self.p.offset_limit,
            fetched: self.fetched_items,
            total,
        })
    }
}

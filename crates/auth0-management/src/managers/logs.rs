//! Log events: `/api/v2/logs`.
//!
//! [`LogsManager`] (from [`ManagementClient::logs`]) lists and reads log events; the seed's
//! `getLogs` and `getLog` are also methods of [`ManagementClient`] itself.
//!
//! Two ways to page through `/logs`:
//!
//! - **Offset** (`page`, `per_page`, the default): limited by Auth0 to the first 1000 events.
//!   Sorted ascending by date (`sort("date:1")`), the listing goes on past 1000 with checkpoint
//!   paging from the last event seen; otherwise it ends with [`Error::PaginationLimit`].
//! - **Checkpoint** ([`GetLogsParams::from`] and/or [`GetLogsParams::take`]): `take` events
//!   after the event `from`, each next page starting after the last event of the previous one,
//!   with no limit. This is the way to read a tenant's whole log or to tail it.

use crate::api::types;
use crate::pagination::{IntoPage as _, Paginator};
use crate::{Error, ManagementClient, path_id};

/// A log event.
pub type Log = types::Log;

/// Page size used when the params set none.
pub const DEFAULT_PER_PAGE: u64 = 50;

/// Query parameters of `GET /logs` (all optional): the seed's `getLogs(params)` and every
/// parameter of the API.
///
/// ```
/// use auth0_management::managers::logs::GetLogsParams;
///
/// // Offset paging, newest first.
/// let recent = GetLogsParams::new().q("type:f").sort("date:-1").per_page(100);
/// // Checkpoint paging: 100 events at a time after a known event.
/// let tail = GetLogsParams::new().from("90020230101000000000000000000000000000000").take(100);
/// # let _ = (recent, tail);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetLogsParams {
    pub(crate) page: Option<u64>,
    pub(crate) per_page: Option<u64>,
    pub(crate) sort: Option<String>,
    pub(crate) fields: Option<String>,
    pub(crate) include_fields: Option<bool>,
    pub(crate) include_totals: Option<bool>,
    pub(crate) from: Option<String>,
    pub(crate) take: Option<u64>,
    pub(crate) search: Option<String>,
}

impl GetLogsParams {
    /// Every event, offset paging, the server's order.
    pub fn new() -> Self {
        Self::default()
    }

    /// The first page (0-based), offset paging.
    pub fn page(mut self, page: u64) -> Self {
        self.page = Some(page);
        self
    }

    /// Events per page (up to 100), offset paging.
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Sort order: `date:1` (oldest first) or `date:-1` (newest first).
    pub fn sort(mut self, sort: impl Into<String>) -> Self {
        self.sort = Some(sort.into());
        self
    }

    /// The fields to include (or to exclude, with `include_fields(false)`); comma-separated.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(
            fields
                .into_iter()
                .map(|f| f.as_ref().to_owned())
                .collect::<Vec<_>>()
                .join(","),
        );
        self
    }

    /// Whether [`fields`](Self::fields) lists fields to include (`true`) or to exclude.
    pub fn include_fields(mut self, include: bool) -> Self {
        self.include_fields = Some(include);
        self
    }

    /// Whether to ask for totals in offset mode (default `true`; with `false` the listing stops
    /// at the first short page).
    pub fn include_totals(mut self, include: bool) -> Self {
        self.include_totals = Some(include);
        self
    }

    /// Checkpoint paging: start after the event with this `log_id`.
    pub fn from(mut self, log_id: impl Into<String>) -> Self {
        self.from = Some(log_id.into());
        self
    }

    /// Checkpoint paging: events per page (Auth0 allows up to 100).
    pub fn take(mut self, take: u64) -> Self {
        self.take = Some(take);
        self
    }

    /// Search criteria, in Lucene query syntax (the API's `search` parameter), e.g.
    /// `type:f AND user_id:"auth0|abc"`.
    pub fn search(mut self, search: impl Into<String>) -> Self {
        self.search = Some(search.into());
        self
    }

    /// Same as [`search`](Self::search) (sent as `search`), named like the users' `q`.
    pub fn q(self, q: impl Into<String>) -> Self {
        self.search(q)
    }

    fn is_checkpoint(&self) -> bool {
        self.from.is_some() || self.take.is_some()
    }

    /// Whether offset paging can continue with checkpoint paging at the limit: only when the
    /// offset order is the order checkpoint paging follows (oldest first).
    fn continues_with_checkpoint(&self) -> bool {
        self.sort
            .as_deref()
            .is_some_and(|s| s.replace(' ', "") == "date:1")
    }
}

/// Log events: list and read. Obtained with [`ManagementClient::logs`].
#[derive(Debug, Clone)]
pub struct LogsManager {
    client: ManagementClient,
}

impl LogsManager {
    /// `GET /logs`, page by page, in offset or checkpoint mode (see the [module docs](self)).
    ///
    /// ```no_run
    /// use futures::TryStreamExt as _;
    /// use auth0_management::managers::logs::GetLogsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let mut events = client.logs().get_all(GetLogsParams::new().take(100)).items();
    /// while let Some(event) = events.try_next().await? {
    ///     println!("{:?} {:?}", event.log_id, event.type_);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_all(&self, params: GetLogsParams) -> Paginator<Log> {
        let client = self.client.clone();
        let per_page = params.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let start_page = params.page.unwrap_or(0);
        let checkpoint = params.is_checkpoint();
        let continues = params.continues_with_checkpoint();
        let from = params.from.clone();
        let take = params.take.or(params.per_page).unwrap_or(DEFAULT_PER_PAGE);
        let fetch = move |req: crate::pagination::PageRequest| {
            let client = client.clone();
            let params = params.clone();
            async move {
                let api = client.api();
                // The sort only applies in offset mode (checkpoint pages follow the log order).
                let sort = params.sort.as_deref().filter(|_| !req.is_checkpoint());
                let include_totals = req.include_totals_or(params.include_totals);
                client
                    .call(api.get_logs(
                        params.fields.as_deref(),
                        req.from(),
                        params.include_fields,
                        include_totals,
                        req.page(),
                        req.per_page(),
                        params.search.as_deref(),
                        sort,
                        req.take(),
                    ))
                    .await
                    .map(|r| r.into_page())
            }
        };
        let paginator = if checkpoint {
            Paginator::checkpoint(from, take, fetch)
        } else {
            let p = Paginator::offset(start_page, per_page, fetch);
            if continues {
                p.continue_with_checkpoint()
            } else {
                p
            }
        };
        paginator.item_cursor(|log: &Log| log.log_id.clone())
    }

    /// `GET /logs/{id}`: one log event.
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let event = client.logs().get("90020230101000000000000000000000000000000").await?;
    /// # let _ = event; Ok(()) }
    /// ```
    pub async fn get(&self, id: &str) -> Result<Log, Error> {
        let id = path_id("id", id)?;
        let c = &self.client;
        c.call(c.api().get_logs_by_id(id)).await
    }
}

impl ManagementClient {
    /// The log endpoints (`/api/v2/logs`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let logs = client.logs();
    /// # let _ = logs; Ok(()) }
    /// ```
    pub fn logs(&self) -> LogsManager {
        LogsManager {
            client: self.clone(),
        }
    }

    /// Log events (seed: `getLogs(params)`); see [`LogsManager::get_all`]. The seed's single
    /// page is [`Paginator::first_page`].
    ///
    /// ```no_run
    /// use auth0_management::managers::logs::GetLogsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let events = client.get_logs(GetLogsParams::new().q("type:f")).collect_all().await?;
    /// println!("{}", events.len());
    /// # Ok(()) }
    /// ```
    pub fn get_logs(&self, params: GetLogsParams) -> Paginator<Log> {
        self.logs().get_all(params)
    }

    /// One log event (seed: `getLog({ id })`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let event = client.get_log("90020230101000000000000000000000000000000").await?;
    /// println!("{:?}", event.description);
    /// # Ok(()) }
    /// ```
    pub async fn get_log(&self, id: &str) -> Result<Log, Error> {
        self.logs().get(id).await
    }
}

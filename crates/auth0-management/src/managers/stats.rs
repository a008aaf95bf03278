//! Stats: `/api/v2/stats`.
//!
//! [`StatsManager`] (from [`ManagementClient::stats`]) reads the active-users count and the
//! daily stats; the seed's `getActiveUsersCount` and `getDailyStats` are also methods of
//! [`ManagementClient`]. This file also holds the seed's `getClientInfo`.

use crate::api::types;
use crate::{ClientInfo, Error, ManagementClient};

/// Query parameters of `GET /stats/daily`: the first and last day, both included, as
/// `YYYYMMDD`.
///
/// ```
/// use auth0_management::managers::stats::GetDailyStatsParams;
///
/// let params = GetDailyStatsParams::new().from("20240101").to("20240131");
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GetDailyStatsParams {
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
}

impl GetDailyStatsParams {
    /// No range: the server's default.
    pub fn new() -> Self {
        Self::default()
    }

    /// The first day included, `YYYYMMDD`.
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = Some(from.into());
        self
    }

    /// The last day included, `YYYYMMDD`.
    pub fn to(mut self, to: impl Into<String>) -> Self {
        self.to = Some(to.into());
        self
    }
}

fn check_day(name: &str, day: Option<&str>) -> Result<(), Error> {
    match day {
        Some(d) if d.len() != 8 || !d.bytes().all(|b| b.is_ascii_digit()) => Err(
            Error::InvalidInput(format!("{name} must be a day as YYYYMMDD, got {d:?}")),
        ),
        _ => Ok(()),
    }
}

/// Stats. Obtained with [`ManagementClient::stats`].
#[derive(Debug, Clone)]
pub struct StatsManager {
    client: ManagementClient,
}

impl StatsManager {
    /// `GET /stats/active-users`: the number of users who logged in during the last 30 days.
    pub async fn get_active_users_count(&self) -> Result<u64, Error> {
        let c = &self.client;
        let count: types::GetActiveUsersCountStatsResponseContent =
            c.call(c.api().get_active_users()).await?;
        let n = count.0;
        if n.is_finite() && n >= 0.0 && n.fract() == 0.0 {
            Ok(n as u64)
        } else {
            Err(Error::Decode {
                message: "the active users count is not a non-negative integer".into(),
                snippet: n.to_string(),
            })
        }
    }

    /// `GET /stats/daily`: logins, signups and leaked-password detections per day.
    /// A `from` or `to` that is not 8 digits is refused with [`Error::InvalidInput`].
    pub async fn get_daily(
        &self,
        params: &GetDailyStatsParams,
    ) -> Result<Vec<types::DailyStats>, Error> {
        check_day("from", params.from.as_deref())?;
        check_day("to", params.to.as_deref())?;
        let c = &self.client;
        c.call(
            c.api()
                .get_daily(params.from.as_deref(), params.to.as_deref()),
        )
        .await
    }
}

impl ManagementClient {
    /// The stats endpoints (`/api/v2/stats`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let n = client.stats().get_active_users_count().await?;
    /// # let _ = n; Ok(()) }
    /// ```
    pub fn stats(&self) -> StatsManager {
        StatsManager {
            client: self.clone(),
        }
    }

    /// The number of active users in the last 30 days (seed: `getActiveUsersCount()`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let n = client.get_active_users_count().await?;
    /// println!("{n} active users");
    /// # Ok(()) }
    /// ```
    pub async fn get_active_users_count(&self) -> Result<u64, Error> {
        self.stats().get_active_users_count().await
    }

    /// Daily stats for a range of days (seed: `getDailyStats({ from, to })`).
    ///
    /// ```no_run
    /// use auth0_management::managers::stats::GetDailyStatsParams;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let days = client
    ///     .get_daily_stats(&GetDailyStatsParams::new().from("20240101").to("20240107"))
    ///     .await?;
    /// for day in days {
    ///     println!("{:?}: {:?} logins", day.date, day.logins);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_daily_stats(
        &self,
        params: &GetDailyStatsParams,
    ) -> Result<Vec<types::DailyStats>, Error> {
        self.stats().get_daily(params).await
    }

    /// What the `Auth0-Client` telemetry header carries (seed: `getClientInfo()`), or `None`
    /// when telemetry is off. Same as [`client_info`](Self::client_info).
    ///
    /// ```no_run
    /// # fn demo(client: auth0_management::ManagementClient) {
    /// if let Some(info) = client.get_client_info() {
    ///     println!("{info:?}");
    /// }
    /// # }
    /// ```
    pub fn get_client_info(&self) -> Option<&ClientInfo> {
        self.client_info()
    }
}

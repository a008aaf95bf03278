//! Tickets: `/api/v2/tickets` (email verification and password change links).
//!
//! [`TicketsManager`] (from [`ManagementClient::tickets`]) creates tickets; the seed's
//! `createEmailVerificationTicket` and `createPasswordChangeTicket` are also methods of
//! [`ManagementClient`] itself. Both return the ticket URL to send to the user.

use crate::api::types;
use crate::{Error, ManagementClient};

/// A created ticket: `ticket` is the URL.
pub type Ticket = types::VerifyEmailTicketResponseContent;

/// Tickets: email verification and password change. Obtained with
/// [`ManagementClient::tickets`].
#[derive(Debug, Clone)]
pub struct TicketsManager {
    client: ManagementClient,
}

impl TicketsManager {
    /// `POST /tickets/email-verification`: a link that verifies the user's email.
    pub async fn create_email_verification_ticket(
        &self,
        data: &types::VerifyEmailTicketRequestContent,
    ) -> Result<Ticket, Error> {
        let c = &self.client;
        c.call(c.api().post_email_verification(None, data)).await
    }

    /// `POST /tickets/password-change`: a link where the user sets a new password.
    pub async fn create_password_change_ticket(
        &self,
        data: &types::ChangePasswordTicketRequestContent,
    ) -> Result<Ticket, Error> {
        let c = &self.client;
        c.call(c.api().post_password_change(None, data)).await
    }
}

impl ManagementClient {
    /// The ticket endpoints (`/api/v2/tickets`).
    ///
    /// ```no_run
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let tickets = client.tickets();
    /// # let _ = tickets; Ok(()) }
    /// ```
    pub fn tickets(&self) -> TicketsManager {
        TicketsManager {
            client: self.clone(),
        }
    }

    /// Creates an email verification ticket (seed:
    /// `createEmailVerificationTicket({ user_id, result_url })`).
    ///
    /// ```no_run
    /// use auth0_management::api::types::VerifyEmailTicketRequestContent;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let data = VerifyEmailTicketRequestContent {
    ///     user_id: "auth0|abc".into(),
    ///     result_url: Some("https://example.com/verified".into()),
    ///     client_id: None,
    ///     identity: None,
    ///     include_email_in_redirect: None,
    ///     organization_id: None,
    ///     ttl_sec: None,
    /// };
    /// let ticket = client.create_email_verification_ticket(&data).await?;
    /// println!("{}", ticket.ticket);
    /// # Ok(()) }
    /// ```
    pub async fn create_email_verification_ticket(
        &self,
        data: &types::VerifyEmailTicketRequestContent,
    ) -> Result<Ticket, Error> {
        self.tickets().create_email_verification_ticket(data).await
    }

    /// Creates a password change ticket (seed:
    /// `createPasswordChangeTicket({ result_url, user_id, email, ... })`).
    ///
    /// ```no_run
    /// use auth0_management::api::types::ChangePasswordTicketRequestContent;
    /// # async fn demo(client: auth0_management::ManagementClient) -> Result<(), auth0_management::Error> {
    /// let data = ChangePasswordTicketRequestContent {
    ///     user_id: Some("auth0|abc".into()),
    ///     result_url: Some("https://example.com/done".into()),
    ///     ..Default::default()
    /// };
    /// let ticket = client.create_password_change_ticket(&data).await?;
    /// println!("{}", ticket.ticket);
    /// # Ok(()) }
    /// ```
    pub async fn create_password_change_ticket(
        &self,
        data: &types::ChangePasswordTicketRequestContent,
    ) -> Result<Ticket, Error> {
        self.tickets().create_password_change_ticket(data).await
    }
}

//! Client server functions: thin adapters that build the caller's business context, parse, and
//! hand over to `server::clients` (which checks the permission).

use super::form::ClientForm;
use super::{ClientOverview, ClientPage, ClientSummary, MemberRateForm, MemberRates, TimelineEntry};
use crate::error::AppResult;
use crate::ids::{ClientId, UserId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "clients/list")]
pub async fn list_clients(
    #[server(default)] search: String,
    #[server(default)] include_archived: bool,
    /// `created` lists the newest first; anything else sorts by name.
    #[server(default)]
    sort: String,
) -> AppResult<Vec<ClientSummary>> {
    let newest_first = sort == "created";
    crate::server::clients::list(&crate::server::business()?, &search, include_archived, newest_first).await
}

#[server(prefix = "/api", endpoint = "clients/get")]
pub async fn get_client(id: ClientId) -> AppResult<ClientPage> {
    crate::server::clients::page(&crate::server::business()?, id).await
}

/// The client page in one call: the client, its projects, member rates and timeline.
#[server(prefix = "/api", endpoint = "clients/overview")]
pub async fn get_client_overview(id: ClientId) -> AppResult<ClientOverview> {
    crate::server::clients::overview(&crate::server::business()?, id).await
}

#[server(prefix = "/api", endpoint = "clients/create")]
pub async fn create_client(form: ClientForm) -> AppResult<ClientId> {
    let ctx = crate::server::business()?;
    let id = crate::server::clients::create(&ctx, form.validate()?).await?;
    leptos_axum::redirect(&format!("/clients/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "clients/update")]
pub async fn update_client(id: ClientId, form: ClientForm) -> AppResult<()> {
    let ctx = crate::server::business()?;
    let id = crate::server::clients::update(&ctx, id, form.validate()?).await?;
    leptos_axum::redirect(&format!("/clients/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "clients/archive")]
pub async fn archive_client(id: ClientId) -> AppResult<()> {
    crate::server::clients::set_archived(&crate::server::business()?, id, true).await
}

#[server(prefix = "/api", endpoint = "clients/restore")]
pub async fn restore_client(id: ClientId) -> AppResult<()> {
    crate::server::clients::set_archived(&crate::server::business()?, id, false).await
}

#[server(prefix = "/api", endpoint = "clients/timeline")]
pub async fn client_timeline(client_id: ClientId) -> AppResult<Vec<TimelineEntry>> {
    crate::server::clients::timeline(&crate::server::business()?, client_id).await
}

#[server(prefix = "/api", endpoint = "clients/add_note")]
pub async fn add_client_note(client_id: ClientId, text: String) -> AppResult<()> {
    crate::server::clients::add_note(&crate::server::business()?, client_id, &text).await
}

#[server(prefix = "/api", endpoint = "clients/member_rates")]
pub async fn list_member_rates(client_id: ClientId) -> AppResult<MemberRates> {
    crate::server::clients::member_rates(&crate::server::business()?, client_id).await
}

#[server(prefix = "/api", endpoint = "clients/set_member_rate")]
pub async fn set_member_rate(rate: MemberRateForm) -> AppResult<()> {
    crate::server::clients::set_member_rate(&crate::server::business()?, &rate).await
}

/// The client's own billing rounding rule, or (`form[scope]=business`) the business's.
#[server(prefix = "/api", endpoint = "clients/rounding")]
pub async fn set_client_billing_rounding(
    client_id: ClientId,
    #[server(default)] form: crate::invoices::rounding::RoundingForm,
) -> AppResult<()> {
    let rule = form.validate_for_client()?;
    crate::server::clients::set_billing_rounding(&crate::server::business()?, client_id, rule).await
}

#[server(prefix = "/api", endpoint = "clients/remove_member_rate")]
pub async fn remove_member_rate(client_id: ClientId, user_id: UserId) -> AppResult<()> {
    crate::server::clients::remove_member_rate(&crate::server::business()?, client_id, user_id).await
}

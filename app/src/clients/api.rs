//! Client server functions: thin adapters that authorize, then hand over to `server::clients`.

use super::form::ClientForm;
use super::{ClientPage, ClientSummary, MemberRateForm, MemberRates, TimelineEntry};
use crate::error::AppResult;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "clients/list")]
pub async fn list_clients(
    #[server(default)] search: String,
    #[server(default)] include_archived: bool,
) -> AppResult<Vec<ClientSummary>> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsView)?;
    crate::server::db::clients::list(&ctx.pool, ctx.business.id, &search, include_archived).await
}

#[server(prefix = "/api", endpoint = "clients/get")]
pub async fn get_client(id: String) -> AppResult<ClientPage> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsView)?;
    crate::server::clients::page(&ctx, &id).await
}

#[server(prefix = "/api", endpoint = "clients/create")]
pub async fn create_client(form: ClientForm) -> AppResult<Uuid> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsCreate)?;
    let id = crate::server::clients::create(&ctx, &form).await?;
    leptos_axum::redirect(&format!("/clients/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "clients/update")]
pub async fn update_client(id: String, form: ClientForm) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsEdit)?;
    let id = crate::server::clients::update(&ctx, &id, &form).await?;
    leptos_axum::redirect(&format!("/clients/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "clients/archive")]
pub async fn archive_client(id: String) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsArchive)?;
    crate::server::clients::set_archived(&ctx, &id, true).await
}

#[server(prefix = "/api", endpoint = "clients/restore")]
pub async fn restore_client(id: String) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsArchive)?;
    crate::server::clients::set_archived(&ctx, &id, false).await
}

#[server(prefix = "/api", endpoint = "clients/timeline")]
pub async fn client_timeline(client_id: String) -> AppResult<Vec<TimelineEntry>> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsView)?;
    crate::server::clients::timeline(&ctx, &client_id).await
}

#[server(prefix = "/api", endpoint = "clients/add_note")]
pub async fn add_client_note(client_id: String, text: String) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsEdit)?;
    crate::server::clients::add_note(&ctx, &client_id, &text).await
}

#[server(prefix = "/api", endpoint = "clients/member_rates")]
pub async fn list_member_rates(client_id: String) -> AppResult<MemberRates> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsView)?;
    crate::server::clients::member_rates(&ctx, &client_id).await
}

#[server(prefix = "/api", endpoint = "clients/set_member_rate")]
pub async fn set_member_rate(rate: MemberRateForm) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsManageRates)?;
    crate::server::clients::set_member_rate(&ctx, &rate).await
}

#[server(prefix = "/api", endpoint = "clients/remove_member_rate")]
pub async fn remove_member_rate(client_id: String, user_id: String) -> AppResult<()> {
    let ctx = crate::server::authorize(crate::permissions::Permission::ClientsManageRates)?;
    crate::server::clients::remove_member_rate(&ctx, &client_id, &user_id).await
}

//! Client operations: validation, permission-dependent fields, and the timeline events each change
//! leaves, all in one transaction per change.

use crate::clients::form::ClientInput;
use crate::clients::{note_text, ClientPage, ClientSummary, EventKind, MemberRateForm, MemberRates, TimelineEntry};
use crate::error::{AppError, AppResult};
use crate::ids::{ClientId, UserId};
use crate::money::parse_optional;
use crate::money::parse_rate;
use crate::permissions::Permission;
use crate::server::db::{clients as db, team, team_rates, timeline};
use crate::server::BusinessCtx;

fn pricing_rule(ctx: &BusinessCtx, input: ClientInput) -> AppResult<ClientInput> {
    input.restrict_pricing(ctx.can(Permission::ClientsManageRates)).map_err(|m| AppError::NotAllowed(m.to_owned()))
}

pub async fn list(ctx: &BusinessCtx, search: &str, include_archived: bool) -> AppResult<Vec<ClientSummary>> {
    ctx.require(Permission::ClientsView)?;
    db::list(&ctx.pool, ctx.business.id, search, include_archived).await
}

pub async fn page(ctx: &BusinessCtx, id: ClientId) -> AppResult<ClientPage> {
    ctx.require(Permission::ClientsView)?;
    let client = db::get(&ctx.pool, ctx.business.id, id).await?;
    Ok(ClientPage {
        client,
        can_edit: ctx.can(Permission::ClientsEdit),
        can_archive: ctx.can(Permission::ClientsArchive),
        can_manage_rates: ctx.can(Permission::ClientsManageRates),
        can_see_costs: ctx.can(Permission::ReportsViewProfit),
    })
}

pub async fn create(ctx: &BusinessCtx, input: ClientInput) -> AppResult<ClientId> {
    ctx.require(Permission::ClientsCreate)?;
    let input = pricing_rule(ctx, input)?;
    let mut tx = ctx.pool.begin().await?;
    let id = db::insert(&mut tx, ctx.business.id, ctx.user.id, &input).await?;
    timeline::add_event(
        &mut tx,
        ctx.business.id,
        id,
        EventKind::ClientCreated,
        "",
        serde_json::json!({}),
        Some(ctx.user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(ctx: &BusinessCtx, id: ClientId, input: ClientInput) -> AppResult<ClientId> {
    ctx.require(Permission::ClientsEdit)?;
    let input = pricing_rule(ctx, input)?;
    let mut tx = ctx.pool.begin().await?;
    let changed = db::update(&mut tx, ctx.business.id, id, &input).await?;
    if !changed.is_empty() {
        let payload = serde_json::json!({ "fields": changed });
        timeline::add_event(&mut tx, ctx.business.id, id, EventKind::ClientUpdated, "", payload, Some(ctx.user.id))
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn set_archived(ctx: &BusinessCtx, id: ClientId, archived: bool) -> AppResult<()> {
    ctx.require(Permission::ClientsArchive)?;
    let mut tx = ctx.pool.begin().await?;
    if db::set_archived(&mut tx, ctx.business.id, id, archived).await? {
        let kind = if archived { EventKind::ClientArchived } else { EventKind::ClientRestored };
        timeline::add_event(&mut tx, ctx.business.id, id, kind, "", serde_json::json!({}), Some(ctx.user.id)).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn timeline(ctx: &BusinessCtx, id: ClientId) -> AppResult<Vec<TimelineEntry>> {
    ctx.require(Permission::ClientsView)?;
    db::is_archived(&ctx.pool, ctx.business.id, id).await?; // NotFound for someone else's client
    timeline::list(&ctx.pool, ctx.business.id, id, 200).await
}

pub async fn add_note(ctx: &BusinessCtx, id: ClientId, text: &str) -> AppResult<()> {
    ctx.require(Permission::ClientsEdit)?;
    let text = note_text(text).map_err(|e| AppError::field("text", e))?;
    let mut tx = ctx.pool.begin().await?;
    timeline::add_event(&mut tx, ctx.business.id, id, EventKind::Note, &text, serde_json::json!({}), Some(ctx.user.id))
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn member_rates(ctx: &BusinessCtx, id: ClientId) -> AppResult<MemberRates> {
    ctx.require(Permission::ClientsView)?;
    db::is_archived(&ctx.pool, ctx.business.id, id).await?;
    let can_see_costs = ctx.can(Permission::ReportsViewProfit);
    let mut rates = team_rates::list(&ctx.pool, ctx.business.id, id).await?;
    if !can_see_costs {
        // Internal costs are for people who may see profit; everyone else never receives them.
        for rate in &mut rates {
            rate.cost = None;
        }
    }
    let can_manage = ctx.can(Permission::ClientsManageRates);
    let team = if can_manage {
        team::members(&ctx.pool, ctx.business.id).await?.into_iter().map(|m| (m.user_id, m.name)).collect()
    } else {
        Vec::new()
    };
    Ok(MemberRates { rates, can_see_costs, can_manage, team })
}

pub async fn set_member_rate(ctx: &BusinessCtx, form: &MemberRateForm) -> AppResult<()> {
    ctx.require(Permission::ClientsManageRates)?;
    let client: ClientId = crate::ids::param(&form.client_id)?;
    let user = form.user_id.parse::<UserId>().map_err(|_| AppError::field("user_id", "Choose a team member."))?;
    let mut errors = crate::validation::FieldErrors::new();
    let bill =
        errors.check_money("bill", parse_rate(&form.bill_amount, &form.bill_currency, &form.bill_unit)).flatten();
    let cost = if ctx.can(Permission::ReportsViewProfit) {
        Some(errors.check_money("cost", parse_rate(&form.cost_amount, &form.cost_currency, &form.cost_unit)).flatten())
    } else {
        None // not persisted without reports.viewProfit
    };
    let budget = errors
        .check_money("budget", parse_optional(&form.budget_amount, &form.budget_currency, "the budget"))
        .flatten();
    errors.into_result()?;
    db::is_archived(&ctx.pool, ctx.business.id, client).await?;
    if team::member_role(&ctx.pool, ctx.business.id, user).await?.is_none() {
        return Err(AppError::field("user_id", "That person isn't on your team."));
    }
    team_rates::upsert(&ctx.pool, ctx.business.id, client, user, bill, cost, budget).await
}

pub async fn remove_member_rate(ctx: &BusinessCtx, client: ClientId, user: UserId) -> AppResult<()> {
    ctx.require(Permission::ClientsManageRates)?;
    team_rates::delete(&ctx.pool, ctx.business.id, client, user).await
}

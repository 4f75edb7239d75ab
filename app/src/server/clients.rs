//! Client operations: validation, permission-dependent fields, and the timeline events each change
//! leaves, all in one transaction per change.

use crate::clients::form::{parse_rate, ClientForm};
use crate::clients::{note_text, ClientPage, EventKind, MemberRateForm, MemberRates, TimelineEntry};
use crate::error::{AppError, AppResult};
use crate::money::parse_optional;
use crate::permissions::Permission;
use crate::server::db::{clients as db, team};
use crate::server::BusinessCtx;
use uuid::Uuid;

pub fn parse_id(value: &str) -> AppResult<Uuid> {
    Uuid::parse_str(value.trim()).map_err(|_| AppError::NotFound)
}

fn rates_not_allowed() -> AppError {
    AppError::NotAllowed("You can't set rates or budgets: that needs the \"Manage client rates\" permission.".into())
}

pub async fn page(ctx: &BusinessCtx, id: &str) -> AppResult<ClientPage> {
    let client = db::get(&ctx.pool, ctx.business.id, parse_id(id)?).await?;
    Ok(ClientPage {
        client,
        can_edit: ctx.can(Permission::ClientsEdit),
        can_archive: ctx.can(Permission::ClientsArchive),
        can_manage_rates: ctx.can(Permission::ClientsManageRates),
        can_see_costs: ctx.can(Permission::ReportsViewProfit),
    })
}

pub async fn create(ctx: &BusinessCtx, form: &ClientForm) -> AppResult<Uuid> {
    let input = form.validate()?;
    if input.pricing.as_ref().is_some_and(|p| p.default_rate.is_some() || p.budget.is_some())
        && !ctx.can(Permission::ClientsManageRates)
    {
        return Err(rates_not_allowed());
    }
    let mut tx = ctx.pool.begin().await?;
    let id = db::insert(&mut tx, ctx.business.id, ctx.user.id, &input).await?;
    db::add_event(&mut tx, ctx.business.id, id, EventKind::ClientCreated, "", serde_json::json!({}), Some(ctx.user.id))
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(ctx: &BusinessCtx, id: &str, form: &ClientForm) -> AppResult<Uuid> {
    let id = parse_id(id)?;
    let mut input = form.validate()?;
    if input.pricing.is_some() && !ctx.can(Permission::ClientsManageRates) {
        // Pricing the user cannot change stays as it is; sending some anyway is refused.
        if input.pricing.as_ref().is_some_and(|p| p.default_rate.is_some() || p.budget.is_some()) {
            return Err(rates_not_allowed());
        }
        input.pricing = None;
    }
    let mut tx = ctx.pool.begin().await?;
    let changed = db::update(&mut tx, ctx.business.id, id, &input).await?;
    if !changed.is_empty() {
        let payload = serde_json::json!({ "fields": changed });
        db::add_event(&mut tx, ctx.business.id, id, EventKind::ClientUpdated, "", payload, Some(ctx.user.id)).await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn set_archived(ctx: &BusinessCtx, id: &str, archived: bool) -> AppResult<()> {
    let id = parse_id(id)?;
    let mut tx = ctx.pool.begin().await?;
    if db::set_archived(&mut tx, ctx.business.id, id, archived).await? {
        let kind = if archived { EventKind::ClientArchived } else { EventKind::ClientRestored };
        db::add_event(&mut tx, ctx.business.id, id, kind, "", serde_json::json!({}), Some(ctx.user.id)).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn timeline(ctx: &BusinessCtx, client_id: &str) -> AppResult<Vec<TimelineEntry>> {
    let id = parse_id(client_id)?;
    db::is_archived(&ctx.pool, ctx.business.id, id).await?; // NotFound for someone else's client
    db::timeline(&ctx.pool, ctx.business.id, id, 200).await
}

pub async fn add_note(ctx: &BusinessCtx, client_id: &str, text: &str) -> AppResult<()> {
    let id = parse_id(client_id)?;
    let text = note_text(text).map_err(|e| AppError::field("text", e))?;
    let mut tx = ctx.pool.begin().await?;
    db::add_event(&mut tx, ctx.business.id, id, EventKind::Note, &text, serde_json::json!({}), Some(ctx.user.id))
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn member_rates(ctx: &BusinessCtx, client_id: &str) -> AppResult<MemberRates> {
    let id = parse_id(client_id)?;
    db::is_archived(&ctx.pool, ctx.business.id, id).await?;
    let can_see_costs = ctx.can(Permission::ReportsViewProfit);
    let mut rates = db::member_rates(&ctx.pool, ctx.business.id, id).await?;
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
    let client = parse_id(&form.client_id)?;
    let user = Uuid::parse_str(form.user_id.trim()).map_err(|_| AppError::field("user_id", "Choose a team member."))?;
    let mut errors = crate::validation::FieldErrors::new();
    let bill = parse_rate(&form.bill_amount, &form.bill_currency, &form.bill_unit)
        .map_err(|(f, e)| errors.add(&format!("bill_{f}"), e))
        .ok()
        .flatten();
    let cost = if ctx.can(Permission::ReportsViewProfit) {
        Some(
            parse_rate(&form.cost_amount, &form.cost_currency, &form.cost_unit)
                .map_err(|(f, e)| errors.add(&format!("cost_{f}"), e))
                .ok()
                .flatten(),
        )
    } else {
        None // not persisted without reports.viewProfit
    };
    let budget = parse_optional(&form.budget_amount, &form.budget_currency, "the budget")
        .map_err(|(f, e)| errors.add(&format!("budget_{f}"), e))
        .ok()
        .flatten();
    errors.into_result()?;
    db::is_archived(&ctx.pool, ctx.business.id, client).await?;
    if team::member_role(&ctx.pool, ctx.business.id, user).await?.is_none() {
        return Err(AppError::field("user_id", "That person isn't on your team."));
    }
    db::upsert_member_rate(&ctx.pool, ctx.business.id, client, user, bill, cost, budget).await
}

pub async fn remove_member_rate(ctx: &BusinessCtx, client_id: &str, user_id: &str) -> AppResult<()> {
    db::delete_member_rate(&ctx.pool, ctx.business.id, parse_id(client_id)?, parse_id(user_id)?).await
}

//! Client operations: validation, permission-dependent fields, and the timeline events each change
//! leaves, all in one transaction per change.

use crate::clients::form::ClientInput;
use crate::clients::{
    note_text, ClientOverview, ClientPage, ClientSummary, EventKind, MemberBudget, MemberRateForm, MemberRates,
    TimelineEntry,
};
use crate::error::{AppError, AppResult};
use crate::ids::{ClientId, UserId};
use crate::money::parse_optional;
use crate::money::parse_rate;
use crate::permissions::Permission;
use crate::server::db::client_panels::{self, Panels, Sections};
use crate::server::db::{clients as db, team, team_rates, timeline};
use crate::server::BusinessCtx;

fn pricing_rule(ctx: &BusinessCtx, input: ClientInput) -> AppResult<ClientInput> {
    input.restrict_pricing(ctx.can(Permission::ClientsManageRates)).map_err(|m| AppError::NotAllowed(m.to_owned()))
}

/// Clients matching `search`, by name or newest first, with the day each was added on the
/// business's calendar.
pub async fn list(
    ctx: &BusinessCtx,
    search: &str,
    include_archived: bool,
    newest_first: bool,
) -> AppResult<Vec<ClientSummary>> {
    ctx.require(Permission::ClientsView)?;
    let filter = db::ListFilter { search, include_archived, newest_first, timezone: &ctx.local.timezone };
    db::list(&ctx.pool, ctx.business.id, filter).await
}

pub async fn page(ctx: &BusinessCtx, id: ClientId) -> AppResult<ClientPage> {
    ctx.require(Permission::ClientsView)?;
    let client = db::get(&ctx.pool, ctx.business.id, id).await?;
    Ok(page_of(ctx, client))
}

fn page_of(ctx: &BusinessCtx, client: crate::clients::Client) -> ClientPage {
    ClientPage {
        client,
        can_edit: ctx.can(Permission::ClientsEdit),
        can_archive: ctx.can(Permission::ClientsArchive),
        can_manage_rates: ctx.can(Permission::ClientsManageRates),
        can_see_costs: ctx.can(Permission::ReportsViewProfit),
    }
}

/// The whole client page: the client beside its panels, two statements on two connections.
pub async fn overview(ctx: &BusinessCtx, id: ClientId) -> AppResult<ClientOverview> {
    ctx.require(Permission::ClientsView)?;
    let sections = Sections {
        projects: ctx.can(Permission::ProjectsView),
        rates: true,
        team: ctx.can(Permission::ClientsManageRates),
        timeline: true,
        budgets: true,
    };
    let (client, panels) = tokio::try_join!(
        db::get(&ctx.pool, ctx.business.id, id),
        client_panels::read(&ctx.pool, ctx.business.id, id, sections, ctx.today())
    )?;
    let Panels { projects, rates, team, timeline, budget_time, fx } = panels;
    let latest = crate::server::budgets::LatestRates::from_json(fx, ctx.today())?;
    let budget = client.budget.map(|budget| crate::server::budgets::usage(budget, &budget_time, &latest));
    let member_budgets = rates
        .iter()
        .filter_map(|rate| {
            let budget = rate.budget?;
            let theirs = budget_time.iter().filter(|g| g.user_id == Some(rate.user_id));
            Some(MemberBudget {
                user_id: rate.user_id,
                name: rate.name.clone(),
                usage: crate::server::budgets::usage(budget, theirs, &latest),
            })
        })
        .collect();
    Ok(ClientOverview {
        page: page_of(ctx, client),
        projects,
        rates: rates_of(ctx, rates, team),
        timeline: on_business_clock(ctx, timeline),
        budget,
        member_budgets,
    })
}

/// Rates as the viewer may see them.
fn rates_of(ctx: &BusinessCtx, mut rates: Vec<crate::clients::MemberRate>, team: Vec<(UserId, String)>) -> MemberRates {
    let can_see_costs = ctx.can(Permission::ReportsViewProfit);
    if !can_see_costs {
        // Internal costs are for people who may see profit; everyone else never receives them.
        for rate in &mut rates {
            rate.cost = None;
        }
    }
    MemberRates {
        rates,
        can_see_costs,
        can_manage: ctx.can(Permission::ClientsManageRates),
        team,
        currency: ctx.business.currency.clone(),
    }
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
    let sections = Sections { timeline: true, ..Sections::default() };
    Ok(on_business_clock(
        ctx,
        client_panels::read(&ctx.pool, ctx.business.id, id, sections, ctx.today()).await?.timeline,
    ))
}

/// Each entry's time as the business's clock shows it.
fn on_business_clock(ctx: &BusinessCtx, mut entries: Vec<TimelineEntry>) -> Vec<TimelineEntry> {
    let zone = crate::server::time::zone(&ctx.local.timezone);
    for entry in &mut entries {
        entry.when = entry.at.with_timezone(&zone).format("%-d %b %Y, %H:%M %Z").to_string();
    }
    entries
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
    let sections = Sections { rates: true, team: ctx.can(Permission::ClientsManageRates), ..Sections::default() };
    let panels = client_panels::read(&ctx.pool, ctx.business.id, id, sections, ctx.today()).await?;
    Ok(rates_of(ctx, panels.rates, panels.team))
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

/// Gives the client its own billing rounding rule (`None`: follow the business's). Drafts that
/// already generated lines keep theirs.
pub async fn set_billing_rounding(
    ctx: &BusinessCtx,
    client: ClientId,
    rule: Option<crate::invoices::rounding::ClientRounding>,
) -> AppResult<()> {
    ctx.require(Permission::ClientsManageRates)?;
    let stored = rule.map(|own| crate::invoices::rounding::RoundingRule::encode(own.0.as_ref()));
    db::set_billing_rounding(&ctx.pool, ctx.business.id, client, stored.as_deref()).await
}

pub async fn remove_member_rate(ctx: &BusinessCtx, client: ClientId, user: UserId) -> AppResult<()> {
    ctx.require(Permission::ClientsManageRates)?;
    team_rates::delete(&ctx.pool, ctx.business.id, client, user).await
}

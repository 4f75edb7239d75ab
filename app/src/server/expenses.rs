//! Expense operations (PRODUCT §3.11). Receipts: [`receipts`].

pub mod receipts;
pub mod scan;

use crate::error::{AppError, AppResult};
use crate::expenses::{totals, ExpenseFilter, ExpenseInput, ExpenseList, ExpenseOptions, ExpensePage, ExpenseStatus};
use crate::ids::{ExpenseId, InvoiceId};
use crate::permissions::Permission;
use crate::server::db::expenses as db;
use crate::server::BusinessCtx;
use chrono::NaiveDate;

pub async fn list(ctx: &BusinessCtx, filter: &ExpenseFilter) -> AppResult<ExpenseList> {
    ctx.require(Permission::ExpensesView)?;
    let (expenses, truncated) = db::list(&ctx.pool, ctx.business.id, filter).await?;
    // Summing what is listed saves a query, unless the list was cut short.
    let totals = if truncated {
        db::totals(&ctx.pool, ctx.business.id, filter).await?
    } else {
        totals(expenses.iter().map(|e| e.amount))
    };
    Ok(ExpenseList { expenses, totals, truncated })
}

pub async fn get(ctx: &BusinessCtx, id: ExpenseId) -> AppResult<crate::expenses::Expense> {
    ctx.require(Permission::ExpensesView)?;
    db::get(&ctx.pool, ctx.business.id, id).await
}

pub async fn page(ctx: &BusinessCtx, id: ExpenseId) -> AppResult<ExpensePage> {
    let expense = get(ctx, id).await?;
    Ok(ExpensePage {
        expense,
        can_edit: ctx.can(Permission::ExpensesEdit),
        can_approve: ctx.can(Permission::ExpensesApprove),
        can_delete: ctx.can(Permission::ExpensesDelete),
        today: ctx.today(),
    })
}

/// What the new and edit forms offer; for anyone who sees expenses (which name their clients).
pub async fn choices(ctx: &BusinessCtx) -> AppResult<ExpenseOptions> {
    ctx.require(Permission::ExpensesView)?;
    let (clients, projects, categories) = db::choices(&ctx.pool, ctx.business.id).await?;
    Ok(ExpenseOptions {
        clients,
        projects,
        categories,
        base_currency: ctx.business.currency.clone(),
        today: ctx.today(),
        can_scan: false,
    })
}

/// A project decides the client: the form's client must be that one, or empty.
async fn settle_client(ctx: &BusinessCtx, mut input: ExpenseInput) -> AppResult<ExpenseInput> {
    if let Some(project) = input.project_id {
        let Some(client) = db::client_of_project(&ctx.pool, ctx.business.id, project).await? else {
            return Err(AppError::field("project_id", "Choose one of your projects, or none."));
        };
        if input.client_id.is_some_and(|chosen| chosen != client) {
            return Err(AppError::field("project_id", "This project belongs to another client."));
        }
        input.client_id = Some(client);
    }
    Ok(input)
}

pub async fn create(ctx: &BusinessCtx, input: ExpenseInput) -> AppResult<ExpenseId> {
    ctx.require(Permission::ExpensesCreate)?;
    let input = settle_client(ctx, input).await?;
    db::insert(&ctx.pool, ctx.business.id, ctx.user.id, &input).await
}

fn billed(_invoice: InvoiceId) -> AppError {
    AppError::Conflict(
        "This expense is billed on an invoice. Remove its line from the draft, or void the invoice, before changing or deleting it."
            .to_owned(),
    )
}

/// Billed expenses are locked: their amount is on an invoice.
pub async fn update(ctx: &BusinessCtx, id: ExpenseId, input: ExpenseInput) -> AppResult<()> {
    ctx.require(Permission::ExpensesEdit)?;
    let input = settle_client(ctx, input).await?;
    let mut tx = ctx.pool.begin().await?;
    if let Some(invoice) = db::lock(&mut tx, ctx.business.id, id).await? {
        return Err(billed(invoice));
    }
    db::update(&mut *tx, ctx.business.id, id, &input).await?;
    tx.commit().await?;
    Ok(())
}

/// Paid (on `paid_on`, default today) or unpaid again; allowed on billed expenses too, since
/// paying a supplier does not change what the client is billed.
pub async fn set_status(
    ctx: &BusinessCtx,
    id: ExpenseId,
    status: ExpenseStatus,
    paid_on: Option<NaiveDate>,
) -> AppResult<()> {
    ctx.require(Permission::ExpensesApprove)?;
    let paid_on = match status {
        ExpenseStatus::Paid => Some(paid_on.unwrap_or_else(|| ctx.today())),
        ExpenseStatus::Unpaid => None,
    };
    db::set_status(&ctx.pool, ctx.business.id, id, status, paid_on).await
}

/// Deletes the expense and its receipt; a billed one is refused.
pub async fn delete(ctx: &BusinessCtx, id: ExpenseId) -> AppResult<()> {
    ctx.require(Permission::ExpensesDelete)?;
    let mut tx = ctx.pool.begin().await?;
    if let Some(invoice) = db::lock(&mut tx, ctx.business.id, id).await? {
        return Err(billed(invoice));
    }
    db::delete(&mut *tx, ctx.business.id, id).await?;
    tx.commit().await?;
    Ok(())
}

//! draft → issue (sent) → paid; sent → void; delete drafts; duplicate anything; numbering.

use super::{recompute, recompute_in, require_draft};
use crate::clients::EventKind;
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, InvoiceId, UserId};
use crate::invoices::{format_number, InvoiceStatus, TaxTreatment};
use crate::permissions::Permission;
use crate::server::db::invoices as db;
use crate::server::db::timeline;
use crate::server::BusinessCtx;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::json;
use sqlx::PgConnection;

/// Issues a draft: checks it can be issued, takes the next number of its issue date's year from
/// the locked counter row, and marks it sent, all in one transaction. A failure anywhere rolls
/// the counter back with it, so numbers have no gaps.
pub async fn issue(ctx: &BusinessCtx, id: InvoiceId) -> AppResult<String> {
    ctx.require(Permission::InvoicesIssue)?;
    let settings = db::settings(&ctx.pool, ctx.business.id).await?;
    let mut tx = ctx.pool.begin().await?;
    let locked = db::lock(&mut tx, ctx.business.id, id).await?;
    let number = issue_in(&mut tx, ctx.business.id, &settings, &locked, ctx.now(), Some(ctx.user.id)).await?;
    tx.commit().await?;
    Ok(number)
}

/// Issues the locked draft inside the caller's transaction: [`issue`] without the permission
/// check, for the recurring runner, which issues for the business.
pub(crate) async fn issue_in(
    tx: &mut PgConnection,
    business_id: BusinessId,
    settings: &db::Settings,
    locked: &db::Locked,
    now: DateTime<Utc>,
    actor: Option<UserId>,
) -> AppResult<String> {
    let id = locked.id;
    require_draft(locked.status)?;
    if db::line_totals(&mut *tx, business_id, id).await?.is_empty() {
        return Err(AppError::Conflict("Add at least one line before issuing the invoice.".into()));
    }
    // One read of the client serves both rules below.
    let (client_vat, client_country) = db::client_tax_identity(&mut *tx, business_id, locked.client_id).await?;
    if locked.tax_treatment == TaxTreatment::ReverseCharge {
        let mut missing = Vec::new();
        if settings.vat_number.trim().is_empty() {
            missing.push("your VAT number (Settings → General)");
        }
        if client_vat.trim().is_empty() {
            missing.push("the client's VAT number");
        }
        if !missing.is_empty() {
            return Err(AppError::Conflict(format!("A reverse-charge invoice needs {}.", missing.join(" and "))));
        }
    }
    if settings.einvoicing {
        // An e-invoice is refused by its reader, not by us, when these are missing: say so now.
        let missing = crate::server::einvoice::missing(&crate::server::einvoice::Identities {
            seller_country: settings.country_code.as_deref().unwrap_or(""),
            seller_vat: &settings.vat_number,
            buyer_country: client_country.as_deref().unwrap_or(""),
            buyer_vat: &client_vat,
            category: crate::server::einvoice::category_of(locked.tax_treatment),
            rate_percent: &locked.tax_rate_percent,
            currency_decimals: locked.currency.info().minor_units,
        });
        if !missing.is_empty() {
            return Err(AppError::Conflict(crate::server::einvoice::missing_sentence(&missing)));
        }
    }
    // Totals are kept current by every edit; recomputing here costs one query and makes the issued
    // figures depend on nothing but the lines.
    recompute_in(business_id, tx, locked).await?;
    let year = locked.issue_date.year();
    let sequence = db::take_number(&mut *tx, business_id, year).await?;
    let number = format_number(year, sequence);
    db::mark_issued(&mut *tx, business_id, id, year, sequence, &number, now).await?;
    timeline::add_event(
        tx,
        business_id,
        locked.client_id,
        EventKind::InvoiceIssued,
        &number,
        json!({ "invoice_id": id, "number": number }),
        actor,
    )
    .await?;
    Ok(number)
}

fn require_issued(status: InvoiceStatus, action: &str) -> AppResult<()> {
    match status {
        InvoiceStatus::Sent => Ok(()),
        InvoiceStatus::Draft => {
            Err(AppError::Conflict(format!("Only issued invoices can be {action}; issue this draft first.")))
        }
        InvoiceStatus::Paid => Err(AppError::Conflict(format!("This invoice is paid, so it can't be {action}."))),
        InvoiceStatus::Void => Err(AppError::Conflict(format!("This invoice is void, so it can't be {action}."))),
    }
}

/// Marks an issued (or overdue) invoice paid on `paid_on` (default today). Not before its issue
/// date, not in the future.
pub async fn mark_paid(ctx: &BusinessCtx, id: InvoiceId, paid_on: Option<NaiveDate>) -> AppResult<()> {
    ctx.require(Permission::InvoicesMarkPaid)?;
    let today = ctx.today();
    let paid_on = paid_on.unwrap_or(today);
    let mut tx = ctx.pool.begin().await?;
    let locked = db::lock(&mut tx, ctx.business.id, id).await?;
    require_issued(locked.status, "marked paid")?;
    if paid_on > today {
        return Err(AppError::field("paid_on", "The payment date can't be in the future."));
    }
    if paid_on < locked.issue_date {
        return Err(AppError::field("paid_on", "The payment date can't be before the issue date."));
    }
    db::mark_paid(&mut *tx, ctx.business.id, id, paid_on, ctx.now()).await?;
    timeline::add_event(
        &mut tx,
        ctx.business.id,
        locked.client_id,
        EventKind::InvoicePaid,
        "",
        json!({ "invoice_id": id, "paid_on": paid_on }),
        Some(ctx.user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Voids an issued invoice: it keeps its number and lines, stops counting as revenue, and its
/// time entries are released to be billed again.
pub async fn void(ctx: &BusinessCtx, id: InvoiceId, reason: &str) -> AppResult<()> {
    ctx.require(Permission::InvoicesVoid)?;
    let mut tx = ctx.pool.begin().await?;
    let locked = db::lock(&mut tx, ctx.business.id, id).await?;
    require_issued(locked.status, "voided")?;
    if crate::server::db::credit_notes::any_for(&mut *tx, ctx.business.id, id).await? {
        return Err(AppError::Conflict(
            "This invoice has credit notes, so it can't be voided; credit what is left instead.".into(),
        ));
    }
    db::release_entries(&mut *tx, ctx.business.id, id).await?;
    db::mark_void(&mut *tx, ctx.business.id, id, reason, ctx.now()).await?;
    timeline::add_event(
        &mut tx,
        ctx.business.id,
        locked.client_id,
        EventKind::InvoiceVoided,
        reason,
        json!({ "invoice_id": id }),
        Some(ctx.user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a draft; its lines go with it and their time entries are released.
pub async fn delete_draft(ctx: &BusinessCtx, id: InvoiceId) -> AppResult<()> {
    ctx.require(Permission::InvoicesDelete)?;
    let mut tx = ctx.pool.begin().await?;
    let locked = db::lock(&mut tx, ctx.business.id, id).await?;
    if locked.status != InvoiceStatus::Draft {
        return Err(AppError::Conflict("Only drafts can be deleted; void an issued invoice instead.".into()));
    }
    db::delete_draft(&mut *tx, ctx.business.id, id).await?;
    tx.commit().await?;
    Ok(())
}

/// A new draft with the same client, project, currency, treatment, notes and lines (detached
/// from time, so nothing is billed twice), dated today with the business's payment terms.
pub async fn duplicate(ctx: &BusinessCtx, id: InvoiceId) -> AppResult<InvoiceId> {
    ctx.require(Permission::InvoicesCreate)?;
    let settings = db::settings(&ctx.pool, ctx.business.id).await?;
    let today = ctx.today();
    let mut tx = ctx.pool.begin().await?;
    let original = db::get(&mut tx, ctx.business.id, id, today).await?;
    let draft = db::Draft {
        client_id: original.client_id,
        project_id: original.project_id,
        currency: original.currency,
        issue_date: today,
        due_date: today + Duration::days(i64::from(settings.payment_terms_days)),
        tax_treatment: original.tax_treatment,
        // The copy keeps the original's rate: the lines were priced with it in mind.
        tax_rate_percent: &original.tax_rate_percent,
        period: original.period,
        notes: &original.notes,
    };
    let copy = db::insert_draft(&mut *tx, ctx.business.id, Some(ctx.user.id), &draft).await?;
    db::copy_lines(&mut *tx, ctx.business.id, id, copy).await?;
    let locked = db::lock(&mut tx, ctx.business.id, copy).await?;
    recompute(ctx, &mut tx, &locked).await?;
    tx.commit().await?;
    Ok(copy)
}

/// Continues numbering from another tool: the next invoice of `year` gets `next`, which must be
/// above every number already issued that year.
pub async fn configure_next_number(ctx: &BusinessCtx, year: i32, next: i32) -> AppResult<()> {
    ctx.require(Permission::InvoicesConfigure)?;
    let mut tx = ctx.pool.begin().await?;
    db::set_next_number(&mut tx, ctx.business.id, year, next).await?;
    tx.commit().await?;
    Ok(())
}

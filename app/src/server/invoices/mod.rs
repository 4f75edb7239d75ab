//! Invoice operations (PRODUCT §3.9). Every change to an invoice runs in one transaction that
//! starts by locking the invoice row, recomputes the totals before it commits, and checks the
//! caller's permission first.

mod credit;
mod einvoice;
mod lifecycle;
mod lines;
pub mod link;
pub mod pdf;

pub use credit::{credit, credit_note_pdf};
pub use einvoice::{credit_note_xml, invoice_xml};
pub(crate) use lifecycle::issue_in;
pub use lifecycle::{configure_next_number, delete_draft, duplicate, issue, mark_paid, void};
pub use lines::{add_expenses, add_line, delete_line, generate, move_line, update_line};
pub use pdf::{pdf, pdf_by_link, pdf_link, preview};

use crate::billing::Decimal;
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, InvoiceId};
use crate::invoices::forms::{DraftInput, InvoiceSettingsInput};
use crate::invoices::rounding::RoundingRule;
use crate::invoices::PAGE_SIZE;
use crate::invoices::{
    Choice, InvoiceDefaults, InvoiceList, InvoicePage, InvoiceSettings, InvoiceStatus, RateQuote, TaxTreatment,
};
use crate::money::{CurrencyCode, Money};
use crate::permissions::Permission;
use crate::server::db::invoices::{self as db, ListFilter};
use crate::server::db::{clients, fx};
use crate::server::BusinessCtx;
use chrono::{Datelike, Duration, NaiveDate};
use sqlx::PgConnection;
use std::collections::BTreeMap;

/// The list matches at most this many invoices (newest first); filters narrow it.
pub const LIST_LIMIT: i64 = 1000;

pub(crate) use crate::server::time::zone;

/// Refuses changes to an invoice that is no longer a draft.
pub(crate) fn require_draft(status: InvoiceStatus) -> AppResult<()> {
    if status == InvoiceStatus::Draft {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "Only drafts can be changed; this invoice is {}.",
            status.as_str().replace("sent", "issued")
        )))
    }
}

/// Subtotal, tax and total from the lines as they now are, in the same transaction.
pub(crate) async fn recompute(ctx: &BusinessCtx, tx: &mut PgConnection, locked: &db::Locked) -> AppResult<()> {
    recompute_in(ctx.business.id, tx, locked).await
}

/// [`recompute`] for callers acting for a business rather than a member (the recurring runner).
pub(crate) async fn recompute_in(business_id: BusinessId, tx: &mut PgConnection, locked: &db::Locked) -> AppResult<()> {
    let lines = db::line_totals(&mut *tx, business_id, locked.id).await?;
    let percent = match locked.tax_treatment {
        TaxTreatment::Standard => Some(
            Decimal::parse(&locked.tax_rate_percent)
                .map_err(|e| crate::server::errors::internal("a stored VAT rate is malformed", e))?,
        ),
        _ => None,
    };
    let totals = crate::billing::totals(&lines, percent)
        .ok()
        .filter(|t| t.total <= crate::money::MAX_MINOR)
        .ok_or_else(|| AppError::field("amount", "This invoice's total would be too large."))?;
    db::set_totals(&mut *tx, business_id, locked.id, totals).await
}

/// Page `page` (1-based; past the end means the last) of the invoices matching `status` and
/// `search`, newest first, with the totals of every match.
pub async fn list(ctx: &BusinessCtx, status: &str, search: &str, page: u32) -> AppResult<InvoiceList> {
    ctx.require(Permission::InvoicesView)?;
    let filter = match status.trim() {
        "" | "all" => ListFilter::All,
        "overdue" => ListFilter::Overdue,
        "sent" => ListFilter::SentNotDue,
        // Sent and unpaid, overdue or not: what the dashboard's "Outstanding" card adds up.
        "outstanding" => ListFilter::Status(InvoiceStatus::Sent),
        other => ListFilter::Status(
            InvoiceStatus::parse(other).ok_or_else(|| AppError::field("status", "Choose a status."))?,
        ),
    };
    let today = ctx.today();
    let mut rows = db::list(&ctx.pool, ctx.business.id, filter, today, search, LIST_LIMIT + 1).await?;
    let truncated = rows.len() as i64 > LIST_LIMIT;
    rows.truncate(LIST_LIMIT as usize);
    let mut totals: BTreeMap<CurrencyCode, i64> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.status != InvoiceStatus::Void) {
        let sum = totals.entry(row.total.currency).or_default();
        *sum = sum.saturating_add(row.total.minor);
    }
    let matched = rows.len();
    let pages = matched.div_ceil(PAGE_SIZE).max(1);
    let page = (page.max(1) as usize).min(pages);
    Ok(InvoiceList {
        invoices: rows.into_iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).map(|r| r.shown_on(today)).collect(),
        totals: totals.into_iter().map(|(currency, minor)| Money::new(minor, currency)).collect(),
        truncated,
        matched,
        page: page as u32,
        pages: pages as u32,
    })
}

pub async fn page(ctx: &BusinessCtx, id: InvoiceId) -> AppResult<InvoicePage> {
    ctx.require(Permission::InvoicesView)?;
    let today = ctx.today();
    let mut conn = ctx.pool.acquire().await?;
    let invoice = db::get(&mut conn, ctx.business.id, id, today).await?;
    drop(conn);
    let draft = invoice.status == InvoiceStatus::Draft;
    let issued = invoice.status == InvoiceStatus::Sent;
    let can_edit = draft && ctx.can(Permission::InvoicesEdit);
    let (mut clients, projects, unbilled) = if can_edit {
        db::choices(&ctx.pool, ctx.business.id, Some((invoice.client_id, invoice.project_id))).await?
    } else {
        (Vec::new(), Vec::new(), db::Unbilled::default())
    };
    // An archived client is left out of the choices, but a draft for one must still save.
    let current = invoice.client_id.to_string();
    if can_edit && !clients.iter().any(|c| c.id == current) {
        clients.push(Choice { id: current, name: invoice.client_name.clone(), client_id: None });
    }
    Ok(InvoicePage {
        can_edit,
        can_issue: draft && ctx.can(Permission::InvoicesIssue),
        can_mark_paid: issued && ctx.can(Permission::InvoicesMarkPaid),
        can_void: issued && invoice.credit_notes.is_empty() && ctx.can(Permission::InvoicesVoid),
        can_credit: matches!(invoice.status, InvoiceStatus::Sent | InvoiceStatus::Paid)
            && invoice.credited() != crate::invoices::credit::Credited::Fully
            && ctx.can(Permission::InvoicesVoid),
        can_delete: draft && ctx.can(Permission::InvoicesDelete),
        can_duplicate: ctx.can(Permission::InvoicesCreate),
        invoice,
        clients,
        projects,
        unbilled_entries: unbilled.entries,
        unbilled_expenses: unbilled.expenses,
        today,
        pdf_link: pdf::link_for(ctx, id),
    })
}

pub async fn new_defaults(ctx: &BusinessCtx) -> AppResult<InvoiceDefaults> {
    ctx.require(Permission::InvoicesCreate)?;
    let settings = db::settings(&ctx.pool, ctx.business.id).await?;
    let issue_date = ctx.today();
    let (clients, projects, _) = db::choices(&ctx.pool, ctx.business.id, None).await?;
    Ok(InvoiceDefaults {
        clients,
        projects,
        currency: settings.currency,
        issue_date,
        due_date: issue_date + Duration::days(i64::from(settings.payment_terms_days)),
        standard_rate: settings.vat_rate_percent,
    })
}

/// The stored form of a draft's details: dates defaulted, the VAT rate copied from settings, the
/// project checked against the client.
/// `kept_rate`: the rate already on a standard-rate draft, which stays (even if settings no
/// longer have one).
async fn resolve_draft<'a>(
    ctx: &BusinessCtx,
    input: &DraftInput,
    settings: &'a db::Settings,
    kept_rate: Option<&'a str>,
    notes: &'a str,
) -> AppResult<db::Draft<'a>> {
    let issue_date = input.issue_date.unwrap_or_else(|| ctx.today());
    let due_date =
        input.due_date.unwrap_or_else(|| issue_date + Duration::days(i64::from(settings.payment_terms_days)));
    if due_date < issue_date {
        return Err(AppError::field("due_date", "The due date can't be before the issue date."));
    }
    let tax_rate_percent = match input.tax_treatment {
        TaxTreatment::Standard => kept_rate.or(settings.vat_rate_percent.as_deref()).ok_or_else(|| {
            AppError::field(
                "tax_treatment",
                "Set your standard VAT rate in Settings → General before creating a standard-rate invoice.",
            )
        })?,
        _ => "0",
    };
    match clients::is_archived(&ctx.pool, ctx.business.id, input.client_id).await {
        Ok(_) => {}
        Err(AppError::NotFound) => return Err(AppError::field("client_id", "Choose one of your clients.")),
        Err(other) => return Err(other),
    }
    if let Some(project) = input.project_id {
        if !db::project_of_client(&ctx.pool, ctx.business.id, project, input.client_id).await? {
            return Err(AppError::field("project_id", "Choose a project of this client, or none."));
        }
    }
    Ok(db::Draft {
        client_id: input.client_id,
        project_id: input.project_id,
        currency: input.currency,
        issue_date,
        due_date,
        tax_treatment: input.tax_treatment,
        tax_rate_percent,
        period: input.period,
        notes,
    })
}

pub async fn create_draft(ctx: &BusinessCtx, input: DraftInput) -> AppResult<InvoiceId> {
    ctx.require(Permission::InvoicesCreate)?;
    let settings = db::settings(&ctx.pool, ctx.business.id).await?;
    let draft = resolve_draft(ctx, &input, &settings, None, "").await?;
    db::insert_draft(&ctx.pool, ctx.business.id, Some(ctx.user.id), &draft).await
}

pub async fn update_details(ctx: &BusinessCtx, id: InvoiceId, input: DraftInput) -> AppResult<()> {
    ctx.require(Permission::InvoicesEdit)?;
    let settings = db::settings(&ctx.pool, ctx.business.id).await?;
    let mut tx = ctx.pool.begin().await?;
    let locked = db::lock(&mut tx, ctx.business.id, id).await?;
    require_draft(locked.status)?;
    let has_lines = !db::line_totals(&mut *tx, ctx.business.id, id).await?.is_empty();
    if has_lines && input.currency != locked.currency {
        return Err(AppError::field(
            "currency",
            "The lines are in this invoice's currency. Delete them before changing it, or duplicate the invoice.",
        ));
    }
    if input.client_id != locked.client_id && db::time_lines(&mut *tx, ctx.business.id, id).await? > 0 {
        return Err(AppError::field(
            "client_id",
            "Lines bill this client's time or expenses. Delete them before changing the client.",
        ));
    }
    // A standard-rate draft keeps its rate; one switching to standard takes today's from settings.
    let kept_rate = (locked.tax_treatment == TaxTreatment::Standard).then_some(locked.tax_rate_percent.as_str());
    let draft = resolve_draft(ctx, &input, &settings, kept_rate, "").await?;
    db::update_details(&mut *tx, ctx.business.id, id, &draft).await?;
    let updated = db::Locked {
        tax_treatment: input.tax_treatment,
        tax_rate_percent: draft.tax_rate_percent.to_owned(),
        ..locked
    };
    recompute(ctx, &mut tx, &updated).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_notes(ctx: &BusinessCtx, id: InvoiceId, notes: &str) -> AppResult<()> {
    ctx.require(Permission::InvoicesEdit)?;
    let mut tx = ctx.pool.begin().await?;
    let locked = db::lock(&mut tx, ctx.business.id, id).await?;
    require_draft(locked.status)?;
    db::set_notes(&mut *tx, ctx.business.id, id, notes).await?;
    tx.commit().await?;
    Ok(())
}

/// The ECB rate from `from` to `to` on `date` (default: today), through the euro, as printed on
/// a converted line.
pub async fn fetch_rate(ctx: &BusinessCtx, from: &str, to: &str, date: &str) -> AppResult<RateQuote> {
    ctx.require(Permission::InvoicesView)?;
    let from = CurrencyCode::parse(from).map_err(|m| AppError::field("from", m))?;
    let to = CurrencyCode::parse(to).map_err(|m| AppError::field("to", m))?;
    let date = match date.trim() {
        "" => ctx.today(),
        text => crate::validation::date(text).map_err(|m| AppError::field("date", m))?,
    };
    let day = fx::rates_on(&ctx.pool, date).await?;
    let quote = day.as_ref().and_then(|d| Some((d.date, d.rate(from.as_str(), to.as_str())?.to_decimal()?)));
    let Some((rate_date, rate)) = quote else { return Err(missing_rate(&[(from, to)], date)) };
    Ok(RateQuote { from, to, rate: rate.to_string(), rate_date })
}

/// "No ECB rate for GBP → EUR on or before 2026-11-30 …", naming every pair.
pub(crate) fn missing_rate(pairs: &[(CurrencyCode, CurrencyCode)], date: NaiveDate) -> AppError {
    let listed: Vec<String> = pairs.iter().map(|(from, to)| format!("{from} → {to}")).collect();
    let sources: Vec<&str> = pairs.iter().map(|(from, _)| from.as_str()).collect();
    AppError::field(
        "fx_rate",
        format!(
            "No ECB exchange rate for {} on or before {date}. Enter a manual rate for {}, or import the ECB's rates (server fx import).",
            listed.join(", "),
            sources.join(" and ")
        ),
    )
}

pub async fn settings(ctx: &BusinessCtx) -> AppResult<InvoiceSettings> {
    ctx.require(Permission::SettingsView)?;
    let year = ctx.today().year();
    let (settings, next_number) = db::settings_with_next_number(&ctx.pool, ctx.business.id, year).await?;
    Ok(InvoiceSettings {
        vat_rate_percent: settings.vat_rate_percent,
        vat_number: settings.vat_number,
        payment_terms_days: settings.payment_terms_days,
        year,
        next_number,
        rounding: RoundingRule::decode(&settings.billing_rounding),
        country_code: settings.country_code,
        einvoicing: settings.einvoicing,
        can_edit: ctx.can(Permission::SettingsEdit),
        can_configure: ctx.can(Permission::InvoicesConfigure),
    })
}

/// Sets how time is rounded on invoices generated from now on (drafts already generated keep theirs).
pub async fn set_billing_rounding(ctx: &BusinessCtx, rule: Option<RoundingRule>) -> AppResult<()> {
    ctx.require(Permission::SettingsEdit)?;
    db::set_billing_rounding(&ctx.pool, ctx.business.id, &RoundingRule::encode(rule.as_ref())).await
}

pub async fn update_settings(ctx: &BusinessCtx, input: InvoiceSettingsInput) -> AppResult<()> {
    ctx.require(Permission::SettingsEdit)?;
    let rate = input.vat_rate.map(|r| r.to_string());
    let einvoice = (input.country_code.as_deref(), input.einvoicing);
    db::update_settings(
        &ctx.pool,
        ctx.business.id,
        rate.as_deref(),
        &input.vat_number,
        input.payment_terms_days,
        einvoice,
    )
    .await
}

//! Invoice SQL (tables `sales_invoices`, `sales_lines`, `sales_numbers`). Money columns are the
//! `minor_units`/`currency_code` domains: reads cast them to their base types and writes bind base
//! types, so the query macros see plain bigint and text.

use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ClientId, InvoiceId, InvoiceLineId, ProjectId, ScheduleId, TaskId, TimeEntryId, UserId};
use crate::invoices::credit::CreditNote;
use crate::invoices::plan::BillableEntry;
use crate::invoices::rounding::RoundingRule;
use crate::invoices::{
    Choice, EInvoiceStatus, FxSource, Invoice, InvoiceLine, InvoiceStatus, LineSource, Shown, TaxTreatment,
};
use crate::money::{CurrencyCode, Money};
use crate::server::db::like_pattern;
use crate::server::errors::{internal, ResultExt};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

fn currency(code: &str) -> AppResult<CurrencyCode> {
    CurrencyCode::parse(code).map_err(|e| internal("a stored currency is not in the table", e))
}

/// Which invoices the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFilter {
    All,
    Status(InvoiceStatus),
    /// Sent and not yet due.
    SentNotDue,
    Overdue,
    /// Made by this recurring schedule.
    FromSchedule(ScheduleId),
}

/// An invoice as lists show it (the dashboard reads the same shape as JSON).
#[derive(Debug, serde::Deserialize)]
pub struct SummaryRow {
    pub id: InvoiceId,
    pub number: Option<String>,
    pub client_id: ClientId,
    pub client_name: String,
    pub status: InvoiceStatus,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: Money,
    /// The total (VAT included) of its credit notes; the dashboard's rows leave it out.
    #[serde(default)]
    pub credited_minor: i64,
}

impl SummaryRow {
    /// The row as a person sees it on `today` (a sent invoice past its due date is overdue).
    pub fn shown_on(self, today: NaiveDate) -> crate::invoices::InvoiceSummary {
        crate::invoices::InvoiceSummary {
            shown: crate::invoices::Shown::of(self.status, self.due_date, today),
            id: self.id,
            number: self.number,
            client_id: self.client_id,
            client_name: self.client_name,
            issue_date: self.issue_date,
            due_date: self.due_date,
            credited: crate::invoices::credit::Credited::of(self.total.minor, self.credited_minor),
            total: self.total,
        }
    }
}

/// Newest first, at most `limit` rows.
pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    filter: ListFilter,
    today: NaiveDate,
    search: &str,
    limit: i64,
) -> AppResult<Vec<SummaryRow>> {
    let schedule = match filter {
        ListFilter::FromSchedule(id) => Some(id.0),
        _ => None,
    };
    let (status, due) = match filter {
        ListFilter::All | ListFilter::FromSchedule(_) => (None, 0),
        ListFilter::Status(status) => (Some(status), 0),
        ListFilter::SentNotDue => (Some(InvoiceStatus::Sent), 1),
        ListFilter::Overdue => (Some(InvoiceStatus::Sent), -1),
    };
    let rows = sqlx::query!(
        r#"select i.id, i.number, i.client_id, c.name as client_name, i.status as "status: InvoiceStatus",
                  i.issue_date, i.due_date, i.total_minor::bigint as "total_minor!", i.currency::text as "currency!",
                  coalesce(cn.credited, 0)::bigint as "credited_minor!"
           from sales_invoices i join clients c on c.business_id = i.business_id and c.id = i.client_id
           left join lateral (select sum(n.total_minor) as credited from sales_notes n
                              where n.business_id = i.business_id and n.invoice_id = i.id) cn on true
           where i.business_id = $1 and ($2::text is null or i.status = $2)
             -- Waiting for payment: a fully credited invoice is owed nothing.
             and ($3 = 0 or (($3 = 1 and i.due_date >= $4) or ($3 = -1 and i.due_date < $4))
                            and coalesce(cn.credited, 0) < i.total_minor)
             and ($5 = '%%' or i.number ilike $5 or c.name ilike $5)
             and ($7::uuid is null or i.schedule_id = $7)
           order by i.issue_date desc, i.id desc
           limit $6"#,
        business_id.0,
        status.map(|s| s.as_str()),
        due,
        today,
        like_pattern(search),
        limit,
        schedule
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(SummaryRow {
                id: r.id.into(),
                number: r.number,
                client_id: r.client_id.into(),
                client_name: r.client_name,
                status: r.status,
                issue_date: r.issue_date,
                due_date: r.due_date,
                total: Money::new(r.total_minor, currency(&r.currency)?),
                credited_minor: r.credited_minor,
            })
        })
        .collect()
}

/// Whether the business has this invoice.
pub async fn exists(db: impl PgExecutor<'_>, business_id: BusinessId, id: InvoiceId) -> AppResult<bool> {
    let found = sqlx::query_scalar!(
        r#"select exists(select 1 from sales_invoices where business_id = $1 and id = $2) as "found!""#,
        business_id.0,
        id.0
    )
    .fetch_one(db)
    .await?;
    Ok(found)
}

/// One invoice with its lines, in one statement (the invoice's columns repeat on each line's row;
/// an invoice without lines is one row with empty line columns).
pub async fn get(
    db: &mut PgConnection,
    business_id: BusinessId,
    id: InvoiceId,
    today: NaiveDate,
) -> AppResult<Invoice> {
    let rows = sqlx::query!(
        r#"select i.id, i.number, i.status as "status: InvoiceStatus", i.client_id, c.name as client_name,
                  i.project_id, p.name as "project_name?", i.currency::text as "currency!", i.issue_date, i.due_date,
                  i.tax_treatment as "tax_treatment: TaxTreatment", i.tax_rate_percent, i.tax_note,
                  i.subtotal_minor::bigint as "subtotal_minor!", i.tax_minor::bigint as "tax_minor!",
                  i.total_minor::bigint as "total_minor!", i.notes, i.period_start, i.period_end, i.paid_on, i.void_reason,
                  i.billing_rounding,
                  l.id as "line_id?", l.position as "line_position?", l.description as "line_description?",
                  l.quantity as "line_quantity?", l.unit_price_minor::bigint as "line_unit_price_minor?",
                  l.total_minor::bigint as "line_total_minor?", l.source_currency::text as "line_source_currency?",
                  l.source_total_minor::bigint as "line_source_total_minor?", l.fx_rate as "line_fx_rate?",
                  l.fx_source as "line_fx_source?: FxSource",
                  t.entries as "line_entries!", t.seconds::bigint as "line_tracked_seconds?",
                  coalesce(cr.credited, 0)::bigint as "line_credited_minor!",
                  n.notes as "credit_notes!: sqlx::types::Json<Vec<CreditNote>>",
                  b.einvoicing, b.country_code as seller_country, b.vat_number as seller_vat,
                  c.country_code as client_country, c.vat_number as client_vat
           from sales_invoices i
           join businesses b on b.id = i.business_id
           join clients c on c.business_id = i.business_id and c.id = i.client_id
           left join projects p on p.business_id = i.business_id and p.id = i.project_id
           left join sales_lines l on l.business_id = i.business_id and l.invoice_id = i.id
           left join lateral (select count(*) as entries, sum(e.duration_seconds) as seconds
                              from time_entries e where e.invoice_line_id = l.id) t on true
           left join lateral (select sum(cl.total_minor) as credited from sales_notes_lines cl
                              where cl.business_id = $1 and cl.invoice_line_id = l.id) cr on true
           -- Credit notes are few and small: read with the invoice rather than in a statement of their own.
           cross join lateral (
             select coalesce(json_agg(json_build_object(
                      'id', cn.id, 'number', cn.number, 'issue_date', cn.issue_date, 'reason', cn.reason,
                      'subtotal_minor', cn.subtotal_minor, 'tax_minor', cn.tax_minor, 'total_minor', cn.total_minor,
                      'lines', (select coalesce(json_agg(json_build_object(
                                  'invoice_line_id', x.invoice_line_id, 'description', x.description,
                                  'total_minor', x.total_minor) order by x.position), '[]')
                                from sales_notes_lines x where x.business_id = $1 and x.credit_note_id = cn.id))
                      order by cn.number_year, cn.number_seq), '[]') as notes
             from sales_notes cn where cn.business_id = $1 and cn.invoice_id = i.id) n
           where i.business_id = $1 and i.id = $2
           order by l.position"#,
        business_id.0,
        id.0
    )
    .fetch_all(&mut *db)
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for l in &rows {
        let (Some(line_id), Some(position), Some(description), Some(total_minor)) =
            (l.line_id, l.line_position, l.line_description.clone(), l.line_total_minor)
        else {
            continue;
        };
        let source = match (&l.line_source_currency, l.line_source_total_minor, &l.line_fx_rate, l.line_fx_source) {
            (Some(code), Some(total), Some(rate), Some(fx_source)) => {
                Some(LineSource { total: Money::new(total, currency(code)?), rate: rate.clone(), fx_source })
            }
            _ => None,
        };
        lines.push(InvoiceLine {
            id: line_id.into(),
            position,
            description,
            quantity: l.line_quantity.clone(),
            unit_price_minor: l.line_unit_price_minor,
            total_minor,
            source,
            entries: l.line_entries,
            tracked_seconds: l.line_tracked_seconds,
            credited_minor: l.line_credited_minor,
        });
    }
    let r = rows.into_iter().next().ok_or(AppError::NotFound)?;
    let missing = crate::server::einvoice::missing(&crate::server::einvoice::Identities {
        seller_country: r.seller_country.as_deref().unwrap_or(""),
        seller_vat: &r.seller_vat,
        buyer_country: r.client_country.as_deref().unwrap_or(""),
        buyer_vat: &r.client_vat,
        category: crate::server::einvoice::category_of(r.tax_treatment),
        rate_percent: &r.tax_rate_percent,
        currency_decimals: currency(&r.currency)?.info().minor_units,
    });
    let einvoice = EInvoiceStatus { enabled: r.einvoicing, missing: missing.into_iter().map(str::to_owned).collect() };
    Ok(Invoice {
        id: r.id.into(),
        number: r.number,
        status: r.status,
        shown: Shown::of(r.status, r.due_date, today),
        client_id: r.client_id.into(),
        client_name: r.client_name,
        project_id: r.project_id.map(ProjectId),
        project_name: r.project_name,
        currency: currency(&r.currency)?,
        issue_date: r.issue_date,
        due_date: r.due_date,
        tax_treatment: r.tax_treatment,
        tax_rate_percent: r.tax_rate_percent,
        tax_note: r.tax_note,
        subtotal_minor: r.subtotal_minor,
        tax_minor: r.tax_minor,
        total_minor: r.total_minor,
        notes: r.notes,
        period: r.period_start.zip(r.period_end),
        paid_on: r.paid_on,
        void_reason: r.void_reason,
        rounding: r.billing_rounding.as_deref().and_then(RoundingRule::decode),
        lines,
        credit_notes: r.credit_notes.0,
        einvoice,
    })
}

/// The invoice row locked for the rest of the transaction: every change to an invoice or its
/// lines starts here, so concurrent edits of one invoice run one after another.
pub struct Locked {
    pub id: InvoiceId,
    pub status: InvoiceStatus,
    pub client_id: ClientId,
    pub project_id: Option<ProjectId>,
    pub currency: CurrencyCode,
    pub issue_date: NaiveDate,
    pub tax_treatment: TaxTreatment,
    pub tax_rate_percent: String,
}

pub async fn lock(db: &mut PgConnection, business_id: BusinessId, id: InvoiceId) -> AppResult<Locked> {
    let r = sqlx::query!(
        r#"select id, status as "status: InvoiceStatus", client_id, project_id, currency::text as "currency!",
                  issue_date, tax_treatment as "tax_treatment: TaxTreatment", tax_rate_percent
           from sales_invoices where business_id = $1 and id = $2 for update"#,
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Locked {
        id: r.id.into(),
        status: r.status,
        client_id: r.client_id.into(),
        project_id: r.project_id.map(ProjectId),
        currency: currency(&r.currency)?,
        issue_date: r.issue_date,
        tax_treatment: r.tax_treatment,
        tax_rate_percent: r.tax_rate_percent,
    })
}

/// A draft's details as stored.
pub struct Draft<'a> {
    pub client_id: ClientId,
    pub project_id: Option<ProjectId>,
    pub currency: CurrencyCode,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub tax_treatment: TaxTreatment,
    pub tax_rate_percent: &'a str,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub notes: &'a str,
}

fn details_error(constraint: &str) -> Option<AppError> {
    match constraint {
        "sales_invoices_client_fkey" => Some(AppError::field("client_id", "Choose one of your clients.")),
        "sales_invoices_project_fkey" => Some(AppError::field("project_id", "Choose one of your projects.")),
        "sales_invoices_dates_check" => {
            Some(AppError::field("due_date", "The due date can't be before the issue date."))
        }
        _ => None,
    }
}

pub async fn insert_draft(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    actor: Option<UserId>,
    draft: &Draft<'_>,
) -> AppResult<InvoiceId> {
    sqlx::query_scalar!(
        "insert into sales_invoices (id, business_id, client_id, project_id, currency, issue_date, due_date,
                                     tax_treatment, tax_rate_percent, tax_note, period_start, period_end, notes, created_by)
         values ($1, $2, $3, $4, $5::text, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id",
        Uuid::now_v7(),
        business_id.0,
        draft.client_id.0,
        draft.project_id.map(|p| p.0),
        draft.currency.as_str(),
        draft.issue_date,
        draft.due_date,
        draft.tax_treatment as _,
        draft.tax_rate_percent,
        draft.tax_treatment.tax_note(),
        draft.period.map(|p| p.0),
        draft.period.map(|p| p.1),
        draft.notes,
        actor.map(|a| a.0)
    )
    .fetch_one(db)
    .await
    .on_constraints(details_error)
    .map(InvoiceId)
}

pub async fn update_details(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: InvoiceId,
    draft: &Draft<'_>,
) -> AppResult<()> {
    sqlx::query!(
        "update sales_invoices set client_id = $3, project_id = $4, currency = $5::text, issue_date = $6, due_date = $7,
                tax_treatment = $8, tax_rate_percent = $9, tax_note = $10, period_start = $11, period_end = $12
         where business_id = $1 and id = $2 and status = 'draft'",
        business_id.0,
        id.0,
        draft.client_id.0,
        draft.project_id.map(|p| p.0),
        draft.currency.as_str(),
        draft.issue_date,
        draft.due_date,
        draft.tax_treatment as _,
        draft.tax_rate_percent,
        draft.tax_treatment.tax_note(),
        draft.period.map(|p| p.0),
        draft.period.map(|p| p.1)
    )
    .execute(db)
    .await
    .on_constraints(details_error)?;
    Ok(())
}

pub async fn set_notes(db: impl PgExecutor<'_>, business_id: BusinessId, id: InvoiceId, notes: &str) -> AppResult<()> {
    sqlx::query!("update sales_invoices set notes = $3 where business_id = $1 and id = $2", business_id.0, id.0, notes)
        .execute(db)
        .await?;
    Ok(())
}

/// Line totals of an invoice, in order.
pub async fn line_totals(db: impl PgExecutor<'_>, business_id: BusinessId, id: InvoiceId) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        r#"select total_minor::bigint as "total!" from sales_lines where business_id = $1 and invoice_id = $2 order by position"#,
        business_id.0,
        id.0
    )
    .fetch_all(db)
    .await?)
}

pub async fn set_totals(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: InvoiceId,
    totals: crate::billing::Totals,
) -> AppResult<()> {
    sqlx::query!(
        "update sales_invoices set subtotal_minor = $3::bigint, tax_minor = $4::bigint, total_minor = $5::bigint
         where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        totals.subtotal,
        totals.tax,
        totals.total
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A line to insert (fixed, from time, or copied).
pub struct NewLine {
    pub id: InvoiceLineId,
    pub description: String,
    pub quantity: Option<String>,
    pub unit_price_minor: Option<i64>,
    pub total_minor: i64,
    pub source: Option<ConvertedFrom>,
}

/// What a converted line was converted from: the source currency and total, the rate (as printed)
/// and where the rate came from.
pub type ConvertedFrom = (CurrencyCode, i64, String, FxSource);

/// Appends lines after the invoice's last one.
pub async fn append_lines(
    db: &mut PgConnection,
    business_id: BusinessId,
    invoice: InvoiceId,
    lines: &[NewLine],
) -> AppResult<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = lines.iter().map(|l| l.id.0).collect();
    let descriptions: Vec<String> = lines.iter().map(|l| l.description.clone()).collect();
    let quantities: Vec<Option<String>> = lines.iter().map(|l| l.quantity.clone()).collect();
    let prices: Vec<Option<i64>> = lines.iter().map(|l| l.unit_price_minor).collect();
    let totals: Vec<i64> = lines.iter().map(|l| l.total_minor).collect();
    let source_currencies: Vec<Option<String>> =
        lines.iter().map(|l| l.source.as_ref().map(|s| s.0.as_str().to_owned())).collect();
    let source_totals: Vec<Option<i64>> = lines.iter().map(|l| l.source.as_ref().map(|s| s.1)).collect();
    let rates: Vec<Option<String>> = lines.iter().map(|l| l.source.as_ref().map(|s| s.2.clone())).collect();
    let fx_sources: Vec<Option<String>> =
        lines.iter().map(|l| l.source.as_ref().map(|s| s.3.as_str().to_owned())).collect();
    sqlx::query!(
        "insert into sales_lines (id, business_id, invoice_id, position, description, quantity, unit_price_minor,
                                  total_minor, source_currency, source_total_minor, fx_rate, fx_source)
         select u.id, $1, $2,
                coalesce((select max(position) from sales_lines where business_id = $1 and invoice_id = $2), 0) + u.ord::int,
                u.description, u.quantity, u.price, u.total, u.source_currency, u.source_total, u.rate, u.fx_source
         from unnest($3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::bigint[], $10::text[], $11::text[])
              with ordinality as u(id, description, quantity, price, total, source_currency, source_total, rate, fx_source, ord)",
        business_id.0,
        invoice.0,
        &ids,
        &descriptions,
        &quantities as &[Option<String>],
        &prices as &[Option<i64>],
        &totals,
        &source_currencies as &[Option<String>],
        &source_totals as &[Option<i64>],
        &rates as &[Option<String>],
        &fx_sources as &[Option<String>]
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A new description and amount: the line becomes a fixed line when the amount changes.
pub async fn update_line(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    invoice: InvoiceId,
    line: InvoiceLineId,
    description: &str,
    total_minor: i64,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update sales_lines set description = $4,
                quantity = case when total_minor = $5::bigint then quantity end,
                unit_price_minor = case when total_minor = $5::bigint then unit_price_minor end,
                source_currency = case when total_minor = $5::bigint then source_currency end,
                source_total_minor = case when total_minor = $5::bigint then source_total_minor end,
                fx_rate = case when total_minor = $5::bigint then fx_rate end,
                fx_source = case when total_minor = $5::bigint then fx_source end,
                total_minor = $5::bigint
         where business_id = $1 and invoice_id = $2 and id = $3",
        business_id.0,
        invoice.0,
        line.0,
        description,
        total_minor
    )
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Deletes a line (its time entries are released by the foreign key) and closes the gap in positions.
pub async fn delete_line(
    db: &mut PgConnection,
    business_id: BusinessId,
    invoice: InvoiceId,
    line: InvoiceLineId,
) -> AppResult<()> {
    let position = sqlx::query_scalar!(
        "delete from sales_lines where business_id = $1 and invoice_id = $2 and id = $3 returning position",
        business_id.0,
        invoice.0,
        line.0
    )
    .fetch_optional(&mut *db)
    .await?
    .ok_or(AppError::NotFound)?;
    sqlx::query!(
        "update sales_lines set position = position - 1 where business_id = $1 and invoice_id = $2 and position > $3",
        business_id.0,
        invoice.0,
        position
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Swaps a line with its neighbour above or below (positions are unique, checked at commit).
/// At the top or bottom already: nothing changes.
pub async fn move_line(
    db: &mut PgConnection,
    business_id: BusinessId,
    invoice: InvoiceId,
    line: InvoiceLineId,
    up: bool,
) -> AppResult<()> {
    let position = sqlx::query_scalar!(
        "select position from sales_lines where business_id = $1 and invoice_id = $2 and id = $3",
        business_id.0,
        invoice.0,
        line.0
    )
    .fetch_optional(&mut *db)
    .await?
    .ok_or(AppError::NotFound)?;
    let other = if up { position - 1 } else { position + 1 };
    sqlx::query!(
        "update sales_lines set position = case when id = $3 then $5 else $4 end
         where business_id = $1 and invoice_id = $2
           and (id = $3 or position = $5)
           and exists (select 1 from sales_lines where business_id = $1 and invoice_id = $2 and position = $5)",
        business_id.0,
        invoice.0,
        line.0,
        position,
        other
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Unbilled, billable, stopped entries of a client that started in `[from, to)`, locked so that
/// two drafts generating at once cannot both bill one entry. Returns the priced ones and how many
/// unpriced ones were left out.
pub async fn billable_entries(
    db: &mut PgConnection,
    business_id: BusinessId,
    client: ClientId,
    project: Option<ProjectId>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> AppResult<(Vec<BillableEntry>, i64)> {
    let rows = sqlx::query!(
        r#"select e.id, e.user_id, a.name as user_name, e.task_id, t.title as task_title, e.started_at,
                  e.duration_seconds as "seconds!", e.rate_minor, e.rate_currency::text as rate_currency
           from time_entries e
           join tasks t on t.business_id = e.business_id and t.id = e.task_id
           join projects p on p.business_id = t.business_id and p.id = t.project_id
           join accounts a on a.id = e.user_id
           where e.business_id = $1 and p.client_id = $2 and ($3::uuid is null or p.id = $3)
             and e.invoice_line_id is null and e.billable and e.ended_at is not null
             and e.started_at >= $4 and e.started_at < $5
           order by e.started_at, e.id
           for update of e"#,
        business_id.0,
        client.0,
        project.map(|p| p.0),
        from,
        to
    )
    .fetch_all(db)
    .await?;
    let mut unpriced = 0;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let (Some(rate_minor), Some(code)) = (r.rate_minor, r.rate_currency) else {
            unpriced += 1;
            continue;
        };
        entries.push(BillableEntry {
            id: TimeEntryId(r.id),
            user_id: UserId(r.user_id),
            user_name: r.user_name,
            task_id: TaskId(r.task_id),
            task_title: r.task_title,
            seconds: r.seconds,
            rate_minor,
            rate_currency: currency(&code)?,
            started_on: r.started_at.with_timezone(&tz).date_naive(),
        });
    }
    Ok((entries, unpriced))
}

/// What a draft's form offers, in one statement: the active clients, every project (as "Project
/// (Client)"), and, for `unbilled_for` (an invoice's client and project), how many entries "Generate
/// lines" would bill (unbilled, billable, stopped and priced) and how many billable expenses
/// "Add expenses" would.
pub async fn choices(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    unbilled_for: Option<(ClientId, Option<ProjectId>)>,
) -> AppResult<(Vec<Choice>, Vec<Choice>, Unbilled)> {
    let rows = sqlx::query!(
        r#"with unbilled as (
               select count(*) as n from time_entries e
               join tasks t on t.business_id = e.business_id and t.id = e.task_id
               join projects p on p.business_id = t.business_id and p.id = t.project_id
               where $2::uuid is not null and e.business_id = $1 and p.client_id = $2 and ($3::uuid is null or p.id = $3)
                 and e.invoice_line_id is null and e.billable and e.ended_at is not null and e.rate_minor is not null
           ), unbilled_expenses as (
               select count(*) as n from vendor_expenses x
               where $2::uuid is not null and x.business_id = $1 and x.client_id = $2
                 and ($3::uuid is null or x.project_id = $3) and x.billable and x.invoice_line_id is null
           ), offered as (
               (select 0 as kind, c.id, c.name, null::uuid as client_id, false as done, lower(c.name) as sort
                from clients c where c.business_id = $1 and c.archived_at is null
                order by lower(c.name), c.id limit 1000)
               union all
               (select 1, p.id, p.name || ' (' || c.name || ')', p.client_id, p.status = 'completed', lower(p.name)
                from projects p join clients c on c.business_id = p.business_id and c.id = p.client_id
                where p.business_id = $1
                order by (p.status = 'completed'), lower(p.name), p.id limit 1000)
           )
           select u.n as "unbilled!", ux.n as "unbilled_expenses!", o.kind as "kind?", o.id as "id?", o.name as "name?",
                  o.client_id as "client_id?"
           from unbilled u cross join unbilled_expenses ux left join offered o on true
           order by o.kind, o.done, o.sort, o.id"#,
        business_id.0,
        unbilled_for.map(|(client, _)| client.0),
        unbilled_for.and_then(|(_, project)| project).map(|p| p.0)
    )
    .fetch_all(db)
    .await?;
    let unbilled =
        rows.first().map_or(Unbilled::default(), |r| Unbilled { entries: r.unbilled, expenses: r.unbilled_expenses });
    let (mut clients, mut projects) = (Vec::new(), Vec::new());
    for r in rows {
        let (Some(kind), Some(id), Some(name)) = (r.kind, r.id, r.name) else { continue };
        let choice = Choice { id: id.to_string(), name, client_id: r.client_id.map(|c| c.to_string()) };
        if kind == 0 {
            clients.push(choice);
        } else {
            projects.push(choice);
        }
    }
    Ok((clients, projects, unbilled))
}

/// What a draft could still bill for its client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unbilled {
    pub entries: i64,
    pub expenses: i64,
}

/// Points each entry at its line (pairs of equal index).
pub async fn link_entries(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    entries: &[Uuid],
    lines: &[Uuid],
) -> AppResult<u64> {
    let linked = sqlx::query!(
        "update time_entries e set invoice_line_id = u.line
         from unnest($2::uuid[], $3::uuid[]) as u(entry, line)
         where e.business_id = $1 and e.id = u.entry and e.invoice_line_id is null",
        business_id.0,
        entries,
        lines
    )
    .execute(db)
    .await?;
    Ok(linked.rows_affected())
}

/// Unlinks every entry and expense billed on the invoice (voiding keeps the lines), in one
/// statement.
pub async fn release_entries(db: impl PgExecutor<'_>, business_id: BusinessId, invoice: InvoiceId) -> AppResult<u64> {
    let released = sqlx::query_scalar!(
        r#"with lines as (select id from sales_lines where business_id = $1 and invoice_id = $2),
           entries as (
               update time_entries set invoice_line_id = null
               where business_id = $1 and invoice_line_id in (select id from lines) returning 1
           ),
           expenses as (
               update vendor_expenses set invoice_line_id = null
               where business_id = $1 and invoice_line_id in (select id from lines) returning 1
           )
           select (select count(*) from entries) + (select count(*) from expenses) as "released!""#,
        business_id.0,
        invoice.0
    )
    .fetch_one(db)
    .await?;
    Ok(released as u64)
}

/// Takes the next number of `year` from the business's counter, locking its row until commit.
pub async fn take_number(db: impl PgExecutor<'_>, business_id: BusinessId, year: i32) -> AppResult<i32> {
    Ok(sqlx::query_scalar!(
        r#"insert into sales_numbers as s (business_id, year, next_number) values ($1, $2, 2)
           on conflict (business_id, year) do update set next_number = s.next_number + 1
           returning next_number - 1 as "number!""#,
        business_id.0,
        year
    )
    .fetch_one(db)
    .await?)
}

pub async fn mark_issued(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: InvoiceId,
    year: i32,
    sequence: i32,
    number: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query!(
        "update sales_invoices set status = 'sent', number = $3, number_year = $4, number_seq = $5, issued_at = $6
         where business_id = $1 and id = $2 and status = 'draft'",
        business_id.0,
        id.0,
        number,
        year,
        sequence,
        now
    )
    .execute(db)
    .await
    .on_constraint("sales_invoices_number_key", |_| {
        AppError::Conflict(format!(
            "Invoice number {number} is already taken. Check the next invoice number in settings."
        ))
    })?;
    Ok(())
}

pub async fn mark_paid(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: InvoiceId,
    paid_on: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query!(
        "update sales_invoices set status = 'paid', paid_on = $3, paid_at = $4
         where business_id = $1 and id = $2 and status = 'sent'",
        business_id.0,
        id.0,
        paid_on,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn mark_void(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: InvoiceId,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query!(
        "update sales_invoices set status = 'void', void_reason = $3, voided_at = $4
         where business_id = $1 and id = $2 and status = 'sent'",
        business_id.0,
        id.0,
        reason,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_draft(db: impl PgExecutor<'_>, business_id: BusinessId, id: InvoiceId) -> AppResult<()> {
    sqlx::query!(
        "delete from sales_invoices where business_id = $1 and id = $2 and status = 'draft'",
        business_id.0,
        id.0
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Copies an invoice's lines onto another, detached from time.
pub async fn copy_lines(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    from: InvoiceId,
    to: InvoiceId,
) -> AppResult<()> {
    sqlx::query!(
        "insert into sales_lines (id, business_id, invoice_id, position, description, quantity, unit_price_minor,
                                  total_minor, source_currency, source_total_minor, fx_rate, fx_source)
         select uuid_generate_v7(), business_id, $3, position, description, quantity, unit_price_minor,
                total_minor, source_currency, source_total_minor, fx_rate, fx_source
         from sales_lines where business_id = $1 and invoice_id = $2",
        business_id.0,
        from.0,
        to.0
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Numbering and tax settings of a business.
pub struct Settings {
    pub vat_rate_percent: Option<String>,
    pub vat_number: String,
    pub payment_terms_days: i32,
    pub timezone: String,
    pub currency: String,
    /// The billing rounding rule, stored form (`none` or `entry:up:15:0`).
    pub billing_rounding: String,
    pub country_code: Option<String>,
    pub einvoicing: bool,
}

pub async fn settings(db: impl PgExecutor<'_>, business_id: BusinessId) -> AppResult<Settings> {
    let r = sqlx::query!(
        "select vat_rate_percent, vat_number, payment_terms_days, timezone, currency, billing_rounding,
                country_code, einvoicing
         from businesses where id = $1",
        business_id.0
    )
    .fetch_one(db)
    .await?;
    Ok(Settings {
        vat_rate_percent: r.vat_rate_percent,
        vat_number: r.vat_number,
        payment_terms_days: r.payment_terms_days,
        timezone: r.timezone,
        currency: r.currency,
        billing_rounding: r.billing_rounding,
        country_code: r.country_code,
        einvoicing: r.einvoicing,
    })
}

/// The invoicing settings with the next invoice number of `year`, in one statement.
pub async fn settings_with_next_number(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    year: i32,
) -> AppResult<(Settings, i32)> {
    let r = sqlx::query!(
        r#"select b.vat_rate_percent, b.vat_number, b.payment_terms_days, b.timezone, b.currency, b.billing_rounding,
                  b.country_code, b.einvoicing,
                  coalesce((select n.next_number from sales_numbers n where n.business_id = b.id and n.year = $2), 1) as "next_number!"
           from businesses b where b.id = $1"#,
        business_id.0,
        year
    )
    .fetch_one(db)
    .await?;
    let settings = Settings {
        vat_rate_percent: r.vat_rate_percent,
        vat_number: r.vat_number,
        payment_terms_days: r.payment_terms_days,
        timezone: r.timezone,
        currency: r.currency,
        billing_rounding: r.billing_rounding,
        country_code: r.country_code,
        einvoicing: r.einvoicing,
    };
    Ok((settings, r.next_number))
}

pub async fn update_settings(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    vat_rate_percent: Option<&str>,
    vat_number: &str,
    payment_terms_days: i32,
    einvoice: (Option<&str>, bool),
) -> AppResult<()> {
    sqlx::query!(
        "update businesses set vat_rate_percent = $2, vat_number = $3, payment_terms_days = $4, country_code = $5,
                einvoicing = $6
         where id = $1",
        business_id.0,
        vat_rate_percent,
        vat_number,
        payment_terms_days,
        einvoice.0,
        einvoice.1
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_billing_rounding(db: impl PgExecutor<'_>, business_id: BusinessId, rule: &str) -> AppResult<()> {
    sqlx::query!("update businesses set billing_rounding = $2 where id = $1", business_id.0, rule).execute(db).await?;
    Ok(())
}

/// The invoice's billing rounding rule: the one it already keeps, else `current`, which it keeps
/// from now on. Called on the locked draft before lines are generated from time.
pub async fn keep_billing_rounding(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    invoice: InvoiceId,
    current: &str,
) -> AppResult<String> {
    let kept = sqlx::query_scalar!(
        r#"update sales_invoices set billing_rounding = coalesce(billing_rounding, $3)
           where business_id = $1 and id = $2 returning billing_rounding as "billing_rounding!""#,
        business_id.0,
        invoice.0,
        current
    )
    .fetch_one(db)
    .await?;
    Ok(kept)
}

/// Sets the counter of `year`, locking it first; refuses a number not above the highest issued.
pub async fn set_next_number(db: &mut PgConnection, business_id: BusinessId, year: i32, next: i32) -> AppResult<()> {
    sqlx::query!(
        "insert into sales_numbers (business_id, year) values ($1, $2) on conflict do nothing",
        business_id.0,
        year
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "select next_number from sales_numbers where business_id = $1 and year = $2 for update",
        business_id.0,
        year
    )
    .fetch_one(&mut *db)
    .await?;
    let highest = sqlx::query_scalar!(
        "select max(number_seq) from sales_invoices where business_id = $1 and number_year = $2",
        business_id.0,
        year
    )
    .fetch_one(&mut *db)
    .await?;
    if let Some(highest) = highest.filter(|h| next <= *h) {
        return Err(AppError::field(
            "next_number",
            format!(
                "Invoice {} was already issued; the next number must be above {highest}.",
                crate::invoices::format_number(year, highest)
            ),
        ));
    }
    sqlx::query!(
        "update sales_numbers set next_number = $3 where business_id = $1 and year = $2",
        business_id.0,
        year,
        next
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// The client's VAT number and country: what the reverse-charge and e-invoice issue rules read.
pub async fn client_tax_identity(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    client: ClientId,
) -> AppResult<(String, Option<String>)> {
    let row = sqlx::query!(
        "select vat_number, country_code from clients where business_id = $1 and id = $2",
        business_id.0,
        client.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((row.vat_number, row.country_code))
}

/// Whether the project belongs to the client (a foreign or missing project is not).
pub async fn project_of_client(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    project: ProjectId,
    client: ClientId,
) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from projects where business_id = $1 and id = $2 and client_id = $3) as "ok!""#,
        business_id.0,
        project.0,
        client.0
    )
    .fetch_one(db)
    .await?)
}

/// Time entries and expenses the invoice bills (a client change would orphan them).
pub async fn time_lines(db: impl PgExecutor<'_>, business_id: BusinessId, invoice: InvoiceId) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"with lines as (select id from sales_lines where business_id = $1 and invoice_id = $2)
           select (select count(*) from time_entries where business_id = $1 and invoice_line_id in (select id from lines))
                + (select count(*) from vendor_expenses where business_id = $1 and invoice_line_id in (select id from lines))
                  as "n!""#,
        business_id.0,
        invoice.0
    )
    .fetch_one(db)
    .await?)
}

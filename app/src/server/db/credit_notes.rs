//! Credit note SQL (tables `sales_notes`, `sales_notes_lines`, `sales_notes_numbers`).
//! The invoice page reads its credit notes with the invoice (`invoices::get`).

use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, CreditNoteId, InvoiceId, UserId};
use crate::invoices::credit::{CreditNote, PlannedCredit};
use crate::money::CurrencyCode;
use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};

/// Takes the next credit note number of `year`, locking the counter row until commit: numbers
/// are handed out in commit order and a rolled-back note hands its number back.
pub async fn take_number(db: impl PgExecutor<'_>, business_id: BusinessId, year: i32) -> AppResult<i32> {
    Ok(sqlx::query_scalar!(
        r#"insert into sales_notes_numbers as s (business_id, year, next_number) values ($1, $2, 2)
           on conflict (business_id, year) do update set next_number = s.next_number + 1
           returning next_number - 1 as "number!""#,
        business_id.0,
        year
    )
    .fetch_one(db)
    .await?)
}

/// What a new credit note stores besides its lines.
pub struct NewCreditNote<'a> {
    pub invoice_id: InvoiceId,
    pub number: &'a str,
    pub year: i32,
    pub sequence: i32,
    pub issue_date: NaiveDate,
    pub reason: &'a str,
    pub currency: CurrencyCode,
    pub tax_rate_percent: &'a str,
    pub created_by: Option<UserId>,
}

/// Inserts the note and its lines (two statements, in the caller's transaction).
pub async fn insert(
    db: &mut PgConnection,
    business_id: BusinessId,
    note: &NewCreditNote<'_>,
    planned: &PlannedCredit,
) -> AppResult<CreditNoteId> {
    let id = sqlx::query_scalar!(
        "insert into sales_notes (business_id, invoice_id, number, number_year, number_seq, issue_date, reason,
                                         currency, tax_rate_percent, subtotal_minor, tax_minor, total_minor, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8::text, $9, $10::bigint, $11::bigint, $12::bigint, $13)
         returning id",
        business_id.0,
        note.invoice_id.0,
        note.number,
        note.year,
        note.sequence,
        note.issue_date,
        note.reason,
        note.currency.as_str(),
        note.tax_rate_percent,
        planned.subtotal_minor,
        planned.tax_minor,
        planned.total_minor,
        note.created_by.map(|u| u.0),
    )
    .fetch_one(&mut *db)
    .await?;
    let line_ids: Vec<uuid::Uuid> = planned.lines.iter().map(|l| l.invoice_line_id.0).collect();
    let descriptions: Vec<String> = planned.lines.iter().map(|l| l.description.clone()).collect();
    let totals: Vec<i64> = planned.lines.iter().map(|l| l.total_minor).collect();
    sqlx::query!(
        "insert into sales_notes_lines (business_id, credit_note_id, invoice_line_id, position, description, total_minor)
         select $1, $2, l.line, l.position::int, l.description, l.total::bigint
         from unnest($3::uuid[], $4::text[], $5::bigint[]) with ordinality as l(line, description, total, position)",
        business_id.0,
        id,
        &line_ids,
        &descriptions,
        &totals,
    )
    .execute(&mut *db)
    .await?;
    Ok(id.into())
}

/// Whether the invoice has any credit note (a credited invoice can't be voided).
pub async fn any_for(db: impl PgExecutor<'_>, business_id: BusinessId, invoice: InvoiceId) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"select exists(select 1 from sales_notes where business_id = $1 and invoice_id = $2) as "any!""#,
        business_id.0,
        invoice.0
    )
    .fetch_one(db)
    .await?)
}

/// The invoice a credit note corrects, or `NotFound` for a note of another business.
pub async fn invoice_of(db: impl PgExecutor<'_>, business_id: BusinessId, id: CreditNoteId) -> AppResult<InvoiceId> {
    sqlx::query_scalar!("select invoice_id from sales_notes where business_id = $1 and id = $2", business_id.0, id.0)
        .fetch_optional(db)
        .await?
        .map(InvoiceId)
        .ok_or(AppError::NotFound)
}

/// Picks one note out of its invoice's list.
pub fn find(notes: &[CreditNote], id: CreditNoteId) -> AppResult<&CreditNote> {
    notes.iter().find(|n| n.id == id).ok_or(AppError::NotFound)
}

//! Credit notes (issue 19): correcting an issued invoice without touching it. A note is numbered
//! from its own gap-free sequence in the same transaction that checks and stores it, with the
//! invoice row locked, so two corrections of one invoice never credit the same money twice.

use super::pdf::{document, off_executor};
use crate::billing::Decimal;
use crate::error::{AppError, AppResult};
use crate::ids::{CreditNoteId, InvoiceId};
use crate::invoices::credit::{format_credit_number, plan, CreditForm, CreditNote, Creditable};
use crate::invoices::{Invoice, InvoiceStatus, TaxTreatment};
use crate::permissions::Permission;
use crate::server::db::{credit_notes, invoices as db};
use crate::server::pdf::{DocumentLine, InvoiceDocument};
use crate::server::BusinessCtx;
use chrono::Datelike;

/// Issues a credit note for `form`'s amounts of the invoice's lines and returns its number. Only
/// issued invoices (sent or paid) can be credited; void ones are already cancelled.
pub async fn credit(ctx: &BusinessCtx, id: InvoiceId, form: &CreditForm) -> AppResult<String> {
    ctx.require(Permission::InvoicesVoid)?;
    let today = ctx.today();
    let mut tx = ctx.pool.begin().await?;
    let locked = db::lock(&mut tx, ctx.business.id, id).await?;
    match locked.status {
        InvoiceStatus::Sent | InvoiceStatus::Paid => {}
        InvoiceStatus::Draft => {
            return Err(AppError::Conflict(
                "A draft can still be edited; only issued invoices get credit notes.".into(),
            ))
        }
        InvoiceStatus::Void => {
            return Err(AppError::Conflict("This invoice is void, so there is nothing to credit.".into()))
        }
    }
    let request = form.validate(locked.currency.info().minor_units)?;
    // Read after the lock: what earlier notes credited can't change until this one commits.
    let invoice = db::get(&mut tx, ctx.business.id, id, today).await?;
    let lines = Creditable::lines_of(&invoice);
    let percent = match invoice.tax_treatment {
        TaxTreatment::Standard => Some(
            Decimal::parse(&invoice.tax_rate_percent)
                .map_err(|e| crate::server::errors::internal("a stored VAT rate is malformed", e))?,
        ),
        _ => None,
    };
    let planned = plan(&lines, &request, percent, invoice.currency.info().minor_units)?;
    // Dated today, or on the invoice's own date when that is still ahead.
    let issue_date = today.max(invoice.issue_date);
    let year = issue_date.year();
    let sequence = credit_notes::take_number(&mut *tx, ctx.business.id, year).await?;
    let number = format_credit_number(year, sequence);
    let rate = if percent.is_some() { invoice.tax_rate_percent.as_str() } else { "0" };
    let note = credit_notes::NewCreditNote {
        invoice_id: id,
        number: &number,
        year,
        sequence,
        issue_date,
        reason: &request.reason,
        currency: invoice.currency,
        tax_rate_percent: rate,
        created_by: Some(ctx.user.id),
    };
    credit_notes::insert(&mut tx, ctx.business.id, &note, &planned).await?;
    tx.commit().await?;
    Ok(number)
}

/// The credit note as the invoice's PDF template prints it: the invoice's parties, the note's
/// number, date, reason and lines, and the amount credited where an invoice shows its balance.
fn credit_document(invoice: &Invoice, note: &CreditNote, mut base: InvoiceDocument) -> InvoiceDocument {
    let money = |minor| invoice.money(minor).format();
    base.title = format!("Credit note {}", note.number);
    base.balance_label = "Amount credited".into();
    base.balance_due = money(note.total_minor);
    base.paid = false;
    base.void = false;
    base.dates = vec![
        ("Issued".to_owned(), note.issue_date.to_string()),
        ("Credits invoice".to_owned(), invoice.number.clone().unwrap_or_default()),
        ("Invoice date".to_owned(), invoice.issue_date.to_string()),
    ];
    base.lines = note
        .lines
        .iter()
        .map(|l| DocumentLine { description: l.description.clone(), notes: Vec::new(), amount: money(l.total_minor) })
        .collect();
    base.subtotal = money(note.subtotal_minor);
    base.tax = money(note.tax_minor);
    base.total = money(note.total_minor);
    base.notes = format!("Reason: {}", note.reason);
    base
}

/// The credit note's PDF and its file name (`credit-note-CN-2026-0001.pdf`), for members who can
/// see invoices.
pub async fn credit_note_pdf(ctx: &BusinessCtx, id: CreditNoteId) -> AppResult<(String, Vec<u8>)> {
    ctx.require(Permission::InvoicesView)?;
    let business = ctx.business.id;
    let invoice_id = credit_notes::invoice_of(&ctx.pool, business, id).await?;
    let (profile, invoice, client) = super::pdf::read_parts(&ctx.pool, business, invoice_id, ctx.now()).await?;
    let note = credit_notes::find(&invoice.credit_notes, id)?.clone();
    let seller = super::einvoice::seller(&profile);
    let e_document = crate::server::einvoice::of_credit_note(&invoice, &note, &seller, &client);
    let facturx_xml = super::einvoice::facturx_xml(&profile, &invoice, Some(&e_document));
    let branding = (profile.brand_color, profile.footer_note);
    let base = document(&invoice, &profile.settings, &profile.vat_number, branding, &client, profile.logo_png);
    let mut document = credit_document(&invoice, &note, base);
    document.facturx_xml = facturx_xml;
    document.dated = Some(note.issue_date);
    let bytes = off_executor(move || super::pdf::render_bytes(&document)).await?;
    Ok((format!("credit-note-{}.pdf", note.number), bytes))
}

//! An invoice as a PDF: read everything it prints (no transaction held), then render off the
//! async executor, a bounded number at a time. Members download it with `invoices.view`; anyone
//! else needs a signed link.

use super::link::{token, verify_token, LINK_LIFETIME};
use super::zone;
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, InvoiceId};
use crate::invoices::{Invoice, InvoiceStatus, PdfLink};
use crate::permissions::Permission;
use crate::server::db::businesses::PrintProfile;
use crate::server::db::{businesses, clients, invoices as db};
use crate::server::einvoice;
use crate::server::errors::internal;
use crate::server::pdf::{render, render_first_page_svg, DocumentLine, InvoiceDocument};
use crate::server::{AppState, BusinessCtx};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Renders (and logo decodes) at once: one per core keeps a burst of downloads from starving
/// every other request.
pub(crate) fn rendering_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

/// A multi-line address as its non-empty lines, trimmed (printed and e-invoiced alike).
pub(crate) fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Everything the PDF prints, formatted.
pub fn document(
    invoice: &Invoice,
    business: &crate::settings::BusinessSettings,
    vat_number: &str,
    branding: (String, String),
    client: &crate::clients::Client,
    logo: Option<Vec<u8>>,
) -> InvoiceDocument {
    // Credit notes lower what is still owed.
    let balance = invoice.balance_due_minor();
    let mut dates =
        vec![("Issued".to_owned(), invoice.issue_date.to_string()), ("Due".to_owned(), invoice.due_date.to_string())];
    if let Some((start, end)) = invoice.period {
        dates.push(("Billing period".to_owned(), format!("{start} to {end}")));
    }
    if let Some(paid) = invoice.paid_on {
        dates.push(("Paid".to_owned(), paid.to_string()));
    }
    InvoiceDocument {
        logo,
        business_name: business.name.clone(),
        business_address: lines_of(&business.address),
        business_vat: vat_number.to_owned(),
        brand_color: branding.0,
        footer_note: branding.1,
        title: invoice.title(),
        balance_due: invoice.money(balance).format(),
        balance_label: "Balance due".into(),
        paid: invoice.status == InvoiceStatus::Paid,
        void: invoice.status == InvoiceStatus::Void,
        client_name: client.name.clone(),
        client_company: client.company.clone(),
        client_address: lines_of(&client.address),
        client_company_number: client.company_number.clone(),
        client_vat: client.vat_number.clone(),
        dates,
        lines: invoice
            .lines
            .iter()
            .map(|line| DocumentLine {
                description: line.description.clone(),
                notes: [line.quantity_label(invoice.currency), line.conversion_label()].into_iter().flatten().collect(),
                amount: invoice.money(line.total_minor).format(),
            })
            .collect(),
        subtotal: invoice.money(invoice.subtotal_minor).format(),
        tax_label: invoice.tax_label(),
        tax: invoice.money(invoice.tax_minor).format(),
        total: invoice.money(invoice.total_minor).format(),
        tax_note: invoice.tax_note.clone(),
        notes: invoice.notes.clone(),
        facturx_xml: None,
        dated: Some(invoice.issue_date),
    }
}

/// `invoice-2026-0001.pdf` or `draft-invoice.pdf`.
pub fn file_name(invoice: &Invoice) -> String {
    match &invoice.number {
        Some(number) => format!("invoice-{number}.pdf"),
        None => "draft-invoice.pdf".to_owned(),
    }
}

/// The business (with its logo), the invoice with its lines, and the client, read on the pool
/// without a transaction.
pub(crate) async fn read_parts(
    pool: &PgPool,
    business: BusinessId,
    id: InvoiceId,
    now: DateTime<Utc>,
) -> AppResult<(PrintProfile, Invoice, crate::clients::Client)> {
    let profile = businesses::print_profile(pool, business).await?;
    let today = now.with_timezone(&zone(&profile.settings.timezone)).date_naive();
    let mut conn = pool.acquire().await?;
    let invoice = db::get(&mut conn, business, id, today).await?;
    drop(conn);
    let client = clients::get(pool, business, invoice.client_id).await?;
    Ok((profile, invoice, client))
}

/// Reads everything the invoice prints on the pool (no transaction held while rendering): the
/// business with its logo, then the invoice with its lines, then the client. Public for the load
/// harness, which times these reads alone as the route's database ceiling.
pub async fn read(
    pool: &PgPool,
    business: BusinessId,
    id: InvoiceId,
    now: DateTime<Utc>,
) -> AppResult<(Invoice, InvoiceDocument)> {
    let (profile, invoice, client) = read_parts(pool, business, id, now).await?;
    let e_document = einvoice::of_invoice(&invoice, &super::einvoice::seller(&profile), &client);
    let facturx_xml = super::einvoice::facturx_xml(&profile, &invoice, e_document.as_ref());
    let branding = (profile.brand_color, profile.footer_note);
    let mut document = document(&invoice, &profile.settings, &profile.vat_number, branding, &client, profile.logo_png);
    document.facturx_xml = facturx_xml;
    Ok((invoice, document))
}

/// The PDF's bytes; a document carrying its XML becomes a Factur-X PDF/A-3. PDF/A forbids
/// text its fonts cannot draw (a name in a script the embedded fonts lack): then the person still
/// gets the plain PDF, and the XML stays downloadable on its own.
pub(crate) fn render_bytes(document: &InvoiceDocument) -> Result<Vec<u8>, crate::server::pdf::PdfError> {
    if document.facturx_xml.is_none() {
        return render(document).map(|(bytes, _pages)| bytes);
    }
    match render(document).and_then(|(bytes, _pages)| einvoice::facturx::add_metadata(&bytes)) {
        Ok(bytes) => Ok(bytes),
        Err(error) => {
            tracing::warn!(%error, "the Factur-X PDF could not be made; sending the plain PDF");
            let plain = InvoiceDocument { facturx_xml: None, ..document.clone() };
            render(&plain).map(|(bytes, _pages)| bytes)
        }
    }
}

/// Runs CPU-bound rendering work on the blocking pool, at most one job per core.
pub(crate) async fn off_executor<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, crate::server::pdf::PdfError> + Send + 'static,
) -> AppResult<T> {
    let _slot = rendering_slots().acquire().await.map_err(|e| internal("the rendering slots closed", e))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| internal("the PDF renderer panicked", e))?
        .map_err(|e| internal("the invoice PDF could not be rendered", e))
}

async fn render_pdf(
    pool: &PgPool,
    business: BusinessId,
    id: InvoiceId,
    now: DateTime<Utc>,
) -> AppResult<(String, Vec<u8>)> {
    let (invoice, document) = read(pool, business, id, now).await?;
    let bytes = off_executor(move || render_bytes(&document)).await?;
    Ok((file_name(&invoice), bytes))
}

/// The invoice's PDF and its file name.
pub async fn pdf(ctx: &BusinessCtx, id: InvoiceId) -> AppResult<(String, Vec<u8>)> {
    ctx.require(Permission::InvoicesView)?;
    render_pdf(&ctx.pool, ctx.business.id, id, ctx.now()).await
}

/// The PDF a signed link opens. An invalid, tampered or expired token, or one for another invoice,
/// is `Ok(None)`: the route answers "Invalid or expired link" for all of them alike.
pub async fn pdf_by_link(
    state: &AppState,
    token: &str,
    id: InvoiceId,
    now: DateTime<Utc>,
) -> AppResult<Option<(String, Vec<u8>)>> {
    let Some(business) = verify_token(state.auth.secret_bytes(), token, id, now) else { return Ok(None) };
    render_pdf(&state.pool, business, id, now).await.map(Some)
}

/// The first page as SVG, for the preview on the invoice page.
pub async fn preview(ctx: &BusinessCtx, id: InvoiceId) -> AppResult<String> {
    ctx.require(Permission::InvoicesView)?;
    let (_, document) = read(&ctx.pool, ctx.business.id, id, ctx.now()).await?;
    off_executor(move || render_first_page_svg(&document)).await
}

/// A fresh 15-minute link for an invoice the caller can already see.
pub(crate) fn link_for(ctx: &BusinessCtx, id: InvoiceId) -> PdfLink {
    let expires_at = ctx.now() + LINK_LIFETIME;
    let token = token(ctx.auth.secret_bytes(), ctx.business.id, id, expires_at);
    PdfLink { url: format!("{}/api/invoices/{id}/pdf?token={token}", ctx.origin), expires_at }
}

/// A signed link to the invoice's PDF that works for 15 minutes without signing in.
pub async fn pdf_link(ctx: &BusinessCtx, id: InvoiceId) -> AppResult<PdfLink> {
    ctx.require(Permission::InvoicesView)?;
    if !db::exists(&ctx.pool, ctx.business.id, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(link_for(ctx, id))
}

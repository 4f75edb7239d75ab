//! An invoice as a PDF: read everything it prints (no transaction held), then render off the
//! async executor, a bounded number at a time.

use super::today;
use crate::error::AppResult;
use crate::ids::InvoiceId;
use crate::invoices::{Invoice, InvoiceStatus};
use crate::permissions::Permission;
use crate::server::db::{businesses, clients, invoices as db};
use crate::server::errors::internal;
use crate::server::pdf::{render, DocumentLine, InvoiceDocument};
use crate::server::BusinessCtx;
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Renders at once: one per core keeps a burst of downloads from starving every other request.
fn rendering_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Everything the PDF prints, formatted.
pub fn document(
    invoice: &Invoice,
    business: &crate::settings::BusinessSettings,
    vat_number: &str,
    branding: (String, String),
    client: &crate::clients::Client,
) -> InvoiceDocument {
    let balance = match invoice.status {
        InvoiceStatus::Paid | InvoiceStatus::Void => 0,
        _ => invoice.total_minor,
    };
    let mut dates =
        vec![("Issued".to_owned(), invoice.issue_date.to_string()), ("Due".to_owned(), invoice.due_date.to_string())];
    if let Some((start, end)) = invoice.period {
        dates.push(("Billing period".to_owned(), format!("{start} to {end}")));
    }
    if let Some(paid) = invoice.paid_on {
        dates.push(("Paid".to_owned(), paid.to_string()));
    }
    InvoiceDocument {
        business_name: business.name.clone(),
        business_address: lines_of(&business.address),
        business_vat: vat_number.to_owned(),
        brand_color: branding.0,
        footer_note: branding.1,
        title: invoice.title(),
        balance_due: invoice.money(balance).format(),
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
    }
}

/// `invoice-2026-0001.pdf` or `draft-invoice.pdf`.
pub fn file_name(invoice: &Invoice) -> String {
    match &invoice.number {
        Some(number) => format!("invoice-{number}.pdf"),
        None => "draft-invoice.pdf".to_owned(),
    }
}

/// The invoice's PDF and its file name.
pub async fn pdf(ctx: &BusinessCtx, id: InvoiceId) -> AppResult<(String, Vec<u8>)> {
    ctx.require(Permission::InvoicesView)?;
    let settings = businesses::settings(&ctx.pool, ctx.business.id).await?;
    let extra = db::settings(&ctx.pool, ctx.business.id).await?;
    let mut conn = ctx.pool.acquire().await?;
    let invoice = db::get(&mut conn, ctx.business.id, id, today(ctx, &extra.timezone)).await?;
    drop(conn);
    let client = clients::get(&ctx.pool, ctx.business.id, invoice.client_id).await?;
    let branding = businesses::branding(&ctx.pool, ctx.business.id).await?;
    let document = document(&invoice, &settings, &extra.vat_number, branding, &client);
    let _slot = rendering_slots().acquire().await.map_err(|e| internal("the rendering slots closed", e))?;
    let rendered = tokio::task::spawn_blocking(move || render(&document))
        .await
        .map_err(|e| internal("the PDF renderer panicked", e))?
        .map_err(|e| internal("the invoice PDF could not be rendered", e))?;
    Ok((file_name(&invoice), rendered.0))
}

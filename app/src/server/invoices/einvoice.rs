//! E-invoices of issued invoices and credit notes: the XML downloads (CII and UBL), and the
//! Factur-X XML a PDF carries when the business makes e-invoices.

use super::pdf::read_parts;
use crate::error::{AppError, AppResult};
use crate::ids::{CreditNoteId, InvoiceId};
use crate::invoices::{Invoice, InvoiceStatus};
use crate::permissions::Permission;
use crate::server::db::businesses::PrintProfile;
use crate::server::db::credit_notes;
use crate::server::einvoice::{self, cii, EDocument, Seller, Syntax};
use crate::server::BusinessCtx;

pub(crate) fn seller(profile: &PrintProfile) -> Seller {
    Seller {
        name: profile.settings.name.clone(),
        address: profile.settings.address.clone(),
        country_code: profile.country_code.clone(),
        vat_number: profile.vat_number.clone(),
    }
}

/// The XML a Factur-X PDF embeds: only when the business makes e-invoices, the document was
/// issued and nothing it needs is missing (otherwise the PDF is a plain one).
pub(crate) fn facturx_xml(profile: &PrintProfile, invoice: &Invoice, document: Option<&EDocument>) -> Option<String> {
    let issued = matches!(invoice.status, InvoiceStatus::Sent | InvoiceStatus::Paid);
    let document = document.filter(|d| profile.einvoicing && issued && d.missing().is_empty())?;
    Some(cii::write(document))
}

fn ready(document: EDocument) -> AppResult<EDocument> {
    let missing = document.missing();
    if missing.is_empty() {
        Ok(document)
    } else {
        Err(AppError::Conflict(einvoice::missing_sentence(&missing)))
    }
}

/// An issued invoice as EN 16931 XML: its file name and the XML.
pub async fn invoice_xml(ctx: &BusinessCtx, id: InvoiceId, syntax: Syntax) -> AppResult<(String, String)> {
    ctx.require(Permission::InvoicesView)?;
    let (profile, invoice, client) = read_parts(&ctx.pool, ctx.business.id, id, ctx.now()).await?;
    if invoice.status == InvoiceStatus::Void {
        return Err(AppError::Conflict("This invoice is void, so it is not an e-invoice any more.".into()));
    }
    let document = einvoice::of_invoice(&invoice, &seller(&profile), &client)
        .ok_or_else(|| AppError::Conflict("A draft has no number yet: issue it to get its e-invoice.".into()))?;
    let document = ready(document)?;
    Ok((syntax.file_name(&document), syntax.write(&document)))
}

/// A credit note as EN 16931 XML (type 381).
pub async fn credit_note_xml(ctx: &BusinessCtx, id: CreditNoteId, syntax: Syntax) -> AppResult<(String, String)> {
    ctx.require(Permission::InvoicesView)?;
    let invoice_id = credit_notes::invoice_of(&ctx.pool, ctx.business.id, id).await?;
    let (profile, invoice, client) = read_parts(&ctx.pool, ctx.business.id, invoice_id, ctx.now()).await?;
    let note = credit_notes::find(&invoice.credit_notes, id)?;
    let document = ready(einvoice::of_credit_note(&invoice, note, &seller(&profile), &client))?;
    Ok((syntax.file_name(&document), syntax.write(&document)))
}

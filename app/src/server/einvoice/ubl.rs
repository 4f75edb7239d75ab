//! OASIS UBL 2.1 Invoice and CreditNote, EN 16931 core. Element order follows the UBL XSDs (a test
//! validates against them); the two documents differ in their root, type code, due date and line
//! element names.

use super::xml::{document, finish, leaf, leaf_with, node, W};
use super::{EDocument, Kind, Party, EN16931};
use std::io;

const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

pub fn write(doc: &EDocument) -> String {
    let mut w = document();
    // Writing into a Vec cannot fail.
    let _ = root(&mut w, doc);
    finish(w)
}

fn root(w: &mut W, doc: &EDocument) -> io::Result<()> {
    let (root, namespace) = match doc.kind {
        Kind::Invoice => ("Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"),
        Kind::CreditNote => ("CreditNote", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"),
    };
    w.create_element(root)
        .with_attributes([("xmlns", namespace), ("xmlns:cac", CAC), ("xmlns:cbc", CBC)])
        .write_inner_content(|w| {
            leaf(w, "cbc:CustomizationID", EN16931)?;
            leaf(w, "cbc:ID", &doc.number)?;
            leaf(w, "cbc:IssueDate", &doc.issue_date.to_string())?;
            match doc.kind {
                Kind::Invoice => {
                    if let Some(due) = doc.due_date {
                        leaf(w, "cbc:DueDate", &due.to_string())?;
                    }
                    leaf(w, "cbc:InvoiceTypeCode", doc.kind.type_code())?;
                }
                Kind::CreditNote => leaf(w, "cbc:CreditNoteTypeCode", doc.kind.type_code())?,
            }
            for note in &doc.notes {
                leaf(w, "cbc:Note", note)?;
            }
            leaf(w, "cbc:DocumentCurrencyCode", doc.currency.as_str())?;
            if let Some((start, end)) = doc.period {
                node(w, "cac:InvoicePeriod", |w| {
                    leaf(w, "cbc:StartDate", &start.to_string())?;
                    leaf(w, "cbc:EndDate", &end.to_string())
                })?;
            }
            if let Some((number, issued)) = &doc.preceding {
                node(w, "cac:BillingReference", |w| {
                    node(w, "cac:InvoiceDocumentReference", |w| {
                        leaf(w, "cbc:ID", number)?;
                        leaf(w, "cbc:IssueDate", &issued.to_string())
                    })
                })?;
            }
            node(w, "cac:AccountingSupplierParty", |w| party(w, &doc.seller))?;
            node(w, "cac:AccountingCustomerParty", |w| party(w, &doc.buyer))?;
            if !doc.payment_terms.is_empty() {
                node(w, "cac:PaymentTerms", |w| leaf(w, "cbc:Note", &doc.payment_terms))?;
            }
            node(w, "cac:TaxTotal", |w| {
                money(w, doc, "cbc:TaxAmount", doc.tax_minor)?;
                node(w, "cac:TaxSubtotal", |w| {
                    money(w, doc, "cbc:TaxableAmount", doc.subtotal_minor)?;
                    money(w, doc, "cbc:TaxAmount", doc.tax_minor)?;
                    tax_category(w, doc, "cac:TaxCategory", true)
                })
            })?;
            node(w, "cac:LegalMonetaryTotal", |w| {
                money(w, doc, "cbc:LineExtensionAmount", doc.subtotal_minor)?;
                money(w, doc, "cbc:TaxExclusiveAmount", doc.subtotal_minor)?;
                money(w, doc, "cbc:TaxInclusiveAmount", doc.total_minor)?;
                money(w, doc, "cbc:PrepaidAmount", 0)?;
                money(w, doc, "cbc:PayableAmount", doc.total_minor)
            })?;
            let (line_name, quantity_name) = match doc.kind {
                Kind::Invoice => ("cac:InvoiceLine", "cbc:InvoicedQuantity"),
                Kind::CreditNote => ("cac:CreditNoteLine", "cbc:CreditedQuantity"),
            };
            for line in &doc.lines {
                node(w, line_name, |w| {
                    leaf(w, "cbc:ID", &line.id)?;
                    if !line.note.is_empty() {
                        leaf(w, "cbc:Note", &line.note)?;
                    }
                    leaf_with(w, quantity_name, ("unitCode", line.unit), &line.quantity)?;
                    money(w, doc, "cbc:LineExtensionAmount", line.net_minor)?;
                    node(w, "cac:Item", |w| {
                        leaf(w, "cbc:Name", &line.name)?;
                        tax_category(w, doc, "cac:ClassifiedTaxCategory", false)
                    })?;
                    node(w, "cac:Price", |w| money(w, doc, "cbc:PriceAmount", line.price_minor))
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

fn money(w: &mut W, doc: &EDocument, name: &str, minor: i64) -> io::Result<()> {
    leaf_with(w, name, ("currencyID", doc.currency.as_str()), &doc.amount(minor))
}

/// The document's VAT category; the breakdown (not the lines) carries the exemption reason.
fn tax_category(w: &mut W, doc: &EDocument, name: &str, with_exemption: bool) -> io::Result<()> {
    node(w, name, |w| {
        leaf(w, "cbc:ID", doc.category.code())?;
        leaf(w, "cbc:Percent", &doc.rate_percent)?;
        if with_exemption {
            if let Some(code) = doc.category.exemption_code() {
                leaf(w, "cbc:TaxExemptionReasonCode", code)?;
            }
            if !doc.exemption_reason.is_empty() {
                leaf(w, "cbc:TaxExemptionReason", &doc.exemption_reason)?;
            }
        }
        node(w, "cac:TaxScheme", |w| leaf(w, "cbc:ID", "VAT"))
    })
}

fn party(w: &mut W, party: &Party) -> io::Result<()> {
    node(w, "cac:Party", |w| {
        node(w, "cac:PostalAddress", |w| {
            let lines = party.three_lines();
            let mut lines = lines.iter();
            if let Some(street) = lines.next() {
                leaf(w, "cbc:StreetName", street)?;
            }
            if let Some(additional) = lines.next() {
                leaf(w, "cbc:AdditionalStreetName", additional)?;
            }
            if let Some(third) = lines.next() {
                node(w, "cac:AddressLine", |w| leaf(w, "cbc:Line", third))?;
            }
            node(w, "cac:Country", |w| leaf(w, "cbc:IdentificationCode", &party.country))
        })?;
        if !party.vat_id.is_empty() {
            node(w, "cac:PartyTaxScheme", |w| {
                leaf(w, "cbc:CompanyID", &party.vat_id)?;
                node(w, "cac:TaxScheme", |w| leaf(w, "cbc:ID", "VAT"))
            })?;
        }
        node(w, "cac:PartyLegalEntity", |w| {
            leaf(w, "cbc:RegistrationName", &party.name)?;
            if !party.registration.is_empty() {
                leaf(w, "cbc:CompanyID", &party.registration)?;
            }
            Ok(())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::super::Category;
    use super::*;

    #[test]
    fn invoices_and_credit_notes_use_their_own_elements() {
        let invoice = write(&sample(Category::Standard));
        assert!(invoice.contains("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"));
        assert!(invoice.contains("<cbc:DueDate>2026-12-14</cbc:DueDate>"));
        assert!(invoice.contains("<cbc:InvoicedQuantity unitCode=\"HUR\">1.166667</cbc:InvoicedQuantity>"));
        assert!(invoice.contains("<cbc:PayableAmount currencyID=\"EUR\">43.77</cbc:PayableAmount>"));
        let mut note = sample(Category::Standard);
        note.kind = Kind::CreditNote;
        note.due_date = None;
        note.preceding = Some(("2026-0001".into(), note.issue_date));
        let note = write(&note);
        assert!(note.contains("<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""));
        assert!(note.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
        assert!(note.contains("<cac:InvoiceDocumentReference>"));
        assert!(note.contains("<cac:CreditNoteLine>"));
    }
}

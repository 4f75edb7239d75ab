//! An invoice or credit note, as stored, turned into EN 16931 terms.

use super::{Category, EDocument, ELine, Kind, Party};
use crate::clients::Client;
use crate::invoices::credit::CreditNote;
use crate::invoices::{Invoice, InvoiceLine, TaxTreatment};
use crate::server::invoices::pdf::lines_of;

/// The business as the seller.
#[derive(Debug, Clone, Default)]
pub struct Seller {
    pub name: String,
    pub address: String,
    pub country_code: Option<String>,
    pub vat_number: String,
}

fn seller_party(seller: &Seller) -> Party {
    Party {
        name: seller.name.clone(),
        address_lines: lines_of(&seller.address),
        country: seller.country_code.clone().unwrap_or_default(),
        vat_id: super::normalize_vat(&seller.vat_number),
        registration: String::new(),
    }
}

fn buyer_party(client: &Client) -> Party {
    // The legal name is the company's when there is one (BT-44).
    let name = if client.company.trim().is_empty() { &client.name } else { &client.company };
    Party {
        name: name.clone(),
        address_lines: lines_of(&client.address),
        country: client.country_code.clone().unwrap_or_default(),
        vat_id: super::normalize_vat(&client.vat_number),
        registration: client.company_number.trim().to_owned(),
    }
}

pub fn category_of(treatment: TaxTreatment) -> Category {
    match treatment {
        TaxTreatment::Standard => Category::Standard,
        TaxTreatment::ZeroRated => Category::Zero,
        TaxTreatment::ReverseCharge => Category::ReverseCharge,
    }
}

/// An hourly line keeps its hours and price; a converted or fixed line is one unit at its amount
/// (the hourly price of a converted line is in another currency, and EN 16931 prices are in the
/// invoice's).
fn line(invoice: &Invoice, line: &InvoiceLine) -> ELine {
    let note: Vec<String> =
        [line.quantity_label(invoice.currency), line.conversion_label()].into_iter().flatten().collect();
    let hourly = match (&line.quantity, line.unit_price_minor, &line.source) {
        (Some(quantity), Some(price), None) => Some((quantity.clone(), price)),
        _ => None,
    };
    let (quantity, unit, price_minor) = match hourly {
        Some((quantity, price)) => (quantity, "HUR", price),
        None => ("1".to_owned(), "C62", line.total_minor),
    };
    ELine {
        id: line.position.to_string(),
        name: line.description.clone(),
        note: note.join("; "),
        quantity,
        unit,
        price_minor,
        net_minor: line.total_minor,
    }
}

fn exemption(treatment: TaxTreatment) -> String {
    treatment.tax_note().to_owned()
}

fn rate(invoice: &Invoice) -> String {
    match invoice.tax_treatment {
        TaxTreatment::Standard => invoice.tax_rate_percent.clone(),
        _ => "0".to_owned(),
    }
}

/// An issued invoice (`None` for a draft: it has no number yet).
pub fn of_invoice(invoice: &Invoice, seller: &Seller, client: &Client) -> Option<EDocument> {
    let number = invoice.number.clone()?;
    let terms = (invoice.due_date - invoice.issue_date).num_days();
    let mut notes: Vec<String> = Vec::new();
    if !invoice.notes.trim().is_empty() {
        notes.push(invoice.notes.trim().to_owned());
    }
    Some(EDocument {
        kind: Kind::Invoice,
        number,
        issue_date: invoice.issue_date,
        due_date: Some(invoice.due_date),
        payment_terms: match terms {
            0 => "Due on receipt".to_owned(),
            1 => "Due within 1 day".to_owned(),
            days => format!("Due within {days} days"),
        },
        currency: invoice.currency,
        seller: seller_party(seller),
        buyer: buyer_party(client),
        notes,
        preceding: None,
        period: invoice.period,
        lines: invoice.lines.iter().map(|l| line(invoice, l)).collect(),
        category: category_of(invoice.tax_treatment),
        rate_percent: rate(invoice),
        exemption_reason: exemption(invoice.tax_treatment),
        subtotal_minor: invoice.subtotal_minor,
        tax_minor: invoice.tax_minor,
        total_minor: invoice.total_minor,
    })
}

/// A credit note: each credited line is one unit of what it takes back.
pub fn of_credit_note(invoice: &Invoice, note: &CreditNote, seller: &Seller, client: &Client) -> EDocument {
    let positions: std::collections::HashMap<_, _> = invoice.lines.iter().map(|l| (l.id, l.position)).collect();
    EDocument {
        kind: Kind::CreditNote,
        number: note.number.clone(),
        issue_date: note.issue_date,
        due_date: None,
        payment_terms: match &invoice.number {
            Some(number) => format!("Set off against invoice {number}, or refunded"),
            None => String::new(),
        },
        currency: invoice.currency,
        seller: seller_party(seller),
        buyer: buyer_party(client),
        notes: vec![format!("Reason: {}", note.reason)],
        preceding: invoice.number.clone().map(|number| (number, invoice.issue_date)),
        period: invoice.period,
        lines: note
            .lines
            .iter()
            .enumerate()
            .map(|(i, credited)| ELine {
                id: (i + 1).to_string(),
                name: credited.description.clone(),
                note: positions
                    .get(&credited.invoice_line_id)
                    .map(|p| format!("Line {p} of invoice {}", invoice.number.clone().unwrap_or_default()))
                    .unwrap_or_default(),
                quantity: "1".to_owned(),
                unit: "C62",
                price_minor: credited.total_minor,
                net_minor: credited.total_minor,
            })
            .collect(),
        category: category_of(invoice.tax_treatment),
        rate_percent: rate(invoice),
        exemption_reason: exemption(invoice.tax_treatment),
        subtotal_minor: note.subtotal_minor,
        tax_minor: note.tax_minor,
        total_minor: note.total_minor,
    }
}

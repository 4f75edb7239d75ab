//! E-invoices (issue 19): an issued invoice or credit note as EN 16931 data, written as UN/CEFACT
//! CII (the XML inside a Factur-X PDF) or as UBL 2.1. Both writers read the same [`EDocument`], so
//! the two syntaxes cannot disagree about an amount. Amounts are the stored minor units, printed
//! with the currency's decimals: nothing is computed again here.

pub mod cii;
pub mod facturx;
pub mod ubl;

mod build;
mod xml;

pub use build::{category_of, of_credit_note, of_invoice, Seller};

use crate::money::{format_plain, CurrencyCode};
use chrono::NaiveDate;

/// The EN 16931 profile both syntaxes declare (BT-24).
pub const EN16931: &str = "urn:cen.eu:en16931:2017";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UNTDID 1001 code 380, commercial invoice.
    Invoice,
    /// Code 381: positive amounts that take back part or all of an invoice.
    CreditNote,
}

impl Kind {
    pub fn type_code(self) -> &'static str {
        match self {
            Kind::Invoice => "380",
            Kind::CreditNote => "381",
        }
    }
}

/// The VAT category of the whole document (BT-118); Clerq bills one treatment per invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// S: the standard rate.
    Standard,
    /// Z: zero-rated goods and services.
    Zero,
    /// AE: reverse charge, the buyer accounts for the VAT.
    ReverseCharge,
}

impl Category {
    pub fn code(self) -> &'static str {
        match self {
            Category::Standard => "S",
            Category::Zero => "Z",
            Category::ReverseCharge => "AE",
        }
    }

    /// BT-121, required for reverse charge (BR-AE-10) and forbidden for the others.
    pub fn exemption_code(self) -> Option<&'static str> {
        (self == Category::ReverseCharge).then_some("VATEX-EU-AE")
    }
}

/// The seller or the buyer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    /// The address as typed, one entry per line; the syntaxes have three line fields.
    pub address_lines: Vec<String>,
    /// ISO 3166 alpha-2; empty when not set (then the document is not ready).
    pub country: String,
    pub vat_id: String,
    /// A company registration number (BT-30 / BT-47).
    pub registration: String,
}

impl Party {
    /// At most three address lines: the ones past the third join the third.
    pub fn three_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.address_lines.iter().take(2).cloned().collect();
        let rest: Vec<&str> = self.address_lines.iter().skip(2).map(String::as_str).collect();
        if !rest.is_empty() {
            lines.push(rest.join(", "));
        }
        lines
    }
}

/// One line (BG-25).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ELine {
    pub id: String,
    pub name: String,
    /// BT-127: the small print (hours × rate, a conversion).
    pub note: String,
    /// A decimal as stored (`1.166667`).
    pub quantity: String,
    /// UN/ECE Rec 20: `HUR` for hours, `C62` for one unit.
    pub unit: &'static str,
    /// The net price per unit, in minor units of the document's currency.
    pub price_minor: i64,
    pub net_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EDocument {
    pub kind: Kind,
    pub number: String,
    pub issue_date: NaiveDate,
    /// BT-9; a credit note has none.
    pub due_date: Option<NaiveDate>,
    /// BT-20, e.g. "Due within 14 days".
    pub payment_terms: String,
    pub currency: CurrencyCode,
    pub seller: Party,
    pub buyer: Party,
    /// BT-22, each a separate note.
    pub notes: Vec<String>,
    /// BT-25/BT-26: the invoice a credit note corrects.
    pub preceding: Option<(String, NaiveDate)>,
    /// BG-14.
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub lines: Vec<ELine>,
    pub category: Category,
    /// BT-119 as stored (`21`, `7.7`); `0` outside the standard rate.
    pub rate_percent: String,
    /// BT-120, the reverse-charge wording.
    pub exemption_reason: String,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    /// BT-112 and BT-115. Nothing is prepaid (BT-113 is 0): marking an invoice paid later must
    /// not change the e-invoice that was issued.
    pub total_minor: i64,
}

impl EDocument {
    /// `1234.50`: plain, with the currency's decimals, as both syntaxes want amounts.
    pub fn amount(&self, minor: i64) -> String {
        format_plain(minor, self.currency.info().minor_units)
    }

    /// `invoice-2026-0001` or `credit-note-CN-2026-0001`, the file names' stem.
    pub fn file_stem(&self) -> String {
        match self.kind {
            Kind::Invoice => format!("invoice-{}", self.number),
            Kind::CreditNote => format!("credit-note-{}", self.number),
        }
    }

    /// What the business must fill in before this document can be an e-invoice (empty when it is
    /// ready).
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = missing(&Identities {
            seller_country: &self.seller.country,
            seller_vat: &self.seller.vat_id,
            buyer_country: &self.buyer.country,
            buyer_vat: &self.buyer.vat_id,
            category: self.category,
            rate_percent: &self.rate_percent,
            currency_decimals: self.currency.info().minor_units,
        });
        if self.lines.is_empty() {
            missing.push("at least one line");
        }
        missing
    }
}

/// Who sells and who buys, and the invoice's VAT and currency, as far as e-invoices need them.
pub struct Identities<'a> {
    pub seller_country: &'a str,
    pub seller_vat: &'a str,
    pub buyer_country: &'a str,
    pub buyer_vat: &'a str,
    pub category: Category,
    pub rate_percent: &'a str,
    pub currency_decimals: u8,
}

/// A VAT number as EN 16931 wants it: upper case, without spaces, dots or dashes.
pub fn normalize_vat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-')).collect::<String>().to_uppercase()
}

/// BR-CO-9: a VAT number starts with its country's code (Greece's is EL).
fn has_country_prefix(vat: &str) -> bool {
    let vat = normalize_vat(vat);
    vat.len() > 2 && vat.get(..2).is_some_and(|prefix| prefix == "EL" || crate::country::is_known(prefix))
}

/// What must be filled in first, as a person would say it. The rules behind them: BR-09 and
/// BR-11 (countries), BR-S-02/BR-Z-02/BR-AE-02 and BR-CO-09 (VAT numbers with their country
/// prefix), BR-S-05 (a standard rate above zero) and BR-DEC-* (amounts with at most two decimals).
pub fn missing(parties: &Identities<'_>) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if parties.seller_country.trim().is_empty() {
        missing.push("your country code (Settings, Invoices)");
    }
    if parties.seller_vat.trim().is_empty() {
        missing.push("your VAT number (Settings, Invoices)");
    } else if !has_country_prefix(parties.seller_vat) {
        missing.push("your VAT number with its country prefix, like DE123456789 (Settings, Invoices)");
    }
    if parties.buyer_country.trim().is_empty() {
        missing.push("the client's country code (on the client's page)");
    }
    if parties.buyer_vat.trim().is_empty() {
        if parties.category == Category::ReverseCharge {
            missing.push("the client's VAT number (on the client's page)");
        }
    } else if !has_country_prefix(parties.buyer_vat) {
        missing.push("the client's VAT number with its country prefix, like NL123456789B01 (on the client's page)");
    }
    let zero_rate = crate::billing::Decimal::parse(parties.rate_percent).map_or(true, |rate| rate.is_zero());
    if parties.category == Category::Standard && zero_rate {
        missing.push("a standard VAT rate above 0 % (or the zero-rated treatment)");
    }
    if parties.currency_decimals > 2 {
        missing.push("a currency with at most two decimals (EN 16931 allows no more)");
    }
    missing
}

/// The sentence shown on the invoice page and returned by the XML routes when something is missing.
pub fn missing_sentence(missing: &[&str]) -> String {
    crate::invoices::einvoice_sentence(missing).unwrap_or_default()
}

/// The two XML syntaxes EN 16931 allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Cii,
    Ubl,
}

impl Syntax {
    pub fn parse(text: &str) -> Option<Syntax> {
        match text {
            "cii" => Some(Syntax::Cii),
            "ubl" => Some(Syntax::Ubl),
            _ => None,
        }
    }

    pub fn write(self, document: &EDocument) -> String {
        match self {
            Syntax::Cii => cii::write(document),
            Syntax::Ubl => ubl::write(document),
        }
    }

    /// `invoice-2026-0001.cii.xml`.
    pub fn file_name(self, document: &EDocument) -> String {
        let suffix = match self {
            Syntax::Cii => "cii",
            Syntax::Ubl => "ubl",
        };
        format!("{}.{suffix}.xml", document.file_stem())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample(category: Category) -> EDocument {
        let eur = CurrencyCode::parse("EUR").expect("eur");
        let day = |t: &str| t.parse::<NaiveDate>().expect("date");
        let (rate, tax) = match category {
            Category::Standard => ("21", 760),
            _ => ("0", 0),
        };
        EDocument {
            kind: Kind::Invoice,
            number: "2026-0001".into(),
            issue_date: day("2026-11-30"),
            due_date: Some(day("2026-12-14")),
            payment_terms: "Due within 14 days".into(),
            currency: eur,
            seller: Party {
                name: "Studio <Nord> & Co".into(),
                address_lines: vec!["1 Hafenstraße".into(), "20457 Hamburg".into()],
                country: "DE".into(),
                vat_id: "DE123456789".into(),
                registration: String::new(),
            },
            buyer: Party {
                name: "Acme BV".into(),
                address_lines: vec!["Damrak 1".into(), "1012 LG".into(), "Amsterdam".into(), "Noord-Holland".into()],
                country: "NL".into(),
                vat_id: "NL123456789B01".into(),
                registration: "12345678".into(),
            },
            notes: vec!["Thank you.".into()],
            preceding: None,
            period: Some((day("2026-11-01"), day("2026-11-30"))),
            lines: vec![ELine {
                id: "1".into(),
                name: "Design".into(),
                note: "1.17 h × 31.00 EUR/h".into(),
                quantity: "1.166667".into(),
                unit: "HUR",
                price_minor: 3100,
                net_minor: 3617,
            }],
            category,
            rate_percent: rate.into(),
            exemption_reason: if category == Category::ReverseCharge {
                crate::invoices::REVERSE_CHARGE_NOTE.into()
            } else {
                String::new()
            },
            subtotal_minor: 3617,
            tax_minor: tax,
            total_minor: 3617 + tax,
        }
    }

    #[test]
    fn a_document_says_what_it_lacks() {
        assert!(sample(Category::Standard).missing().is_empty());
        let mut bare = sample(Category::ReverseCharge);
        bare.seller.country.clear();
        bare.buyer.vat_id.clear();
        bare.buyer.country.clear();
        assert_eq!(
            missing_sentence(&bare.missing()),
            "To make an e-invoice, add your country code (Settings, Invoices), the client's country code (on the \
             client's page) and the client's VAT number (on the client's page)."
        );
    }

    #[test]
    fn vat_numbers_need_their_country_prefix_and_amounts_two_decimals() {
        let mut doc = sample(Category::Standard);
        doc.seller.vat_id = normalize_vat("de 123.456-789");
        assert_eq!(doc.seller.vat_id, "DE123456789");
        assert!(doc.missing().is_empty());
        doc.seller.vat_id = "123456789".into();
        doc.buyer.vat_id = "el123".into();
        assert_eq!(doc.missing(), ["your VAT number with its country prefix, like DE123456789 (Settings, Invoices)"]);
        doc.seller.vat_id = "DE1".into();
        doc.rate_percent = "0".into();
        doc.currency = CurrencyCode::parse("KWD").expect("kwd");
        assert_eq!(
            doc.missing(),
            [
                "a standard VAT rate above 0 % (or the zero-rated treatment)",
                "a currency with at most two decimals (EN 16931 allows no more)"
            ]
        );
    }

    #[test]
    fn long_addresses_fold_into_three_lines() {
        let buyer = sample(Category::Standard).buyer;
        assert_eq!(buyer.three_lines(), ["Damrak 1", "1012 LG", "Amsterdam, Noord-Holland"]);
    }

    #[test]
    fn amounts_follow_the_currency_decimals() {
        let mut doc = sample(Category::Standard);
        assert_eq!(doc.amount(123450), "1234.50");
        doc.currency = CurrencyCode::parse("JPY").expect("jpy");
        assert_eq!(doc.amount(1234), "1234");
    }
}

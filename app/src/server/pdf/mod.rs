//! Invoice PDFs, rendered with typst as a library (PRODUCT §3.9.8). The template is compiled into
//! the binary, the fonts are embedded (Libertinus Serif: Latin, Greek and Cyrillic), nothing is
//! read from the system or downloaded, and everything a person typed reaches the template as data
//! in `sys.inputs`, never spliced into markup.

use std::sync::OnceLock;
use typst::foundations::{Array, Dict, IntoValue};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};

static TEMPLATE: &str = include_str!("invoice.typ");

/// One line of the table: its description, the small print under it (hours × rate, conversion),
/// and its amount, all already formatted.
#[derive(Debug, Clone, Default)]
pub struct DocumentLine {
    pub description: String,
    pub notes: Vec<String>,
    pub amount: String,
}

/// Everything printed on an invoice, formatted.
#[derive(Debug, Clone, Default)]
pub struct InvoiceDocument {
    /// The business's logo as a PNG (already re-encoded on upload).
    pub logo: Option<Vec<u8>>,
    pub business_name: String,
    pub business_address: Vec<String>,
    pub business_vat: String,
    pub brand_color: String,
    pub footer_note: String,
    pub title: String,
    /// "Balance due", or what a credit note says in its place.
    pub balance_label: String,
    pub balance_due: String,
    pub paid: bool,
    pub void: bool,
    pub client_name: String,
    pub client_company: String,
    pub client_address: Vec<String>,
    pub client_company_number: String,
    pub client_vat: String,
    /// ("Issued", "2026-11-30"), ("Due", …), ("Billing period", …).
    pub dates: Vec<(String, String)>,
    pub lines: Vec<DocumentLine>,
    pub subtotal: String,
    pub tax_label: String,
    pub tax: String,
    pub total: String,
    pub tax_note: String,
    pub notes: String,
    /// The EN 16931 CII XML: when present the PDF is PDF/A-3b carrying it as `factur-x.xml`.
    pub facturx_xml: Option<String>,
    /// The document's date, written as the PDF's creation date so a document renders the same
    /// bytes every time.
    pub dated: Option<chrono::NaiveDate>,
}

fn strings(items: &[String]) -> Array {
    items.iter().map(|s| s.as_str().into_value()).collect()
}

impl InvoiceDocument {
    fn inputs(&self) -> Dict {
        let mut d = Dict::new();
        let mut put = |key: &str, value: typst::foundations::Value| {
            d.insert(key.into(), value);
        };
        // Stored logos are PNGs; IHDR holds the size right after the signature.
        if let Some(logo) = self.logo.as_ref().filter(|png| png.len() > 24) {
            let side = |at: usize| i64::from(u32::from_be_bytes([logo[at], logo[at + 1], logo[at + 2], logo[at + 3]]));
            put("logo", typst::foundations::Bytes::new(logo.clone()).into_value());
            put("logo_width", side(16).max(1).into_value());
            put("logo_height", side(20).max(1).into_value());
        }
        put("business_name", self.business_name.as_str().into_value());
        put("business_address", strings(&self.business_address).into_value());
        put("business_vat", self.business_vat.as_str().into_value());
        put("brand_color", self.brand_color.as_str().into_value());
        put("footer_note", self.footer_note.as_str().into_value());
        put("title", self.title.as_str().into_value());
        put("balance_label", self.balance_label.as_str().into_value());
        put("balance_due", self.balance_due.as_str().into_value());
        put("paid", if self.paid { "true" } else { "false" }.into_value());
        put("void", if self.void { "true" } else { "false" }.into_value());
        put("client_name", self.client_name.as_str().into_value());
        put("client_company", self.client_company.as_str().into_value());
        put("client_address", strings(&self.client_address).into_value());
        put("client_company_number", self.client_company_number.as_str().into_value());
        put("client_vat", self.client_vat.as_str().into_value());
        let dates: Array = self
            .dates
            .iter()
            .map(|(label, value)| {
                let pair: Array = [label.as_str().into_value(), value.as_str().into_value()].into_iter().collect();
                pair.into_value()
            })
            .collect();
        put("dates", dates.into_value());
        let lines: Array = self
            .lines
            .iter()
            .map(|line| {
                let mut l = Dict::new();
                l.insert("description".into(), line.description.as_str().into_value());
                l.insert("notes".into(), strings(&line.notes).into_value());
                l.insert("amount".into(), line.amount.as_str().into_value());
                l.into_value()
            })
            .collect();
        put("lines", lines.into_value());
        put("subtotal", self.subtotal.as_str().into_value());
        put("tax_label", self.tax_label.as_str().into_value());
        put("tax", self.tax.as_str().into_value());
        put("total", self.total.as_str().into_value());
        put("tax_note", self.tax_note.as_str().into_value());
        put("notes", self.notes.as_str().into_value());
        if let Some(xml) = &self.facturx_xml {
            put("facturx", typst::foundations::Bytes::new(xml.clone().into_bytes()).into_value());
        }
        d
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the invoice template did not compile: {0}")]
    Compile(String),
    #[error("the PDF could not be written: {0}")]
    Export(String),
}

/// Built once: parsing the template and indexing the fonts costs ~9 ms; each invoice after that
/// reuses them (and typst's memoisation).
fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| TypstEngine::builder().main_file(TEMPLATE).fonts(typst_assets::fonts()).build())
}

/// The PDF and its page count. CPU-bound (milliseconds): call it off the async executor.
pub fn render(document: &InvoiceDocument) -> Result<(Vec<u8>, usize), PdfError> {
    let compiled =
        engine().compile_with_input(document.inputs()).output.map_err(|e| PdfError::Compile(format!("{e:?}")))?;
    // The document's type comes from typst-pdf's signature (typst-layout is not a direct dependency).
    let pdf = typst_pdf::pdf(&compiled, &options(document)?).map_err(|e| PdfError::Export(format!("{e:?}")))?;
    Ok((pdf, compiled.pages().len()))
}

/// PDF/A-3b (archival, and the only PDF/A that may carry other files) when the document carries
/// its XML; the plain default otherwise.
fn options(document: &InvoiceDocument) -> Result<typst_pdf::PdfOptions, PdfError> {
    use chrono::Datelike;
    let timestamp = document.dated.and_then(|day| {
        let (month, date) = (u8::try_from(day.month()).ok()?, u8::try_from(day.day()).ok()?);
        typst::foundations::Datetime::from_ymd_hms(day.year(), month, date, 0, 0, 0)
    });
    let standards = if document.facturx_xml.is_some() {
        typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_3b]).map_err(|e| PdfError::Export(format!("{e:?}")))?
    } else {
        typst_pdf::PdfStandards::default()
    };
    Ok(typst_pdf::PdfOptions {
        timestamp: timestamp.map(typst_pdf::Timestamp::new_utc),
        standards,
        ..typst_pdf::PdfOptions::default()
    })
}

/// The first page as a self-contained SVG (fonts as outlines), for the preview on the invoice page.
pub fn render_first_page_svg(document: &InvoiceDocument) -> Result<String, PdfError> {
    let compiled = engine()
        .compile_with_input::<_, typst_layout::PagedDocument>(document.inputs())
        .output
        .map_err(|e| PdfError::Compile(format!("{e:?}")))?;
    let page = compiled.pages().first().ok_or_else(|| PdfError::Export("the invoice has no page".to_owned()))?;
    Ok(typst_svg::svg(page, &typst_svg::SvgOptions::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(lines: usize) -> InvoiceDocument {
        InvoiceDocument {
            business_name: "Studio #1 *Demo* $x$".into(),
            business_address: vec!["1 Long Lane".into(), "London".into()],
            brand_color: "#228E80".into(),
            footer_note: "Thank you!".into(),
            title: "Invoice 2026-0001".into(),
            balance_due: "36.17 EUR".into(),
            balance_label: "Balance due".into(),
            client_name: "Ακμή · Акме".into(),
            dates: vec![("Issued".into(), "2026-11-30".into()), ("Due".into(), "2026-12-14".into())],
            lines: (0..lines)
                .map(|i| DocumentLine {
                    description: format!("Design {i} #strong[not markup]"),
                    notes: vec!["1.17 h × 31.00 EUR/h".into()],
                    amount: "36.17 EUR".into(),
                })
                .collect(),
            subtotal: "36.17 EUR".into(),
            tax_label: "VAT".into(),
            tax: "0.00 EUR".into(),
            total: "36.17 EUR".into(),
            notes: "Pay by bank transfer.\nIBAN on request.".into(),
            ..InvoiceDocument::default()
        }
    }

    #[test]
    fn an_invoice_renders_to_a_pdf_and_long_ones_break_across_pages() {
        let (pdf, pages) = render(&sample(3)).expect("rendered");
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(pages, 1);
        let (_, pages) = render(&sample(120)).expect("rendered");
        assert!(pages >= 3, "120 lines take several pages, got {pages}");
        let void = InvoiceDocument { void: true, paid: false, ..sample(1) };
        assert!(render(&void).is_ok(), "the VOID watermark renders");
    }
}

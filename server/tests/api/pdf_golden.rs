//! Golden tests of the invoice PDF, read back with poppler (`pdftotext`, `pdfinfo`, `pdftoppm`):
//! every field is printed in order, long invoices break across pages with repeated headers and
//! page numbers, names in Greek and Cyrillic survive, the Paid and Void variants show, and the
//! first page still looks like the committed reference image.
//!
//! `CLERQ_UPDATE_GOLDEN=1 cargo test -p server --test api pdf_golden` rewrites the reference after
//! an intended change to the layout.

use app::server::pdf::{render, DocumentLine, InvoiceDocument};
use image::{DynamicImage, ImageFormat};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

const REFERENCE: &str = "tests/fixtures/invoice-golden.png";

/// A 4 × 1 teal-and-white striped logo.
fn logo() -> Vec<u8> {
    let image = image::RgbaImage::from_fn(240, 60, |x, _| {
        if (x / 30) % 2 == 0 {
            image::Rgba([34, 142, 128, 255])
        } else {
            image::Rgba([255, 255, 255, 255])
        }
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgba8(image).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).expect("encoded");
    out
}

fn document(lines: usize) -> InvoiceDocument {
    InvoiceDocument {
        logo: Some(logo()),
        business_name: "Studio Nord".into(),
        business_address: vec!["1 Long Lane".into(), "10115 Berlin".into()],
        business_vat: "DE123456789".into(),
        brand_color: "#228E80".into(),
        footer_note: "Thank you for your business.".into(),
        title: "Invoice 2026-0001".into(),
        balance_due: "€1,234.56".into(),
        balance_label: "Balance due".into(),
        client_name: "Ακμή Акме Ltd".into(),
        client_company: "Acme Holdings".into(),
        client_address: vec!["2 Short Street".into(), "Athens".into()],
        client_company_number: "HRB 4711".into(),
        client_vat: "EL987654321".into(),
        dates: vec![
            ("Issued".into(), "2026-11-30".into()),
            ("Due".into(), "2026-12-14".into()),
            ("Billing period".into(), "2026-11-01 to 2026-11-30".into()),
        ],
        lines: (0..lines)
            .map(|i| DocumentLine {
                description: if i == 0 { "Design work #strong[as typed]".into() } else { format!("Line {i}") },
                notes: if i == 0 {
                    vec!["2.00 h × 62.00 EUR/h".into(), "Converted from 465.00 GBP at 1.1734 (ECB rate)".into()]
                } else {
                    Vec::new()
                },
                amount: "545.63 EUR".into(),
            })
            .collect(),
        subtotal: "1,037.45 EUR".into(),
        tax_label: "VAT (19%)".into(),
        tax: "197.12 EUR".into(),
        total: "1,234.57 EUR".into(),
        tax_note: "Reverse charge: VAT to be accounted for by the recipient.".into(),
        notes: "Pay within 14 days.".into(),
        ..InvoiceDocument::default()
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clerq-golden-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir.join(name)
}

fn tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed (poppler-utils; scripts/ensure-tools.sh installs it): {e}"));
    assert!(output.status.success(), "{program} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes the PDF and returns its path.
fn rendered(document: &InvoiceDocument) -> (PathBuf, usize) {
    let (pdf, pages) = render(document).expect("rendered");
    let path = scratch("invoice.pdf");
    std::fs::write(&path, pdf).expect("written");
    (path, pages)
}

fn text_of(path: &Path) -> String {
    tool("pdftotext", &["-layout", path.to_str().expect("utf-8 path"), "-"])
}

#[test]
fn every_field_is_printed_in_order() {
    let (path, pages) = rendered(&document(3));
    assert_eq!(pages, 1);
    assert!(tool("pdfinfo", &[path.to_str().expect("path")]).contains("Pages:           1"));
    let text = text_of(&path);
    // Top to bottom, and left to right within a row (the header and the dates sit in two columns).
    let fields = [
        "Studio Nord",
        "Invoice 2026-0001",
        "1 Long Lane",
        "Balance due: €1,234.56",
        "10115 Berlin",
        "VAT no. DE123456789",
        "Billed to",
        "Issued: 2026-11-30",
        "Ακμή Акме Ltd",
        "Due: 2026-12-14",
        "Acme Holdings",
        "Billing period: 2026-11-01 to 2026-11-30",
        "2 Short Street",
        "Company no. HRB 4711",
        "VAT no. EL987654321",
        "Description",
        "Amount",
        "Design work #strong[as typed]",
        "545.63 EUR",
        "2.00 h × 62.00 EUR/h",
        "Converted from 465.00 GBP at 1.1734 (ECB rate)",
        "Line 2",
        "Subtotal",
        "1,037.45 EUR",
        "VAT (19%)",
        "197.12 EUR",
        "Total",
        "1,234.57 EUR",
        "Reverse charge: VAT to be accounted for by the recipient.",
        "Notes",
        "Pay within 14 days.",
        "Thank you for your business.",
        "Page 1 of 1",
    ];
    // Each field is searched from the start of the line where the previous one was found.
    let mut line_start = 0;
    for field in fields {
        let at = line_start
            + text[line_start..].find(field).unwrap_or_else(|| panic!("{field:?} after byte {line_start} of:\n{text}"));
        line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    }
    assert!(!text.contains("PAID") && !text.contains("VOID"), "an open invoice has no badge");
}

#[test]
fn long_invoices_break_across_pages_with_headers_and_page_numbers() {
    let (path, pages) = rendered(&document(200));
    assert!(pages >= 4, "200 lines take several pages, got {pages}");
    let text = text_of(&path);
    let page_texts: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(page_texts.len(), pages);
    for (index, page) in page_texts.iter().enumerate() {
        assert!(page.contains("Description"), "page {} repeats the table header", index + 1);
        assert!(page.contains(&format!("Page {} of {pages}", index + 1)), "page {} is numbered", index + 1);
    }
    assert!(page_texts[pages - 1].contains("Line 199") && page_texts[pages - 1].contains("Total"));
}

#[test]
fn paid_and_void_invoices_say_so() {
    let paid = text_of(&rendered(&InvoiceDocument { paid: true, ..document(1) }).0);
    assert!(paid.contains("PAID"), "{paid}");
    let void = text_of(&rendered(&InvoiceDocument { void: true, ..document(1) }).0);
    assert!(void.contains("VOID"), "the badge: {void}");
    // The diagonal watermark's letters come out one per line, top down: it rises to the right, so
    // the word reads backwards.
    let lone_letters: String = void.lines().map(str::trim).filter(|l| ["V", "O", "I", "D"].contains(l)).collect();
    assert_eq!(lone_letters, "DIOV", "the watermark: {void}");
}

/// Low resolution and grey: layout changes show, font anti-aliasing differences between poppler
/// versions do not.
#[test]
fn the_first_page_looks_like_the_reference() {
    let (path, _) = rendered(&document(3));
    let out = path.with_file_name("page");
    tool(
        "pdftoppm",
        &["-r", "24", "-gray", "-png", "-singlefile", path.to_str().expect("path"), out.to_str().expect("path")],
    );
    let rendered = image::open(out.with_extension("png")).expect("pdftoppm wrote a PNG").to_luma8();
    let reference_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(REFERENCE);
    if std::env::var_os("CLERQ_UPDATE_GOLDEN").is_some() {
        rendered.save(&reference_path).expect("reference written");
    }
    let reference = image::open(&reference_path).expect("the committed reference").to_luma8();
    assert_eq!(rendered.dimensions(), reference.dimensions(), "A4 at 24 dpi");
    let differing = rendered
        .pixels()
        .zip(reference.pixels())
        .filter(|(a, b)| (i16::from(a.0[0]) - i16::from(b.0[0])).abs() > 48)
        .count();
    let share = differing as f64 / f64::from(rendered.width() * rendered.height());
    assert!(share < 0.005, "{differing} pixels differ from the reference ({:.2}%)", share * 100.0);
}

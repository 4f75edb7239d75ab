//! Issue 14's figures: warm invoice renders of 1, 2 and 10 pages and of 200 lines, the download
//! route end to end, and the peak memory of 16 renders at once.

use app::server::pdf::{render, DocumentLine, InvoiceDocument};
use std::time::{Duration, Instant};

fn document(lines: usize) -> InvoiceDocument {
    InvoiceDocument {
        business_name: "Bench Studio".into(),
        business_address: vec!["1 Long Lane".into(), "London".into()],
        business_vat: "GB123456789".into(),
        brand_color: "#228E80".into(),
        footer_note: "Thank you for your business.".into(),
        title: "Invoice 2026-0001".into(),
        balance_due: "1,234.56 EUR".into(),
        balance_label: "Balance due".into(),
        client_name: "Ακμή Акме Ltd".into(),
        client_address: vec!["2 Short Street".into(), "Athens".into()],
        dates: vec![("Issued".into(), "2026-11-30".into()), ("Due".into(), "2026-12-14".into())],
        lines: (0..lines)
            .map(|i| DocumentLine {
                description: format!("Design work, week {i}"),
                notes: vec!["2.00 h × 62.00 EUR/h".into()],
                amount: "124.00 EUR".into(),
            })
            .collect(),
        subtotal: "1,037.45 EUR".into(),
        tax_label: "VAT (19%)".into(),
        tax: "197.12 EUR".into(),
        total: "1,234.57 EUR".into(),
        notes: "Pay within 14 days.".into(),
        ..InvoiceDocument::default()
    }
}

/// The fewest lines that make a document of `pages` pages.
fn lines_for(pages: usize) -> usize {
    let mut lines = 1;
    while render(&document(lines)).expect("rendered").1 < pages {
        lines += if lines < 20 { 1 } else { 5 };
    }
    lines
}

/// Peak resident memory of this process since the last reset, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// Resets the peak (writing 5 to clear_refs); without permission the peak stays process-wide.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// `n` timed renders of `doc`.
fn warm_renders(doc: &InvoiceDocument, n: usize) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let start = Instant::now();
            render(doc).expect("rendered");
            start.elapsed()
        })
        .collect()
}

pub fn renders() {
    // The first render builds the engine (template, fonts); every figure below is warm.
    let start = Instant::now();
    render(&document(1)).expect("rendered");
    println!(
        "{:<46} {:>8.1} ms (once per process)",
        "PDF engine start + first render",
        start.elapsed().as_secs_f64() * 1e3
    );
    for pages in [1, 2, 10] {
        let lines = lines_for(pages);
        super::report(&format!("PDF render, {pages} page(s) ({lines} lines)"), warm_renders(&document(lines), 30));
    }
    let doc = document(200);
    let pages = render(&doc).expect("rendered").1;
    super::report(&format!("PDF render, 200 lines ({pages} pages)"), warm_renders(&doc, 20));

    let before = peak_rss_mib();
    reset_peak_rss();
    let two_pages = document(lines_for(2));
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..16 {
            scope.spawn(|| render(&two_pages).expect("rendered"));
        }
    });
    println!(
        "{:<46} {:>8.1} ms wall; peak RSS {:.0} MiB (before: {:.0} MiB)",
        "16 concurrent 2-page renders (16 threads)",
        start.elapsed().as_secs_f64() * 1e3,
        peak_rss_mib(),
        before
    );
    let binary = std::env::current_exe().and_then(std::fs::metadata).map(|m| m.len()).unwrap_or(0);
    println!("{:<46} {:>8.1} MiB", "this binary (release, fonts embedded)", binary as f64 / 1_048_576.0);
}

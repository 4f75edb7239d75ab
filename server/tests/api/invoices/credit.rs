//! Credit notes (issue 19): their own gap-free sequence under concurrency, full and partial
//! credits whose VAT adds up to the invoice's, what can't be credited, the PDF, and reports.

use super::{field_error, ops, World, NOW};
use app::error::AppError;
use app::ids::InvoiceId;
use app::invoices::credit::{CreditForm, Credited};
use app::invoices::forms::InvoiceSettingsForm;
use app::reports::{Period, PeriodKind};
use app::server::reports;
use chrono::NaiveDate;
use http::StatusCode;
use sqlx::PgPool;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// A form crediting `amounts` (by line position, 0-based) of the invoice.
async fn form(w: &World, id: InvoiceId, amounts: &[(usize, &str)]) -> CreditForm {
    let invoice = w.invoice(id).await;
    CreditForm {
        reason: "Agreed discount".into(),
        lines: amounts.iter().map(|(i, _)| invoice.lines[*i].id.to_string()).collect(),
        amounts: amounts.iter().map(|(_, a)| (*a).to_owned()).collect(),
    }
}

async fn credit(w: &World, id: InvoiceId, amounts: &[(usize, &str)]) -> Result<String, AppError> {
    let form = form(w, id, amounts).await;
    ops::credit(&w.ctx().await, id, &form).await
}

/// Standard VAT at 21 % and an issued invoice of 33.33 + 100.00 (VAT 28.00, total 161.33).
async fn vat_invoice(w: &World) -> InvoiceId {
    let settings = InvoiceSettingsForm {
        vat_rate: "21".into(),
        vat_number: "NL1".into(),
        payment_terms: "14".into(),
        ..Default::default()
    };
    ops::update_settings(&w.ctx().await, settings.validate().expect("valid")).await.expect("settings");
    let id = w.draft_with(w.draft_form("2026-11-20", "standard")).await;
    w.add_line(id, "Design", "33.33").await;
    w.add_line(id, "Hosting", "100.00").await;
    w.issue(id).await;
    id
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_full_credit_takes_back_every_line_with_its_vat(pool: PgPool) {
    let w = World::new(pool).await;
    let id = vat_invoice(&w).await;
    let before = w.invoice(id).await;
    assert_eq!((before.subtotal_minor, before.tax_minor, before.total_minor), (13_333, 2800, 16_133));

    assert_eq!(credit(&w, id, &[(0, "33.33"), (1, "100.00")]).await.expect("credited"), "CN-2026-0001");
    let page = ops::page(&w.ctx().await, id).await.expect("page");
    let invoice = page.invoice;
    let note = &invoice.credit_notes[0];
    assert_eq!((note.subtotal_minor, note.tax_minor, note.total_minor), (13_333, 2800, 16_133));
    assert_eq!((note.issue_date, note.reason.as_str()), (date("2026-11-30"), "Agreed discount"));
    assert_eq!(invoice.credited(), Credited::Fully);
    assert_eq!(invoice.balance_due_minor(), 0);
    assert_eq!(invoice.lines.iter().map(|l| l.credited_minor).collect::<Vec<_>>(), vec![3333, 10_000]);
    assert!(!page.can_credit && !page.can_void, "nothing left to credit, and a credited invoice isn't voided");
    assert_eq!((invoice.total_minor, invoice.status.as_str()), (16_133, "sent"), "the invoice itself is unchanged");

    // The list marks it, and it no longer waits for payment.
    let all = ops::list(&w.ctx().await, "all", "", 1).await.expect("list");
    assert_eq!(all.invoices[0].credited, Credited::Fully);
    assert!(ops::list(&w.ctx().await, "sent", "", 1).await.expect("list").invoices.is_empty());

    let again = credit(&w, id, &[(0, "0.01")]).await;
    assert_eq!(field_error(again, "amounts[0]"), "This line is already credited in full.");
    let void = ops::void(&w.ctx().await, id, "Changed my mind").await;
    assert!(matches!(void, Err(AppError::Conflict(m)) if m.contains("credit notes")));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn partial_credits_add_up_to_the_invoices_vat_and_never_exceed_a_line(pool: PgPool) {
    let w = World::new(pool).await;
    let id = vat_invoice(&w).await;
    // 11.11 three times: alone each would carry 2.33 VAT, 6.99 for the 33.33 that carries 7.00.
    for n in 1..=3 {
        let number = credit(&w, id, &[(0, "11.11")]).await.expect("credited");
        assert_eq!(number, format!("CN-2026-{n:04}"));
    }
    let invoice = w.invoice(id).await;
    let taxes: Vec<i64> = invoice.credit_notes.iter().map(|n| n.tax_minor).collect();
    assert_eq!(taxes.iter().sum::<i64>(), 700, "{taxes:?}");
    assert_eq!(invoice.credited(), Credited::Partially);
    assert_eq!(invoice.balance_due_minor(), 16_133 - 3333 - 700);
    let sent = ops::list(&w.ctx().await, "sent", "", 1).await.expect("list");
    assert_eq!(sent.invoices[0].credited, Credited::Partially, "still owed in part");

    let over = credit(&w, id, &[(1, "100.01")]).await;
    assert_eq!(field_error(over, "amounts[0]"), "At most 100.00 is left to credit on this line.");
    let nothing = credit(&w, id, &[(1, "0")]).await;
    assert_eq!(field_error(nothing, "form"), "Enter an amount to credit on at least one line.");
    let no_reason =
        ops::credit(&w.ctx().await, id, &CreditForm { reason: " ".into(), ..form(&w, id, &[(1, "1")]).await }).await;
    assert_eq!(field_error(no_reason, "reason"), "Say why the invoice is credited.");
    assert_eq!(w.invoice(id).await.credit_notes.len(), 3, "refused credits store nothing");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn only_issued_invoices_are_credited_by_those_allowed_in_their_business(pool: PgPool) {
    let w = World::new(pool).await;
    let draft = w.ready("2026-11-20").await;
    let refused = credit(&w, draft, &[(0, "1.00")]).await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
    let void = w.ready("2026-11-20").await;
    w.issue(void).await;
    let void_form = form(&w, void, &[(0, "1.00")]).await;
    ops::void(&w.ctx().await, void, "Wrong client").await.expect("void");
    assert!(matches!(ops::credit(&w.ctx().await, void, &void_form).await, Err(AppError::Conflict(_))));

    let paid = w.ready("2026-11-20").await;
    w.issue(paid).await;
    ops::mark_paid(&w.ctx().await, paid, Some(date("2026-11-25"))).await.expect("paid");
    assert_eq!(credit(&w, paid, &[(0, "50.00")]).await.expect("a paid invoice is credited"), "CN-2026-0001");

    let paid_form = form(&w, paid, &[(0, "1.00")]).await;
    let viewer = w.teammate("Vic Viewer", "viewer").await;
    let as_viewer = ops::credit(&w.ctx_of(viewer, NOW).await, paid, &paid_form).await;
    assert!(matches!(as_viewer, Err(AppError::Forbidden)), "{as_viewer:?}");
    let accountant = w.teammate("Ann Accountant", "accountant").await;
    ops::credit(&w.ctx_of(accountant, NOW).await, paid, &paid_form).await.expect("accountants correct invoices");

    let elsewhere = World::new(w.app.pool.clone()).await;
    let foreign = ops::credit(&elsewhere.ctx().await, paid, &paid_form).await;
    assert!(matches!(foreign, Err(AppError::NotFound)), "{foreign:?}");
    // A line of another invoice in one's own business is not this invoice's to credit.
    let other = w.ready("2026-11-21").await;
    w.issue(other).await;
    let mixed = ops::credit(&w.ctx().await, other, &paid_form).await;
    assert!(field_error(mixed, "form").contains("doesn't have"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn concurrent_credit_notes_take_numbers_without_gaps_and_never_credit_twice(pool: PgPool) {
    let w = World::new(pool).await;
    let mut invoices = Vec::new();
    for _ in 0..15 {
        let id = w.ready("2026-11-30").await;
        w.issue(id).await;
        invoices.push(id);
    }
    // Two credits of 300.00 race for each 500.00 line: one of each pair fits.
    let mut handles = Vec::new();
    for &id in invoices.iter().chain(invoices.iter()) {
        let ctx = w.ctx().await;
        let form = form(&w, id, &[(0, "300.00")]).await;
        handles.push(tokio::spawn(async move { ops::credit(&ctx, id, &form).await }));
    }
    let mut numbers = Vec::new();
    let mut refused = 0;
    for handle in handles {
        match handle.await.expect("joined") {
            Ok(number) => numbers.push(number),
            Err(AppError::Validation(errors)) => {
                assert_eq!(errors.get("amounts[0]"), Some("At most 200.00 is left to credit on this line."));
                refused += 1;
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    numbers.sort();
    let expected: Vec<String> = (1..=15).map(|n| format!("CN-2026-{n:04}")).collect();
    assert_eq!((numbers, refused), (expected, 15));
    for id in invoices {
        let credited: Vec<i64> = w.invoice(id).await.credit_notes.iter().map(|n| n.subtotal_minor).collect();
        assert_eq!(credited, vec![30_000]);
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn reports_take_credit_notes_off_income_on_both_bases(pool: PgPool) {
    let w = World::new(pool).await;
    let november = Period::around(PeriodKind::Month, date("2026-11-01"));
    let december = Period::around(PeriodKind::Month, date("2026-12-01"));
    let income = |report: &app::reports::ProfitReport| {
        (report.accrual.currencies.first().map(|l| l.income), report.cash.currencies.first().map(|l| l.income))
    };
    // Issued 10 November, 120.00 credited on the 30th while unpaid, paid on the 30th.
    let id = w.ready("2026-11-10").await;
    w.issue(id).await;
    credit(&w, id, &[(0, "120.00")]).await.expect("credited");
    let report = reports::profit(&w.ctx().await, november).await.expect("report");
    assert_eq!(income(&report), (Some(38_000), None), "unpaid: nothing on cash yet");
    ops::mark_paid(&w.ctx().await, id, Some(date("2026-11-30"))).await.expect("paid");
    let report = reports::profit(&w.ctx().await, november).await.expect("report");
    assert_eq!(income(&report), (Some(38_000), Some(38_000)), "paid what was left");

    // 30.00 more credited in December after payment: a refund, December's on both bases.
    let form = form(&w, id, &[(0, "30.00")]).await;
    ops::credit(&w.ctx_at("2026-12-02T09:00:00Z").await, id, &form).await.expect("credited in December");
    let later = w.ctx_at("2026-12-02T09:00:00Z").await;
    assert_eq!(income(&reports::profit(&later, november).await.expect("report")), (Some(38_000), Some(38_000)));
    assert_eq!(income(&reports::profit(&later, december).await.expect("report")), (Some(-3000), Some(-3000)));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_credit_note_pdf_names_its_invoice_and_stays_in_its_business(pool: PgPool) {
    let w = World::new(pool).await;
    let id = vat_invoice(&w).await;
    credit(&w, id, &[(1, "40.00")]).await.expect("credited");
    let note = w.invoice(id).await.credit_notes[0].id;
    let path = format!("/api/credit-notes/{note}/pdf");
    let reply = w.app.get(&path, Some(&w.owner_cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers["content-type"], "application/pdf");
    assert_eq!(reply.headers["content-disposition"], "attachment; filename=\"credit-note-CN-2026-0001.pdf\"");
    assert!(reply.body.starts_with(b"%PDF-"));
    let file = std::env::temp_dir().join(format!("clerq-credit-{}.pdf", uuid::Uuid::now_v7().simple()));
    std::fs::write(&file, &reply.body).expect("written");
    let output = std::process::Command::new("pdftotext").args(["-layout", file.to_str().expect("path"), "-"]).output();
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&output.expect("pdftotext (poppler-utils)").stdout).into_owned();
    for expected in [
        "Credit note CN-2026-0001",
        "Amount credited",
        "Credits invoice",
        "2026-0001",
        "Hosting",
        "40.00",
        "Agreed discount",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }

    let stranger = w.app.owner_of("Elsewhere", &crate::common::email("stranger")).await;
    assert_eq!(w.app.get(&path, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.app.get("/api/credit-notes/not-an-id/pdf", Some(&w.owner_cookie)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.app.get(&path, None).await.status, StatusCode::UNAUTHORIZED);
}

//! Conversion of time priced in another currency (PRODUCT §3.8, rounding point 3) and the VAT
//! treatments (§3.9.7).

use super::{client_form, conflict, field_error, generate_form, ops, time, World};
use app::invoices::forms::{DraftForm, GenerateForm, InvoiceSettingsForm};
use app::invoices::{FxSource, LineSource, REVERSE_CHARGE_NOTE};
use app::money::{CurrencyCode, Money};
use chrono::NaiveDate;
use sqlx::PgPool;

async fn store_ecb_sample(pool: &PgPool) {
    // Rates for Thursday 26 and Friday 27 November 2026.
    let days = app::server::fx::parse_ecb(include_str!("../../../../app/src/server/fixtures/eurofxref-sample.xml"))
        .expect("ECB sample");
    app::server::db::fx::store(pool, &days).await.expect("stored");
}

fn gbp(minor: i64) -> Money {
    Money::new(minor, CurrencyCode::parse("GBP").expect("GBP"))
}

async fn set_vat(w: &World, rate: &str, number: &str) {
    let form = InvoiceSettingsForm {
        vat_rate: rate.into(),
        vat_number: number.into(),
        payment_terms: "14".into(),
        ..Default::default()
    };
    ops::update_settings(&w.ctx().await, form.validate().expect("valid settings")).await.expect("settings");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn pounds_are_converted_once_per_line_at_the_ecb_rate_of_the_issue_date(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    store_ecb_sample(&pool).await;
    w.log(time(w.design, "2026-11-23T09:00:00Z", 70).rate(3100, "GBP")).await;
    w.log(time(w.design, "2026-11-24T09:00:00Z", 70).rate(3100, "GBP")).await;
    // A Sunday: Friday's rates apply (GBP 0.8345 per euro, so 1.19832 euros per pound).
    let id = w.draft("2026-11-29").await;

    w.generate(id, generate_form("single")).await.expect("generated");
    let invoice = w.invoice(id).await;
    let line = &invoice.lines[0];
    let source = LineSource { total: gbp(7233), rate: "1.19832".into(), fx_source: FxSource::Ecb };
    assert_eq!(line.source.as_ref(), Some(&source), "140 min at 31.00 GBP, priced once");
    // Converted once on the line: 72.33 × 1.19832 = 86.67. Converting each entry (36.17 → 43.34)
    // and adding would give 86.68.
    assert_eq!(line.total_minor, 8667);
    assert_eq!((line.unit_price_minor, line.quantity.as_deref()), (Some(3100), Some("2.333333")), "in pounds");
    assert_eq!(invoice.subtotal_minor, 8667);
    assert_eq!(line.conversion_label().as_deref(), Some("Converted from 72.33 GBP at 1.19832 (ECB rate)"));

    // Dated Thursday, the line takes Thursday's rate (0.8351: 1.19746).
    w.log(time(w.build, "2026-11-25T09:00:00Z", 60).rate(10000, "GBP")).await;
    let thursday = w.draft("2026-11-26").await;
    w.generate(thursday, generate_form("single")).await.expect("generated");
    let line = &w.invoice(thursday).await.lines[0];
    assert_eq!((line.source.as_ref().map(|s| s.rate.as_str()), line.total_minor), (Some("1.19746"), 11975));

    let quote = ops::fetch_rate(&w.ctx().await, "GBP", "EUR", "2026-11-29").await.expect("rate");
    assert_eq!(
        (quote.rate.as_str(), quote.rate_date),
        ("1.19832", NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"))
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_manual_rate_is_used_as_given_and_marked_manual(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    store_ecb_sample(&pool).await;
    w.log(time(w.design, "2026-11-23T09:00:00Z", 300).rate(9300, "GBP")).await;
    let id = w.draft("2026-11-29").await;

    let manual = GenerateForm { fx_currency: "GBP".into(), fx_rate: "1.1734".into(), ..generate_form("single") };
    w.generate(id, manual).await.expect("generated");
    let line = &w.invoice(id).await.lines[0];
    let source = LineSource { total: gbp(46500), rate: "1.1734".into(), fx_source: FxSource::Manual };
    assert_eq!((line.total_minor, line.source.as_ref()), (54563, Some(&source)), "465.00 GBP at 1.1734, not the ECB's");
    assert_eq!(line.conversion_label().as_deref(), Some("Converted from 465.00 GBP at 1.1734 (agreed rate)"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn without_a_rate_nothing_is_generated_and_the_error_names_the_currencies(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let in_euros = w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;
    let in_pounds = w.log(time(w.build, "2026-11-23T09:00:00Z", 60).rate(9300, "GBP")).await;
    let id = w.draft("2026-11-30").await;

    let message = field_error(w.generate(id, generate_form("person_rate")).await, "fx_rate");
    assert!(message.contains("GBP → EUR") && message.contains("2026-11-30"), "{message}");
    assert!(w.invoice(id).await.lines.is_empty());
    assert_eq!((w.line_of(in_euros).await, w.line_of(in_pounds).await), (None, None), "all or nothing");

    // Rates stored, but none published on or before the issue date.
    store_ecb_sample(&pool).await;
    let early = w.draft("2026-11-25").await;
    let message = field_error(w.generate(early, generate_form("person_rate")).await, "fx_rate");
    assert!(message.contains("GBP → EUR on or before 2026-11-25"), "{message}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_standard_rate_invoice_needs_the_vat_rate_from_settings(pool: PgPool) {
    let w = World::new(pool).await;
    let form = w.draft_form("2026-11-30", "standard");
    let refused = ops::create_draft(&w.ctx().await, form.validate().expect("valid")).await;
    assert!(field_error(refused, "tax_treatment").contains("standard VAT rate"));

    set_vat(&w, "21", "").await;
    let id = w.draft_with(form.clone()).await;
    let invoice = w.invoice(id).await;
    assert_eq!((invoice.tax_rate_percent.as_str(), invoice.tax_label()), ("21", "VAT (21%)".to_owned()));

    // A standard-rate draft keeps its rate when settings change, and its details still save.
    set_vat(&w, "", "").await;
    let later = DraftForm { due_date: "2026-12-31".into(), ..form };
    ops::update_details(&w.ctx().await, id, later.validate().expect("valid")).await.expect("details saved");
    assert_eq!(w.invoice(id).await.tax_rate_percent, "21");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn standard_vat_at_21_percent_on_253_17_is_53_17_and_zero_rated_is_none(pool: PgPool) {
    let w = World::new(pool).await;
    set_vat(&w, "21", "").await;
    // 4 h 05 min at EUR 62.00/h.
    w.log(time(w.design, "2026-11-23T09:00:00Z", 245).rate(6200, "EUR")).await;
    let standard = w.draft_with(w.draft_form("2026-11-30", "standard")).await;
    w.generate(standard, generate_form("single")).await.expect("generated");
    let invoice = w.invoice(standard).await;
    assert_eq!((invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor), (25317, 5317, 30634));

    let zero = w.draft("2026-11-30").await;
    w.add_line(zero, "Export work", "253.17").await;
    let invoice = w.invoice(zero).await;
    assert_eq!((invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor), (25317, 0, 25317));
    assert_eq!(invoice.tax_label(), "VAT");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn reverse_charge_is_issued_only_with_both_vat_numbers(pool: PgPool) {
    let w = World::new(pool).await;
    let id = w.draft_with(w.draft_form("2026-11-30", "reverse_charge")).await;
    w.add_line(id, "Consulting", "1000.00").await;
    let ctx = w.ctx().await;

    let neither = conflict(ops::issue(&ctx, id).await);
    assert!(neither.contains("your VAT number") && neither.contains("the client's VAT number"), "{neither}");

    set_vat(&w, "", "NL123456789B01").await;
    let client_missing = conflict(ops::issue(&ctx, id).await);
    assert!(client_missing.contains("the client's VAT number") && !client_missing.contains("your"), "{client_missing}");

    set_vat(&w, "", "").await;
    app::server::clients::update(&ctx, w.client, client_form("Acme", "DE123456789")).await.expect("client VAT");
    let ours_missing = conflict(ops::issue(&ctx, id).await);
    assert!(ours_missing.contains("your VAT number") && !ours_missing.contains("client's"), "{ours_missing}");

    set_vat(&w, "", "NL123456789B01").await;
    assert_eq!(ops::issue(&ctx, id).await.as_deref(), Ok("2026-0001"), "the refusals took no number");
    let invoice = w.invoice(id).await;
    assert_eq!((invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor), (100000, 0, 100000));
    assert_eq!(invoice.tax_note, REVERSE_CHARGE_NOTE);
}

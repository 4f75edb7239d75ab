//! The profit report (PRODUCT §3.12), golden cases on the operation: cash against accrual with
//! paid, unpaid and void invoices and expenses, the internal cost of billed time, totals per
//! currency and in the base currency with and without ECB rates; permissions; the CSV download
//! and the page through the router.

use crate::expenses::form;
use crate::invoices::{generate_form, ops, time, World};
use app::error::AppError;
use app::expenses::ExpenseStatus;
use app::invoices::forms::DraftForm;
use app::money::CurrencyCode;
use app::reports::{Period, PeriodKind, ProfitLine};
use app::server::{expenses, reports};
use chrono::NaiveDate;
use http::StatusCode;
use sqlx::PgPool;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

fn line(currency: &str, income: i64, expenses: i64, labour: i64, profit: i64) -> ProfitLine {
    ProfitLine { currency: CurrencyCode::parse(currency).expect("code"), income, expenses, labour, profit }
}

fn november() -> Period {
    Period::around(PeriodKind::Month, date("2026-11-01"))
}

/// October's invoice paid in November, November's sent and void invoices, a USD invoice issued and
/// paid in November, a draft, and expenses paid and unpaid across the month boundary.
pub async fn books(w: &World) {
    let ctx = w.ctx().await;
    // 120 minutes billed at 31.00/h costing 20.00/h, on an October invoice paid on 5 November.
    let october_work = w.log(time(w.design, "2026-10-19T09:00:00Z", 120).costing(2000, "EUR")).await;
    let october = w.draft("2026-10-20").await;
    w.generate(october, generate_form("person_rate")).await.expect("generated");
    assert!(w.line_of(october_work).await.is_some());
    w.issue(october).await;
    ops::mark_paid(&ctx, october, Some(date("2026-11-05"))).await.expect("paid");

    // 70 minutes at 31.00/h (36.17) costing 30.00/h (35.00), plus 500.00, issued 10 November.
    w.log(time(w.build, "2026-11-09T09:00:00Z", 70).costing(3000, "EUR")).await;
    let sent = w.draft("2026-11-10").await;
    w.generate(sent, generate_form("person_rate")).await.expect("generated");
    w.add_line(sent, "Retainer", "500.00").await;
    w.issue(sent).await;

    let void = w.ready("2026-11-12").await;
    w.issue(void).await;
    ops::void(&ctx, void, "Wrong client").await.expect("void");

    let usd = w.draft_with(DraftForm { currency: "USD".into(), ..w.draft_form("2026-11-15", "zero_rated") }).await;
    w.add_line(usd, "Audit", "200.00").await;
    w.issue(usd).await;
    ops::mark_paid(&ctx, usd, Some(date("2026-11-20"))).await.expect("paid");
    w.ready("2026-11-25").await;

    let record = |description: &'static str, amount: &'static str, on: &'static str| {
        let ctx = &ctx;
        async move {
            expenses::create(ctx, form(description, amount, "EUR", on).validate().expect("valid"))
                .await
                .expect("expense")
        }
    };
    record("Fonts", "12.50", "2026-11-03").await;
    let paid_late = record("Hosting", "30.00", "2026-10-28").await;
    expenses::set_status(&ctx, paid_late, ExpenseStatus::Paid, Some(date("2026-11-02"))).await.expect("paid");
    let paid = record("Train", "40.00", "2026-11-04").await;
    expenses::set_status(&ctx, paid, ExpenseStatus::Paid, Some(date("2026-11-06"))).await.expect("paid");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn cash_and_accrual_count_different_things_in_each_currency(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    books(&w).await;
    let report = reports::profit(&w.ctx().await, november()).await.expect("report");

    // Cash: October's invoice (62.00) and the USD one paid; expenses paid in November (30 + 40);
    // the cost of the time billed on the paid invoice (2 h at 20.00).
    assert_eq!(report.cash.currencies, vec![line("EUR", 6200, 7000, 4000, -4800), line("USD", 20_000, 0, 0, 20_000)]);
    // Accrual: invoices issued in November without the void one (536.17 and 200.00 USD);
    // expenses dated in November (12.50 + 40); the cost of the time billed on them (35.00).
    assert_eq!(
        report.accrual.currencies,
        vec![line("EUR", 53_617, 5250, 3500, 44_867), line("USD", 20_000, 0, 0, 20_000)]
    );
    // No ECB rate stored: the base-currency total says what is missing instead of guessing.
    assert_eq!(report.cash.total.line, None);
    assert_eq!(report.cash.total.missing_rates, vec!["USD on 2026-11-20".to_owned()]);
    assert_eq!(report.accrual.total.missing_rates, vec!["USD on 2026-11-15".to_owned()]);

    // Per client: Acme in each currency, and the expenses that have no client.
    let clients: Vec<(&str, ProfitLine)> = report.cash.clients.iter().map(|r| (r.name.as_str(), r.line)).collect();
    assert_eq!(
        clients,
        vec![
            ("Acme", line("EUR", 6200, 0, 4000, 2200)),
            ("Acme", line("USD", 20_000, 0, 0, 20_000)),
            ("No client", line("EUR", 0, 7000, 0, -7000)),
        ]
    );
    // Per project: the labour's project is its task's; invoices without a project count under none.
    let projects: Vec<(&str, i64)> = report.accrual.projects.iter().map(|r| (r.name.as_str(), r.line.labour)).collect();
    assert!(projects.contains(&("Website", 3500)), "{projects:?}");

    // With rates: each amount at the rate in force on its own date (the latest on or before it).
    for (day, per_euro) in [("2026-11-13", "1.25"), ("2026-11-20", "1")] {
        sqlx::query("insert into fx_rates (rate_date, currency, per_euro) values ($1, 'USD', $2)")
            .bind(date(day))
            .bind(per_euro)
            .execute(&pool)
            .await
            .expect("rate");
    }
    let report = reports::profit(&w.ctx().await, november()).await.expect("report");
    assert_eq!(report.cash.total.line, Some(line("EUR", 26_200, 7000, 4000, 15_200)), "paid on the 20th at 1");
    assert_eq!(report.accrual.total.line, Some(line("EUR", 69_617, 5250, 3500, 60_867)), "issued on the 15th at 1.25");

    // October: the invoice issued then (accrual) and the expense dated then.
    let october =
        reports::profit(&w.ctx().await, Period::around(PeriodKind::Month, date("2026-10-01"))).await.expect("oct");
    assert_eq!(october.accrual.currencies, vec![line("EUR", 6200, 3000, 4000, -800)]);
    assert!(october.cash.currencies.is_empty(), "nothing was paid in October");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn profit_needs_its_permission_and_stays_in_the_business(pool: PgPool) {
    let w = World::new(pool).await;
    books(&w).await;
    let member = w.teammate("Mo Member", "member").await;
    assert_eq!(
        reports::profit(&w.ctx_of(member, crate::invoices::NOW).await, november()).await.map(|_| ()),
        Err(AppError::Forbidden)
    );
    let accountant = w.teammate("Ada Accountant", "accountant").await;
    let seen =
        reports::profit(&w.ctx_of(accountant, crate::invoices::NOW).await, november()).await.expect("accountants");
    assert_eq!(seen.cash.currencies.len(), 2);

    let other = w.app.owner_of("Elsewhere", &crate::common::email("other")).await;
    let (user, business) = (w.app.user_id(&other).await, w.app.business_id(&other).await);
    let elsewhere =
        app::server::BusinessCtx::for_member(&w.state, user, business, crate::invoices::at(crate::invoices::NOW))
            .await
            .expect("member");
    let empty = reports::profit(&elsewhere, november()).await.expect("report");
    assert!(empty.cash.currencies.is_empty() && empty.accrual.currencies.is_empty());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_page_and_its_csv_downloads_show_the_same_figures(pool: PgPool) {
    let w = World::new(pool).await;
    books(&w).await;
    let cookie = w.owner_cookie.clone();
    let page = w.app.get("/reports?period=month&at=2026-11-01", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for expected in [
        "November 2026",
        "Cash basis",
        "Accrual basis",
        "-48.00 EUR",
        "448.67 EUR",
        "no ECB rate for USD on 2026-11-20",
    ] {
        assert!(html.contains(expected), "the page shows {expected:?}");
    }
    assert!(html.contains(r#"value="month" selected"#), "the period select keeps its choice");

    let csv = w
        .app
        .get("/api/reports/profit.csv?period=month&at=2026-11-01&basis=cash&table=currencies", Some(&cookie))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.text(), "currency,income,expenses,labour_cost,profit\r\nEUR,62.00,70.00,40.00,-48.00\r\nUSD,200.00,0.00,0.00,200.00\r\n");
    let clients = w
        .app
        .get(
            "/api/reports/profit.csv?period=custom&from=2026-11-01&to=2026-11-30&basis=accrual&table=clients",
            Some(&cookie),
        )
        .await;
    assert!(clients.text().starts_with("client,currency,income"), "{}", clients.text());
    assert!(clients.text().contains("Acme,EUR,536.17,0.00,35.00,501.17\r\n"), "{}", clients.text());

    let bad = w.app.get("/api/reports/profit.csv?basis=weekly&table=currencies", Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let backwards = w
        .app
        .get(
            "/api/reports/profit.csv?period=custom&from=2026-12-01&to=2026-11-01&basis=cash&table=clients",
            Some(&cookie),
        )
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.text().contains("on or after the start date"), "{}", backwards.text());
    let visitor = w.app.get("/api/reports/profit.csv?basis=cash&table=currencies", None).await;
    assert_eq!(visitor.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn trends_chart_the_last_twelve_weeks_and_months(pool: PgPool) {
    let w = World::new(pool).await;
    books(&w).await;
    let trends = app::server::trends::trends(&w.ctx().await).await.expect("trends");
    // Weeks from 14 September to 30 November; the hours land on their Mondays.
    assert_eq!(trends.weeks.len(), 12);
    assert_eq!((trends.weeks[0].week, trends.weeks[11].week), (date("2026-09-14"), date("2026-11-30")));
    assert_eq!(trends.projects, ["Website"]);
    assert_eq!((trends.weeks[5].week, trends.weeks[5].total()), (date("2026-10-19"), 120 * 60));
    assert_eq!((trends.weeks[8].week, trends.weeks[8].total()), (date("2026-11-09"), 70 * 60));
    // Months from December 2025 to November 2026, per currency: issued invoices (the void one and
    // the draft left out) against expenses by their date.
    let eur = &trends.currencies[0];
    assert_eq!((eur.currency.as_str(), eur.months.len()), ("EUR", 12));
    assert_eq!(eur.months[0].month, date("2025-12-01"));
    assert_eq!((eur.months[10].revenue, eur.months[10].expenses), (6200, 3000), "October");
    assert_eq!((eur.months[11].revenue, eur.months[11].expenses), (53_617, 5250), "November");
    assert_eq!(trends.currencies[1].months[11].revenue, 20_000, "USD");

    let member = w.teammate("Mo Member", "member").await;
    let denied = app::server::trends::trends(&w.ctx_of(member, crate::invoices::NOW).await).await;
    assert_eq!(denied.map(|_| ()), Err(AppError::Forbidden));

    let page = w.app.get("/reports/trends", Some(&w.owner_cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for expected in [
        r#"<svg class="chart""#,
        "Hours per week as a table",
        "Revenue and expenses in EUR",
        "Revenue and expenses in USD",
    ] {
        assert!(html.contains(expected), "the page shows {expected:?}");
    }
}

//! Expenses (PRODUCT §3.11) on their operations with a fixed clock: the rules, filters and totals,
//! tenancy and permissions, and billable expenses billed on invoice lines and released like time.

use crate::common::email;
use crate::invoices::{ops, World};
use app::error::AppError;
use app::expenses::{ExpenseFilter, ExpenseForm, ExpenseStatus};
use app::ids::{ExpenseId, InvoiceId};
use app::money::{CurrencyCode, Money};
use app::server::expenses;
use chrono::NaiveDate;
use sqlx::PgPool;

pub fn form(description: &str, amount: &str, currency: &str, date: &str) -> ExpenseForm {
    ExpenseForm {
        description: description.into(),
        amount: amount.into(),
        currency: currency.into(),
        incurred_on: date.into(),
        ..ExpenseForm::default()
    }
}

fn money(minor: i64, code: &str) -> Money {
    Money::new(minor, CurrencyCode::parse(code).expect("code"))
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

async fn record(w: &World, form: ExpenseForm) -> ExpenseId {
    expenses::create(&w.ctx().await, form.validate().expect("valid")).await.expect("created")
}

fn filter(status: &str, search: &str, from: &str, to: &str) -> ExpenseFilter {
    ExpenseFilter::parse(status, search, from, to).expect("filter")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn expenses_are_listed_filtered_totalled_and_paid(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let train = record(
        &w,
        ExpenseForm {
            vendor: "SNCF".into(),
            category: "Travel".into(),
            ..form("Train to Lyon", "12.50", "EUR", "2026-03-04")
        },
    )
    .await;
    record(&w, ExpenseForm { category: "travel".into(), ..form("Taxi", "30", "EUR", "2026-03-10") }).await;
    record(
        &w,
        ExpenseForm {
            vendor: "GitHub".into(),
            category: "Software".into(),
            ..form("Hosting", "9.99", "USD", "2026-04-01")
        },
    )
    .await;

    let all = expenses::list(&ctx, &ExpenseFilter::default()).await.expect("list");
    assert_eq!(
        all.expenses.iter().map(|e| e.description.as_str()).collect::<Vec<_>>(),
        ["Hosting", "Taxi", "Train to Lyon"]
    );
    assert_eq!(all.totals, vec![money(4250, "EUR"), money(999, "USD")], "per currency, never mixed");
    assert!(!all.truncated);
    let march = expenses::list(&ctx, &filter("", "", "2026-03-01", "2026-03-31")).await.expect("march");
    assert_eq!(march.totals, vec![money(4250, "EUR")]);
    let found = expenses::list(&ctx, &filter("", "sncf", "", "")).await.expect("search");
    assert_eq!(found.expenses.len(), 1, "the vendor is searched");

    // Paid on a date (default: the business's today), unpaid again; the filter follows.
    expenses::set_status(&ctx, train, ExpenseStatus::Paid, Some(date("2026-03-05"))).await.expect("paid");
    let unpaid = expenses::list(&ctx, &filter("unpaid", "", "", "")).await.expect("unpaid");
    assert_eq!(unpaid.expenses.len(), 2);
    let paid = expenses::get(&ctx, train).await.expect("train");
    assert_eq!((paid.status, paid.paid_on), (ExpenseStatus::Paid, Some(date("2026-03-05"))));
    let taxi = unpaid.expenses[0].id;
    expenses::set_status(&ctx, taxi, ExpenseStatus::Paid, None).await.expect("paid today");
    assert_eq!(
        expenses::get(&ctx, taxi).await.expect("taxi").paid_on,
        Some(date("2026-11-30")),
        "the fixed clock's today"
    );
    expenses::set_status(&ctx, taxi, ExpenseStatus::Unpaid, None).await.expect("unpaid");
    assert_eq!(expenses::get(&ctx, taxi).await.expect("taxi").paid_on, None);

    // Categories are suggested from earlier ones, most used first, whatever their case.
    let options = expenses::choices(&ctx).await.expect("choices");
    assert_eq!(options.categories.len(), 2, "{:?}", options.categories);
    assert!(options.categories[0].eq_ignore_ascii_case("travel"));
    assert_eq!(options.clients.len(), 1);

    // Edit and delete.
    let mut edited = form("Train to Lyon and back", "25.00", "EUR", "2026-03-04");
    edited.vendor = "SNCF".into();
    expenses::update(&ctx, train, edited.validate().expect("valid")).await.expect("updated");
    assert_eq!(expenses::get(&ctx, train).await.expect("train").amount, money(2500, "EUR"));
    expenses::delete(&ctx, train).await.expect("deleted");
    assert_eq!(expenses::get(&ctx, train).await, Err(AppError::NotFound));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_project_decides_the_client_and_foreign_rows_are_not_found(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let id = record(
        &w,
        ExpenseForm {
            project_id: w.project.to_string(),
            billable: Some("on".into()),
            ..form("Fonts", "40", "EUR", "2026-11-02")
        },
    )
    .await;
    let expense = expenses::get(&ctx, id).await.expect("expense");
    assert_eq!((expense.client_id, expense.project_id), (Some(w.client), Some(w.project)));
    assert_eq!(expense.client_name.as_deref(), Some("Acme"));

    let other = app::server::clients::create(&ctx, crate::invoices::client_form("Other", "")).await.expect("client");
    let mismatched = ExpenseForm {
        client_id: other.to_string(),
        project_id: w.project.to_string(),
        ..form("Fonts", "40", "EUR", "2026-11-02")
    };
    let refused = expenses::create(&ctx, mismatched.validate().expect("valid form")).await.unwrap_err();
    assert_eq!(refused.field_message("project_id").as_deref(), Some("This project belongs to another client."));

    // Another business: its owner sees none of this, and can't aim at it.
    let stranger = w.app.owner_of("Elsewhere", &email("stranger")).await;
    let (business, user) = (w.app.business_id(&stranger).await, w.app.user_id(&stranger).await);
    let theirs =
        app::server::BusinessCtx::for_member(&w.state, user, business, crate::invoices::at(crate::invoices::NOW))
            .await
            .expect("stranger");
    assert_eq!(expenses::get(&theirs, id).await, Err(AppError::NotFound));
    assert_eq!(expenses::delete(&theirs, id).await, Err(AppError::NotFound));
    assert_eq!(expenses::set_status(&theirs, id, ExpenseStatus::Paid, None).await, Err(AppError::NotFound));
    let update = expenses::update(&theirs, id, form("Mine now", "1", "EUR", "2026-11-02").validate().expect("valid"));
    assert_eq!(update.await, Err(AppError::NotFound));
    let aimed = ExpenseForm { client_id: w.client.to_string(), ..form("Sneaky", "1", "EUR", "2026-11-02") };
    let refused = expenses::create(&theirs, aimed.validate().expect("valid")).await.unwrap_err();
    assert_eq!(refused.field_message("client_id").as_deref(), Some("Choose one of your clients, or none."));
    let aimed = ExpenseForm { project_id: w.project.to_string(), ..form("Sneaky", "1", "EUR", "2026-11-02") };
    assert!(expenses::create(&theirs, aimed.validate().expect("valid"))
        .await
        .unwrap_err()
        .field_message("project_id")
        .is_some());
    assert!(expenses::list(&theirs, &ExpenseFilter::default()).await.expect("list").expenses.is_empty());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn each_action_needs_its_permission(pool: PgPool) {
    let w = World::new(pool).await;
    let id = record(&w, form("Paper", "5", "EUR", "2026-11-02")).await;
    let viewer = w.ctx_of(w.teammate("Vi Ewer", "viewer").await, crate::invoices::NOW).await;
    assert!(expenses::get(&viewer, id).await.is_ok(), "viewers see expenses");
    assert_eq!(
        expenses::create(&viewer, form("x", "1", "EUR", "2026-11-02").validate().expect("v")).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        expenses::update(&viewer, id, form("x", "1", "EUR", "2026-11-02").validate().expect("v")).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(expenses::set_status(&viewer, id, ExpenseStatus::Paid, None).await, Err(AppError::Forbidden));
    assert_eq!(expenses::delete(&viewer, id).await, Err(AppError::Forbidden));
    let contractor = w.ctx_of(w.teammate("Con Tractor", "contractor").await, crate::invoices::NOW).await;
    assert_eq!(expenses::get(&contractor, id).await, Err(AppError::Forbidden), "contractors don't see expenses");
}

async fn line_of(w: &World, expense: ExpenseId) -> Option<uuid::Uuid> {
    sqlx::query_scalar("select invoice_line_id from vendor_expenses where id = $1")
        .bind(expense)
        .fetch_one(&w.app.pool)
        .await
        .expect("expense")
}

async fn add_expenses(w: &World, invoice: InvoiceId) -> Result<usize, AppError> {
    ops::add_expenses(&w.ctx().await, invoice, &[]).await
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn billable_expenses_are_billed_once_converted_once_and_released(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let days = app::server::fx::parse_ecb(include_str!("../../../app/src/server/fixtures/eurofxref-sample.xml"))
        .expect("ECB sample");
    app::server::db::fx::store(&pool, &days).await.expect("stored");
    let billable = |f: ExpenseForm| ExpenseForm { client_id: w.client.to_string(), billable: Some("on".into()), ..f };
    let hotel =
        record(&w, ExpenseForm { vendor: "Ibis".into(), ..billable(form("Hotel", "120.00", "EUR", "2026-11-20")) })
            .await;
    let pounds = record(&w, billable(form("Train", "72.33", "GBP", "2026-11-21"))).await;
    let private =
        record(&w, ExpenseForm { client_id: w.client.to_string(), ..form("Lunch", "15", "EUR", "2026-11-21") }).await;

    // A Sunday issue date: Friday's ECB rate (1.19832 EUR per GBP) converts the pounds once.
    let invoice = w.draft("2026-11-29").await;
    assert_eq!(ops::page(&w.ctx().await, invoice).await.expect("page").unbilled_expenses, 2);
    assert_eq!(add_expenses(&w, invoice).await, Ok(2));
    let lines = w.invoice(invoice).await.lines;
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0].description.as_str(), lines[0].total_minor), ("Expense 2026-11-20: Hotel (Ibis)", 12000));
    assert_eq!(lines[1].total_minor, 8667, "72.33 × 1.19832, rounded half-up once");
    assert_eq!(lines[1].source.as_ref().map(|s| (s.total, s.rate.as_str())), Some((money(7233, "GBP"), "1.19832")));
    assert_eq!(w.invoice(invoice).await.subtotal_minor, 20667);
    assert!(line_of(&w, hotel).await.is_some() && line_of(&w, pounds).await.is_some());
    assert_eq!(line_of(&w, private).await, None, "not billable: never billed");

    // Billed once: nothing left to add, here or on another draft; billed expenses are locked.
    let again = add_expenses(&w, invoice).await.unwrap_err();
    assert_eq!(
        again.field_message("form").as_deref(),
        Some("There are no unbilled billable expenses for this client.")
    );
    let other = w.draft("2026-11-29").await;
    assert!(add_expenses(&w, other).await.is_err());
    let ctx = w.ctx().await;
    assert!(matches!(expenses::delete(&ctx, hotel).await, Err(AppError::Conflict(_))));
    let edit = expenses::update(&ctx, hotel, billable(form("Hotel", "1", "EUR", "2026-11-20")).validate().expect("v"));
    assert!(matches!(edit.await, Err(AppError::Conflict(_))));
    let shown = expenses::get(&ctx, hotel).await.expect("hotel");
    assert_eq!(shown.billed_on.map(|b| b.invoice_id), Some(invoice));
    // The client can't change under billed expenses.
    let moved = app::server::clients::create(&ctx, crate::invoices::client_form("Moved", "")).await.expect("client");
    let details =
        app::invoices::forms::DraftForm { client_id: moved.to_string(), ..w.draft_form("2026-11-29", "zero_rated") };
    let refused = ops::update_details(&ctx, invoice, details.validate().expect("valid")).await.unwrap_err();
    assert!(refused.field_message("client_id").is_some(), "{refused:?}");

    // Deleting a line releases its expense; it can be billed again.
    let hotel_line = line_of(&w, hotel).await.expect("billed");
    ops::delete_line(&ctx, invoice, app::ids::InvoiceLineId(hotel_line)).await.expect("line deleted");
    assert_eq!(line_of(&w, hotel).await, None);
    assert_eq!(add_expenses(&w, other).await, Ok(1));
    // Deleting the draft releases it too.
    ops::delete_draft(&ctx, other).await.expect("draft deleted");
    assert_eq!(line_of(&w, hotel).await, None);
    // Voiding an issued invoice keeps its lines but releases its expenses.
    w.issue(invoice).await;
    ops::void(&ctx, invoice, "Wrong client").await.expect("voided");
    assert_eq!(line_of(&w, pounds).await, None);
    assert_eq!(w.invoice(invoice).await.lines.len(), 1, "the void invoice keeps its line");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_missing_rate_names_the_currency_and_a_manual_rate_fixes_it(pool: PgPool) {
    let w = World::new(pool).await;
    let billable = ExpenseForm {
        client_id: w.client.to_string(),
        billable: Some("on".into()),
        ..form("Hosting", "10.00", "USD", "2026-11-20")
    };
    record(&w, billable).await;
    let invoice = w.draft("2026-11-29").await;
    let missing = add_expenses(&w, invoice).await.unwrap_err();
    assert!(missing.field_message("fx_rate").is_some_and(|m| m.contains("USD → EUR")), "{missing:?}");
    assert!(w.invoice(invoice).await.lines.is_empty(), "nothing added");
    let rates = app::invoices::forms::AddExpensesForm { fx_currency: "USD".into(), fx_rate: "0.9".into() }
        .validate()
        .expect("valid");
    assert_eq!(ops::add_expenses(&w.ctx().await, invoice, &rates).await, Ok(1));
    assert_eq!(w.invoice(invoice).await.lines[0].total_minor, 900);
}

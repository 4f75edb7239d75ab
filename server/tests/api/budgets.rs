//! Budgets (PRODUCT §3.12): the value of logged time against client, member and project budgets,
//! with the status turning near at 80 % and over at 100 %, conversion at the latest ECB rate or a
//! flag when there is none; on the client and project pages and in the budgets report.

use crate::invoices::{project, task, time, World, NOW};
use app::budgets::{BudgetKind, BudgetStatus};
use app::error::AppError;
use app::money::{CurrencyCode, Money};
use app::server::{budgets, clients, projects};
use sqlx::PgPool;

fn money(minor: i64, code: &str) -> Money {
    Money::new(minor, CurrencyCode::parse(code).expect("code"))
}

/// 60.00 EUR an hour: one euro a minute, so minutes are euros.
const PER_MINUTE: i64 = 6000;

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn budgets_turn_near_at_80_percent_and_over_when_used_up(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let ctx = w.ctx().await;
    sqlx::query("update clients set budget_minor = 100000, budget_currency = 'EUR' where id = $1")
        .bind(w.client)
        .execute(&pool)
        .await
        .expect("client budget");

    // 799 minutes: 799.00 of 1,000.00 is 79.9 %, still on track. Running and unpriced time is no value.
    w.log(time(w.design, "2026-11-02T08:00:00Z", 799).rate(PER_MINUTE, "EUR")).await;
    w.log(time(w.build, "2026-11-03T08:00:00Z", 120).unpriced()).await;
    w.log(time(w.build, "2026-11-30T11:00:00Z", 0).rate(PER_MINUTE, "EUR").running()).await;
    let usage = clients::overview(&ctx, w.client).await.expect("overview").budget.expect("a budget");
    assert_eq!(usage.consumed, Some(money(79_900, "EUR")));
    assert_eq!((usage.basis_points, usage.status), (Some(7990), Some(BudgetStatus::Ok)));
    assert_eq!(usage.percent_label().as_deref(), Some("79.9 %"));

    w.log(time(w.design, "2026-11-04T08:00:00Z", 1).rate(PER_MINUTE, "EUR")).await;
    let usage = clients::overview(&ctx, w.client).await.expect("overview").budget.expect("a budget");
    assert_eq!((usage.basis_points, usage.status), (Some(8000), Some(BudgetStatus::Near)), "80 %");

    w.log(time(w.design, "2026-11-05T08:00:00Z", 200).rate(PER_MINUTE, "EUR")).await;
    let usage = clients::overview(&ctx, w.client).await.expect("overview").budget.expect("a budget");
    assert_eq!((usage.basis_points, usage.status), (Some(10_000), Some(BudgetStatus::Over)), "100 %: used up");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn member_and_project_budgets_count_their_own_time_and_convert_or_flag_currencies(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let ctx = w.ctx().await;
    let mate = w.teammate("Mo Member", "member").await;
    sqlx::query(
        "insert into team_rates (business_id, client_id, user_id, budget_minor, budget_currency) values ($1, $2, $3, 10000, 'EUR')",
    )
    .bind(w.business)
    .bind(w.client)
    .bind(mate)
    .execute(&pool)
    .await
    .expect("member budget");
    // Mo's 80 minutes are 80.00 of 100.00; the owner's hour is not Mo's.
    w.log(time(w.design, "2026-11-02T08:00:00Z", 80).rate(PER_MINUTE, "EUR").by(mate)).await;
    w.log(time(w.design, "2026-11-02T10:00:00Z", 60).rate(PER_MINUTE, "EUR")).await;
    let overview = clients::overview(&ctx, w.client).await.expect("overview");
    assert!(overview.budget.is_none(), "the client has no budget of its own");
    let mo = &overview.member_budgets[0];
    assert_eq!((mo.name.as_str(), mo.usage.consumed), ("Mo Member", Some(money(8000, "EUR"))));
    assert_eq!(mo.usage.status, Some(BudgetStatus::Near));

    // A USD budget for a project whose time is in EUR: not comparable until there is a rate.
    let branding = project(&ctx, w.client, "Branding").await;
    let logo = task(&ctx, branding, "Logo").await;
    sqlx::query("update projects set budget_minor = 10000, budget_currency = 'USD' where id = $1")
        .bind(branding)
        .execute(&pool)
        .await
        .expect("project budget");
    w.log(time(logo, "2026-11-20T08:00:00Z", 30).rate(PER_MINUTE, "EUR")).await;
    let usage = projects::page(&ctx, branding).await.expect("page").budget.expect("a budget");
    assert_eq!((usage.consumed, usage.status), (None, None));
    assert_eq!(usage.not_comparable, vec![CurrencyCode::parse("EUR").expect("EUR")]);
    sqlx::query("insert into fx_rates (rate_date, currency, per_euro) values ('2026-11-27', 'USD', '1.25')")
        .execute(&pool)
        .await
        .expect("rate");
    let usage = projects::page(&ctx, branding).await.expect("page").budget.expect("a budget");
    assert_eq!(usage.consumed, Some(money(3750, "USD")), "30.00 EUR at 1.25");
    assert_eq!(usage.status, Some(BudgetStatus::Ok));
    assert!(projects::page(&ctx, w.project).await.expect("page").budget.is_none(), "no budget, nothing shown");

    // The report lists every budget, client by client.
    let lines = budgets::report(&ctx).await.expect("report");
    let kinds: Vec<(BudgetKind, &str)> = lines.iter().map(|l| (l.kind, l.name.as_str())).collect();
    assert_eq!(kinds, vec![(BudgetKind::Member, "Mo Member"), (BudgetKind::Project, "Branding")]);
    assert_eq!(lines[1].usage.consumed, Some(money(3750, "USD")));
    assert_eq!(lines[1].href(), format!("/projects/{branding}"));

    // Budgets on the pages are for anyone who sees them; the report needs reports.viewProfit.
    let as_mate = w.ctx_of(mate, NOW).await;
    assert!(projects::page(&as_mate, branding).await.expect("page").budget.is_some());
    assert_eq!(budgets::report(&as_mate).await.map(|_| ()), Err(AppError::Forbidden));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_budgets_page_and_the_client_page_show_the_bars(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    sqlx::query("update clients set budget_minor = 100000, budget_currency = 'EUR' where id = $1")
        .bind(w.client)
        .execute(&pool)
        .await
        .expect("client budget");
    w.log(time(w.design, "2026-11-02T08:00:00Z", 650).rate(PER_MINUTE, "EUR")).await;
    let cookie = w.owner_cookie.clone();
    let page = w.app.get("/reports/budgets", Some(&cookie)).await;
    assert_eq!(page.status, http::StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Acme (client)"), "{html}");
    assert!(html.contains("Used 650.00 EUR of 1,000.00 EUR (65.0 %) · On track"));
    assert!(html.contains(r#"class="budget-bar budget-ok""#), "the bar is SVG drawn on the server");
    let client = w.app.get(&format!("/clients/{}", w.client), Some(&cookie)).await.text();
    assert!(client.contains("Client budget"), "the client page shows its budget");
}

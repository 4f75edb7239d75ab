//! Gap-free `YYYY-NNNN` numbers per business and calendar year of the issue date (PRODUCT §3.9.6).

use super::{field_error, ops, World};
use app::invoices::format_number;
use sqlx::PgPool;

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_first_invoice_of_a_year_is_numbered_year_dash_0001(pool: PgPool) {
    let w = World::new(pool).await;
    let id = w.ready("2026-11-30").await;
    assert_eq!(w.issue(id).await, "2026-0001");
    let invoice = w.invoice(id).await;
    assert_eq!((invoice.number.as_deref(), invoice.title()), (Some("2026-0001"), "Invoice 2026-0001".to_owned()));
    assert_eq!(ops::settings(&w.ctx().await).await.expect("settings").next_number, 2);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn fifty_concurrent_issues_take_0001_to_0050_without_gaps_or_duplicates(pool: PgPool) {
    let w = World::new(pool).await;
    let mut drafts = Vec::new();
    for _ in 0..50 {
        drafts.push(w.ready("2026-11-30").await);
    }
    let mut handles = Vec::new();
    for id in drafts {
        // Each issue on its own context and connection, all racing for the year's counter row.
        let ctx = w.ctx().await;
        handles.push(tokio::spawn(async move { ops::issue(&ctx, id).await }));
    }
    let mut numbers = Vec::new();
    for handle in handles {
        numbers.push(handle.await.expect("joined").expect("issued"));
    }
    numbers.sort();
    let expected: Vec<String> = (1..=50).map(|n| format_number(2026, n)).collect();
    assert_eq!(numbers, expected);
    let stored: Vec<String> =
        sqlx::query_scalar("select number from sales_invoices where business_id = $1 order by number_seq")
            .bind(w.business)
            .fetch_all(&w.app.pool)
            .await
            .expect("numbers");
    assert_eq!(stored, expected);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_failed_issue_hands_its_number_to_the_next_invoice(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let (first, failing, third) =
        (w.ready("2026-11-30").await, w.ready("2026-11-30").await, w.ready("2026-11-30").await);
    assert_eq!(w.issue(first).await, "2026-0001");

    // Fails the issue at its very last statement, after the counter was taken.
    sqlx::query(
        "create function refuse_issue() returns trigger language plpgsql as $$
         begin raise exception 'refused by the test'; end $$",
    )
    .execute(&pool)
    .await
    .expect("function");
    let trigger = format!(
        "create trigger refuse_issue before update of status on sales_invoices for each row
         when (new.id = '{failing}' and new.status = 'sent') execute function refuse_issue()"
    );
    sqlx::query(sqlx::AssertSqlSafe(trigger)).execute(&pool).await.expect("trigger");
    let refused = ops::issue(&w.ctx().await, failing).await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(w.invoice(failing).await.number, None, "still a draft");
    sqlx::query("drop trigger refuse_issue on sales_invoices").execute(&pool).await.expect("drop");

    assert_eq!(w.issue(third).await, "2026-0002", "the number the failed issue would have had");
    assert_eq!(w.issue(failing).await, "2026-0003");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn numbers_restart_at_0001_in_each_calendar_year_of_the_issue_date(pool: PgPool) {
    let w = World::new(pool).await;
    let (early, new_years_eve, new_year) =
        (w.ready("2026-12-01").await, w.ready("2026-12-31").await, w.ready("2027-01-01").await);
    // Issued out of date order: the year comes from each invoice's issue date, not from the clock.
    assert_eq!(w.issue(new_year).await, "2027-0001");
    assert_eq!(w.issue(early).await, "2026-0001");
    assert_eq!(w.issue(new_years_eve).await, "2026-0002");

    let list = ops::list(&w.ctx_at("2027-01-02T09:00:00Z").await, "", "", 1).await.expect("list");
    let numbers: Vec<Option<&str>> = list.invoices.iter().map(|i| i.number.as_deref()).collect();
    assert_eq!(numbers, [Some("2027-0001"), Some("2026-0002"), Some("2026-0001")]);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn numbering_continues_from_a_configured_number_but_never_reuses_one(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    ops::configure_next_number(&ctx, 2026, 100).await.expect("configured");
    assert_eq!(ops::settings(&ctx).await.expect("settings").next_number, 100);
    assert_eq!(w.issue(w.ready("2026-11-30").await).await, "2026-0100");
    assert_eq!(w.issue(w.ready("2026-11-30").await).await, "2026-0101");

    for taken in [50, 101] {
        let message = field_error(ops::configure_next_number(&ctx, 2026, taken).await, "next_number");
        assert!(message.contains("2026-0101"), "{taken}: {message}");
    }
    ops::configure_next_number(&ctx, 2026, 200).await.expect("above the highest");
    assert_eq!(w.issue(w.ready("2026-11-30").await).await, "2026-0200");
    ops::configure_next_number(&ctx, 2027, 1).await.expect("nothing issued in 2027 yet");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn past_9999_the_number_grows_instead_of_failing(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let ctx = w.ctx().await;
    ops::configure_next_number(&ctx, 2026, 9999).await.expect("configured");
    assert_eq!(w.issue(w.ready("2026-11-30").await).await, "2026-9999");
    assert_eq!(w.issue(w.ready("2026-11-30").await).await, "2026-10000");
}

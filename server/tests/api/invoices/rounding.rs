//! Billing rounding (issue 19): lines bill rounded hours, the tracked entries stay as tracked, and
//! an invoice keeps the rule it was first generated with.

use super::{generate_form, ops, time, World};
use app::error::AppError;
use app::invoices::forms::GenerateForm;
use app::invoices::rounding::{ClientRounding, Direction, RoundingForm, RoundingRule, Scope};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

fn up_to_15(scope: Scope, minimum_minutes: u32) -> RoundingRule {
    RoundingRule { scope, direction: Direction::Up, step_minutes: 15, minimum_minutes }
}

fn on(date: &str) -> GenerateForm {
    GenerateForm { from: date.into(), to: date.into(), ..generate_form("single") }
}

/// What tracking recorded for every entry of the business, in a stable order.
async fn entries(w: &World) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>, Option<i64>, String)> {
    sqlx::query_as(
        "select started_at, ended_at, duration_seconds, source from time_entries where business_id = $1 order by id",
    )
    .bind(w.business)
    .fetch_all(&w.app.pool)
    .await
    .expect("entries")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn each_entry_up_to_15_minutes_bills_rounded_hours_and_leaves_the_entries_as_tracked(pool: PgPool) {
    let w = World::new(pool).await;
    ops::set_billing_rounding(&w.ctx().await, Some(up_to_15(Scope::Entry, 0))).await.expect("set");
    w.log(time(w.design, "2026-11-23T09:00:00Z", 7)).await;
    w.log(time(w.design, "2026-11-23T10:00:00Z", 52)).await;
    let tracked = entries(&w).await;
    let id = w.draft("2026-11-30").await;

    w.generate(id, generate_form("single")).await.expect("generated");
    let invoice = w.invoice(id).await;
    let line = &invoice.lines[0];
    // 7 → 15 and 52 → 60 minutes: 1.25 h at 31.00 = 38.75, not 59 minutes' 30.48.
    assert_eq!((line.quantity.as_deref(), line.total_minor), (Some("1.25"), 3875));
    assert_eq!((line.tracked_seconds, line.tracked_label().as_deref()), (Some(59 * 60), Some("Tracked 0:59")));
    assert_eq!(invoice.rounding, Some(up_to_15(Scope::Entry, 0)), "the invoice names its rule");
    assert_eq!(entries(&w).await, tracked, "tracked time is never rewritten");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_line_rule_rounds_the_sum_once_with_a_minimum_per_entry(pool: PgPool) {
    let w = World::new(pool).await;
    ops::set_billing_rounding(&w.ctx().await, Some(up_to_15(Scope::Line, 10))).await.expect("set");
    for start in ["2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z"] {
        w.log(time(w.design, start, 4)).await;
    }
    let id = w.draft("2026-11-30").await;
    w.generate(id, generate_form("single")).await.expect("generated");
    let line = &w.invoice(id).await.lines[0];
    // Each 4 minutes raised to 10, their 30 minutes already a step: half an hour at 31.00.
    assert_eq!((line.quantity.as_deref(), line.total_minor, line.tracked_seconds), (Some("0.5"), 1550, Some(720)));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_invoice_keeps_its_rule_when_the_setting_changes(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    ops::set_billing_rounding(&ctx, Some(up_to_15(Scope::Entry, 0))).await.expect("set");
    w.log(time(w.design, "2026-11-23T09:00:00Z", 7)).await;
    w.log(time(w.design, "2026-11-24T09:00:00Z", 7)).await;
    w.log(time(w.design, "2026-11-25T09:00:00Z", 7)).await;
    let first = w.draft("2026-11-30").await;
    w.generate(first, on("2026-11-23")).await.expect("generated");

    ops::set_billing_rounding(&ctx, None).await.expect("switched off");
    assert_eq!(ops::settings(&ctx).await.expect("settings").rounding, None);
    // More time on the same draft: still its rule.
    w.generate(first, on("2026-11-24")).await.expect("generated again");
    let kept = w.invoice(first).await;
    assert_eq!(kept.rounding, Some(up_to_15(Scope::Entry, 0)));
    let quantities: Vec<Option<String>> = kept.lines.iter().map(|l| l.quantity.clone()).collect();
    assert_eq!(quantities, [Some("0.25".to_owned()), Some("0.25".to_owned())]);
    // A new draft takes the setting in force now: as tracked.
    let second = w.draft("2026-11-30").await;
    w.generate(second, on("2026-11-25")).await.expect("generated");
    let as_tracked = w.invoice(second).await;
    assert_eq!((as_tracked.rounding, as_tracked.lines[0].quantity.as_deref()), (None, Some("0.116667")));
    assert_eq!(as_tracked.lines[0].tracked_label(), None);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_setting_needs_settings_edit_and_a_valid_form(pool: PgPool) {
    let w = World::new(pool).await;
    let member = w.teammate("Sam Ortiz", "member").await;
    let as_member = w.ctx_of(member, super::NOW).await;
    assert_eq!(ops::set_billing_rounding(&as_member, Some(up_to_15(Scope::Entry, 0))).await, Err(AppError::Forbidden));

    let cookie = &w.owner_cookie;
    let fields = [("form[scope]", "entry"), ("form[direction]", "up"), ("form[step]", "7"), ("form[minimum]", "-1")];
    let refused = w.app.call("/api/invoices/settings/rounding", &fields, Some(cookie)).await;
    assert_eq!(refused.status, http::StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
    let error = refused.app_error();
    assert_eq!(error.field_message("step").as_deref(), Some("Choose a step of 1, 6, 15 or 30 minutes."));
    assert_eq!(error.field_message("minimum").as_deref(), Some("Enter a minimum from 0 to 480 minutes."));

    let form = RoundingForm::of(Some(&RoundingRule { direction: Direction::Nearest, ..up_to_15(Scope::Line, 30) }));
    let fields = [
        ("form[scope]", form.scope.as_str()),
        ("form[direction]", form.direction.as_str()),
        ("form[step]", form.step.as_str()),
        ("form[minimum]", form.minimum.as_str()),
    ];
    let saved = w.app.call("/api/invoices/settings/rounding", &fields, Some(cookie)).await;
    assert!(saved.status.is_success(), "{}", saved.text());
    let settings = ops::settings(&w.ctx().await).await.expect("settings");
    assert_eq!(settings.rounding, Some(RoundingRule { direction: Direction::Nearest, ..up_to_15(Scope::Line, 30) }));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_clients_own_rule_comes_before_the_businesss_until_it_follows_it_again(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    ops::set_billing_rounding(&ctx, Some(up_to_15(Scope::Entry, 0))).await.expect("business rule");
    let six_nearest =
        RoundingRule { scope: Scope::Line, direction: Direction::Nearest, step_minutes: 6, minimum_minutes: 0 };
    let fields = [
        ("client_id", w.client.to_string()),
        ("form[scope]", "line".to_owned()),
        ("form[direction]", "nearest".to_owned()),
        ("form[step]", "6".to_owned()),
        ("form[minimum]", "0".to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = w.app.call("/api/clients/rounding", &fields, Some(&w.owner_cookie)).await;
    assert!(saved.status.is_success(), "{}", saved.text());
    let page = app::server::clients::page(&ctx, w.client).await.expect("client");
    assert_eq!(page.client.billing_rounding, Some(ClientRounding(Some(six_nearest))));

    // 7 + 52 minutes: the client's rule bills 0:59 to the nearest 6 minutes, 1 h; the business's would bill 1:15.
    w.log(time(w.design, "2026-11-23T09:00:00Z", 7)).await;
    w.log(time(w.design, "2026-11-23T10:00:00Z", 52)).await;
    let own = w.draft("2026-11-30").await;
    w.generate(own, on("2026-11-23")).await.expect("generated");
    let invoice = w.invoice(own).await;
    assert_eq!((invoice.rounding, invoice.lines[0].quantity.as_deref()), (Some(six_nearest), Some("1")));

    // Its own "as tracked" is a rule too; following the business again brings the business's back.
    app::server::clients::set_billing_rounding(&ctx, w.client, Some(ClientRounding(None))).await.expect("as tracked");
    w.log(time(w.design, "2026-11-24T09:00:00Z", 7)).await;
    let tracked = w.draft("2026-11-30").await;
    w.generate(tracked, on("2026-11-24")).await.expect("generated");
    assert_eq!(w.invoice(tracked).await.rounding, None);
    app::server::clients::set_billing_rounding(&ctx, w.client, None).await.expect("follows");
    w.log(time(w.design, "2026-11-25T09:00:00Z", 7)).await;
    let business = w.draft("2026-11-30").await;
    w.generate(business, on("2026-11-25")).await.expect("generated");
    assert_eq!(w.invoice(business).await.rounding, Some(up_to_15(Scope::Entry, 0)));
    assert_eq!(w.invoice(own).await.rounding, Some(six_nearest), "a started invoice keeps its rule");

    // Managing rates is needed, and another business's client is not found.
    let viewer = w.teammate("Vic Viewer", "viewer").await;
    let as_viewer =
        app::server::clients::set_billing_rounding(&w.ctx_of(viewer, super::NOW).await, w.client, None).await;
    assert_eq!(as_viewer, Err(AppError::Forbidden));
    let elsewhere = World::new(w.app.pool.clone()).await;
    let foreign = app::server::clients::set_billing_rounding(&elsewhere.ctx().await, w.client, None).await;
    assert_eq!(foreign, Err(AppError::NotFound));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_profit_report_shows_hours_tracked_against_hours_billed(pool: PgPool) {
    let w = World::new(pool).await;
    ops::set_billing_rounding(&w.ctx().await, Some(up_to_15(Scope::Entry, 0))).await.expect("set");
    w.log(time(w.design, "2026-11-23T09:00:00Z", 7)).await;
    w.log(time(w.design, "2026-11-23T10:00:00Z", 52)).await;
    let id = w.draft("2026-11-30").await;
    w.generate(id, generate_form("single")).await.expect("generated");
    w.issue(id).await;

    let november = app::reports::Period::around(app::reports::PeriodKind::Month, "2026-11-01".parse().expect("date"));
    let report = app::server::reports::profit(&w.ctx().await, november).await.expect("report");
    let acme = &report.billed_time[0];
    assert_eq!((acme.client.as_str(), acme.tracked_seconds, acme.billed_seconds), ("Acme", 59 * 60, 75 * 60));
    assert_eq!(acme.difference_label(), "+0:16");

    let page = w.app.get("/reports?period=month&at=2026-11-01", Some(&w.owner_cookie)).await;
    let html = page.text();
    assert!(html.contains("Time billed") && html.contains("+0:16"), "the page shows the difference");
    let csv = w
        .app
        .get("/api/reports/profit.csv?period=month&at=2026-11-01&basis=accrual&table=time", Some(&w.owner_cookie))
        .await;
    assert_eq!(csv.text(), "client,tracked_hours,billed_hours\r\nAcme,0.98,1.25\r\n");
}

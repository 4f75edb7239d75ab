//! The dashboard (PRODUCT §3.13) on its operation with a fixed clock: what is owed, this week's
//! hours in the business's time zone, unbilled time priced per rate, open work, the latest invoices
//! and activity, the running timer, and which cards each role sees.

use crate::common::email;
use crate::expenses::form;
use crate::invoices::{instant, ops, project, task, time, World, NOW};
use app::dashboard::{GettingStarted, OutstandingTotal};
use app::error::AppError;
use app::expenses::ExpenseStatus;
use app::invoices::forms::DraftForm;
use app::money::{CurrencyCode, Money};
use app::server::{dashboard, expenses, tasks};
use app::tasks::TaskStatus;
use chrono::NaiveDate;
use sqlx::PgPool;

fn money(minor: i64, code: &str) -> Money {
    Money::new(minor, CurrencyCode::parse(code).expect("code"))
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_dashboard_adds_up_what_is_owed_worked_and_unbilled(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let fresh = dashboard::summary(&ctx).await.expect("dashboard");
    assert_eq!(fresh.getting_started, GettingStarted { client: true, project: true, time: false, invoice: false });
    assert_eq!(fresh.outstanding.as_ref().map(|o| (o.totals.len(), o.count)), Some((0, 0)));
    assert_eq!(fresh.week.map(|w| w.seconds), Some(0));

    // This week (Monday 30 November, UTC) and last week, by the owner and a teammate.
    let branding = project(&ctx, w.client, "Branding").await;
    let logo = task(&ctx, branding, "Logo").await;
    w.log(time(w.design, "2026-11-30T08:00:00Z", 70)).await;
    w.log(time(w.build, "2026-11-27T09:00:00Z", 30).rate(1001, "EUR")).await;
    w.log(time(w.build, "2026-11-30T09:30:00Z", 15).unpriced()).await;
    w.log(time(w.build, "2026-11-30T10:00:00Z", 60).non_billable()).await;
    w.log(time(logo, "2026-11-30T10:00:00Z", 10)).await;
    let mate = w.teammate("Mo Member", "member").await;
    w.log(time(w.design, "2026-11-30T09:00:00Z", 20).by(mate)).await;
    w.log(time(w.design, "2026-11-30T11:00:00Z", 0).running()).await;

    // Invoices: overdue, sent and not due, one in USD, paid, void and a draft.
    let overdue = w.ready("2026-11-02").await;
    w.issue(overdue).await;
    let paid = w.ready("2026-11-10").await;
    w.issue(paid).await;
    ops::mark_paid(&ctx, paid, Some(date("2026-11-20"))).await.expect("paid");
    let void = w.ready("2026-11-12").await;
    w.issue(void).await;
    ops::void(&ctx, void, "Sent twice").await.expect("void");
    let usd = w.draft_with(DraftForm { currency: "USD".into(), ..w.draft_form("2026-11-20", "zero_rated") }).await;
    w.add_line(usd, "Audit", "500.00").await;
    w.issue(usd).await;
    let not_due = w.ready("2026-11-25").await;
    w.issue(not_due).await;
    let draft = w.ready("2026-11-30").await;

    // Expenses: one unpaid, one paid.
    expenses::create(&ctx, form("Fonts", "12.50", "EUR", "2026-11-03").validate().expect("valid"))
        .await
        .expect("fonts");
    let train = expenses::create(&ctx, form("Train", "30", "EUR", "2026-11-04").validate().expect("valid"))
        .await
        .expect("train");
    expenses::set_status(&ctx, train, ExpenseStatus::Paid, None).await.expect("paid");
    tasks::set_status(&ctx, w.build, TaskStatus::Done).await.expect("done");

    let d = dashboard::summary(&ctx).await.expect("dashboard");
    assert_eq!(d.today, date("2026-11-30"));
    assert_eq!(d.week_start, date("2026-11-30"));
    assert!(d.getting_started.done());

    let outstanding = d.outstanding.expect("owners see what is owed");
    assert_eq!(
        outstanding.totals,
        vec![
            OutstandingTotal { total: money(100_000, "EUR"), overdue: money(50_000, "EUR") },
            OutstandingTotal { total: money(50_000, "USD"), overdue: money(0, "USD") },
        ],
        "sent invoices per currency, paid, void and drafts left out"
    );
    assert_eq!((outstanding.count, outstanding.overdue_count), (3, 1));

    // The owner's stopped entries of this week, billable or not: 70 + 15 + 60 + 10 minutes.
    let week = d.week.expect("own week");
    assert_eq!((week.seconds, week.projects), (155 * 60, 2));
    assert_eq!((d.active_projects, d.open_tasks), (Some(2), Some(2)), "Build is done");

    // Unbilled: everyone's stopped billable time on no line, priced once per rate, half-up:
    // 100 min at 31.00 = 51.666… → 51.67; 30 min at 10.01 = 5.005 → 5.01; 15 min unpriced.
    let unbilled = d.unbilled.expect("unbilled");
    assert_eq!(unbilled.values, vec![money(5167 + 501, "EUR")]);
    assert_eq!((unbilled.seconds, unbilled.entries, unbilled.unpriced_seconds), (145 * 60, 5, 15 * 60));

    assert_eq!(d.unpaid_expenses, Some(vec![money(1250, "EUR")]));

    let recent: Vec<_> = d.recent_invoices.expect("recent").iter().map(|i| i.id).collect();
    assert_eq!(recent, vec![draft, not_due, usd, void, paid], "the five newest by issue date");
    let activity = d.activity.expect("activity");
    assert_eq!(activity.len(), 6, "the six latest items");
    assert_eq!(activity[0].entry.headline(), "Dana Lee issued an invoice");
    assert_eq!(activity[0].client_name, "Acme");
    assert!(activity.windows(2).all(|p| p[0].entry.seq > p[1].entry.seq), "newest first");
    assert!(!activity[0].entry.when.is_empty(), "labelled on the business's clock");

    let timer = d.timer.expect("the owner's running timer");
    assert_eq!((timer.task_title.as_str(), timer.project_name.as_str()), ("Design", "Website"));
    assert!(!d.timer_forgotten, "an hour is not forgotten");

    // Every card links to the list behind it.
    let html = w.app.get("/", Some(&w.owner_cookie)).await.text();
    for link in [
        r#"href="/invoices?status=outstanding""#,
        r#"href="/invoices?status=overdue""#,
        r#"href="/time""#,
        r#"href="/invoices/new">Invoice it"#,
        r#"href="/projects">2 active projects"#,
        r#"href="/expenses?status=unpaid""#,
        r#"href="/invoices">All invoices"#,
        r#"href="/clients/"#,
    ] {
        assert!(html.contains(link), "the dashboard links {link}");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_week_and_a_forgotten_timer_follow_the_business_clock_and_zone(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    sqlx::query("update businesses set timezone = 'America/New_York' where id = $1")
        .bind(w.business)
        .execute(&pool)
        .await
        .expect("zone");
    // NOW is Monday 07:00 in New York: 03:00Z is Sunday 22:00 there (last week), 06:00Z is Monday.
    w.log(time(w.design, "2026-11-30T03:00:00Z", 30)).await;
    w.log(time(w.design, "2026-11-30T06:00:00Z", 45)).await;
    // Started 16 hours before NOW, past the default 10-hour threshold.
    w.log(time(w.build, "2026-11-29T20:00:00Z", 0).running()).await;
    let d = dashboard::summary(&w.ctx().await).await.expect("dashboard");
    assert_eq!(d.week.map(|w| w.seconds), Some(45 * 60));
    assert!(d.timer_forgotten);

    // On Sunday evening in New York the 03:00Z entry belongs to the current week.
    let sunday = w.ctx_at("2026-11-30T04:00:00Z").await;
    let d = dashboard::summary(&sunday).await.expect("dashboard");
    assert_eq!((d.today, d.week_start), (date("2026-11-29"), date("2026-11-23")));
    assert_eq!(d.week.map(|w| w.seconds), Some(30 * 60), "only what started before 04:00Z");
    assert_eq!(instant(NOW).date_naive(), date("2026-11-30"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn each_card_follows_the_members_permissions_and_the_business(pool: PgPool) {
    let w = World::new(pool).await;
    let invoice = w.ready("2026-11-02").await;
    w.issue(invoice).await;
    let contractor = w.teammate("Cam Contractor", "contractor").await;
    w.log(time(w.design, "2026-11-30T08:00:00Z", 30).by(contractor)).await;

    let d = dashboard::summary(&w.ctx_of(contractor, NOW).await).await.expect("contractors see a dashboard");
    assert_eq!(d.week.map(|w| w.seconds), Some(30 * 60), "their own hours");
    assert_eq!((d.active_projects, d.open_tasks), (Some(1), Some(2)));
    assert!(d.outstanding.is_none() && d.unbilled.is_none() && d.recent_invoices.is_none());
    assert!(d.activity.is_none() && d.unpaid_expenses.is_none());

    let viewer = w.teammate("Vic Viewer", "viewer").await;
    let d = dashboard::summary(&w.ctx_of(viewer, NOW).await).await.expect("viewers see a dashboard");
    assert_eq!(d.outstanding.map(|o| o.count), Some(1));
    assert_eq!(d.week.map(|w| w.seconds), Some(0), "the viewer's own week, not the contractor's");
    assert!(d.timer.is_none());

    // Another business sees none of this one.
    let other = w.app.owner_of("Elsewhere", &email("other")).await;
    let (user, business) = (w.app.user_id(&other).await, w.app.business_id(&other).await);
    let elsewhere =
        app::server::BusinessCtx::for_member(&w.state, user, business, crate::invoices::at(NOW)).await.expect("member");
    let d = dashboard::summary(&elsewhere).await.expect("dashboard");
    assert_eq!(d.getting_started, GettingStarted::default());
    assert_eq!(d.outstanding.map(|o| o.count), Some(0));
    assert_eq!(d.recent_invoices.map(|r| r.len()), Some(0));
    assert_eq!(d.activity.map(|a| a.len()), Some(0));

    // Without dashboard.view there is no dashboard.
    let mut limited = w.ctx_of(viewer, NOW).await;
    limited.permissions = app::permissions::PermissionSet::default();
    assert_eq!(dashboard::summary(&limited).await.map(|_| ()), Err(AppError::Forbidden));
}

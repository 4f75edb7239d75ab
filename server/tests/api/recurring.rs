//! Recurring invoices (PRODUCT §3.10) on their operations and the runner, with fixed clocks: one
//! invoice per occurrence in order, racing sweeps, a run that fails half-way, auto-issue
//! numbering, pauses, failures that stop nothing else, and the cron route.

use crate::common::{email, Settings, TestApp};
use crate::invoices::{instant, World};
use app::error::AppError;
use app::ids::ScheduleId;
use app::invoices::InvoiceStatus;
use app::recurring::{LineForm, ScheduleForm, ScheduleStatus};
use app::server::recurring::{self as ops, sweep};
use http::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

fn form(w: &World, frequency: &str, start: &str) -> ScheduleForm {
    ScheduleForm {
        name: "Retainer".into(),
        client_id: w.client.to_string(),
        currency: "EUR".into(),
        tax_treatment: "zero_rated".into(),
        frequency: frequency.into(),
        start_date: start.into(),
        net_terms_days: "14".into(),
        lines: vec![
            LineForm { description: "Monthly retainer".into(), amount: "1500.00".into() },
            LineForm { description: "Hosting".into(), amount: "20.50".into() },
        ],
        ..ScheduleForm::default()
    }
}

async fn create(w: &World, form: ScheduleForm, now: &str) -> ScheduleId {
    ops::create(&w.ctx_at(now).await, form.validate().expect("valid")).await.expect("created")
}

/// (issue date, due date, status, number, occurrence, total) of a schedule's invoices, oldest first.
async fn made(pool: &PgPool, schedule: ScheduleId) -> Vec<(String, String, String, Option<String>, i32, i64)> {
    sqlx::query_as(
        "select issue_date::text, due_date::text, status, number, schedule_occurrence, total_minor::bigint
         from sales_invoices where schedule_id = $1 order by schedule_occurrence",
    )
    .bind(schedule.uuid())
    .fetch_all(pool)
    .await
    .expect("invoices")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn each_occurrence_becomes_one_invoice_in_order_until_the_limit(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let monthly = ScheduleForm { occurrence_limit: "3".into(), ..form(&w, "monthly", "2026-01-31") };
    let id = create(&w, monthly, "2026-01-20T09:00:00Z").await;
    let page = ops::page(&w.ctx_at("2026-01-20T09:00:00Z").await, id).await.expect("page");
    assert_eq!(page.schedule.next_run_on.map(|d| d.to_string()).as_deref(), Some("2026-01-31"));
    assert_eq!(
        page.upcoming.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        ["2026-02-28", "2026-03-31"],
        "three invoices in all"
    );

    // Nothing is due before the first date.
    assert_eq!(sweep(&pool, instant("2026-01-30T12:00:00Z"), 100).await.expect("sweep").generated, 0);
    // Down since January: the missed occurrences are caught up, in order, dated as scheduled.
    let report = sweep(&pool, instant("2026-05-02T08:00:00Z"), 100).await.expect("sweep");
    assert_eq!((report.generated, report.issued, report.failed, report.ended), (3, 0, 0, 1));
    let invoices = made(&pool, id).await;
    let dates: Vec<(&str, &str, i32)> = invoices.iter().map(|i| (i.0.as_str(), i.1.as_str(), i.4)).collect();
    assert_eq!(
        dates,
        [("2026-01-31", "2026-02-14", 1), ("2026-02-28", "2026-03-14", 2), ("2026-03-31", "2026-04-14", 3)]
    );
    assert!(invoices.iter().all(|i| i.2 == "draft" && i.3.is_none() && i.5 == 152_050), "drafts with both lines");
    let schedule = ops::page(&w.ctx().await, id).await.expect("page").schedule;
    assert_eq!((schedule.status, schedule.generated_count, schedule.next_run_on), (ScheduleStatus::Ended, 3, None));
    assert!(schedule.last_error.is_none());
    // Each invoice is on the client's timeline.
    let events: i64 = sqlx::query_scalar(
        "select count(*) from timeline_entries where kind = 'recurring_generated' and client_id = $1",
    )
    .bind(w.client.uuid())
    .fetch_one(&pool)
    .await
    .expect("events");
    assert_eq!(events, 3);
    assert_eq!(sweep(&pool, instant("2026-12-31T08:00:00Z"), 100).await.expect("again").generated, 0, "ended");
    // The page lists them newest first.
    let generated = ops::generated(&w.ctx().await, id).await.expect("generated");
    assert_eq!(
        generated.iter().map(|i| i.issue_date.to_string()).collect::<Vec<_>>(),
        ["2026-03-31", "2026-02-28", "2026-01-31"]
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn racing_sweeps_make_each_occurrence_exactly_once(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let mut ids = Vec::new();
    for start in ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08"] {
        ids.push(create(&w, form(&w, "weekly", start), "2026-01-01T09:00:00Z").await);
    }
    let now = instant("2026-03-01T12:00:00Z");
    // Eight sweeps at once, as eight replicas' runners would.
    let sweeps = (0..8).map(|_| sweep(&pool, now, 1000));
    let reports = futures_util::future::join_all(sweeps).await;
    let generated: u32 = reports.into_iter().map(|r| r.expect("sweep").generated).sum();
    // Weekly from 5–8 January to 1 March: 8 occurrences each.
    assert_eq!(generated, 32);
    for id in ids {
        let occurrences: Vec<i32> = made(&pool, id).await.into_iter().map(|i| i.4).collect();
        assert_eq!(occurrences, (1..=8).collect::<Vec<_>>(), "one invoice per occurrence, none skipped");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_run_that_fails_half_way_leaves_nothing_behind_and_the_retry_makes_one(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let id = create(&w, form(&w, "monthly", "2026-02-01"), "2026-01-20T09:00:00Z").await;
    // The crash: the invoice and its lines are written, then moving the schedule on fails.
    sqlx::raw_sql(
        "create function crash() returns trigger language plpgsql as $$
         begin
           if new.generated_count <> old.generated_count then raise exception 'simulated crash'; end if;
           return new;
         end $$;
         create trigger crash before update on recurring_schedules for each row execute function crash();",
    )
    .execute(&pool)
    .await
    .expect("trigger");
    let report = sweep(&pool, instant("2026-02-01T12:00:00Z"), 100).await.expect("sweep");
    assert_eq!((report.generated, report.failed), (0, 1));
    assert!(made(&pool, id).await.is_empty(), "the half-made invoice was rolled back");
    let lines: i64 = sqlx::query_scalar("select count(*) from sales_lines").fetch_one(&pool).await.expect("lines");
    assert_eq!(lines, 0);
    let schedule = ops::page(&w.ctx().await, id).await.expect("page").schedule;
    assert_eq!(schedule.generated_count, 0);
    assert_eq!(schedule.last_error.as_deref(), Some("Something went wrong on our side. Please try again."));

    sqlx::raw_sql("drop trigger crash on recurring_schedules").execute(&pool).await.expect("fixed");
    let report = sweep(&pool, instant("2026-02-01T12:05:00Z"), 100).await.expect("retry");
    assert_eq!((report.generated, report.failed), (1, 0));
    assert_eq!(made(&pool, id).await.len(), 1);
    let schedule = ops::page(&w.ctx().await, id).await.expect("page").schedule;
    assert!(schedule.last_error.is_none(), "a success clears the error");
    assert_eq!(schedule.next_run_on.map(|d| d.to_string()).as_deref(), Some("2026-03-01"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn auto_issue_numbers_in_order_and_a_refused_issue_leaves_a_draft(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let issued = create(
        &w,
        ScheduleForm { auto_issue: Some("on".into()), ..form(&w, "monthly", "2026-01-10") },
        "2026-01-01T09:00:00Z",
    )
    .await;
    // Reverse charge needs both VAT numbers; neither is set.
    let refused = create(
        &w,
        ScheduleForm {
            auto_issue: Some("on".into()),
            tax_treatment: "reverse_charge".into(),
            ..form(&w, "monthly", "2026-01-15")
        },
        "2026-01-01T09:00:00Z",
    )
    .await;
    let report = sweep(&pool, instant("2026-03-20T12:00:00Z"), 100).await.expect("sweep");
    assert_eq!((report.generated, report.issued, report.failed), (6, 3, 0));
    let numbers: Vec<Option<String>> = made(&pool, issued).await.into_iter().map(|i| i.3).collect();
    assert_eq!(numbers, [Some("2026-0001".into()), Some("2026-0002".into()), Some("2026-0003".into())]);
    let issued_status: Vec<String> = made(&pool, issued).await.into_iter().map(|i| i.2).collect();
    assert!(issued_status.iter().all(|s| s == "sent"));
    let drafts = made(&pool, refused).await;
    assert!(drafts.iter().all(|i| i.2 == "draft" && i.3.is_none()), "{drafts:?}");
    let schedule = ops::page(&w.ctx().await, refused).await.expect("page").schedule;
    assert_eq!(
        schedule.last_error.as_deref(),
        Some("The invoice was made as a draft but not issued: A reverse-charge invoice needs your VAT number (Settings → General) and the client's VAT number.")
    );
    assert_eq!(schedule.generated_count, 3, "the schedule still moved on");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn paused_schedules_are_skipped_and_resume_from_today(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let id = create(&w, form(&w, "weekly", "2026-11-02"), "2026-11-01T09:00:00Z").await;
    assert_eq!(sweep(&pool, instant("2026-11-02T12:00:00Z"), 100).await.expect("first").generated, 1);
    ops::set_status(&w.ctx_at("2026-11-03T09:00:00Z").await, id, ScheduleStatus::Paused).await.expect("paused");
    assert_eq!(sweep(&pool, instant("2026-11-25T12:00:00Z"), 100).await.expect("paused").generated, 0);
    // Resumed on Wednesday 25 November: 9, 16 and 23 November are skipped, 30 November is next.
    ops::set_status(&w.ctx_at("2026-11-25T09:00:00Z").await, id, ScheduleStatus::Active).await.expect("resumed");
    let schedule = ops::page(&w.ctx_at("2026-11-25T09:00:00Z").await, id).await.expect("page").schedule;
    assert_eq!(schedule.next_run_on.map(|d| d.to_string()).as_deref(), Some("2026-11-30"));
    assert_eq!(sweep(&pool, instant("2026-11-30T12:00:00Z"), 100).await.expect("after").generated, 1);
    let dates: Vec<String> = made(&pool, id).await.into_iter().map(|i| i.0).collect();
    assert_eq!(dates, ["2026-11-02", "2026-11-30"]);
    // Ended: nothing more; an ended schedule is resumed, not paused.
    let ctx = w.ctx_at("2026-12-01T09:00:00Z").await;
    ops::set_status(&ctx, id, ScheduleStatus::Ended).await.expect("ended");
    assert!(matches!(ops::set_status(&ctx, id, ScheduleStatus::Paused).await, Err(AppError::Conflict(_))));
    assert!(matches!(ops::generate_now(&ctx, id).await, Err(AppError::Conflict(_))));
    assert_eq!(sweep(&pool, instant("2026-12-31T12:00:00Z"), 100).await.expect("ended").generated, 0);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_failing_schedule_records_why_and_stops_no_other(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    sqlx::query("update businesses set vat_rate_percent = '21' where id = $1")
        .bind(w.business.uuid())
        .execute(&pool)
        .await
        .expect("rate");
    let standard = create(
        &w,
        ScheduleForm { tax_treatment: "standard".into(), ..form(&w, "monthly", "2026-02-01") },
        "2026-01-20T09:00:00Z",
    )
    .await;
    let zero = create(&w, form(&w, "monthly", "2026-02-02"), "2026-01-20T09:00:00Z").await;
    // The rate is removed after the schedule was made.
    sqlx::query("update businesses set vat_rate_percent = null where id = $1")
        .bind(w.business.uuid())
        .execute(&pool)
        .await
        .expect("no rate");
    let report = sweep(&pool, instant("2026-02-05T12:00:00Z"), 100).await.expect("sweep");
    assert_eq!((report.generated, report.failed), (1, 1));
    assert_eq!(made(&pool, zero).await.len(), 1);
    assert!(made(&pool, standard).await.is_empty());
    let schedule = ops::page(&w.ctx().await, standard).await.expect("page").schedule;
    assert_eq!(
        schedule.last_error.as_deref(),
        Some("Set your standard VAT rate in Settings → General: this schedule's invoices are standard-rate.")
    );
    assert_eq!(schedule.status, ScheduleStatus::Active, "it is tried again next time");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn generate_now_makes_the_next_invoice_today_and_the_schedule_moves_on(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let id = create(&w, form(&w, "monthly", "2026-12-15"), "2026-11-30T12:00:00Z").await;
    let invoice = ops::generate_now(&w.ctx().await, id).await.expect("generated");
    let made_now = made(&pool, id).await;
    assert_eq!(made_now.len(), 1);
    assert_eq!((made_now[0].0.as_str(), made_now[0].1.as_str()), ("2026-11-30", "2026-12-14"), "dated today");
    let page = w.invoice(invoice).await;
    assert_eq!(page.status, InvoiceStatus::Draft);
    assert_eq!(page.lines.iter().map(|l| l.description.as_str()).collect::<Vec<_>>(), ["Monthly retainer", "Hosting"]);
    let schedule = ops::page(&w.ctx().await, id).await.expect("page").schedule;
    assert_eq!(schedule.next_run_on.map(|d| d.to_string()).as_deref(), Some("2027-01-15"), "December's was made early");
    assert_eq!(sweep(&pool, instant("2026-12-15T12:00:00Z"), 100).await.expect("sweep").generated, 0);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn schedules_are_checked_kept_to_their_business_and_restart_when_their_cadence_changes(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let ctx = w.ctx().await;
    // A start in the past skips to the first date from today (30 November 2026).
    let id = create(&w, form(&w, "monthly", "2026-06-15"), crate::invoices::NOW).await;
    let schedule = ops::page(&ctx, id).await.expect("page").schedule;
    assert_eq!(schedule.next_run_on.map(|d| d.to_string()).as_deref(), Some("2026-12-15"));
    // Standard rate needs a VAT rate; a foreign client is a field error.
    let standard = ScheduleForm { tax_treatment: "standard".into(), ..form(&w, "monthly", "2026-12-01") };
    let error = ops::create(&ctx, standard.validate().expect("valid")).await.unwrap_err();
    assert!(error.field_message("tax_treatment").is_some(), "{error:?}");
    let stranger = ScheduleForm { client_id: Uuid::now_v7().to_string(), ..form(&w, "monthly", "2026-12-01") };
    let error = ops::create(&ctx, stranger.validate().expect("valid")).await.unwrap_err();
    assert_eq!(error.field_message("client_id").as_deref(), Some("Choose one of your clients."));

    // Two invoices made, then the cadence changes to weekly from 7 December: a restart.
    ops::generate_now(&ctx, id).await.expect("one");
    ops::generate_now(&ctx, id).await.expect("two");
    let weekly = ScheduleForm { occurrence_limit: "3".into(), ..form(&w, "weekly", "2026-12-07") };
    ops::update(&ctx, id, weekly.validate().expect("valid")).await.expect("updated");
    let page = ops::page(&ctx, id).await.expect("page");
    assert_eq!(page.schedule.next_run_on.map(|d| d.to_string()).as_deref(), Some("2026-12-07"));
    assert!(page.upcoming.is_empty(), "the limit of 3 counts the 2 already made");

    // Another business sees none of it.
    let other = World::new(pool.clone()).await;
    let octx = other.ctx().await;
    assert_eq!(ops::page(&octx, id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(ops::generated(&octx, id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(ops::generate_now(&octx, id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(ops::delete(&octx, id).await.unwrap_err(), AppError::NotFound);
    assert!(ops::list(&octx).await.expect("list").is_empty());
    // Deleting keeps the invoices it made.
    ops::delete(&ctx, id).await.expect("deleted");
    let kept: i64 = sqlx::query_scalar("select count(*) from sales_invoices where business_id = $1")
        .bind(w.business.uuid())
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(kept, 2);
}

/// A monthly schedule for `client` made through the server function, as the page tests need one.
pub async fn schedule_via_api(app: &TestApp, cookie: &str, client: &str) -> String {
    let created = app
        .call(
            "/api/recurring/create",
            &[
                ("form[name]", "Support"),
                ("form[client_id]", client),
                ("form[currency]", "EUR"),
                ("form[tax_treatment]", "zero_rated"),
                ("form[frequency]", "monthly"),
                ("form[start_date]", &chrono::Utc::now().date_naive().to_string()),
                ("form[lines][0][description]", "Support plan"),
                ("form[lines][0][amount]", "99"),
            ],
            Some(cookie),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    created.json()
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_cron_route_needs_its_token_and_runs_a_sweep(pool: PgPool) {
    let post = |token: Option<&str>| {
        let mut request = http::Request::post("/api/cron/run");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(axum::body::Body::empty()).expect("request")
    };
    let unset = TestApp::new(pool.clone());
    assert_eq!(unset.send_raw(post(Some("anything"))).await.status, StatusCode::NOT_FOUND);

    let app = TestApp::with(
        pool.clone(),
        crate::common::SECRET,
        Settings { cron_token: Some("cron-secret-123".into()), ..Settings::default() },
    );
    for wrong in [None, Some("cron-secret-12"), Some("")] {
        let reply = app.send_raw(post(wrong)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{wrong:?}");
        assert_eq!(reply.headers.get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
    }
    // A schedule due in the past (the route runs on the real clock).
    let owner = app.owner_of("Cron Co", &email("cron")).await;
    let client: Uuid = app.call("/api/clients/create", &[("form[name]", "Acme")], Some(&owner)).await.json();
    schedule_via_api(&app, &owner, &client.to_string()).await;
    let reply = app.send_raw(post(Some("cron-secret-123"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body: serde_json::Value = reply.json();
    assert_eq!(body["ok"], true);
    assert_eq!(body["generated"], 1, "{body}");
    let again: serde_json::Value = app.send_raw(post(Some("cron-secret-123"))).await.json();
    assert_eq!(again["generated"], 0, "idempotent");
}

//! Time tracking: the one-timer rule under concurrency, switching, rounding, rate resolution and
//! freezing, weeks in the business's time zone, and who may see and change what.

use crate::common::{email, TestApp};
use app::error::AppError;
use app::tasks::Task;
use app::time::{RateSource, RunningTimer, TimeEntryView, Timesheet};
use http::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

struct Setup {
    app: TestApp,
    owner: String,
    client: String,
    project: String,
    tasks: Vec<String>,
}

async fn setup(pool: PgPool, tasks: usize) -> Setup {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let client: Uuid = app.call("/api/clients/create", &[("form[name]", "Acme")], Some(&owner)).await.json();
    let client = client.to_string();
    let project: Uuid = app
        .call("/api/projects/create", &[("form[client_id]", &client), ("form[name]", "Website")], Some(&owner))
        .await
        .json();
    let project = project.to_string();
    let mut ids = Vec::new();
    for i in 0..tasks {
        let task: Task = app
            .call("/api/tasks/create", &[("project_id", &project), ("title", &format!("Task {i}"))], Some(&owner))
            .await
            .json();
        ids.push(task.id.to_string());
    }
    Setup { app, owner, client, project, tasks: ids }
}

async fn log(
    s: &Setup,
    cookie: &str,
    task: &str,
    date: &str,
    duration: &str,
    extra: &[(&str, &str)],
) -> crate::common::Reply {
    let mut form = vec![("entry[task_id]", task), ("entry[date]", date), ("entry[duration]", duration)];
    form.extend_from_slice(extra);
    s.app.call("/api/time/log", &form, Some(cookie)).await
}

async fn logged(
    s: &Setup,
    cookie: &str,
    task: &str,
    date: &str,
    duration: &str,
    extra: &[(&str, &str)],
) -> TimeEntryView {
    let reply = log(s, cookie, task, date, duration, extra).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn twenty_concurrent_starts_leave_exactly_one_timer_running_and_lose_nothing(pool: PgPool) {
    let s = setup(pool, 20).await;
    let starts = s.tasks.iter().map(|task| {
        let (app, owner) = (&s.app, s.owner.clone());
        async move { app.call("/api/time/start", &[("task_id", task.as_str())], Some(&owner)).await }
    });
    let replies = crate::common::join_all(starts).await;
    assert!(
        replies.iter().all(|r| r.status == StatusCode::OK),
        "{:?}",
        replies.iter().map(|r| r.text()).collect::<Vec<_>>()
    );
    let (total, running, stopped_ok): (i64, i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where ended_at is null),
                count(*) filter (where ended_at is not null and duration_seconds >= 1 and ended_at >= started_at)
         from time_entries",
    )
    .fetch_one(&s.app.pool)
    .await
    .expect("counts");
    assert_eq!((total, running, stopped_ok), (20, 1, 19));
    // Each stopped entry ended exactly when the next began: no gap, no overlap.
    let gaps: i64 = sqlx::query_scalar(
        "select count(*) from time_entries a where a.ended_at is not null
         and not exists (select 1 from time_entries b where b.started_at = a.ended_at)",
    )
    .fetch_one(&s.app.pool)
    .await
    .expect("gaps");
    assert_eq!(gaps, 0);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn switching_tasks_stops_the_running_timer_when_the_new_one_starts(pool: PgPool) {
    let s = setup(pool, 2).await;
    let first: RunningTimer = s.app.call("/api/time/start", &[("task_id", &s.tasks[0])], Some(&s.owner)).await.json();
    let again: RunningTimer = s.app.call("/api/time/start", &[("task_id", &s.tasks[0])], Some(&s.owner)).await.json();
    assert_eq!(first.entry_id, again.entry_id, "starting the running task again changes nothing");
    let second: RunningTimer = s.app.call("/api/time/start", &[("task_id", &s.tasks[1])], Some(&s.owner)).await.json();
    assert_ne!(second.entry_id, first.entry_id);
    let (ended, duration): (chrono::DateTime<chrono::Utc>, i64) =
        sqlx::query_as("select ended_at, duration_seconds from time_entries where id = $1")
            .bind(first.entry_id)
            .fetch_one(&s.app.pool)
            .await
            .expect("row");
    assert_eq!(ended, second.started_at);
    assert!(duration >= 1);
    let running: Option<RunningTimer> = s.app.call("/api/time/running", &[], Some(&s.owner)).await.json();
    assert_eq!(running.map(|r| r.task_id.to_string()), Some(s.tasks[1].clone()));

    let stopped: Option<TimeEntryView> = s.app.call("/api/time/stop", &[], Some(&s.owner)).await.json();
    assert!(stopped.is_some_and(|e| e.duration_seconds >= 1));
    let none: Option<RunningTimer> = s.app.call("/api/time/running", &[], Some(&s.owner)).await.json();
    assert!(none.is_none());
    let idle: Option<TimeEntryView> = s.app.call("/api/time/stop", &[], Some(&s.owner)).await.json();
    assert!(idle.is_none(), "stopping with nothing running is harmless");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_stopped_timer_keeps_whole_seconds(pool: PgPool) {
    let s = setup(pool, 1).await;
    let timer: RunningTimer = s.app.call("/api/time/start", &[("task_id", &s.tasks[0])], Some(&s.owner)).await.json();
    sqlx::query("update time_entries set started_at = now() - interval '70 minutes 400 milliseconds' where id = $1")
        .bind(timer.entry_id)
        .execute(&s.app.pool)
        .await
        .expect("backdate");
    let stopped: Option<TimeEntryView> = s.app.call("/api/time/stop", &[], Some(&s.owner)).await.json();
    let seconds = stopped.expect("stopped").duration_seconds;
    assert!((4200..=4201).contains(&seconds), "{seconds}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_forgotten_timer_stops_at_the_time_given(pool: PgPool) {
    let s = setup(pool, 1).await;
    let timer: RunningTimer = s.app.call("/api/time/start", &[("task_id", &s.tasks[0])], Some(&s.owner)).await.json();
    sqlx::query("update time_entries set started_at = '2026-11-20T08:00:00Z' where id = $1")
        .bind(timer.entry_id)
        .execute(&s.app.pool)
        .await
        .expect("backdate");
    let running: RunningTimer =
        s.app.call("/api/time/running", &[], Some(&s.owner)).await.json::<Option<RunningTimer>>().expect("running");
    assert!(running.is_forgotten(chrono::Utc::now()), "10 hours is the default threshold");
    // The server's verdict and count travel with the timer, so the browser never decides by its own clock.
    assert!(running.forgotten);
    let since = (chrono::Utc::now() - running.started_at).num_seconds();
    assert!((since - 5..=since).contains(&running.elapsed_seconds), "{} of {since}", running.elapsed_seconds);
    assert!(!timer.forgotten && (0..5).contains(&timer.elapsed_seconds), "a new timer: {timer:?}");
    assert_eq!(running.started_local, "Fri 20 Nov, 08:00");

    let early = s.app.call("/api/time/stop_at", &[("ended_at", "2026-11-20T07:00")], Some(&s.owner)).await;
    assert_eq!(early.app_error(), AppError::field("ended_at", "Choose a time after the timer started."));
    let future = s.app.call("/api/time/stop_at", &[("ended_at", "2999-01-01T00:00")], Some(&s.owner)).await;
    assert_eq!(future.app_error(), AppError::field("ended_at", "That time hasn't happened yet."));
    // Every page shows the question while the timer runs on.
    let page = s.app.get("/", Some(&s.owner)).await;
    assert!(
        page.text().contains("Timer on Task 0 running since Fri 20 Nov, 08:00: when did you stop?"),
        "banner missing"
    );

    let stopped: Option<TimeEntryView> =
        s.app.call("/api/time/stop_at", &[("ended_at", "2026-11-20T17:30")], Some(&s.owner)).await.json();
    assert_eq!(stopped.expect("stopped").duration_seconds, 9 * 3600 + 30 * 60);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn manual_entries_accept_human_durations_and_default_to_billable(pool: PgPool) {
    let s = setup(pool, 1).await;
    let entry = logged(&s, &s.owner, &s.tasks[0], "2026-11-24", "1h 30m", &[("entry[note]", "  Design review ")]).await;
    assert_eq!((entry.duration_seconds, entry.billable, entry.note.as_str()), (5400, true, "Design review"));
    assert_eq!(entry.started_local, "Tue 24 Nov, 09:00");
    let unticked = logged(
        &s,
        &s.owner,
        &s.tasks[0],
        "2026-11-24",
        "45m",
        &[("entry[billable_field]", "1"), ("entry[start_time]", "14:15")],
    )
    .await;
    assert!(!unticked.billable);
    assert_eq!(unticked.started_local, "Tue 24 Nov, 14:15");

    let reply = log(&s, &s.owner, &s.tasks[0], "24/11/2026", "8 days", &[("entry[note]", &"x".repeat(1001))]).await;
    let AppError::Validation(errors) = reply.app_error() else { panic!("validation") };
    assert!(errors.get("date").is_some() && errors.get("duration").is_some() && errors.get("note").is_some());
    let reply = log(&s, &s.owner, &s.tasks[0], "2026-11-24", "169h", &[]).await;
    assert_eq!(reply.app_error(), AppError::field("duration", "A time entry can be at most 7 days long."));
    let reply = log(&s, &s.owner, &s.tasks[0], "2026-11-24", "1h", &[("entry[rate_amount]", "50")]).await;
    assert_eq!(
        reply.app_error(),
        AppError::field("rate_currency", "Choose the currency of the rate."),
        "amount and currency come together"
    );
}

async fn set_client_rate(s: &Setup, amount: &str, unit: &str) {
    let reply = s
        .app
        .call(
            "/api/clients/update",
            &[
                ("id", &s.client),
                ("form[name]", "Acme"),
                ("form[rate_amount]", amount),
                ("form[rate_currency]", "EUR"),
                ("form[rate_unit]", unit),
            ],
            Some(&s.owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn every_rate_source_in_order_and_day_rates_per_hours_per_day(pool: PgPool) {
    let s = setup(pool, 1).await;
    let task = s.tasks[0].clone();
    let rate = |e: &TimeEntryView| e.rate.map(|m| (m.minor, m.currency.to_string(), e.rate_source.expect("source")));

    let unpriced = logged(&s, &s.owner, &task, "2026-11-23", "1h", &[]).await;
    assert_eq!(rate(&unpriced), None, "no rate anywhere: unpriced");

    set_client_rate(&s, "80", "day").await;
    let client_day = logged(&s, &s.owner, &task, "2026-11-23", "1h", &[]).await;
    assert_eq!(rate(&client_day), Some((1000, "EUR".into(), RateSource::Client)), "80.00/day ÷ 8 h");

    let reply = s
        .app
        .call(
            "/api/projects/update",
            &[
                ("id", &s.project),
                ("form[client_id]", &s.client),
                ("form[name]", "Website"),
                ("form[rate_amount]", "95"),
                ("form[rate_currency]", "GBP"),
                ("form[rate_unit]", "hour"),
            ],
            Some(&s.owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let project = logged(&s, &s.owner, &task, "2026-11-23", "1h", &[]).await;
    assert_eq!(rate(&project), Some((9500, "GBP".into(), RateSource::Project)), "the project's rate and currency win");

    let me = s.app.user_id(&s.owner).await.to_string();
    let reply = s
        .app
        .call(
            "/api/clients/set_member_rate",
            &[
                ("rate[client_id]", &s.client),
                ("rate[user_id]", &me),
                ("rate[bill_amount]", "700"),
                ("rate[bill_currency]", "EUR"),
                ("rate[bill_unit]", "day"),
                ("rate[cost_amount]", "300"),
                ("rate[cost_currency]", "EUR"),
                ("rate[cost_unit]", "day"),
            ],
            Some(&s.owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let member = logged(&s, &s.owner, &task, "2026-11-23", "1h", &[]).await;
    assert_eq!(rate(&member), Some((8750, "EUR".into(), RateSource::Member)));
    assert_eq!(member.cost.map(|c| c.minor), Some(3750), "300.00/day ÷ 8 h");

    let manual = logged(
        &s,
        &s.owner,
        &task,
        "2026-11-23",
        "1h",
        &[("entry[rate_amount]", "120"), ("entry[rate_currency]", "USD")],
    )
    .await;
    assert_eq!(rate(&manual), Some((12000, "USD".into(), RateSource::Manual)));
    assert_eq!(manual.cost.map(|c| c.minor), Some(3750), "overriding the bill rate keeps the cost");

    let reply = s
        .app
        .call(
            "/api/settings/update",
            &[("name", "Studio"), ("address", ""), ("currency", "EUR"), ("hours_per_day", "7")],
            Some(&s.owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let seven = logged(&s, &s.owner, &task, "2026-11-23", "1h", &[]).await;
    assert_eq!(rate(&seven), Some((10_000, "EUR".into(), RateSource::Member)), "700.00/day ÷ 7 h");

    // Rates changed since; every entry keeps the rate it was created with.
    let sheet: Timesheet = s.app.call("/api/time/timesheet", &[("week", "2026-11-23")], Some(&s.owner)).await.json();
    let frozen: Vec<Option<(i64, String, RateSource)>> = sheet.entries.iter().map(rate).collect();
    assert_eq!(
        frozen,
        [
            None,
            Some((1000, "EUR".into(), RateSource::Client)),
            Some((9500, "GBP".into(), RateSource::Project)),
            Some((8750, "EUR".into(), RateSource::Member)),
            Some((12000, "USD".into(), RateSource::Manual)),
            Some((10_000, "EUR".into(), RateSource::Member)),
        ]
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_timesheet_follows_the_business_time_zone_across_dst_and_year_ends(pool: PgPool) {
    let s = setup(pool, 2).await;
    let reply = s
        .app
        .call(
            "/api/settings/update",
            &[("name", "Studio"), ("address", ""), ("currency", "EUR"), ("timezone", "Europe/London")],
            Some(&s.owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    // The week of 23 March 2026 loses an hour on Sunday the 29th.
    logged(&s, &s.owner, &s.tasks[0], "2026-03-29", "30m", &[("entry[start_time]", "23:30")]).await;
    logged(&s, &s.owner, &s.tasks[0], "2026-03-30", "1h", &[("entry[start_time]", "00:30")]).await;
    logged(&s, &s.owner, &s.tasks[1], "2026-03-23", "2h", &[("entry[start_time]", "00:00")]).await;
    let sheet: Timesheet = s.app.call("/api/time/timesheet", &[("week", "2026-03-25")], Some(&s.owner)).await.json();
    assert_eq!(sheet.week_start.to_string(), "2026-03-23");
    assert_eq!(sheet.day_totals, [7200, 0, 0, 0, 0, 0, 1800]);
    assert_eq!(sheet.week_total, 9000, "Sunday 23:30 is this week; Monday 00:30 is next");
    let next: Timesheet = s.app.call("/api/time/timesheet", &[("week", "2026-03-30")], Some(&s.owner)).await.json();
    assert_eq!(next.day_totals[0], 3600);

    logged(&s, &s.owner, &s.tasks[0], "2026-12-31", "1:00", &[]).await;
    logged(&s, &s.owner, &s.tasks[0], "2027-01-03", "2:00", &[("entry[start_time]", "23:59")]).await;
    let year_end: Timesheet = s.app.call("/api/time/timesheet", &[("week", "2027-01-01")], Some(&s.owner)).await.json();
    assert_eq!(year_end.week_start.to_string(), "2026-12-28");
    assert_eq!(year_end.days.last().map(|d| d.to_string()).as_deref(), Some("2027-01-03"));
    assert_eq!(year_end.day_totals, [0, 0, 0, 3600, 0, 0, 7200]);
    assert_eq!(year_end.rows.len(), 1);
    assert_eq!(year_end.rows[0].total, 10_800);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn running_timers_stay_off_the_timesheet_until_stopped(pool: PgPool) {
    let s = setup(pool, 1).await;
    s.app.call("/api/time/start", &[("task_id", &s.tasks[0])], Some(&s.owner)).await;
    let sheet: Timesheet = s.app.call("/api/time/timesheet", &[], Some(&s.owner)).await.json();
    assert_eq!((sheet.week_total, sheet.entries.len()), (0, 0));
    s.app.call("/api/time/stop", &[], Some(&s.owner)).await;
    let sheet: Timesheet = s.app.call("/api/time/timesheet", &[], Some(&s.owner)).await.json();
    assert_eq!(sheet.entries.len(), 1);
    assert!(sheet.week_total >= 1);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn contractors_see_and_change_only_their_own_time(pool: PgPool) {
    let s = setup(pool, 1).await;
    let contractor = s.app.teammate(&s.owner, "Casey", "contractor").await;
    let mine = logged(&s, &contractor, &s.tasks[0], "2026-11-23", "1h", &[]).await;
    let owners = logged(&s, &s.owner, &s.tasks[0], "2026-11-23", "2h", &[]).await;
    let owner_id = s.app.user_id(&s.owner).await.to_string();

    let forbidden =
        s.app.call("/api/time/timesheet", &[("week", "2026-11-23"), ("member", &owner_id)], Some(&contractor)).await;
    assert_eq!(forbidden.app_error(), AppError::Forbidden);
    let own: Timesheet = s.app.call("/api/time/timesheet", &[("week", "2026-11-23")], Some(&contractor)).await.json();
    assert_eq!((own.week_total, own.members.len()), (3600, 1));
    let for_task: Vec<TimeEntryView> =
        s.app.call("/api/time/for_task", &[("task_id", &s.tasks[0])], Some(&contractor)).await.json();
    assert_eq!(for_task.iter().map(|e| e.id).collect::<Vec<_>>(), [mine.id]);
    // The board's cards count the same time: the contractor's own, everyone's for the owner.
    let board = |cookie: String| {
        let (app, project) = (&s.app, s.project.clone());
        async move {
            let tasks: Vec<Task> = app.call("/api/tasks/list", &[("project_id", &project)], Some(&cookie)).await.json();
            tasks[0].tracked_seconds
        }
    };
    assert_eq!(board(contractor.clone()).await, Some(3600));
    assert_eq!(board(s.owner.clone()).await, Some(3 * 3600));

    let contractor_id = s.app.user_id(&contractor).await.to_string();
    let theirs: Timesheet = s
        .app
        .call("/api/time/timesheet", &[("week", "2026-11-23"), ("member", &contractor_id)], Some(&s.owner))
        .await
        .json();
    assert_eq!(theirs.week_total, 3600, "time.viewAll sees a member's week");
    let everyone: Vec<TimeEntryView> =
        s.app.call("/api/time/for_task", &[("task_id", &s.tasks[0])], Some(&s.owner)).await.json();
    assert_eq!(everyone.len(), 2);
    assert!(everyone.iter().all(|e| e.cost.is_none() || e.id == owners.id));

    // A contractor has neither time.edit nor time.delete.
    let edit =
        s.app.call("/api/time/update_note", &[("id", &mine.id.to_string()), ("note", "x")], Some(&contractor)).await;
    assert_eq!(edit.app_error(), AppError::Forbidden);
    let member = s.app.teammate(&s.owner, "Max", "member").await;
    // A member may edit notes, but not someone else's entry unless they may see everyone's time.
    let member_entry = logged(&s, &member, &s.tasks[0], "2026-11-23", "1h", &[]).await;
    let ok = s
        .app
        .call("/api/time/update_note", &[("id", &member_entry.id.to_string()), ("note", "  Done  ")], Some(&member))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    let timesheet_viewer = s.app.teammate(&s.owner, "Vi", "viewer").await;
    let viewer_edit = s
        .app
        .call("/api/time/update_note", &[("id", &mine.id.to_string()), ("note", "x")], Some(&timesheet_viewer))
        .await;
    assert_eq!(viewer_edit.app_error(), AppError::Forbidden);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn billed_entries_are_locked_and_keep_their_task(pool: PgPool) {
    let s = setup(pool, 2).await;
    let billed = logged(&s, &s.owner, &s.tasks[0], "2026-11-23", "1h", &[]).await;
    let unbilled = logged(&s, &s.owner, &s.tasks[1], "2026-11-23", "1h", &[]).await;
    // Billed: linked to a real line of a draft (the link is a foreign key).
    let invoice: Uuid = s
        .app
        .call(
            "/api/invoices/create",
            &[("form[client_id]", &s.client), ("form[currency]", "EUR"), ("form[tax_treatment]", "zero_rated")],
            Some(&s.owner),
        )
        .await
        .json();
    let invoice_id = invoice.to_string();
    let line = [("id", invoice_id.as_str()), ("form[description]", "Design"), ("form[amount]", "80.00")];
    let added = s.app.call("/api/invoices/lines/add", &line, Some(&s.owner)).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text());
    sqlx::query(
        "update time_entries set invoice_line_id = (select id from sales_lines where invoice_id = $1) where id = $2",
    )
    .bind(invoice)
    .bind(billed.id)
    .execute(&s.app.pool)
    .await
    .expect("bill it");
    let locked = "This entry is on an invoice, so it can't be changed. Remove it from the invoice first.";
    let edit =
        s.app.call("/api/time/update_note", &[("id", &billed.id.to_string()), ("note", "x")], Some(&s.owner)).await;
    assert_eq!(edit.app_error(), AppError::NotAllowed(locked.into()));
    let delete = s.app.call("/api/time/delete", &[("id", &billed.id.to_string())], Some(&s.owner)).await;
    assert_eq!(delete.app_error(), AppError::NotAllowed(locked.into()));
    let task = s.app.call("/api/tasks/delete", &[("id", &s.tasks[0])], Some(&s.owner)).await;
    assert!(matches!(task.app_error(), AppError::NotAllowed(_)), "a task with billed time stays");

    let removed = s.app.call("/api/tasks/delete", &[("id", &s.tasks[1])], Some(&s.owner)).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text());
    let left: i64 = sqlx::query_scalar("select count(*) from time_entries where id = $1")
        .bind(unbilled.id)
        .fetch_one(&s.app.pool)
        .await
        .expect("n");
    assert_eq!(left, 0, "its unbilled time goes with it");
    let deleted = s.app.call("/api/time/delete", &[("id", &billed.id.to_string())], Some(&s.owner)).await;
    assert!(!deleted.status.is_success());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn time_cannot_be_logged_against_another_business_or_an_archived_client(pool: PgPool) {
    let s = setup(pool, 1).await;
    let other = s.app.owner_of("Other", &email("other")).await;
    let reply = log(&s, &other, &s.tasks[0], "2026-11-23", "1h", &[]).await;
    assert_eq!(reply.app_error(), AppError::field("task_id", "Choose one of your tasks."));
    let start = s.app.call("/api/time/start", &[("task_id", &s.tasks[0])], Some(&other)).await;
    assert_eq!(start.app_error(), AppError::NotFound);

    s.app.call("/api/clients/archive", &[("id", &s.client)], Some(&s.owner)).await;
    let reply = log(&s, &s.owner, &s.tasks[0], "2026-11-23", "1h", &[]).await;
    assert_eq!(
        reply.app_error(),
        AppError::field("task_id", "This task's client is archived. Restore the client to track time on it.")
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn seeing_everyones_time_is_not_changing_it(pool: PgPool) {
    let s = setup(pool, 1).await;
    let member = s.app.teammate(&s.owner, "Max", "member").await;
    let manager = s.app.teammate(&s.owner, "Mia", "manager").await;
    let owners = logged(&s, &s.owner, &s.tasks[0], "2026-11-23", "2h", &[]).await;
    let owners_id = owners.id.to_string();

    // A member has time.viewAll, time.edit and time.delete, but not time.manageOthers.
    let edit = s.app.call("/api/time/update_note", &[("id", &owners_id), ("note", "mine now")], Some(&member)).await;
    assert!(matches!(edit.app_error(), AppError::NotAllowed(m) if m.starts_with("You can change only your own")));
    let delete = s.app.call("/api/time/delete", &[("id", &owners_id)], Some(&member)).await;
    assert!(matches!(delete.app_error(), AppError::NotAllowed(_)));
    let entries: Vec<TimeEntryView> =
        s.app.call("/api/time/for_task", &[("task_id", &s.tasks[0])], Some(&s.owner)).await.json();
    assert_eq!(entries.iter().find(|e| e.id == owners.id).map(|e| e.note.as_str()), Some(""), "unchanged");

    let owner_id = s.app.user_id(&s.owner).await.to_string();
    let sheet: Timesheet =
        s.app.call("/api/time/timesheet", &[("week", "2026-11-23"), ("member", &owner_id)], Some(&member)).await.json();
    assert!(!sheet.can_edit && !sheet.can_delete, "no controls for entries they cannot change");

    let managed = s.app.call("/api/time/update_note", &[("id", &owners_id), ("note", "checked")], Some(&manager)).await;
    assert_eq!(managed.status, StatusCode::OK, "managers hold time.manageOthers: {}", managed.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_task_with_a_running_timer_or_a_teammates_time_is_not_deleted_by_someone_who_may_not_change_it(pool: PgPool) {
    let s = setup(pool, 2).await;
    let member = s.app.teammate(&s.owner, "Max", "member").await;
    logged(&s, &s.owner, &s.tasks[0], "2026-11-23", "2h", &[]).await;
    let reply = s.app.call("/api/tasks/delete", &[("id", &s.tasks[0])], Some(&member)).await;
    assert!(matches!(reply.app_error(), AppError::NotAllowed(m) if m.starts_with("Teammates have tracked time")));

    let started = s.app.call("/api/time/start", &[("task_id", &s.tasks[1])], Some(&member)).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text());
    let reply = s.app.call("/api/tasks/delete", &[("id", &s.tasks[1])], Some(&s.owner)).await;
    assert!(
        matches!(reply.app_error(), AppError::NotAllowed(m) if m.starts_with("A timer is running")),
        "not even an owner deletes a task under a running timer"
    );
    let owners_task = s.app.call("/api/tasks/delete", &[("id", &s.tasks[0])], Some(&s.owner)).await;
    assert_eq!(owners_task.status, StatusCode::OK, "{}", owners_task.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_rate_typed_on_an_entry_needs_the_rate_permission(pool: PgPool) {
    let s = setup(pool, 1).await;
    let limited = s
        .app
        .call(
            "/api/team/create_role",
            &[
                ("name", "Tracker"),
                ("permissions[0]", "time.log"),
                ("permissions[1]", "time.viewOwn"),
                ("permissions[2]", "tasks.view"),
            ],
            Some(&s.owner),
        )
        .await;
    let role: app::team::CustomRole = limited.json();
    let tracker = s.app.teammate(&s.owner, "Tia", &format!("custom:{}", role.id)).await;
    let reply = log(
        &s,
        &tracker,
        &s.tasks[0],
        "2026-11-23",
        "1h",
        &[("entry[rate_amount]", "500"), ("entry[rate_currency]", "EUR")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.app_error().field_message("rate_amount").is_some_and(|m| m.contains("Manage client rates")));
    let plain = log(&s, &tracker, &s.tasks[0], "2026-11-23", "1h", &[]).await;
    assert_eq!(plain.status, StatusCode::OK, "without a rate the entry is logged: {}", plain.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn entries_come_for_any_half_open_range_of_business_days_as_the_viewer_may_see_them(pool: PgPool) {
    let s = setup(pool, 1).await;
    let contractor = s.app.teammate(&s.owner, "Casey", "contractor").await;
    sqlx::query("update businesses set timezone = 'Asia/Tokyo'").execute(&s.app.pool).await.expect("zone");
    logged(&s, &s.owner, &s.tasks[0], "2026-03-01", "1h", &[("entry[start_time]", "08:00")]).await;
    logged(&s, &s.owner, &s.tasks[0], "2026-03-02", "2h", &[]).await;
    logged(&s, &contractor, &s.tasks[0], "2026-03-01", "30m", &[]).await;
    async fn entries(app: &TestApp, cookie: &str, args: &[(&str, &str)]) -> crate::common::Reply {
        app.call("/api/time/entries", args, Some(cookie)).await
    }
    let seconds = |reply: crate::common::Reply| -> Vec<i64> {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.json::<Vec<TimeEntryView>>().into_iter().map(|e| e.duration_seconds).collect()
    };
    // [1 March, 2 March) on Tokyo's calendar: 08:00 in Tokyo is still 28 February in UTC.
    let owner_day = entries(&s.app, &s.owner, &[("from", "2026-03-01"), ("to", "2026-03-02")]).await;
    assert_eq!(seconds(owner_day), [3600, 1800], "the owner sees everyone's");
    let owner_two = entries(&s.app, &s.owner, &[("from", "2026-03-01"), ("to", "2026-03-03")]).await;
    assert_eq!(seconds(owner_two).len(), 3);
    let own = entries(&s.app, &contractor, &[("from", "2026-03-01"), ("to", "2026-03-03")]).await;
    assert_eq!(seconds(own), [1800], "a contractor sees only their own");
    let owner_id = s.app.user_id(&s.owner).await.to_string();
    let theirs =
        entries(&s.app, &contractor, &[("from", "2026-03-01"), ("to", "2026-03-03"), ("member", &owner_id)]).await;
    assert_eq!(theirs.app_error(), AppError::Forbidden);

    let backwards = entries(&s.app, &s.owner, &[("from", "2026-03-02"), ("to", "2026-03-02")]).await;
    assert_eq!(backwards.app_error(), AppError::field("to", "The end date must be after the start date."));
    let too_long = entries(&s.app, &s.owner, &[("from", "2025-01-01"), ("to", "2026-03-02")]).await;
    assert_eq!(too_long.app_error(), AppError::field("to", "Ask for at most 366 days at a time."));
    let unreadable = entries(&s.app, &s.owner, &[("from", "March"), ("to", "2026-03-02")]).await;
    assert!(matches!(unreadable.app_error(), AppError::Validation(_)));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn tasks_are_found_by_title_across_projects_open_ones_first(pool: PgPool) {
    let s = setup(pool, 0).await;
    let other: Uuid = s
        .app
        .call("/api/projects/create", &[("form[client_id]", &s.client), ("form[name]", "Branding")], Some(&s.owner))
        .await
        .json();
    let other = other.to_string();
    for (project, title, status) in
        [(&s.project, "Design homepage", "todo"), (&other, "Logo design", "done"), (&other, "Print ads", "todo")]
    {
        let reply = s
            .app
            .call("/api/tasks/create", &[("project_id", project), ("title", title), ("status", status)], Some(&s.owner))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let search = |cookie: String, q: &'static str| {
        let app = &s.app;
        async move {
            let found: Vec<app::tasks::TaskMatch> =
                app.call("/api/tasks/search", &[("q", q)], Some(&cookie)).await.json();
            found.into_iter().map(|t| (t.title, t.project_name)).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        search(s.owner.clone(), "DESIGN").await,
        [("Design homepage".to_owned(), "Website".to_owned()), ("Logo design".to_owned(), "Branding".to_owned())]
    );
    assert!(search(s.owner.clone(), "  ").await.is_empty());
    assert!(search(s.owner.clone(), "%").await.is_empty(), "wildcards are plain characters");
    let stranger = s.app.owner_of("Elsewhere", &email("stranger")).await;
    assert!(search(stranger, "design").await.is_empty(), "another business's tasks are not found");
}

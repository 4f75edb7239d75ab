//! The seeded business: one owner, 200 clients with a default rate, 20 projects of 5 tasks,
//! 10,000 time entries over the 50 weeks around this one (200 in this week's timesheet), a running
//! timer, 500 invoices of 3 lines each, half of them issued, and 1,000 expenses over the year (half
//! paid, a third billable to a client). Everything a person would type
//! goes through the in-process router (so validation, numbering and totals are real); only the
//! time entries are inserted in bulk.

use super::Res;
use crate::Bench;
use app::ids::InvoiceId;
use app::server::{AppState, AuthSettings};
use chrono::{Datelike, Duration as Days, NaiveDate, Utc};
use leptos::prelude::LeptosOptions;
use secrecy::SecretString;
use std::time::{Duration, Instant};

pub const EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "benchmark-pw";
const IP: &str = "10.0.0.1";
const CLIENTS: usize = 200;
const PROJECTS: usize = 20;
const TASKS_PER_PROJECT: usize = 5;
const ENTRIES: i32 = 10_000;
/// Entries per week: 40 a day, Monday to Friday.
const ENTRIES_PER_WEEK: i32 = 200;
/// This week is the 49th of the 50 weeks the entries cover (48 before it, one after).
const WEEKS_BEFORE: i64 = 48;
const INVOICES: usize = 500;
const EXPENSES: usize = 1_000;
const LINES: [(&str, &str); 3] = [("Design+work", "1200"), ("Development", "850"), ("Support+retainer", "300")];

#[derive(serde::Serialize)]
pub struct Seeded {
    #[serde(skip)]
    pub issued: InvoiceId,
    #[serde(skip)]
    pub elapsed: Duration,
    pub seconds: f64,
    pub clients: usize,
    pub projects: usize,
    pub tasks: usize,
    pub time_entries: i64,
    pub time_entries_this_week: i64,
    pub running_timer: bool,
    pub invoices: usize,
    pub invoices_issued: usize,
    pub invoice_lines: usize,
    pub expenses: usize,
}

impl Seeded {
    pub fn summary(&self) -> String {
        format!(
            "{} clients, {} projects, {} tasks, {} time entries ({} this week, a timer running), {} invoices \
             ({} issued, {} lines), {} expenses",
            self.clients,
            self.projects,
            self.tasks,
            self.time_entries,
            self.time_entries_this_week,
            self.invoices,
            self.invoices_issued,
            self.invoice_lines,
            self.expenses
        )
    }
}

async fn post(bench: &Bench, path: &str, form: &str, cookie: Option<&str>) -> Res<(Vec<u8>, Option<String>)> {
    let (status, body, set_cookie) = bench.call(path, form, cookie, IP).await;
    if status != 200 {
        return Err(format!("seeding: {path} answered {status}: {}", String::from_utf8_lossy(&body)).into());
    }
    Ok((body, set_cookie))
}

/// The id a create call answered with: a JSON string, or an object with an `id`.
fn id_of(body: &[u8]) -> Res<String> {
    let value: serde_json::Value = serde_json::from_slice(body)?;
    value
        .as_str()
        .or_else(|| value["id"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("seeding: no id in {value}").into())
}

pub async fn seed(url: &str, secret: &str) -> Res<Seeded> {
    let started = Instant::now();
    let pool = server::startup::connect(url, 10).await?;
    server::startup::migrate(&pool).await?;
    let options = LeptosOptions::builder().output_name("clerq").site_root("target/site").build();
    let auth = AuthSettings::new(SecretString::from(secret.to_owned()), None, false);
    let bench = &Bench { router: server::startup::router(AppState::new(options, pool.clone(), auth), None) };

    let sign_up = format!("name=Bench+Owner&email={}&password={PASSWORD}", EMAIL.replace('@', "%40"));
    let (_, cookie) = post(bench, "/api/auth/sign_up", &sign_up, None).await?;
    let cookie = cookie.ok_or("seeding: sign-up set no session cookie")?;
    let cookie = Some(cookie.as_str());
    post(bench, "/api/business/create", "name=Bench+Studio&currency=EUR", cookie).await?;

    let mut clients = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let form = format!(
            "form[name]=Client+{i:03}&form[rate_amount]={}&form[rate_currency]=EUR&form[rate_unit]=hour",
            60 + i % 90
        );
        clients.push(id_of(&post(bench, "/api/clients/create", &form, cookie).await?.0)?);
    }
    let mut tasks = Vec::with_capacity(PROJECTS * TASKS_PER_PROJECT);
    for (p, client) in clients.iter().take(PROJECTS).enumerate() {
        let form = format!("form[client_id]={client}&form[name]=Project+{p:02}");
        let project = id_of(&post(bench, "/api/projects/create", &form, cookie).await?.0)?;
        for t in 0..TASKS_PER_PROJECT {
            let form = format!("project_id={project}&title=Task+{p:02}.{t}");
            tasks.push(id_of(&post(bench, "/api/tasks/create", &form, cookie).await?.0)?);
        }
    }

    let today = Utc::now().date_naive();
    let monday = today - Days::days(i64::from(today.weekday().num_days_from_monday()));
    let first_monday = monday - Days::weeks(WEEKS_BEFORE);
    let entries = time_entries(&pool, &tasks, first_monday).await?;
    let this_week: i64 = sqlx::query_scalar(
        "select count(*) from time_entries where started_at >= $1 and started_at < $1 + interval '7 days'",
    )
    .bind(monday.and_hms_opt(0, 0, 0).ok_or("midnight")?.and_utc())
    .fetch_one(&pool)
    .await?;
    post(bench, "/api/time/start", &format!("task_id={}", tasks[0]), cookie).await?;

    let mut issued = Vec::new();
    let mut lines = 0;
    for n in 0..INVOICES {
        let date = today - Days::days((n * 7 % 360) as i64);
        let form = format!(
            "form[client_id]={}&form[currency]=EUR&form[tax_treatment]=zero_rated&form[issue_date]={date}",
            clients[n % CLIENTS]
        );
        let id = id_of(&post(bench, "/api/invoices/create", &form, cookie).await?.0)?;
        for (description, amount) in LINES {
            let form = format!("id={id}&form[description]={description}&form[amount]={amount}");
            post(bench, "/api/invoices/lines/add", &form, cookie).await?;
            lines += 1;
        }
        if n % 2 == 0 {
            post(bench, "/api/invoices/issue", &format!("id={id}"), cookie).await?;
            issued.push(id);
        }
    }

    for n in 0..EXPENSES {
        let date = today - Days::days((n * 11 % 360) as i64);
        let billable = if n % 3 == 0 {
            format!("&form[client_id]={}&form[billable]=on", clients[n % CLIENTS])
        } else {
            String::new()
        };
        let form = format!(
            "form[description]=Expense+{n}&form[amount]={}.{:02}&form[currency]=EUR&form[incurred_on]={date}\
             &form[vendor]=Vendor+{}&form[category]=Category+{}{billable}",
            5 + n % 400,
            n % 100,
            n % 40,
            n % 8
        );
        let id = id_of(&post(bench, "/api/expenses/create", &form, cookie).await?.0)?;
        if n % 2 == 0 {
            post(bench, "/api/expenses/status", &format!("id={id}&status=paid&paid_on={date}"), cookie).await?;
        }
    }

    // Steady state: autovacuum would analyze the new tables within a minute; without statistics
    // the planner picks plans no running instance would.
    sqlx::query("analyze").execute(&pool).await?;
    pool.close().await;
    let elapsed = started.elapsed();
    Ok(Seeded {
        issued: issued.first().ok_or("seeding: nothing issued")?.parse().map_err(|_| "invoice id")?,
        elapsed,
        seconds: elapsed.as_secs_f64(),
        clients: clients.len(),
        projects: PROJECTS,
        tasks: tasks.len(),
        time_entries: entries,
        time_entries_this_week: this_week,
        running_timer: true,
        invoices: INVOICES,
        invoices_issued: issued.len(),
        invoice_lines: lines,
        expenses: EXPENSES,
    })
}

/// 10,000 priced entries of 10 minutes by the owner, 40 a working day from 09:00, over the 50
/// weeks from `first_monday`, spread over every task; priced at the client's default rate.
async fn time_entries(pool: &sqlx::PgPool, tasks: &[String], first_monday: NaiveDate) -> Res<i64> {
    let tasks: Vec<uuid::Uuid> = tasks.iter().map(|t| t.parse()).collect::<Result<_, _>>()?;
    let inserted = sqlx::query(
        "insert into time_entries (business_id, user_id, task_id, source, started_at, ended_at, duration_seconds,
                                   billable, rate_minor, rate_currency, rate_source)
         select t.business_id, a.id, t.id, 'manual', s.started_at, s.started_at + interval '10 minutes', 600, true,
                c.default_rate_minor, c.default_rate_currency, 'client'
         from (select $2::timestamptz + (g / $3) * interval '7 days' + ((g % $3) / ($3 / 5)) * interval '1 day'
                      + interval '9 hours' + (g % ($3 / 5)) * interval '12 minutes' as started_at,
                      ($4::uuid[])[1 + g % cardinality($4::uuid[])] as task_id
               from generate_series(0, $1 - 1) g) s
         join tasks t on t.id = s.task_id
         join projects p on p.business_id = t.business_id and p.id = t.project_id
         join clients c on c.business_id = p.business_id and c.id = p.client_id
         cross join (select id from accounts where email = $5) a",
    )
    .bind(ENTRIES)
    .bind(first_monday.and_hms_opt(0, 0, 0).ok_or("midnight")?.and_utc())
    .bind(ENTRIES_PER_WEEK)
    .bind(&tasks)
    .bind(EMAIL)
    .execute(pool)
    .await?;
    Ok(inserted.rows_affected() as i64)
}

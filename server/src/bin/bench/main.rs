//! `cargo run -p server --release --bin bench`: latency of the hot paths through the real router
//! and a scratch PostgreSQL database (`DATABASE_URL` names the server; a database is created and
//! dropped). Prints figures; asserts nothing.
//!
//! `bench load [--check] [--json PATH] [--seconds N]` (or `./scripts/bench`): the load harness of
//! issue 11, see [`load`]. `bench receipts [--count N] [--size BYTES]`: the receipts ZIP's memory,
//! see [`receipts`].

use app::server::{AppState, AuthSettings, MIGRATOR};
use axum::body::{to_bytes, Body};
use http::{header, Request};
use leptos::prelude::LeptosOptions;
use secrecy::SecretString;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use tower::ServiceExt;

mod load;
mod pdf;
mod receipts;

struct Bench {
    router: axum::Router,
}

impl Bench {
    async fn send(&self, request: Request<Body>) -> (u16, Vec<u8>, Option<String>) {
        let response = self.router.clone().oneshot(request).await.expect("router");
        let status = response.status().as_u16();
        let cookie = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("clerq_session="))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned());
        let body = to_bytes(response.into_body(), usize::MAX).await.expect("body").to_vec();
        (status, body, cookie)
    }

    async fn call(&self, path: &str, form: &str, cookie: Option<&str>, ip: &str) -> (u16, Vec<u8>, Option<String>) {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header("x-forwarded-for", ip);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("clerq_session={cookie}"));
        }
        self.send(request.body(Body::from(form.to_owned())).expect("request")).await
    }

    async fn call_json(&self, path: &str, body: &serde_json::Value, cookie: &str) {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::COOKIE, format!("clerq_session={cookie}"))
            .body(Body::from(serde_json::to_vec(body).expect("json")))
            .expect("request");
        let (status, body, _) = self.send(request).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    }
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let n = samples.len();
    let total: Duration = samples.iter().sum();
    let mean = total / n as u32;
    let pct = |p: usize| samples[(n * p / 100).min(n - 1)];
    println!(
        "{name:<46} n={n:<5} mean={:>8.3} ms  p50={:>8.3} ms  p95={:>8.3} ms  {:>8.0}/s",
        mean.as_secs_f64() * 1e3,
        pct(50).as_secs_f64() * 1e3,
        pct(95).as_secs_f64() * 1e3,
        n as f64 / total.as_secs_f64()
    );
}

async fn time<F, Fut>(n: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        f(i).await;
        samples.push(start.elapsed());
    }
    samples
}

fn main() -> std::process::ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("load") => return load::main(std::env::args().skip(2).collect()),
        Some("receipts") => return receipts::main(std::env::args().skip(2).collect()),
        _ => {}
    }
    hot_paths();
    std::process::ExitCode::SUCCESS
}

/// A migrated scratch database on the `DATABASE_URL` server: the admin pool (to drop it), its
/// name, a pool with the server's own settings (so figures include what they cost or save), and
/// the router over it.
async fn scratch() -> (PgPool, String, PgPool, Bench) {
    let base = std::env::var("DATABASE_URL").expect("set DATABASE_URL to a PostgreSQL server URL");
    let admin = PgPool::connect(&base).await.expect("connect");
    let name = format!("clerq_bench_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("create database \"{name}\""))).execute(&admin).await.expect("create db");
    let url = format!("{}/{name}", base.rsplit_once('/').map_or(base.as_str(), |(prefix, _)| prefix));
    let pool = server::startup::pool_options(10).connect(&url).await.expect("connect scratch");
    MIGRATOR.run(&pool).await.expect("migrate");
    let options = LeptosOptions::builder().output_name("clerq").site_root("target/site").build();
    let auth =
        AuthSettings::new(SecretString::from("bench-secret-0123456789abcdef0123456789abcdef".to_owned()), None, true);
    let bench = Bench { router: server::startup::router(AppState::new(options, pool.clone(), auth), None) };
    (admin, name, pool, bench)
}

#[tokio::main]
async fn hot_paths() {
    let (admin, name, pool, bench) = scratch().await;
    let bench = &bench;

    let (m, t, p) = app::server::password::parameters();
    println!("Clerq benchmarks (debug assertions {}; argon2id m={m} KiB t={t} p={p})", cfg!(debug_assertions));
    pdf::renders();

    // Setup: an owner with a business, 500 clients, one project with 20 tasks, 1 000 entries.
    let (_, _, cookie) = bench
        .call("/api/auth/sign_up", "name=Bench&email=bench@example.com&password=benchmark-pw", None, "10.0.0.1")
        .await;
    let cookie = cookie.expect("signed up");
    let cookie = cookie.as_str();
    bench.call("/api/business/create", "name=Bench+Studio&currency=EUR", Some(cookie), "10.0.0.1").await;
    let mut first_client = String::new();
    for i in 0..500 {
        let (_, body, _) =
            bench.call("/api/clients/create", &format!("form[name]=Client+{i:03}"), Some(cookie), "10.0.0.1").await;
        if i == 0 {
            first_client = serde_json::from_slice::<String>(&body).expect("client id");
        }
    }
    let (_, body, _) = bench
        .call(
            "/api/projects/create",
            &format!("form[client_id]={first_client}&form[name]=Site"),
            Some(cookie),
            "10.0.0.1",
        )
        .await;
    let project: String = serde_json::from_slice(&body).expect("project id");
    let mut tasks: Vec<String> = Vec::new();
    for i in 0..20 {
        let (_, body, _) = bench
            .call("/api/tasks/create", &format!("project_id={project}&title=Task+{i}"), Some(cookie), "10.0.0.1")
            .await;
        tasks.push(
            serde_json::from_slice::<serde_json::Value>(&body).expect("task")["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    for i in 0..1000 {
        let day = 1 + i % 28;
        let form = format!("entry[task_id]={}&entry[date]=2026-11-{day:02}&entry[duration]=1h", tasks[i % tasks.len()]);
        bench.call("/api/time/log", &form, Some(cookie), "10.0.0.1").await;
    }

    // Steady state: autovacuum analyzes new tables within a minute; without statistics the
    // planner picks nested loops over every client (a 400 ms timesheet instead of 1 ms).
    sqlx::query("analyze").execute(&pool).await.expect("analyze");
    if std::env::var_os("CLERQ_BENCH_ONLY_TIMESHEET").is_some() {
        report(
            "POST time/timesheet",
            time(5, |_| bench.call("/api/time/timesheet", "week=2026-11-23", Some(cookie), "10.0.0.1").then_unit())
                .await,
        );
        println!("kept database {name}");
        return;
    }
    report(
        "GET health.ping (no database)",
        time(2000, |_| async {
            bench.send(Request::get("/api/trpc/health.ping").body(Body::empty()).expect("request")).await;
        })
        .await,
    );
    report(
        "GET health.ready (select 1)",
        time(1000, |_| async {
            bench.send(Request::get("/api/trpc/health.ready").body(Body::empty()).expect("request")).await;
        })
        .await,
    );
    report(
        "POST auth/session (session + businesses)",
        time(1000, |_| bench.call("/api/auth/session", "", Some(cookie), "10.0.0.1").then_unit()).await,
    );
    report(
        "POST clients/list (500 clients)",
        time(200, |_| bench.call("/api/clients/list", "", Some(cookie), "10.0.0.1").then_unit()).await,
    );
    report(
        "POST time/timesheet (week with ~250 entries)",
        time(200, |_| bench.call("/api/time/timesheet", "week=2026-11-23", Some(cookie), "10.0.0.1").then_unit()).await,
    );
    let tasks = &tasks;
    report(
        "POST time/start (switching tasks)",
        time(200, |i| {
            let form = format!("task_id={}", tasks[i % tasks.len()]);
            async move {
                bench.call("/api/time/start", &form, Some(cookie), "10.0.0.1").await;
            }
        })
        .await,
    );
    report(
        "GET / (dashboard, full SSR)",
        time(200, |_| {
            let request = Request::get("/")
                .header(header::COOKIE, format!("clerq_session={cookie}"))
                .body(Body::empty())
                .expect("request");
            bench.send(request).then_unit()
        })
        .await,
    );

    invoices(bench, &pool, cookie).await;

    report(
        "POST import/rows (a chunk of 500 new clients)",
        time(10, |chunk| {
            let rows: Vec<serde_json::Value> = (0..app::import::CHUNK_ROWS)
                .map(|i| {
                    serde_json::json!({"line": i + 2, "name": format!("Imported {chunk:02}-{i:03}"), "company": "",
                        "contact_name": "", "contact_email": format!("c{chunk}-{i}@example.com"), "vat_number": "",
                        "notes": "", "default_rate": "", "currency": "", "address": ""})
                })
                .collect();
            async move { bench.call_json("/api/import/rows", &serde_json::json!({ "rows": rows }), cookie).await }
        })
        .await,
    );

    // Sign-in: an unknown address must cost what a wrong password costs. Distinct addresses and IPs
    // keep the rate limit out of the way.
    let unknown = time(20, |i| {
        let form = format!("email=nobody{i}@example.com&password=whatever-pw");
        async move {
            bench.call("/api/auth/sign_in", &form, None, &format!("10.1.0.{i}")).await;
        }
    })
    .await;
    // The per-e-mail limit allows 3 attempts per 10 s: measure in rounds of three.
    let mut wrong_samples = Vec::new();
    for round in 0..4 {
        for j in 0..3 {
            let start = Instant::now();
            bench
                .call(
                    "/api/auth/sign_in",
                    "email=bench@example.com&password=wrong-password",
                    None,
                    &format!("10.3.{round}.{j}"),
                )
                .await;
            wrong_samples.push(start.elapsed());
        }
        if round < 3 {
            tokio::time::sleep(Duration::from_secs(10)).await;
        }
    }
    report("POST auth/sign_in, unknown e-mail", unknown);
    report("POST auth/sign_in, wrong password", wrong_samples);

    pool.close().await;
    if std::env::var_os("CLERQ_BENCH_KEEP").is_some() {
        println!("kept database {name}");
    } else {
        sqlx::query(sqlx::AssertSqlSafe(format!("drop database \"{name}\" with (force)")))
            .execute(&admin)
            .await
            .expect("drop db");
    }
}

/// Issue 13's figures: generating from 10,000 entries, issuing, and the list of 500 invoices.
async fn invoices(bench: &Bench, pool: &PgPool, cookie: &str) {
    let ip = "10.0.0.1";
    let json = |body: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&body).expect("json");
    let (_, body, _) = bench
        .call(
            "/api/clients/create",
            "form[name]=Billed+Client&form[rate_amount]=31&form[rate_currency]=EUR&form[rate_unit]=hour",
            Some(cookie),
            ip,
        )
        .await;
    let client = json(body).as_str().expect("client id").to_owned();
    let (_, body, _) = bench
        .call("/api/projects/create", &format!("form[client_id]={client}&form[name]=Retainer"), Some(cookie), ip)
        .await;
    let project = json(body).as_str().expect("project id").to_owned();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (_, body, _) =
            bench.call("/api/tasks/create", &format!("project_id={project}&title=Work+{i}"), Some(cookie), ip).await;
        tasks.push(json(body)["id"].as_str().expect("task id").to_owned());
    }
    // 10,000 priced entries over a year, by one person: inserted in bulk (logging them one by one
    // would measure the timesheet, not invoicing).
    let seed_entries = || async {
        sqlx::query(
            "insert into time_entries (business_id, user_id, task_id, source, started_at, ended_at, duration_seconds,
                                       billable, rate_minor, rate_currency, rate_source)
             select t.business_id, (select id from accounts where email = 'bench@example.com'), t.id, 'manual',
                    timestamptz '2026-01-01' + (g * interval '47 minutes'), timestamptz '2026-01-01' + (g * interval '47 minutes') + interval '30 minutes',
                    1800, true, 3100, 'EUR', 'client'
             from generate_series(1, 1000) g cross join tasks t where t.project_id = $1",
        )
        .bind(uuid::Uuid::parse_str(&project).expect("uuid"))
        .execute(pool)
        .await
        .expect("seed entries");
    };
    seed_entries().await;
    sqlx::query("analyze").execute(pool).await.expect("analyze");
    let draft = |n: usize| {
        let client = client.clone();
        async move {
            let form = format!("form[client_id]={client}&form[currency]=EUR&form[tax_treatment]=zero_rated&form[issue_date]=2026-12-{:02}", 1 + n % 28);
            let (status, body, _) = bench.call("/api/invoices/create", &form, Some(cookie), ip).await;
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            serde_json::from_slice::<String>(&body).expect("invoice id")
        }
    };
    let mut generate = Vec::new();
    for round in 0..5 {
        let id = draft(round).await;
        let start = Instant::now();
        let (status, body, _) = bench
            .call("/api/invoices/generate", &format!("id={id}&form[grouping]=person_rate"), Some(cookie), ip)
            .await;
        generate.push(start.elapsed());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert_eq!(json(body)["entries"], 10_000);
        // Deleting the draft releases the entries for the next round.
        bench.call("/api/invoices/delete", &format!("id={id}"), Some(cookie), ip).await;
    }
    report("POST invoices/generate (10,000 entries)", generate);

    let mut issue = Vec::new();
    for n in 0..500 {
        let id = draft(n).await;
        bench
            .call(
                "/api/invoices/lines/add",
                &format!("id={id}&form[description]=Retainer&form[amount]=1200"),
                Some(cookie),
                ip,
            )
            .await;
        if n < 250 {
            let start = Instant::now();
            let (status, body, _) = bench.call("/api/invoices/issue", &format!("id={id}"), Some(cookie), ip).await;
            issue.push(start.elapsed());
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        }
    }
    report("POST invoices/issue", issue);
    let last = draft(999).await;
    for i in 0..30 {
        bench
            .call(
                "/api/invoices/lines/add",
                &format!("id={last}&form[description]=Line+{i}&form[amount]=12"),
                Some(cookie),
                ip,
            )
            .await;
    }
    report(
        "GET /api/invoices/{id}/pdf (30 lines)",
        time(50, |_| {
            let request = Request::get(format!("/api/invoices/{last}/pdf"))
                .header(header::COOKIE, format!("clerq_session={cookie}"))
                .body(Body::empty())
                .expect("request");
            bench.send(request).then_unit()
        })
        .await,
    );
    sqlx::query("analyze").execute(pool).await.expect("analyze");
    report(
        "GET /invoices (500 invoices, full SSR)",
        time(200, |_| {
            let request = Request::get("/invoices")
                .header(header::COOKIE, format!("clerq_session={cookie}"))
                .body(Body::empty())
                .expect("request");
            bench.send(request).then_unit()
        })
        .await,
    );
}

trait ThenUnit: std::future::Future + Sized {
    fn then_unit(self) -> impl std::future::Future<Output = ()> {
        async move {
            self.await;
        }
    }
}

impl<F: std::future::Future> ThenUnit for F {}

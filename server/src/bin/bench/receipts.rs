//! `bench receipts [--count N] [--size BYTES]`: the receipts ZIP of issue 15, streamed through the
//! real router from a scratch database holding N receipts of BYTES each (default 300 × 1 MB).
//! Prints the archive's size, the time it took, and the process's resident memory before and at its
//! peak while streaming: the archive is never held in memory, so the peak grows by about one
//! receipt, not by the archive.

use app::ids::ExpenseId;
use app::server::db::receipts::{put_receipt, NewReceipt};
use app::server::{AppState, AuthSettings, MIGRATOR};
use axum::body::Body;
use http::{header, Request};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use secrecy::SecretString;
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Resident memory now, in KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmRSS:").and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
            })
        })
        .unwrap_or(0)
}

/// A whole PDF of exactly `size` bytes, different for each `seed`.
fn pdf(size: usize, seed: usize) -> Vec<u8> {
    let tail = |xref: usize| format!("\nxref\n0 1\ntrailer<</Root 1 0 R>>\nstartxref\n{xref:010}\n%%EOF\n");
    let xref = size - tail(0).len() + 1;
    let mut pdf = format!("%PDF-1.4\n% receipt {seed}\n1 0 obj<</Type/Catalog>>endobj\n%").into_bytes();
    pdf.resize(xref - 1, b'0' + (seed % 10) as u8);
    pdf.extend_from_slice(tail(xref).as_bytes());
    pdf
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn main(args: Vec<String>) -> std::process::ExitCode {
    let (count, size) = (arg(&args, "--count", 300), arg(&args, "--size", 1024 * 1024));
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime").block_on(run(count, size));
    std::process::ExitCode::SUCCESS
}

async fn run(count: usize, size: usize) {
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
    let router = server::startup::router(AppState::new(options, pool.clone(), auth), None);
    let post = |path: &str, form: String, cookie: Option<&str>| {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("clerq_session={cookie}"));
        }
        request.body(Body::from(form)).expect("request")
    };
    let signed_up = router
        .clone()
        .oneshot(post("/api/auth/sign_up", "name=Bench&email=bench@example.com&password=benchmark-pw".into(), None))
        .await
        .expect("sign up");
    let cookie = signed_up
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("clerq_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .expect("a session");
    router
        .clone()
        .oneshot(post("/api/business/create", "name=Bench+Studio&currency=EUR".into(), Some(&cookie)))
        .await
        .expect("business");
    let (business, user): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("select business_id, user_id from memberships").fetch_one(&pool).await.expect("member");

    let seeding = Instant::now();
    for i in 0..count {
        let form = format!(
            "form[description]=Receipt+{i}&form[amount]=12.50&form[currency]=EUR&form[incurred_on]=2026-03-04&form[vendor]=Vendor+{}",
            i % 7
        );
        let response = router.clone().oneshot(post("/api/expenses/create", form, Some(&cookie))).await.expect("create");
        let body = response.into_body().collect().await.expect("body").to_bytes();
        let id: uuid::Uuid = serde_json::from_slice(&body).expect("expense id");
        let bytes = pdf(size, i);
        let checked = app::server::expenses::receipts::check(&bytes, "receipt.pdf").expect("a whole PDF");
        let receipt = NewReceipt {
            filename: &checked.filename,
            mime_type: checked.mime_type,
            sha256: &checked.sha256,
            bytes: &bytes,
        };
        put_receipt(&pool, business.into(), ExpenseId(id), user.into(), &receipt).await.expect("receipt");
    }
    println!("receipts ZIP: seeded {count} receipts of {size} bytes in {:.1} s", seeding.elapsed().as_secs_f64());

    let before = rss_kib();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let started = Instant::now();
    let request = Request::get("/api/expenses/receipts")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, format!("clerq_session={cookie}"))
        .body(Body::empty())
        .expect("request");
    let mut body = router.clone().oneshot(request).await.expect("zip").into_body();
    let (mut bytes, mut chunks) = (0usize, 0usize);
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.expect("frame").into_data() {
            bytes += data.len();
            chunks += 1;
        }
    }
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.join().expect("sampler");
    let peak = peak.load(Ordering::Relaxed);
    println!(
        "receipts ZIP: {bytes} bytes in {chunks} chunks in {:.2} s ({:.0} MB/s); resident memory {} MiB before, {} MiB at peak (+{} MiB for a {} MiB archive)",
        elapsed.as_secs_f64(),
        bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        before / 1024,
        peak / 1024,
        peak.saturating_sub(before) / 1024,
        bytes / (1024 * 1024)
    );
    pool.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("drop database \"{name}\" with (force)"))).execute(&admin).await.ok();
}

//! `bench receipts [--count N] [--size BYTES]`: the receipts ZIP of issue 15, streamed through the
//! real router from a scratch database holding N receipts of BYTES each (default 300 × 1 MB).
//! Prints the archive's size, the time it took, and the process's resident memory before and at its
//! peak while streaming: the archive is never held in memory, so the peak grows by about one
//! receipt, not by the archive.

use app::ids::ExpenseId;
use app::server::db::receipts::{put_receipt, NewReceipt};
use axum::body::Body;
use http::{header, Request};
use http_body_util::BodyExt;
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

const IP: &str = "10.0.0.1";

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn main(args: Vec<String>) -> std::process::ExitCode {
    let (count, size) = (arg(&args, "--count", 300), arg(&args, "--size", 1024 * 1024));
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime").block_on(run(count, size));
    std::process::ExitCode::SUCCESS
}

async fn run(count: usize, size: usize) {
    let (admin, name, pool, bench) = crate::scratch().await;
    let (_, _, cookie) =
        bench.call("/api/auth/sign_up", "name=Bench&email=bench@example.com&password=benchmark-pw", None, IP).await;
    let cookie = cookie.expect("signed up");
    bench.call("/api/business/create", "name=Bench+Studio&currency=EUR", Some(&cookie), IP).await;
    let (business, user): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("select business_id, user_id from memberships").fetch_one(&pool).await.expect("member");

    let seeding = Instant::now();
    for i in 0..count {
        let form = format!(
            "form[description]=Receipt+{i}&form[amount]=12.50&form[currency]=EUR&form[incurred_on]=2026-03-04&form[vendor]=Vendor+{}",
            i % 7
        );
        let (_, body, _) = bench.call("/api/expenses/create", &form, Some(&cookie), IP).await;
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
    let mut body = bench.router.clone().oneshot(request).await.expect("zip").into_body();
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

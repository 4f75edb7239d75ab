//! Reliability drills that fit in-process (issue 20): an exhausted connection pool.

use crate::common::{email, TestApp};
use http::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::{Duration, Instant};

/// A request that cannot get a connection must not hang: the guard only catches a hang, the
/// pool's acquire timeout (3 s) is what bounds the answer.
const HANG: Duration = Duration::from_secs(30);

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn with_every_pooled_connection_held_pages_answer_503_and_ping_still_answers(
    _options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    // The server's own pool settings, small enough to hold every connection.
    let pool = server::startup::pool_options(2).connect_with(connect).await.expect("pool");
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Studio", &email("drill")).await;
    assert_eq!(app.get("/clients", Some(&owner)).await.status, StatusCode::OK);

    let held = (pool.acquire().await.expect("first"), pool.acquire().await.expect("second"));
    for (path, cookie) in [("/clients", Some(owner.as_str())), ("/api/trpc/health.ready", None)] {
        let started = Instant::now();
        let reply = tokio::time::timeout(HANG, app.get(path, cookie)).await.expect("an answer, not a hang");
        println!("{path} with the pool exhausted: {} in {:?}", reply.status, started.elapsed());
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {}", reply.text());
        assert!(!reply.text().to_lowercase().contains("pool"), "no internals in the answer: {}", reply.text());
    }
    let ping = app.get("/api/trpc/health.ping", None).await;
    assert_eq!(ping.status, StatusCode::OK, "ping needs no database");

    drop(held);
    assert_eq!(app.get("/clients", Some(&owner)).await.status, StatusCode::OK, "recovered once released");
}

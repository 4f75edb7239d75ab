//! Update checks (Settings → System) against a release feed this test serves on loopback: the
//! newest release in each feed shape, the page never waiting for the feed, a 5 s timeout, the
//! instance-wide switch and who may use it.

use crate::invoices::World;
use app::error::AppError;
use app::server::updates::{self, UpdateFeed};
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// Serves `body` at `/feed` after `delay`, on a free loopback port.
async fn feed(body: &'static str, delay: Duration) -> UpdateFeed {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().route(
        "/feed",
        axum::routing::get(move || async move {
            tokio::time::sleep(delay).await;
            ([(http::header::CONTENT_TYPE, "application/json")], body)
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.expect("feed server") });
    UpdateFeed::new(format!("http://{addr}/feed")).expect("client")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_newest_release_is_found_in_the_background_and_checked_on_demand(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let ctx = w.ctx().await;
    let newer = feed(r#"{"tag_name":"v99.1.0"}"#, Duration::from_millis(300)).await;

    // The page's answer comes at once, before the feed has answered; the check runs behind it.
    let started = Instant::now();
    let first = updates::status(&ctx, Some(&newer)).await.expect("status");
    assert!(started.elapsed() < Duration::from_millis(250), "the page never waits for the feed");
    assert_eq!((first.latest.as_deref(), first.update_available), (None, false));
    assert_eq!(first.running, env!("CARGO_PKG_VERSION"));
    let mut seen = first;
    for _ in 0..100 {
        if seen.latest.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = updates::status(&ctx, Some(&newer)).await.expect("status");
    }
    assert_eq!(seen.latest.as_deref(), Some("99.1.0"));
    assert!(seen.update_available && seen.error.is_none());

    // Within 6 hours the answer is reused: a feed that now says otherwise is not asked.
    let older = feed(r#"{"name":"clerq","tags":["0.0.1","latest","0.0.2-rc.1"]}"#, Duration::ZERO).await;
    updates::status(&ctx, Some(&older)).await.expect("status");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(updates::status(&ctx, Some(&older)).await.expect("status").latest.as_deref(), Some("99.1.0"));

    // "Check now" asks again: an OCI tag list whose highest release is older than this build.
    let now = updates::check_now(&ctx, Some(&older)).await.expect("checked");
    assert_eq!((now.latest.as_deref(), now.update_available), (Some("0.0.1"), false));

    // A feed slower than 5 s is given up on, and the last good answer stays.
    let slow = feed(r#"{"version":"99.0.0"}"#, Duration::from_secs(8)).await;
    let started = Instant::now();
    let timed_out = updates::check_now(&ctx, Some(&slow)).await.expect("checked");
    assert!(started.elapsed() < Duration::from_secs(7), "5 s timeout, took {:?}", started.elapsed());
    assert_eq!(timed_out.error.as_deref(), Some("The release feed did not answer within 5 seconds."));
    assert_eq!(timed_out.latest.as_deref(), Some("0.0.1"));
    let garbage = feed("<html>oops</html>", Duration::ZERO).await;
    let refused = updates::check_now(&ctx, Some(&garbage)).await.expect("checked");
    assert_eq!(refused.error.as_deref(), Some("The release feed is not the JSON Clerq expects."));

    // Off for the whole instance: nothing is asked.
    updates::set_enabled(&ctx, false).await.expect("off");
    assert!(matches!(updates::check_now(&ctx, Some(&newer)).await, Err(AppError::Conflict(_))));
    assert!(!updates::status(&ctx, Some(&newer)).await.expect("status").enabled);
    assert!(matches!(updates::check_now(&ctx, None).await, Err(AppError::Conflict(_))), "no feed configured");

    // Only holders of settings.manageUpdates may switch or check.
    let manager = w.ctx_of(w.teammate("Max Manager", "manager").await, crate::invoices::NOW).await;
    assert_eq!(updates::set_enabled(&manager, true).await, Err(AppError::Forbidden));
    assert_eq!(updates::check_now(&manager, Some(&newer)).await.unwrap_err(), AppError::Forbidden);
}

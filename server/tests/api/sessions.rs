//! Session lifetime: expiry, the daily slide, rotation at sign-in and the signing secret.

use crate::common::{email, Settings, TestApp, PASSWORD};
use app::server::db;
use http::StatusCode;
use sqlx::PgPool;

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_expired_session_is_refused_and_its_cookie_cleared(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.sign_up("Dana", &email("exp")).await;
    sqlx::query("update sessions set expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .expect("expire");

    let reply = app.call("/api/auth/session", &[], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json::<Option<app::auth::SessionInfo>>(), None);
    assert_eq!(reply.session_cookie().as_deref(), Some(""), "the dead cookie is cleared");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn sessions_last_seven_days_and_slide_forward_once_a_day(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.sign_up("Dana", &email("slide")).await;
    let lifetime: f64 = sqlx::query_scalar("select extract(epoch from expires_at - created_at)::float8 from sessions")
        .fetch_one(&app.pool)
        .await
        .expect("lifetime");
    assert!((lifetime - 7.0 * 86400.0).abs() < 5.0, "7 days, got {lifetime}s");

    let fresh = app.call("/api/auth/session", &[], Some(&cookie)).await;
    assert!(fresh.session_cookie().is_none(), "no refresh within a day of the last one");

    sqlx::query(
        "update sessions set refreshed_at = now() - interval '25 hours', expires_at = now() + interval '2 days'",
    )
    .execute(&app.pool)
    .await
    .expect("age");
    let refreshed = app.call("/api/auth/session", &[], Some(&cookie)).await;
    assert_eq!(refreshed.session_cookie().as_deref(), Some(cookie.as_str()), "same session, cookie re-issued");
    let remaining: f64 = sqlx::query_scalar("select extract(epoch from expires_at - now())::float8 from sessions")
        .fetch_one(&app.pool)
        .await
        .expect("remaining");
    assert!(remaining > 6.9 * 86400.0, "expiry moved to 7 days from now, got {remaining}s");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn signing_in_rotates_the_session_id(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("rot");
    let before = app.sign_up("Dana", &address).await;
    let reply = app.call("/api/auth/sign_in", &[("email", &address), ("password", PASSWORD)], Some(&before)).await;
    let after = reply.session_cookie().expect("new cookie");

    assert_ne!(before, after, "a new token on every sign-in");
    assert!(app.session(Some(&before)).await.is_none(), "the session the request arrived with is revoked");
    assert!(app.session(Some(&after)).await.is_some());
    let sessions: i64 = sqlx::query_scalar("select count(*) from sessions").fetch_one(&app.pool).await.expect("count");
    assert_eq!(sessions, 1);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_cookie_signed_with_another_secret_is_rejected(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let cookie = app.sign_up("Dana", &email("secret")).await;
    let rotated = TestApp::with(pool, "a-completely-different-secret-value-0123456789", Settings::default());

    let reply = rotated.call("/api/auth/session", &[], Some(&cookie)).await;
    assert_eq!(reply.json::<Option<app::auth::SessionInfo>>(), None, "changing the secret signs everyone out");
    assert_eq!(reply.session_cookie().as_deref(), Some(""));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_forged_or_tampered_cookie_is_rejected(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.sign_up("Dana", &email("forge")).await;
    let (token, signature) = cookie.split_once('.').expect("signed");
    let unsigned_token = token.to_owned();
    let other_token = format!("{}.{signature}", app::server::session::new_token());
    for forged in [unsigned_token, other_token, format!("{token}.AAAA")] {
        assert!(app.session(Some(&forged)).await.is_none(), "{forged}");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn expired_sessions_are_swept(pool: PgPool) {
    let app = TestApp::new(pool);
    app.sign_up("A", &email("a")).await;
    app.sign_up("B", &email("b")).await;
    sqlx::query("update sessions set expires_at = now() - interval '1 minute' where id = (select id from sessions order by created_at, id limit 1)")
        .execute(&app.pool)
        .await
        .expect("expire one");
    assert_eq!(db::sessions::delete_expired(&app.pool).await.expect("sweep"), 1);
    let left: i64 = sqlx::query_scalar("select count(*) from sessions").fetch_one(&app.pool).await.expect("count");
    assert_eq!(left, 1);
}

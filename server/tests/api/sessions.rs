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

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn sliding_never_carries_a_session_past_thirty_days(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.sign_up("Dana", &email("old")).await;
    sqlx::query(
        "update sessions set created_at = now() - interval '29 days', refreshed_at = now() - interval '25 hours'",
    )
    .execute(&app.pool)
    .await
    .expect("age");
    assert!(app.session(Some(&cookie)).await.is_some(), "still within thirty days");
    let left: f64 = sqlx::query_scalar("select extract(epoch from expires_at - now())::float8 from sessions")
        .fetch_one(&app.pool)
        .await
        .expect("expiry");
    assert!(left <= 24.0 * 3600.0 + 5.0, "the slide stopped at thirty days, not seven more ({left} s left)");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn signing_out_everywhere_ends_every_session_of_the_account(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("everywhere");
    let laptop = app.sign_up("Dana", &address).await;
    let phone = second_session(&app, &address).await;
    let someone_else = app.sign_up("Sam", &email("sam")).await;

    let reply = app.call("/api/auth/sign_out_everywhere", &[], Some(&phone)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.session_cookie().as_deref(), Some(""), "this browser's cookie is cleared");
    assert!(app.session(Some(&laptop)).await.is_none(), "the other browser is signed out too");
    assert!(app.session(Some(&phone)).await.is_none());
    assert!(app.session(Some(&someone_else)).await.is_some(), "nobody else is affected");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn over_https_the_session_cookie_is_host_prefixed(pool: PgPool) {
    let app = TestApp::with(
        pool,
        crate::common::SECRET,
        Settings { public_origin: Some("https://clerq.example.com".into()), ..Settings::default() },
    );
    let request = crate::common::server_fn_request(
        "/api/auth/sign_up",
        &[("name", "Dana"), ("email", &email("secure")), ("password", PASSWORD)],
        None,
        &[("origin", "https://clerq.example.com")],
    );
    let reply = app.send(request).await;
    let set_cookie = reply.headers.get(http::header::SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(set_cookie.starts_with("__Host-clerq_session=") && set_cookie.contains("; Secure"), "{set_cookie}");
    let value = reply.session_cookie().expect("cookie");
    let session = app
        .send(crate::common::server_fn_request(
            "/api/auth/session",
            &[],
            None,
            &[("origin", "https://clerq.example.com"), ("cookie", &format!("__Host-clerq_session={value}"))],
        ))
        .await;
    let info: Option<app::auth::SessionInfo> = session.json();
    assert!(info.is_some(), "the prefixed cookie is the one read");
}

/// Signs `address` in again: another browser's session of the same account.
async fn second_session(app: &TestApp, address: &str) -> String {
    app.call("/api/auth/sign_in", &[("email", address), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .expect("a second session")
}

/// The server keeps resolved sessions in memory briefly; a long TTL here shows that only a write
/// (a request that may change sessions), never time, made the difference.
fn cached(pool: PgPool) -> TestApp {
    TestApp::with(
        pool,
        crate::common::SECRET,
        Settings { session_cache: Some(std::time::Duration::from_secs(600)), ..Settings::default() },
    )
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_cached_session_is_reused_until_a_write_and_writes_are_seen_at_once(pool: PgPool) {
    let app = cached(pool.clone());
    let owner = app.owner_of("Cached Studio", &email("cached")).await;
    assert!(app.session(Some(&owner)).await.is_some());
    // Changed behind the server's back (another replica, psql): the cached copy still answers,
    // which proves reads are served from memory.
    sqlx::query("update businesses set name = 'Renamed Elsewhere'").execute(&pool).await.expect("rename");
    let info = app.session(Some(&owner)).await.expect("signed in");
    assert_eq!(info.active_business.expect("business").name, "Cached Studio");
    // Reading pages and read-only server functions keep the cache.
    assert_eq!(app.get("/clients", Some(&owner)).await.status, StatusCode::OK);
    assert!(app.call("/api/clients/list", &[], Some(&owner)).await.status.is_success());
    assert_eq!(app.session(Some(&owner)).await.expect("signed in").active_business.expect("b").name, "Cached Studio");
    // Any write through this server makes every cached session stale.
    let created = app.call("/api/clients/create", &[("form[name]", "Acme")], Some(&owner)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    let info = app.session(Some(&owner)).await.expect("signed in");
    assert_eq!(info.active_business.expect("business").name, "Renamed Elsewhere");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn with_the_cache_signing_out_everywhere_and_timers_take_effect_on_the_next_request(pool: PgPool) {
    let app = cached(pool);
    let address = email("cached-out");
    let owner = app.owner_of("Timer Studio", &address).await;
    let phone = second_session(&app, &address).await;
    // Both sessions are cached by a page load each.
    for cookie in [&owner, &phone] {
        assert_eq!(app.get("/", Some(cookie)).await.status, StatusCode::OK);
    }
    let client: String = app.call("/api/clients/create", &[("form[name]", "Acme")], Some(&owner)).await.json();
    let project: String = app
        .call("/api/projects/create", &[("form[client_id]", &client), ("form[name]", "Site")], Some(&owner))
        .await
        .json();
    let task: serde_json::Value =
        app.call("/api/tasks/create", &[("project_id", &project), ("title", "Cached task")], Some(&owner)).await.json();
    let task = task["id"].as_str().expect("task id").to_owned();
    assert_eq!(app.get("/", Some(&owner)).await.status, StatusCode::OK);
    let started = app.call("/api/time/start", &[("task_id", &task)], Some(&owner)).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text());
    let page = app.get("/", Some(&owner)).await.text();
    assert!(page.contains("Cached task"), "the shell's timer shows the timer just started");

    let reply = app.call("/api/auth/sign_out_everywhere", &[], Some(&phone)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(app.session(Some(&owner)).await.is_none(), "the other browser is signed out at once");
    let page = app.get("/", Some(&owner)).await;
    assert_eq!(
        page.location(),
        Some("/sign-in"),
        "{}: {}",
        page.status,
        page.text().chars().take(300).collect::<String>()
    );
}

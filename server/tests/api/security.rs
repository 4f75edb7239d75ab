//! Rate limiting, CSRF origin checks, and what visitors may reach.

use crate::common::{email, server_fn_request, Settings, TestApp, PASSWORD, SECRET};
use app::error::AppError;
use http::StatusCode;
use sqlx::PgPool;

fn sign_in_from(ip: &str, address: &str, password: &str) -> http::Request<axum::body::Body> {
    server_fn_request(
        "/api/auth/sign_in",
        &[("email", address), ("password", password)],
        None,
        &[("x-forwarded-for", ip)],
    )
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_fourth_sign_in_attempt_in_ten_seconds_gets_429(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("limited");
    app.sign_up("Dana", &address).await;
    for attempt in 1..=3 {
        let reply = app.call("/api/auth/sign_in", &[("email", &address), ("password", "wrong password")], None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {attempt} is judged on its password");
    }
    let reply = app.call("/api/auth/sign_in", &[("email", &address), ("password", PASSWORD)], None).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let AppError::TooManyRequests(message) = reply.app_error() else { panic!("rate-limit error expected") };
    assert!(
        message.starts_with("Too many sign-in attempts. Please wait ") && message.ends_with(" and try again."),
        "{message}"
    );
    assert!(reply.session_cookie().is_none(), "even the right password waits");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_limit_applies_per_email_across_addresses_and_per_address_across_emails(pool: PgPool) {
    let app = TestApp::with(pool, SECRET, Settings { trust_proxy_headers: true, ..Settings::default() });
    let victim = email("victim");
    for i in 1..=3 {
        let reply = app.send(sign_in_from(&format!("198.51.100.{i}"), &victim, "guess")).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let reply = app.send(sign_in_from("198.51.100.200", &victim, "guess")).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "a fourth address cannot keep guessing one account");

    for i in 1..=3 {
        let reply = app.send(sign_in_from("203.0.113.5", &email(&format!("spray{i}")), "guess")).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let reply = app.send(sign_in_from("203.0.113.5", &email("spray4"), "guess")).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "one address cannot spray many accounts");

    let other = app.send(sign_in_from("203.0.113.6", &email("innocent"), "guess")).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY, "others are unaffected");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_state_changing_request_from_another_origin_is_refused(pool: PgPool) {
    let app = TestApp::with(
        pool,
        SECRET,
        Settings { public_origin: Some("https://clerq.example.com".into()), ..Settings::default() },
    );
    let form = [("name", "Mallory"), ("email", "m@example.com"), ("password", PASSWORD)];

    let forged =
        app.send(server_fn_request("/api/auth/sign_up", &form, None, &[("origin", "https://evil.example")])).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(forged.app_error(), AppError::Forbidden);
    let users: i64 = sqlx::query_scalar("select count(*) from accounts").fetch_one(&app.pool).await.expect("count");
    assert_eq!(users, 0, "the refused request changed nothing");

    let html = app
        .send(server_fn_request(
            "/api/auth/sign_up",
            &form,
            None,
            &[("origin", "https://evil.example"), ("accept", "text/html")],
        ))
        .await;
    assert_eq!(html.status, StatusCode::FORBIDDEN);
    assert!(html.text().contains("BETTER_AUTH_URL"), "a plain form post explains the likely misconfiguration");

    let same =
        app.send(server_fn_request("/api/auth/sign_up", &form, None, &[("origin", "https://clerq.example.com")])).await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn without_a_public_url_the_origin_must_match_the_host(pool: PgPool) {
    let app = TestApp::new(pool);
    let form = [("name", "Dana"), ("email", "d@example.com"), ("password", PASSWORD)];
    let cross = app
        .send(server_fn_request(
            "/api/auth/sign_up",
            &form,
            None,
            &[("origin", "http://localhost:4000"), ("host", "localhost:3000")],
        ))
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let same = app
        .send(server_fn_request(
            "/api/auth/sign_up",
            &form,
            None,
            &[("origin", "http://localhost:3000"), ("host", "localhost:3000")],
        ))
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn public_pages_render_for_visitors_and_unknown_pages_are_404(pool: PgPool) {
    let app = TestApp::new(pool);
    for (path, heading) in [("/sign-in", "Sign in"), ("/sign-up", "Create your account")] {
        let reply = app.get(path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.text().contains(heading), "{path}");
    }
    let missing = app.get("/no/such/page", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text().contains("Page not found"));
}

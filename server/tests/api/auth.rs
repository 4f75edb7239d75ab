//! Sign-up, sign-in and sign-out through the HTTP surface, as the browser calls them.

use crate::common::{email, TestApp, PASSWORD};
use app::error::AppError;
use app::validation::FieldErrors;
use http::StatusCode;
use sqlx::PgPool;

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn sign_up_creates_the_account_and_a_session_and_heads_for_onboarding(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("dana");
    let reply = app
        .call("/api/auth/sign_up", &[("name", " Dana Lee "), ("email", &address), ("password", PASSWORD)], None)
        .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.location(), Some("/onboarding"));
    assert!(reply.headers.contains_key("serverfnredirect"), "the wasm client navigates without a reload");
    let cookie = reply.session_cookie().expect("cookie");
    let set_cookie = reply.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax") && set_cookie.contains("Max-Age=604800"),
        "{set_cookie}"
    );

    let (name, hash): (String, String) = sqlx::query_as("select name, password_hash from accounts where email = $1")
        .bind(&address)
        .fetch_one(&app.pool)
        .await
        .expect("user row");
    assert_eq!(name, "Dana Lee", "names are trimmed");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "stored as argon2id, never plaintext: {hash}");

    let session = app.session(Some(&cookie)).await.expect("signed in");
    assert_eq!(session.user.email, address);
    assert!(session.active_business.is_none() && session.businesses.is_empty());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn sign_up_names_every_invalid_field(pool: PgPool) {
    let app = TestApp::new(pool);
    let reply = app.call("/api/auth/sign_up", &[("name", "  "), ("email", "dana@"), ("password", "short")], None).await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Validation(errors) = reply.app_error() else { panic!("expected a validation error") };
    assert_eq!(errors.get("name"), Some("Enter your name."));
    assert_eq!(errors.get("email"), Some("Enter a valid e-mail address, like name@example.com."));
    assert_eq!(errors.get("password"), Some("Use at least 8 characters."));
    assert!(reply.session_cookie().is_none());
    let users: i64 = sqlx::query_scalar("select count(*) from accounts").fetch_one(&app.pool).await.expect("count");
    assert_eq!(users, 0, "nothing is stored on a validation error");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn passwords_must_be_8_to_128_characters(pool: PgPool) {
    let app = TestApp::new(pool);
    let long = "x".repeat(129);
    let reply =
        app.call("/api/auth/sign_up", &[("name", "A"), ("email", &email("a")), ("password", &long)], None).await;
    assert_eq!(reply.app_error(), AppError::field("password", "Use at most 128 characters."));
    let exactly_128 = "y".repeat(128);
    let reply =
        app.call("/api/auth/sign_up", &[("name", "A"), ("email", &email("a")), ("password", &exactly_128)], None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn one_account_per_email_whatever_its_case(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("dup");
    app.sign_up("First", &address).await;
    let reply = app
        .call(
            "/api/auth/sign_up",
            &[("name", "Second"), ("email", &address.to_uppercase()), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        reply.app_error(),
        AppError::field("email", "An account with this e-mail address already exists. Sign in instead.")
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn sign_in_with_the_right_password_starts_a_session(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("in");
    app.sign_up("Dana", &address).await;
    let reply =
        app.call("/api/auth/sign_in", &[("email", &address.to_uppercase()), ("password", PASSWORD)], None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.location(), Some("/"));
    let cookie = reply.session_cookie().expect("cookie");
    assert_eq!(app.session(Some(&cookie)).await.expect("signed in").user.email, address);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn unknown_email_and_wrong_password_get_the_same_answer(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("known");
    app.sign_up("Dana", &address).await;
    let wrong_password =
        app.call("/api/auth/sign_in", &[("email", &address), ("password", "not the password")], None).await;
    let unknown_email =
        app.call("/api/auth/sign_in", &[("email", &email("nobody")), ("password", PASSWORD)], None).await;

    let expected = AppError::field(FieldErrors::FORM, "Invalid email or password");
    assert_eq!(wrong_password.app_error(), expected);
    assert_eq!(unknown_email.app_error(), expected);
    assert_eq!(wrong_password.status, unknown_email.status);
    assert_eq!(wrong_password.body, unknown_email.body, "byte-identical answers reveal nothing");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn sign_in_redirects_only_to_invitations(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("redir");
    app.sign_up("Dana", &address).await;
    // Three cases: a fourth sign-in within 10 s would meet the rate limit.
    for (redirect, expected) in
        [("/invite/AbC_123-x", "/invite/AbC_123-x"), ("https://evil.example/", "/"), ("//evil.example", "/")]
    {
        let reply = app
            .call("/api/auth/sign_in", &[("email", &address), ("password", PASSWORD), ("redirect", redirect)], None)
            .await;
        assert_eq!(reply.location(), Some(expected), "redirect={redirect}");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn sign_out_ends_the_session_and_clears_the_cookie(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.sign_up("Dana", &email("out")).await;
    let reply = app.call("/api/auth/sign_out", &[], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.location(), Some("/sign-in"));
    assert_eq!(reply.session_cookie().as_deref(), Some(""), "the cookie is cleared");
    assert!(app.session(Some(&cookie)).await.is_none(), "the old cookie no longer works");
    let sessions: i64 = sqlx::query_scalar("select count(*) from sessions").fetch_one(&app.pool).await.expect("count");
    assert_eq!(sessions, 0);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn server_functions_answer_visitors_with_a_typed_unauthorized(pool: PgPool) {
    let app = TestApp::new(pool);
    let some_id = uuid::Uuid::now_v7().to_string();
    for path in ["/api/business/create", "/api/business/switch"] {
        let reply = app.call(path, &[("name", "X"), ("currency", "EUR"), ("business_id", &some_id)], None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(reply.app_error(), AppError::Unauthorized, "{path}");
    }
    // Arguments are read before anything else: a malformed id is the request's mistake (422),
    // whoever sends it, and never a server error.
    let garbled = app.call("/api/business/switch", &[("business_id", "x")], None).await;
    assert_eq!(garbled.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.session(None).await.is_none(), "the session query answers visitors with None");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn without_javascript_a_form_post_redirects_with_the_cookie_or_the_error(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("nojs");
    let sign_up = |password: &'static str| {
        let (app, address) = (&app, address.clone());
        async move {
            let fields = [("name", "Dana"), ("email", address.as_str()), ("password", password)];
            app.post_form("/api/auth/sign_up", "/sign-up", &fields, None).await
        }
    };

    let failed = sign_up("short").await;
    assert_eq!(failed.status, StatusCode::FOUND, "a plain form post gets a redirect, not a 422 page");
    let location = failed.location().expect("location");
    assert!(location.starts_with("http://127.0.0.1:3000/sign-up?") && location.contains("__err="), "{location}");
    assert!(location.contains("&__sig="), "the server signs the error it sends back: {location}");
    let relative = location.trim_start_matches("http://127.0.0.1:3000");
    let page = app.get(relative, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Use at least 8 characters."), "the page shows the signed error");

    let created = sign_up("long-enough").await;
    assert_eq!(created.status, StatusCode::FOUND);
    assert_eq!(created.location(), Some("/onboarding"));
    assert!(created.session_cookie().is_some_and(|c| !c.is_empty()));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_link_cannot_make_a_page_show_an_error_clerq_never_sent(pool: PgPool) {
    use base64::Engine;
    let app = TestApp::new(pool);
    let lie = serde_json::to_string(&AppError::field(
        FieldErrors::FORM,
        "Your account is locked. Call +1 555 0100 to unlock it.",
    ))
    .expect("json");
    let err = base64::engine::general_purpose::URL_SAFE.encode(lie);
    for forged in [
        format!("/sign-in?redirect=%2Finvite%2Fabc&__path=%2Fapi%2Fauth%2Fsign_in&__err={err}"),
        format!("/sign-in?redirect=%2Finvite%2Fabc&__path=%2Fapi%2Fauth%2Fsign_in&__err={err}&__sig=AAAA"),
    ] {
        let reply = app.get(&forged, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{forged}");
        assert_eq!(reply.location(), Some("/sign-in?redirect=%2Finvite%2Fabc"), "the rest of the query stays");
        assert!(!reply.text().contains("Call +1 555"));
    }
}

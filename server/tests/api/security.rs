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

#[tokio::test]
async fn a_panic_becomes_a_500_page_not_a_dropped_connection() {
    use axum::routing::get;
    use tower::ServiceExt;
    let router: axum::Router = axum::Router::new()
        .route(
            "/boom",
            get(|| async {
                if std::hint::black_box(true) {
                    panic!("a bug with a secret: hunter2");
                }
                "unreachable"
            }),
        )
        .layer(server::startup::catch_panics());
    let response = router
        .oneshot(http::Request::get("/boom").body(axum::body::Body::empty()).expect("request"))
        .await
        .expect("a response, not a dropped connection");
    assert_eq!(response.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    let body = http_body_util::BodyExt::collect(response.into_body()).await.expect("body").to_bytes();
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("Something went wrong on our side."), "{text}");
    assert!(!text.contains("hunter2"), "the panic message stays in the log");
}

/// An address's spellings that Postgres (citext) treats as the same address.
fn spellings(local: &str, domain: &str) -> Vec<String> {
    let mut all = Vec::new();
    for mask in 0..(1u32 << local.len().min(5)) {
        let cased: String = local
            .chars()
            .enumerate()
            .map(|(i, c)| if i < 5 && mask & (1 << i) != 0 { c.to_ascii_uppercase() } else { c })
            .collect();
        all.push(format!("{cased}@{domain}"));
    }
    // A capital I with a dot lower-cases to a plain i in the database's comparison.
    all.push(format!("{}@{domain}", local.replacen('i', "İ", 1)));
    all.push(format!("  {}@{}  ", local.to_uppercase(), domain.to_uppercase()));
    all
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn twenty_spellings_of_one_address_share_one_sign_in_budget(pool: PgPool) {
    let app = TestApp::with(pool, SECRET, Settings { trust_proxy_headers: true, ..Settings::default() });
    let local = format!("alice{}", uuid::Uuid::now_v7().simple());
    let spellings = spellings(&local, "example.com");
    assert!(spellings.len() >= 20, "{}", spellings.len());
    let mut refused = 0;
    for (i, spelling) in spellings.iter().take(20).enumerate() {
        let reply = app.send(sign_in_from(&format!("198.51.100.{}", i + 1), spelling, "guess")).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert_eq!(refused, 17, "three guesses in ten seconds, whatever the spelling or address");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_successful_sign_in_clears_the_addresss_failures_but_not_the_networks(pool: PgPool) {
    let app = TestApp::with(pool, SECRET, Settings { trust_proxy_headers: true, ..Settings::default() });
    let address = email("forgetful");
    app.sign_up("Dana", &address).await;
    for i in 1..=2 {
        assert_eq!(
            app.send(sign_in_from(&format!("192.0.2.{i}"), &address, "wrong")).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(app.send(sign_in_from("192.0.2.3", &address, PASSWORD)).await.status, StatusCode::OK);
    for i in 4..=6 {
        let reply = app.send(sign_in_from(&format!("192.0.2.{i}"), &address, "wrong")).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "the budget started afresh (attempt from .{i})");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn sign_ups_are_limited_per_network_and_an_ipv6_network_is_its_64_bit_prefix(pool: PgPool) {
    let settings = Settings { trust_proxy_headers: true, real_sign_up_limit: true, ..Settings::default() };
    let app = TestApp::with(pool, SECRET, settings);
    let sign_up_from = |ip: String| {
        let address = email("farm");
        server_fn_request(
            "/api/auth/sign_up",
            &[("name", "Farm"), ("email", &address), ("password", PASSWORD)],
            None,
            &[("x-forwarded-for", &ip)],
        )
    };
    for i in 1..=5 {
        let reply = app.send(sign_up_from(format!("2001:db8:5:6::{i}"))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let reply = app.send(sign_up_from("2001:db8:5:6:ffff::99".to_owned())).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "the same /64");
    assert!(matches!(reply.app_error(), AppError::TooManyRequests(m) if m.starts_with("Too many new accounts")));
    let elsewhere = app.send(sign_up_from("2001:db8:5:7::1".to_owned())).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "another network is unaffected");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_overlong_password_or_address_is_turned_away_before_any_hashing(pool: PgPool) {
    let app = TestApp::new(pool);
    let address = email("long");
    app.sign_up("Dana", &address).await;
    let huge = "p".repeat(100_000);
    let reply = app.call("/api/auth/sign_in", &[("email", &address), ("password", &huge)], None).await;
    assert_eq!(reply.app_error().form_message().as_deref(), Some("Invalid email or password"));
    let long_address = format!("{}@example.com", "a".repeat(300));
    let reply = app.call("/api/auth/sign_in", &[("email", &long_address), ("password", PASSWORD)], None).await;
    assert_eq!(reply.app_error().form_message().as_deref(), Some("Invalid email or password"));
    let sign_up =
        app.call("/api/auth/sign_up", &[("name", "X"), ("email", &email("x")), ("password", &huge)], None).await;
    assert_eq!(sign_up.app_error().field_message("password").as_deref(), Some("Use at most 128 characters."));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn pages_carry_a_nonce_csp_and_every_response_the_hardening_headers(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let page = app.get("/sign-in", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let header = |reply: &crate::common::Reply, name: &str| {
        reply.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned).unwrap_or_default()
    };
    let csp = header(&page, "content-security-policy");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("a nonce in {csp}"));
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(page.text().contains(&format!("nonce=\"{nonce}\"")), "the page's own scripts carry the nonce");
    assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), "{csp}");
    let again = header(&app.get("/sign-in", None).await, "content-security-policy");
    assert_ne!(again, csp, "a fresh nonce per response");

    let api = app.get("/api/trpc/health.ping", None).await;
    assert_eq!(header(&api, "content-security-policy"), server::security_headers::API_CSP);
    for reply in [&page, &api] {
        assert_eq!(header(reply, "x-content-type-options"), "nosniff");
        assert_eq!(header(reply, "x-frame-options"), "DENY");
        assert_eq!(header(reply, "referrer-policy"), "same-origin");
        assert_eq!(header(reply, "strict-transport-security"), "", "no HSTS over plain http");
    }

    let https = TestApp::with(
        pool,
        SECRET,
        Settings { public_origin: Some("https://clerq.example.com".into()), ..Settings::default() },
    );
    let secure = https.get("/api/trpc/health.ping", None).await;
    assert!(header(&secure, "strict-transport-security").starts_with("max-age="), "HSTS over https");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn text_with_nul_or_control_characters_is_a_field_error_not_a_500(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let client: uuid::Uuid = app.call("/api/clients/create", &[("form[name]", "Acme")], Some(&owner)).await.json();
    let project: uuid::Uuid = app
        .call("/api/projects/create", &[("form[client_id]", &client.to_string()), ("form[name]", "Site")], Some(&owner))
        .await
        .json();
    let reply = app
        .call("/api/tasks/create", &[("project_id", &project.to_string()), ("title", "Design\0")], Some(&owner))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text());
    assert_eq!(reply.app_error().field_message("title").as_deref(), Some(app::validation::CONTROL_CHARACTERS));
    let note =
        app.call("/api/clients/add_note", &[("client_id", &client.to_string()), ("text", "a\0b")], Some(&owner)).await;
    assert_eq!(note.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", note.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn absurd_dates_are_the_requests_mistake(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let reply = app.call("/api/time/timesheet", &[("week", "+262142-12-31")], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text());
    let page = app.get("/time?week=%2B262142-12-31", Some(&owner)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "the page answers with the error's status");
    let ok = app.get("/time?week=2026-11-25", Some(&owner)).await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[test]
fn invitation_tokens_never_reach_the_request_log() {
    assert_eq!(server::startup::loggable_path("/invite/AbCdEf0123456789-_xyz"), "/invite/[token]");
    assert_eq!(server::startup::loggable_path("/clients/42"), "/clients/42");
    assert_eq!(server::startup::loggable_path("/invite/"), "/invite/");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn bodies_are_small_except_for_the_import(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let big_name = "x".repeat(300 * 1024);
    let reply = app.call("/api/clients/create", &[("form[name]", &big_name)], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", &reply.text()[..200.min(reply.text().len())]);
    let csv = format!("name\n{}", (0..20_000).map(|i| format!("Client {i} {}\n", "y".repeat(20))).collect::<String>());
    assert!(csv.len() > 300 * 1024);
    let reply = app.call("/api/import/analyze", &[("text", &csv)], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK, "a large CSV is welcome where it belongs");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_csv_header_of_millions_of_commas_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    // Sixteen million commas are more than an import may send at all: refused before reading.
    let header = ",".repeat(16_000_000);
    let reply = app.call("/api/import/analyze", &[("text", &header)], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Four million fit in the body, and the reader stops at the 65th column.
    let header = ",".repeat(4_000_000);
    let reply = app.call("/api/import/analyze", &[("text", &header)], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = reply.app_error().field_message("text").unwrap_or_default();
    assert!(message.contains("more than 64 columns"), "{message}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_server_function_post_with_neither_origin_nor_referer_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let form = [("name", "Hidden"), ("email", "hidden@example.com"), ("password", PASSWORD)];
    let mut request = server_fn_request("/api/auth/sign_up", &form, None, &[]);
    request.headers_mut().insert(http::header::HOST, http::HeaderValue::from_static("localhost"));
    let reply = app.send_raw(request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let users: i64 = sqlx::query_scalar("select count(*) from accounts").fetch_one(&app.pool).await.expect("count");
    assert_eq!(users, 0);
    let monitor =
        app.send_raw(http::Request::get("/api/trpc/health.ping").body(axum::body::Body::empty()).expect("get")).await;
    assert_eq!(monitor.status, StatusCode::OK, "monitors need no Origin");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn two_hundred_concurrent_sign_ups_hash_at_most_one_password_per_core_at_a_time(pool: PgPool) {
    let app = TestApp::new(pool);
    let sign_ups = (0..200).map(|i| {
        let app = &app;
        async move {
            let address = email(&format!("crowd{i}"));
            app.call("/api/auth/sign_up", &[("name", "Crowd"), ("email", &address), ("password", PASSWORD)], None)
                .await
                .status
        }
    });
    let statuses = crate::common::join_all(sign_ups).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "every sign-up went through, queued: {statuses:?}");
    let peak = app::server::password::peak_concurrent_hashes();
    let slots = app::server::password::hashing_slots();
    // Each argon2 hash holds 19 MiB, so memory for hashing stays under slots × 19 MiB.
    println!("peak concurrent hashes {peak} of {slots} slots: at most {} MiB", slots * 19);
    assert!(peak <= slots, "{peak} hashes ran at once; the bound is {slots}");
}

/// The front end's files: a precompressed brotli or gzip file is sent when the browser takes it;
/// content-hashed names are cached for good, any other name is revalidated.
#[tokio::test]
async fn pkg_files_are_sent_precompressed_and_cached_by_name() {
    let root = std::env::temp_dir().join(format!("clerq-site-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(root.join("pkg")).expect("site dir");
    std::fs::write(root.join("pkg/clerq.wasm"), b"\0asm plain").expect("wasm");
    std::fs::write(root.join("pkg/clerq.wasm.br"), b"brotli bytes").expect("br");
    std::fs::write(root.join("pkg/clerq.wasm.gz"), b"gzip bytes").expect("gz");
    std::fs::write(root.join("pkg/clerq.Ab3_x-9QwErTyUiOpAsDfG.wasm"), b"\0asm hashed").expect("hashed wasm");
    std::fs::write(root.join("pkg/clerq.Ab3_x-9QwErTyUiOpAsDfG.wasm.br"), b"hashed brotli").expect("hashed br");
    let router = crate::common::static_site_router(&root.to_string_lossy());
    let fetch = |path: &'static str, encoding: &'static str| {
        let router = router.clone();
        async move {
            let reply = crate::common::fetch(&router, path, encoding).await;
            (reply.headers, reply.body)
        }
    };
    let get = |encoding: &'static str| fetch("/pkg/clerq.wasm", encoding);
    let (headers, body) = get("br, gzip").await;
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(&body[..], b"brotli bytes");
    assert_eq!(headers["content-type"], "application/wasm");
    assert_eq!(headers["cache-control"], "no-cache");
    let (headers, body) = get("gzip").await;
    assert_eq!((headers["content-encoding"].to_str().expect("ascii"), &body[..]), ("gzip", &b"gzip bytes"[..]));
    let (headers, body) = get("identity").await;
    assert!(headers.get("content-encoding").is_none());
    assert_eq!(&body[..], b"\0asm plain");

    let (headers, body) = fetch("/pkg/clerq.Ab3_x-9QwErTyUiOpAsDfG.wasm", "br").await;
    assert_eq!(&body[..], b"hashed brotli");
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
    let (headers, body) = fetch("/pkg/clerq.Ab3_x-9QwErTyUiOpAsDfG.wasm", "identity").await;
    assert_eq!(
        (&body[..], headers["cache-control"].to_str().expect("ascii")),
        (&b"\0asm hashed"[..], "public, max-age=31536000, immutable")
    );
    // A missing file is not cached at all.
    let (headers, _) = fetch("/pkg/clerq.ZZZZZZZZZZZZZZZZZZZZZZ.wasm", "identity").await;
    assert!(headers.get("cache-control").is_none_or(|v| v != "public, max-age=31536000, immutable"));
    let _ = std::fs::remove_dir_all(root);
}

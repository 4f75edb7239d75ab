//! The OAuth 2.1 authorization server through HTTP, as an MCP client and a person's browser use it:
//! discovery, registration, authorization with consent, the PKCE code exchange, refresh rotation
//! and revocation, and the ways each step refuses.

use crate::common::{email, leptos_options, Reply, TestApp, PASSWORD, SECRET};
use app::server::access_tokens::authenticate;
use app::server::clock::Clock;
use app::server::{AppState, AuthSettings};
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use chrono::{DateTime, Duration, Utc};
use http::{header, Request, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::net::SocketAddr;

/// RFC 7636 appendix B: a verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
/// What a browser-based MCP client sends as its origin.
const CLIENT_ORIGIN: &str = "https://inspector.example";
/// Registered without a port: a native app's loopback listener may use any.
const REDIRECT: &str = "http://127.0.0.1/callback";
const REDIRECT_AT_PORT: &str = "http://127.0.0.1:53211/callback";
const ISSUER: &str = "http://localhost";
const RESOURCE: &str = "http://localhost/api/mcp";

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z").expect("instant").with_timezone(&Utc)
}

/// The test app with its clock fixed at `at` (tests never read the wall clock for "now").
fn app_at(pool: PgPool, at: DateTime<Utc>) -> TestApp {
    let auth = AuthSettings::new(SecretString::from(SECRET.to_owned()), None, false);
    let mut state = AppState::new(leptos_options(), pool.clone(), auth);
    state.clock = Clock::Fixed(at);
    state.sign_up_limiter =
        std::sync::Arc::new(app::server::rate_limit::RateLimiter::new(100_000, std::time::Duration::from_secs(1)));
    let router = server::startup::router(state, None).layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 1], 40000))));
    TestApp { pool, router, origin: ISSUER.to_owned() }
}

fn encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// A cross-origin, cookieless form post, as an MCP client makes it.
async fn client_post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Reply {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, CLIENT_ORIGIN)
        .body(Body::from(encode(form)))
        .expect("request");
    app.send(request).await
}

async fn register_raw(app: &TestApp, metadata: Value) -> Reply {
    let request = Request::post("/oauth/register")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, CLIENT_ORIGIN)
        .body(Body::from(metadata.to_string()))
        .expect("request");
    app.send(request).await
}

/// Registers a client named `name`; returns its client_id.
async fn register(app: &TestApp, name: &str) -> String {
    let reply = register_raw(app, json!({ "client_name": name, "redirect_uris": [REDIRECT] })).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json::<Value>()["client_id"].as_str().expect("client_id").to_owned()
}

fn authorize_query(client_id: &str, overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT_AT_PORT),
        ("state", "st-123"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("resource", RESOURCE),
        ("scope", "mcp"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (name, value) in overrides {
        pairs.retain(|(k, _)| k != name);
        if !value.is_empty() {
            pairs.push(((*name).to_owned(), (*value).to_owned()));
        }
    }
    pairs
}

fn authorize_url(client_id: &str, overrides: &[(&str, &str)]) -> String {
    let pairs = authorize_query(client_id, overrides);
    format!("/oauth/authorize?{}", url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish())
}

/// The consent form's post, as the browser sends it from the consent page.
async fn answer_consent(
    app: &TestApp,
    cookie: &str,
    client_id: &str,
    business: &str,
    decision: &str,
    overrides: &[(&str, &str)],
) -> Reply {
    let mut pairs = authorize_query(client_id, overrides);
    pairs.retain(|(k, _)| k != "scope");
    pairs.push(("business_id".into(), business.into()));
    pairs.push(("decision".into(), decision.into()));
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    let request = Request::post("/oauth/consent")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, format!("clerq_session={cookie}"))
        .body(Body::from(body))
        .expect("request");
    app.send(request).await
}

/// The query pairs of a redirect's `Location`.
fn location_query(reply: &Reply) -> Vec<(String, String)> {
    let location = reply.location().unwrap_or_else(|| panic!("a redirect, got {} {}", reply.status, reply.text()));
    let url =
        url::Url::parse(location).unwrap_or_else(|_| url::Url::parse(&format!("{ISSUER}{location}")).expect("url"));
    url.query_pairs().into_owned().collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// Consent for `business` in one go; returns the code.
async fn code_for(app: &TestApp, cookie: &str, client_id: &str, business: &str) -> String {
    let reply = answer_consent(app, cookie, client_id, business, "allow", &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert!(reply.location().is_some_and(|l| l.starts_with(REDIRECT_AT_PORT)), "{:?}", reply.location());
    param(&location_query(&reply), "code").expect("a code")
}

async fn exchange(app: &TestApp, client_id: &str, code: &str, verifier: &str) -> Reply {
    client_post(
        app,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_AT_PORT),
            ("client_id", client_id),
            ("code_verifier", verifier),
            ("resource", RESOURCE),
        ],
    )
    .await
}

async fn refresh(app: &TestApp, client_id: &str, refresh_token: &str) -> Reply {
    client_post(
        app,
        "/oauth/token",
        &[("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", client_id)],
    )
    .await
}

fn oauth_error(reply: &Reply) -> String {
    reply.json::<Value>()["error"].as_str().unwrap_or_default().to_owned()
}

/// The access and refresh tokens of a token answer.
fn token_pair(reply: &Reply) -> (String, String) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body: Value = reply.json();
    (
        body["access_token"].as_str().expect("access").to_owned(),
        body["refresh_token"].as_str().expect("refresh").to_owned(),
    )
}

/// A signed-up owner of a business with a registered client: (cookie, business id, client_id).
async fn owner_with_client(app: &TestApp) -> (String, String, String) {
    let owner = app.owner_of("Oauth Studio", &email("owner")).await;
    let business = app.business_id(&owner).await.to_string();
    let client = register(app, "Claude").await;
    (owner, business, client)
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_mcp_client_connects_end_to_end(pool: PgPool) {
    let app = app_at(pool.clone(), t0());

    // Discovery, from another origin.
    let resource = app.get("/.well-known/oauth-protected-resource", None).await;
    assert_eq!(resource.status, StatusCode::OK);
    assert_eq!(resource.headers["access-control-allow-origin"], "*");
    let resource: Value = resource.json();
    assert_eq!(resource["resource"], RESOURCE);
    assert_eq!(resource["authorization_servers"], json!([ISSUER]));
    assert_eq!(resource["bearer_methods_supported"], json!(["header"]));
    let by_path: Value = app.get("/.well-known/oauth-protected-resource/api/mcp", None).await.json();
    assert_eq!(by_path["resource"], RESOURCE);
    let metadata: Value = app.get("/.well-known/oauth-authorization-server", None).await.json();
    assert_eq!(metadata["issuer"], ISSUER);
    assert_eq!(metadata["authorization_endpoint"], "http://localhost/oauth/authorize");
    assert_eq!(metadata["token_endpoint"], "http://localhost/oauth/token");
    assert_eq!(metadata["registration_endpoint"], "http://localhost/oauth/register");
    assert_eq!(metadata["revocation_endpoint"], "http://localhost/oauth/revoke");
    assert_eq!(metadata["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(metadata["grant_types_supported"], json!(["authorization_code", "refresh_token"]));
    assert_eq!(metadata["token_endpoint_auth_methods_supported"], json!(["none"]));
    assert_eq!(metadata["authorization_response_iss_parameter_supported"], true);

    // Registration (cross-origin, no cookie).
    let registered =
        register_raw(&app, json!({ "client_name": "Claude", "redirect_uris": [REDIRECT], "extra": 1 })).await;
    assert_eq!(registered.status, StatusCode::CREATED, "{}", registered.text());
    assert_eq!(registered.headers["access-control-allow-origin"], "*");
    let registered: Value = registered.json();
    let client_id = registered["client_id"].as_str().expect("client_id").to_owned();
    assert!(client_id.len() >= 32 && client_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(registered["client_name"], "Claude");
    assert_eq!(registered["redirect_uris"], json!([REDIRECT]));
    assert_eq!(registered["token_endpoint_auth_method"], "none");
    assert_eq!(registered["grant_types"], json!(["authorization_code", "refresh_token"]));
    assert_eq!(registered["response_types"], json!(["code"]));
    assert!(registered["client_id_issued_at"].as_i64().is_some());
    assert!(registered.get("client_uri").is_none() && registered.get("client_secret").is_none(), "{registered}");

    // Authorization while signed out: sign in first, then back to the consent page.
    let url = authorize_url(&client_id, &[]);
    let visitor = app.get(&url, None).await;
    assert_eq!(visitor.status, StatusCode::SEE_OTHER, "{}", visitor.text());
    let sign_in = visitor.location().expect("location").to_owned();
    let consent_url = sign_in
        .strip_prefix("/sign-in?redirect=")
        .map(|encoded| {
            url::form_urlencoded::parse(format!("r={encoded}").as_bytes()).next().expect("pair").1.into_owned()
        })
        .unwrap_or_else(|| panic!("sent to sign in: {sign_in}"));
    assert!(consent_url.starts_with("/oauth/consent?"), "{consent_url}");
    let sign_in_page = app.get(&sign_in, None).await;
    assert_eq!(sign_in_page.status, StatusCode::OK);
    assert!(sign_in_page.text().contains(r#"<form method="post" action="/api/auth/sign_in""#), "a plain form");

    let owner_email = email("owner");
    let owner = app.owner_of("Oauth Studio", &owner_email).await;
    app.create_business(&owner, "Second Shop", "USD").await;
    let business = app.business_id(&owner).await;
    // Signing in with that destination lands on the consent page.
    let signed_in = app
        .call("/api/auth/sign_in", &[("email", &owner_email), ("password", PASSWORD), ("redirect", &consent_url)], None)
        .await;
    assert_eq!(signed_in.location(), Some(consent_url.as_str()), "{}", signed_in.text());

    // Signed in: straight to the consent page, which names the client, the return host and the business.
    let member = app.get(&url, Some(&owner)).await;
    assert_eq!(member.status, StatusCode::SEE_OTHER);
    assert_eq!(member.location(), Some(consent_url.as_str()));
    let page = app.get(&consent_url, Some(&owner)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(html.contains("Allow Claude to use Clerq as you?"), "{html}");
    assert!(html.contains("127.0.0.1:53211") && html.contains("Oauth Studio") && html.contains("Second Shop"));
    assert!(
        html.contains(&format!(r#"<option value="{business}" selected"#)),
        "the active business is preselected: {html}"
    );
    assert!(
        html.contains(r#"<label for="consent-business">"#)
            && html.contains(r#"<form method="post" action="/oauth/consent">"#)
    );
    assert!(html.contains("you are Owner"), "{html}");
    let csp = page.headers["content-security-policy"].to_str().expect("csp");
    assert!(csp.contains("form-action 'self' http://127.0.0.1:53211;"), "{csp}");
    assert!(page.headers.get(app::server::oauth::FORM_ACTION_HEADER).is_none(), "the private header is removed");

    // Allow: back to the client with the code, its state and the issuer.
    let allowed = answer_consent(&app, &owner, &client_id, &business.to_string(), "allow", &[]).await;
    assert_eq!(allowed.status, StatusCode::SEE_OTHER, "{}", allowed.text());
    let location = allowed.location().expect("location");
    assert!(location.starts_with("http://127.0.0.1:53211/callback?code="), "{location}");
    let answer = location_query(&allowed);
    assert_eq!(param(&answer, "state").as_deref(), Some("st-123"));
    assert_eq!(param(&answer, "iss").as_deref(), Some(ISSUER));
    let code = param(&answer, "code").expect("code");

    // The code and the verifier buy an access token that acts as the owner in that business.
    let tokens = exchange(&app, &client_id, &code, VERIFIER).await;
    assert_eq!(tokens.headers["cache-control"], "no-store");
    assert_eq!(tokens.headers["pragma"], "no-cache");
    assert_eq!(tokens.headers["access-control-allow-origin"], "*");
    let body: Value = tokens.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let (access, refresh_token) = token_pair(&tokens);
    let caller = authenticate(&pool, &access, t0() + Duration::minutes(1)).await.expect("query").expect("valid token");
    assert_eq!(caller.business, business);
    assert_eq!(caller.user, app.user_id(&owner).await);
    assert!(authenticate(&pool, &access, t0() + Duration::minutes(61)).await.expect("query").is_none(), "expired");
    assert!(authenticate(&pool, &refresh_token, t0()).await.expect("query").is_none(), "a refresh token is no bearer");

    // Refresh rotates: a new pair that works.
    let later = app_at(pool.clone(), t0() + Duration::minutes(50));
    let (access_2, refresh_2) = token_pair(&refresh(&later, &client_id, &refresh_token).await);
    assert_ne!(refresh_2, refresh_token);
    let at = t0() + Duration::minutes(55);
    assert_eq!(authenticate(&pool, &access_2, at).await.expect("query").map(|c| c.business), Some(business));

    // Revoking the refresh token ends the whole authorization.
    let revoked =
        client_post(&app, "/oauth/revoke", &[("token", &refresh_2), ("token_type_hint", "refresh_token")]).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    assert!(authenticate(&pool, &access_2, at).await.expect("query").is_none());
    assert_eq!(oauth_error(&refresh(&later, &client_id, &refresh_2).await), "invalid_grant");
    let unknown = client_post(&app, "/oauth/revoke", &[("token", "clerq_rt_not-a-token")]).await;
    assert_eq!(unknown.status, StatusCode::OK, "unknown tokens are answered like known ones");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn browser_clients_get_cors_preflights(pool: PgPool) {
    let app = app_at(pool, t0());
    for path in ["/oauth/token", "/oauth/register", "/oauth/revoke", "/.well-known/oauth-authorization-server"] {
        let request = Request::options(path)
            .header(header::ORIGIN, CLIENT_ORIGIN)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type, mcp-protocol-version")
            .body(Body::empty())
            .expect("request");
        let reply = app.send_raw(request).await;
        assert!(reply.status.is_success(), "{path}: {}", reply.status);
        assert_eq!(reply.headers["access-control-allow-origin"], "*", "{path}");
        let allowed = reply.headers["access-control-allow-headers"].to_str().expect("ascii").to_ascii_lowercase();
        assert!(allowed.contains("content-type") && allowed.contains("mcp-protocol-version"), "{path}: {allowed}");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_person_who_denies_sends_the_client_access_denied(pool: PgPool) {
    let app = app_at(pool, t0());
    let (owner, business, client) = owner_with_client(&app).await;
    let denied = answer_consent(&app, &owner, &client, &business, "deny", &[]).await;
    assert_eq!(denied.status, StatusCode::SEE_OTHER);
    let answer = location_query(&denied);
    assert_eq!(param(&answer, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&answer, "state").as_deref(), Some("st-123"));
    assert_eq!(param(&answer, "code"), None);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_wrong_verifier_fails_and_burns_the_code(pool: PgPool) {
    let app = app_at(pool, t0());
    let (owner, business, client) = owner_with_client(&app).await;
    let code = code_for(&app, &owner, &client, &business).await;
    let wrong = exchange(&app, &client, &code, &"x".repeat(43)).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(oauth_error(&wrong), "invalid_grant");
    assert_eq!(oauth_error(&exchange(&app, &client, &code, VERIFIER).await), "invalid_grant", "single use");
    let missing =
        client_post(&app, "/oauth/token", &[("grant_type", "authorization_code"), ("client_id", &client)]).await;
    assert_eq!((missing.status, oauth_error(&missing)), (StatusCode::BAD_REQUEST, "invalid_request".to_owned()));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_code_works_once(pool: PgPool) {
    let app = app_at(pool, t0());
    let (owner, business, client) = owner_with_client(&app).await;
    let code = code_for(&app, &owner, &client, &business).await;
    token_pair(&exchange(&app, &client, &code, VERIFIER).await);
    let again = exchange(&app, &client, &code, VERIFIER).await;
    assert_eq!((again.status, oauth_error(&again)), (StatusCode::BAD_REQUEST, "invalid_grant".to_owned()));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_code_expires_after_ten_minutes(pool: PgPool) {
    let app = app_at(pool.clone(), t0());
    let (owner, business, client) = owner_with_client(&app).await;
    let first = code_for(&app, &owner, &client, &business).await;
    let second = code_for(&app, &owner, &client, &business).await;
    let late = app_at(pool.clone(), t0() + Duration::minutes(10) + Duration::seconds(1));
    assert_eq!(oauth_error(&exchange(&late, &client, &first, VERIFIER).await), "invalid_grant");
    let in_time = app_at(pool, t0() + Duration::minutes(9));
    token_pair(&exchange(&in_time, &client, &second, VERIFIER).await);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn redirect_uris_must_match_at_authorize_and_at_token(pool: PgPool) {
    let app = app_at(pool, t0());
    let (owner, business, client) = owner_with_client(&app).await;
    for foreign in ["https://evil.example/callback", "http://127.0.0.1:53211/other", "http://localhost:53211/callback"]
    {
        let reply = app.get(&authorize_url(&client, &[("redirect_uri", foreign)]), Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{foreign}");
        assert_eq!(reply.location(), None, "{foreign}: never a redirect to an unregistered URI");
        assert!(reply.text().contains("did not register"), "{}", reply.text());
        let posted = answer_consent(&app, &owner, &client, &business, "allow", &[("redirect_uri", foreign)]).await;
        assert_eq!((posted.status, posted.location()), (StatusCode::BAD_REQUEST, None), "{foreign}");
    }
    let code = code_for(&app, &owner, &client, &business).await;
    let other_port = client_post(
        &app,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9999/callback"),
            ("client_id", &client),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(oauth_error(&other_port), "invalid_grant", "{}", other_port.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_resource_must_be_this_instances_mcp_endpoint(pool: PgPool) {
    let app = app_at(pool, t0());
    let (owner, business, client) = owner_with_client(&app).await;
    let reply = app.get(&authorize_url(&client, &[("resource", "https://evil.example/api/mcp")]), Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let answer = location_query(&reply);
    assert!(reply.location().is_some_and(|l| l.starts_with(REDIRECT_AT_PORT)));
    assert_eq!(param(&answer, "error").as_deref(), Some("invalid_target"));
    assert_eq!(param(&answer, "state").as_deref(), Some("st-123"));
    assert_eq!(param(&answer, "iss").as_deref(), Some(ISSUER));

    let code = code_for(&app, &owner, &client, &business).await;
    let wrong = client_post(
        &app,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", &client),
            ("code_verifier", VERIFIER),
            ("resource", "http://localhost/api/other"),
        ],
    )
    .await;
    assert_eq!(oauth_error(&wrong), "invalid_target", "{}", wrong.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn requests_without_pkce_s256_go_back_as_errors(pool: PgPool) {
    let app = app_at(pool, t0());
    let (owner, _, client) = owner_with_client(&app).await;
    for (overrides, error) in [
        (vec![("code_challenge", "")], "invalid_request"),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (vec![("code_challenge_method", "")], "invalid_request"),
        (vec![("response_type", "token")], "unsupported_response_type"),
    ] {
        let reply = app.get(&authorize_url(&client, &overrides), Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{overrides:?}");
        assert_eq!(param(&location_query(&reply), "error").as_deref(), Some(error), "{overrides:?}");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_unknown_client_gets_an_error_page_and_no_tokens(pool: PgPool) {
    let app = app_at(pool, t0());
    let (owner, business, client) = owner_with_client(&app).await;
    for cookie in [None, Some(owner.as_str())] {
        let reply = app.get(&authorize_url("no-such-client", &[]), cookie).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.location(), None, "never a redirect");
        assert!(reply.headers["content-type"].to_str().expect("ascii").starts_with("text/html"));
        assert!(reply.text().contains("unknown client_id"), "{}", reply.text());
    }
    let page = app.get("/oauth/consent?client_id=no-such-client", Some(&owner)).await;
    assert!(page.status.is_client_error() && page.text().contains("unknown client_id"), "{}", page.status);
    let code = code_for(&app, &owner, &client, &business).await;
    let unknown = exchange(&app, "no-such-client", &code, VERIFIER).await;
    assert_eq!((unknown.status, oauth_error(&unknown)), (StatusCode::UNAUTHORIZED, "invalid_client".to_owned()));
    let other = register(&app, "Other").await;
    assert_eq!(oauth_error(&exchange(&app, &other, &code, VERIFIER).await), "invalid_grant", "another client's code");
    let unsupported = client_post(&app, "/oauth/token", &[("grant_type", "password"), ("client_id", &client)]).await;
    assert_eq!(oauth_error(&unsupported), "unsupported_grant_type");
    let garbage = client_post(&app, "/oauth/token", &[]).await;
    assert_eq!((garbage.status, oauth_error(&garbage)), (StatusCode::BAD_REQUEST, "invalid_request".to_owned()));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_reused_refresh_token_revokes_the_whole_family(pool: PgPool) {
    let app = app_at(pool.clone(), t0());
    let (owner, business, client) = owner_with_client(&app).await;
    let code = code_for(&app, &owner, &client, &business).await;
    let (access_1, refresh_1) = token_pair(&exchange(&app, &client, &code, VERIFIER).await);
    let (access_2, refresh_2) = token_pair(&refresh(&app, &client, &refresh_1).await);
    let now = t0() + Duration::minutes(1);
    assert!(authenticate(&pool, &access_2, now).await.expect("query").is_some());

    let replay = refresh(&app, &client, &refresh_1).await;
    assert_eq!((replay.status, oauth_error(&replay)), (StatusCode::BAD_REQUEST, "invalid_grant".to_owned()));
    for token in [&access_1, &access_2] {
        assert!(authenticate(&pool, token, now).await.expect("query").is_none(), "the family's access tokens end");
    }
    assert_eq!(oauth_error(&refresh(&app, &client, &refresh_2).await), "invalid_grant", "the newer refresh token too");
    let revoked_at: Option<DateTime<Utc>> =
        sqlx::query_scalar("select revoked_at from oauth_grants").fetch_one(&pool).await.expect("the grant");
    assert_eq!(revoked_at, Some(t0()));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_removed_members_token_stops_working(pool: PgPool) {
    let app = app_at(pool.clone(), t0());
    let (owner, business, client) = owner_with_client(&app).await;
    let teammate = app.teammate(&owner, "Sam Member", "member").await;
    let code = code_for(&app, &teammate, &client, &business).await;
    let (access, refresh_token) = token_pair(&exchange(&app, &client, &code, VERIFIER).await);
    let now = t0() + Duration::minutes(1);
    assert!(authenticate(&pool, &access, now).await.expect("query").is_some());
    let member_id = app.user_id(&teammate).await.to_string();
    let removed = app.call("/api/team/remove_member", &[("user_id", &member_id)], Some(&owner)).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text());
    assert!(authenticate(&pool, &access, now).await.expect("query").is_none());
    assert_eq!(oauth_error(&refresh(&app, &client, &refresh_token).await), "invalid_grant");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_suspended_business_s_oauth_tokens_are_refused_until_it_is_lifted(pool: PgPool) {
    let app = app_at(pool.clone(), t0());
    let (owner, business, client) = owner_with_client(&app).await;
    let code = code_for(&app, &owner, &client, &business).await;
    let (access, _) = token_pair(&exchange(&app, &client, &code, VERIFIER).await);
    let now = t0() + Duration::minutes(1);
    assert!(authenticate(&pool, &access, now).await.expect("query").is_some());
    let business: app::ids::BusinessId = business.parse().expect("business id");
    app::server::db::admin::set_suspended(&pool, business, Some("Audit"), now).await.expect("suspended");
    assert!(authenticate(&pool, &access, now).await.expect("query").is_none(), "refused at once");
    app::server::db::admin::set_suspended(&pool, business, None, now).await.expect("lifted");
    assert!(authenticate(&pool, &access, now).await.expect("query").is_some(), "and accepted again once lifted");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn nobody_can_consent_for_a_business_they_do_not_belong_to(pool: PgPool) {
    let app = app_at(pool.clone(), t0());
    let (_owner, business, client) = owner_with_client(&app).await;
    let stranger = app.owner_of("Elsewhere", &email("stranger")).await;
    for target in [business.as_str(), "not-a-uuid", ""] {
        let reply = answer_consent(&app, &stranger, &client, target, "allow", &[]).await;
        assert!(reply.status.is_client_error(), "{target:?}: {}", reply.status);
        assert_eq!(reply.location(), None, "{target:?}");
    }
    let codes: i64 = sqlx::query_scalar("select count(*) from oauth_codes").fetch_one(&pool).await.expect("count");
    assert_eq!(codes, 0);
    // Signed out, the form's answer sends the person to sign in rather than issuing anything.
    let visitor = answer_consent(&app, "forged.cookie", &client, &business, "allow", &[]).await;
    assert!(visitor.location().is_some_and(|l| l.starts_with("/sign-in?redirect=%2Foauth%2Fconsent%3F")));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_consent_page_sends_visitors_to_sign_in_and_back(pool: PgPool) {
    let app = app_at(pool, t0());
    let client = register(&app, "Claude").await;
    let pairs = authorize_query(&client, &[("scope", "")]);
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    let reply = app.get(&format!("/oauth/consent?{query}"), None).await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let location = reply.location().expect("location");
    assert!(location.starts_with("/sign-in?redirect=%2Foauth%2Fconsent%3F"), "{location}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn registration_refuses_unsafe_redirect_uris_and_bad_metadata(pool: PgPool) {
    let app = app_at(pool, t0());
    for (metadata, error) in [
        (json!({ "redirect_uris": ["http://example.com/callback"] }), "invalid_redirect_uri"),
        (json!({ "redirect_uris": ["https://example.com/cb#fragment"] }), "invalid_redirect_uri"),
        (json!({ "redirect_uris": [] }), "invalid_redirect_uri"),
        (json!({ "client_name": "x" }), "invalid_redirect_uri"),
        (json!({ "redirect_uris": "https://example.com/cb" }), "invalid_client_metadata"),
        (
            json!({ "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "client_secret_post" }),
            "invalid_client_metadata",
        ),
        (json!({ "redirect_uris": [REDIRECT], "grant_types": ["implicit"] }), "invalid_client_metadata"),
    ] {
        let reply = register_raw(&app, metadata.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{metadata}: {}", reply.text());
        assert_eq!(oauth_error(&reply), error, "{metadata}");
        assert!(reply.json::<Value>()["error_description"].is_string());
    }
    let not_json = client_post(&app, "/oauth/register", &[("redirect_uris", REDIRECT)]).await;
    assert_eq!(
        (not_json.status, oauth_error(&not_json)),
        (StatusCode::BAD_REQUEST, "invalid_client_metadata".to_owned())
    );
    let loopback = register_raw(&app, json!({ "redirect_uris": ["http://localhost:6274/oauth/callback"] })).await;
    assert_eq!(loopback.status, StatusCode::CREATED, "{}", loopback.text());
    assert_eq!(loopback.json::<Value>()["client_name"], "MCP client");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn registrations_are_limited_per_network(pool: PgPool) {
    let app = app_at(pool, t0());
    for _ in 0..server::oauth::REGISTRATIONS_PER_HOUR {
        register(&app, "Busy").await;
    }
    let refused = register_raw(&app, json!({ "redirect_uris": [REDIRECT] })).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.text());
    assert!(refused.headers.contains_key("retry-after"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_refresh_clears_its_connections_expired_tokens(pool: PgPool) {
    let app = app_at(pool.clone(), t0());
    let (owner, business, client) = owner_with_client(&app).await;
    let code = code_for(&app, &owner, &client, &business).await;
    let (_, refresh_1) = token_pair(&exchange(&app, &client, &code, VERIFIER).await);
    let count = || sqlx::query_scalar::<_, i64>("select count(*) from oauth_tokens").fetch_one(&pool);
    assert_eq!(count().await.expect("count"), 2);
    // Two hours later the first access token has expired; the refresh replaces it and drops it.
    let later = app_at(pool.clone(), t0() + Duration::hours(2));
    let (access_2, refresh_2) = token_pair(&refresh(&later, &client, &refresh_1).await);
    let kinds: Vec<(String, bool)> =
        sqlx::query_as("select kind, rotated_at is not null from oauth_tokens order by kind, rotated_at nulls first")
            .fetch_all(&pool)
            .await
            .expect("tokens");
    let expected = [("access", false), ("refresh", false), ("refresh", true)].map(|(k, r)| (k.to_owned(), r));
    assert_eq!(
        kinds, expected,
        "the expired access token is gone; the rotated refresh token stays for reuse detection"
    );
    let now = t0() + Duration::hours(2);
    assert!(authenticate(&pool, &access_2, now).await.expect("query").is_some());
    assert!(!refresh_2.is_empty());
}

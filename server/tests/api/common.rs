//! Test helpers: a router over a test database, requests with cookies, and decoding of server
//! function results.

use app::error::AppError;
use app::server::{AppState, AuthSettings};
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::Router;
use http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use std::net::SocketAddr;
use tower::ServiceExt;

pub const SECRET: &str = "test-only-4f9c1e7a2b8d6e0f3a5c9b1d7e2f4a6c8";
pub const PASSWORD: &str = "correct horse battery";

pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder().output_name("clerq").site_root("target/site").site_pkg_dir("pkg").build()
}

pub struct TestApp {
    pub pool: PgPool,
    pub router: Router,
    /// What a browser on this instance sends as `Origin`.
    pub origin: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not the expected JSON ({e}): {}", self.text()))
    }

    /// The `AppError` a server function answered with.
    #[track_caller]
    pub fn app_error(&self) -> AppError {
        assert!(!self.status.is_success(), "expected an error, got {} {}", self.status, self.text());
        self.json()
    }

    /// The cookie value the response sets for the session (empty when it clears it).
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("clerq_session=").or_else(|| v.strip_prefix("__Host-clerq_session=")))
            .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
    }

    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub fn new(pool: PgPool) -> Self {
        Self::with(pool, SECRET, Settings::default())
    }

    pub fn with(pool: PgPool, secret: &str, settings: Settings) -> Self {
        let auth = AuthSettings::new(
            SecretString::from(secret.to_owned()),
            settings.public_origin.clone(),
            settings.trust_proxy_headers,
        );
        let mut state = AppState::new(leptos_options(), pool.clone(), auth);
        if let Some(ttl) = settings.session_cache {
            state = state.with_session_cache(ttl);
        }
        state = state
            .with_receipt_scan(settings.receipt_scan.clone())
            .with_cron_token(settings.cron_token.clone().map(SecretString::from));
        if !settings.real_sign_up_limit {
            state.sign_up_limiter = std::sync::Arc::new(app::server::rate_limit::RateLimiter::new(
                100_000,
                std::time::Duration::from_secs(1),
            ));
        }
        let origin = settings.public_origin.clone().unwrap_or_else(|| "http://localhost".to_owned());
        let router = server::startup::router(state, settings.public_origin)
            .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 1], 40000))));
        Self { pool, router, origin }
    }

    /// Sends `request` the way a browser on this instance would: with a `Host` and, on a POST, an
    /// `Origin` unless the test set one (or a `Referer`) itself.
    pub async fn send(&self, mut request: Request<Body>) -> Reply {
        let headers = request.headers_mut();
        if !headers.contains_key(header::HOST) {
            headers.insert(header::HOST, http::HeaderValue::from_static("localhost"));
        }
        if !headers.contains_key(header::ORIGIN) && !headers.contains_key(header::REFERER) {
            headers.insert(header::ORIGIN, http::HeaderValue::from_str(&self.origin).expect("origin"));
        }
        self.send_raw(request).await
    }

    /// Sends `request` exactly as built.
    pub async fn send_raw(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.expect("router never fails");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes().to_vec();
        Reply { status: parts.status, headers: parts.headers, body }
    }

    /// A server-function call as the browser's wasm makes it (form-encoded in, JSON out).
    pub async fn call(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        self.send(server_fn_request(path, form, cookie, &[])).await
    }

    /// A plain HTML form post from `page`, as a browser without JavaScript sends it (it wants a
    /// page back, so a server function answers with a redirect).
    pub async fn post_form(&self, action: &str, page: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut request = Request::post(action)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::REFERER, format!("http://127.0.0.1:3000{page}"));
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("clerq_session={cookie}"));
        }
        self.send(request.body(Body::from(body)).expect("request")).await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("clerq_session={cookie}"));
        }
        self.send(request.body(Body::empty()).expect("request")).await
    }

    /// Signs up a new account and returns its session cookie value.
    pub async fn sign_up(&self, name: &str, email: &str) -> String {
        let reply =
            self.call("/api/auth/sign_up", &[("name", name), ("email", email), ("password", PASSWORD)], None).await;
        assert_eq!(reply.status, StatusCode::OK, "sign-up failed: {}", reply.text());
        reply.session_cookie().expect("sign-up sets a session cookie")
    }

    /// Signs up and creates a business; returns the cookie.
    pub async fn owner_of(&self, business: &str, email: &str) -> String {
        let cookie = self.sign_up("Dana Lee", email).await;
        self.create_business(&cookie, business, "EUR").await;
        cookie
    }

    pub async fn create_business(&self, cookie: &str, name: &str, currency: &str) {
        let reply = self.call("/api/business/create", &[("name", name), ("currency", currency)], Some(cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "create business failed: {}", reply.text());
    }

    pub async fn session(&self, cookie: Option<&str>) -> Option<app::auth::SessionInfo> {
        let reply = self.call("/api/auth/session", &[], cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.json()
    }
}

#[derive(Default)]
pub struct Settings {
    pub public_origin: Option<String>,
    pub trust_proxy_headers: bool,
    /// Keep the real per-IP sign-up limit. Every other test signs its many accounts up from the
    /// one mock address, so they get a limit they never reach.
    pub real_sign_up_limit: bool,
    /// Reuse resolved sessions from memory this long, as the server does (tests read Postgres on
    /// every request unless they ask for the cache).
    pub session_cache: Option<std::time::Duration>,
    /// The receipt scanning service (none: scanning is off, as without a key).
    pub receipt_scan: Option<app::server::expenses::scan::ScanService>,
    /// `CLERQ_CRON_TOKEN` (none: `POST /api/cron/run` is 404).
    pub cron_token: Option<String>,
}

pub fn server_fn_request(
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
    extra: &[(&str, &str)],
) -> Request<Body> {
    let body = form.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("clerq_session={cookie}"));
    }
    let mut request = request.body(Body::from(body)).expect("request");
    for (name, value) in extra {
        let name = http::HeaderName::from_bytes(name.as_bytes()).expect("header name");
        request.headers_mut().insert(name, http::HeaderValue::from_str(value).expect("header value"));
    }
    request
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A unique e-mail address per call, so tests sharing a database never collide.
pub fn email(tag: &str) -> String {
    format!("{tag}-{}@example.com", uuid::Uuid::now_v7().simple())
}

/// `postgres://…/<database>` for the database a test's pool points at, for child processes.
pub async fn database_url_of(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("select current_database()").fetch_one(pool).await.expect("db name");
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for tests");
    let (prefix, _) = base.rsplit_once('/').expect("DATABASE_URL has a database path");
    format!("{prefix}/{name}")
}

impl TestApp {
    /// The active business id of a signed-in account.
    pub async fn business_id(&self, cookie: &str) -> app::ids::BusinessId {
        self.session(Some(cookie)).await.and_then(|s| s.active_business).map(|b| b.id).expect("an active business")
    }

    pub async fn user_id(&self, cookie: &str) -> app::ids::UserId {
        self.session(Some(cookie)).await.map(|s| s.user.id).expect("signed in")
    }

    /// Invites `email` as `role` (a role value such as `contractor` or `custom:<id>`); returns the token.
    pub async fn invite(&self, inviter: &str, email: &str, role: &str) -> String {
        let reply = self.call("/api/team/invite", &[("email", email), ("role", role)], Some(inviter)).await;
        assert_eq!(reply.status, StatusCode::OK, "invite failed: {}", reply.text());
        let invitation: app::team::PendingInvitation = reply.json();
        invitation
            .link
            .expect("the inviter sees the link")
            .rsplit_once("/invite/")
            .map(|(_, token)| token.to_owned())
            .expect("link has a token")
    }

    /// A new account that joins the inviter's business as `role` through an invitation; returns its cookie.
    pub async fn teammate(&self, inviter: &str, name: &str, role: &str) -> String {
        let address = email(&name.to_lowercase().replace(' ', "."));
        let token = self.invite(inviter, &address, role).await;
        let cookie = self.sign_up(name, &address).await;
        let reply = self.call("/api/team/accept", &[("token", &token)], Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "accept failed: {}", reply.text());
        cookie
    }
}

/// Runs futures concurrently on the current task (no extra dependency).
pub async fn join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut results = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut outputs: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, output) in pending.iter_mut().zip(outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => {
                        *output = Some(value);
                        *slot = None;
                    }
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results.extend(outputs.into_iter().flatten());
    results
}

/// The router over a built site directory `root` (what cargo-leptos writes to `target/site`), for
/// static files: its database is never reached.
pub fn static_site_router(root: &str) -> Router {
    let options = LeptosOptions::builder().output_name("clerq").site_root(root).site_pkg_dir("pkg").build();
    let pool = sqlx::postgres::PgPoolOptions::new().connect_lazy("postgres://nobody@127.0.0.1:1/none").expect("lazy");
    let auth = AuthSettings::new(SecretString::from(SECRET.to_owned()), None, false);
    server::startup::router(AppState::new(options, pool, auth), None)
}

/// GET `path` with `Accept-Encoding: accept_encoding`.
pub async fn fetch(router: &Router, path: &str, accept_encoding: &str) -> Reply {
    let request =
        Request::get(path).header(header::ACCEPT_ENCODING, accept_encoding).body(Body::empty()).expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes().to_vec();
    Reply { status: parts.status, headers: parts.headers, body }
}

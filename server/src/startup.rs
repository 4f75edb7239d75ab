//! Building and running the server: the router factory (shared with the tests), the database pool,
//! migrations at boot, and graceful shutdown.

use crate::config::{weak_secret_warning, Config};
use crate::csrf::{self, CsrfPolicy};
use crate::kept_forms::KeptForms;
use crate::security_headers::{self, SecurityHeaders};
use crate::{body_limit, error_status, form_errors, health, proxy_hint};
use app::app::{shell, App};
use app::server::{session, AppState, AuthSettings, MIGRATOR};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use http::{header, HeaderValue};
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use secrecy::ExposeSecret;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Why the server could not start; `main` prints it and exits non-zero.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("Could not connect to the database: {0}")]
    Database(String),
    #[error("Database migration failed: {0}")]
    Migration(String),
    #[error("Leptos configuration is invalid: {0}")]
    Leptos(String),
    #[error("Could not listen on {addr}: {error}")]
    Bind { addr: SocketAddr, error: std::io::Error },
    #[error("Server error: {0}")]
    Serve(std::io::Error),
}

/// `/pkg` and the directory it is served from.
fn options_pkg_dir(options: &LeptosOptions) -> (String, String) {
    (format!("/{}", options.site_pkg_dir), format!("{}/{}", options.site_root, options.site_pkg_dir))
}

/// The whole HTTP surface. `main` serves it; tests call it with `oneshot`.
pub fn router(state: AppState, public_origin: Option<String>) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    // Pages and server functions: they need the session (one query per request) and the status
    // mapping for server-function errors.
    let app_routes = Router::new()
        .leptos_routes(&state, routes, move || page(options.clone()))
        .route("/api/invoices/{id}/pdf", axum::routing::get(crate::invoice_pdf::download))
        .route("/api/invoices/{id}/preview.svg", axum::routing::get(crate::invoice_pdf::preview))
        .route("/api/credit-notes/{id}/pdf", axum::routing::get(crate::invoice_pdf::credit_note))
        .route("/api/invoices/{id}/xml/{syntax}", axum::routing::get(crate::invoice_pdf::invoice_xml))
        .route("/api/credit-notes/{id}/xml/{syntax}", axum::routing::get(crate::invoice_pdf::credit_note_xml))
        .route("/api/branding/logo", axum::routing::get(crate::logo::show).post(crate::logo::upload))
        .route("/api/branding/logo/remove", axum::routing::post(crate::logo::remove))
        .route("/api/expenses/receipts", axum::routing::get(crate::receipts::zip))
        .route("/api/reports/profit.csv", axum::routing::get(crate::reports::profit_csv))
        .route("/api/export", axum::routing::get(crate::export::download))
        .route(crate::cron::PATH, axum::routing::post(crate::cron::run))
        .route("/api/expenses/scan", axum::routing::post(crate::receipt_scan::scan))
        .route("/api/expenses/{id}/receipt", axum::routing::get(crate::receipts::show).post(crate::receipts::upload))
        .route("/api/expenses/{id}/receipt/remove", axum::routing::post(crate::receipts::remove))
        .route(app::import::IMPORT_PAGE, axum::routing::post(crate::import_page::post))
        .layer(from_fn(error_status::middleware))
        .layer(from_fn_with_state(
            form_errors::FormErrors { state: state.clone(), kept: Arc::new(KeptForms::new()) },
            form_errors::middleware,
        ))
        .layer(from_fn_with_state(state.clone(), session::middleware));
    let headers =
        Arc::new(SecurityHeaders { hsts: public_origin.as_deref().is_some_and(|o| o.starts_with("https://")) });
    let trust_proxy = Arc::new(state.auth.trust_proxy_headers);
    let csrf = Arc::new(CsrfPolicy { public_origin });
    // The wasm, JS and CSS: brotli or gzip files written next to them at build time
    // (`cargo leptos build --release --precompress`) are sent as they are, so no request pays for
    // compressing 2.7 MB of wasm.
    let pkg = options_pkg_dir(&state.leptos_options);
    let pkg_files = Router::new()
        .nest_service(&pkg.0, ServeDir::new(pkg.1).precompressed_br().precompressed_gzip())
        .layer(from_fn(pkg_cache_control));
    Router::new()
        .merge(health::routes())
        .merge(crate::oauth::routes(&state))
        .merge(crate::mcp::routes(state.clone()))
        .merge(app_routes)
        .merge(pkg_files)
        // Other static files (favicon) skip the session lookup; unknown paths render the 404 page.
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(page))
        .layer(from_fn_with_state(csrf, csrf::middleware))
        .layer(from_fn_with_state(headers, security_headers::middleware))
        .layer(from_fn_with_state(trust_proxy, proxy_hint::middleware))
        // Small bodies by default; the CSV import's steps post the whole file.
        .layer(from_fn(body_limit::middleware))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit::IMPORT_LIMIT))
        .layer(catch_panics())
        // Archives, PDFs and images are compressed already (the default skips only images).
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/zip"))
                    .and(NotForContentType::const_new("application/pdf")),
            ),
        )
        .layer(TimeoutLayer::with_status_code(http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &http::Request<_>| {
            // The path only (query strings can carry tokens), with invitation tokens blanked.
            tracing::info_span!("request", method = %request.method(), path = %loggable_path(request.uri().path()))
        }))
        .with_state(state)
}

/// A request path as the log may show it: an invitation link is a bearer credential, so its token
/// never reaches the log.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/invite/") {
        Some(token) if !token.is_empty() => std::borrow::Cow::Borrowed("/invite/[token]"),
        _ => std::borrow::Cow::Borrowed(path),
    }
}

/// A panic anywhere below (a bug, by definition) becomes a logged 500 page instead of a dropped
/// connection; the panic message goes to the log only.
pub fn catch_panics() -> CatchPanicLayer<PanicHandler> {
    CatchPanicLayer::custom(panic_response as PanicHandler)
}

type Panic = Box<dyn std::any::Any + Send + 'static>;
pub type PanicHandler = fn(Panic) -> http::Response<axum::body::Body>;

fn panic_response(panic: Panic) -> http::Response<axum::body::Body> {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned());
    tracing::error!(panic = %message, "a request panicked");
    let mut response = http::Response::new(axum::body::Body::from(
        "<!doctype html><title>Something went wrong</title><h1>Something went wrong on our side.</h1>\
         <p>Please try again. If it keeps happening, tell whoever runs this Clerq.</p>",
    ));
    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    response
        .headers_mut()
        .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

/// The HTML shell of every page, with the Content Security Policy for this response's nonce
/// (leptos_axum provides a fresh nonce per request and puts it on its own inline scripts).
pub(crate) fn page(options: LeptosOptions) -> impl leptos::IntoView {
    if let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), leptos::prelude::use_context::<leptos_axum::ResponseOptions>())
    {
        if let Ok(value) = http::HeaderValue::from_str(&security_headers::page_csp(&nonce.to_string())) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    shell(options)
}

/// Leptos' settings from `LEPTOS_*` (cargo-leptos and the Dockerfile set them). With hashed file
/// names the hash file must sit next to the binary: Leptos reads it on every page (and panics on
/// the first without it), so its absence stops the start instead.
pub fn leptos_options() -> Result<LeptosOptions, StartupError> {
    let options = leptos::config::get_configuration(None)
        .map(|conf| conf.leptos_options)
        .map_err(|e| StartupError::Leptos(e.to_string()))?;
    let exe_dir = std::env::current_exe().ok().and_then(|exe| exe.parent().map(std::path::Path::to_path_buf));
    if let Some(path) = missing_hash_file(&options, exe_dir.as_deref().unwrap_or(std::path::Path::new(""))) {
        return Err(StartupError::Leptos(format!(
            "LEPTOS_HASH_FILES is true but {} is missing; copy the hash.txt cargo-leptos wrote next to the server binary",
            path.display()
        )));
    }
    Ok(options)
}

/// Where Leptos will look for the hash file (beside the binary in `exe_dir`), when hashed names
/// are on and it is not there.
fn missing_hash_file(options: &LeptosOptions, exe_dir: &std::path::Path) -> Option<std::path::PathBuf> {
    let path = exe_dir.join(options.hash_file.as_ref());
    (options.hash_files && !path.is_file()).then_some(path)
}

/// `clerq.<hash>.wasm` (and `.js`, `.css`): cargo-leptos' content-hashed names, which never change
/// meaning, unlike `clerq.wasm`.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(stem), Some(hash), Some("js" | "wasm" | "css"), None) => {
            !stem.is_empty()
                && hash.len() >= 16
                && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }
        _ => false,
    }
}

/// Hashed /pkg files are cached for a year without revalidation; any other file there must be
/// revalidated (a cheap 304), so a browser never runs an old front end against a new server.
async fn pkg_cache_control(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let immutable = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == http::StatusCode::NOT_MODIFIED {
        let value = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Limits every connection carries, so no request can hold Postgres indefinitely: a statement
/// runs at most 15 s (the HTTP timeout is 30 s), waits at most 5 s for a lock, and a transaction
/// left idle is ended after 30 s.
pub const SESSION_LIMITS: [(&str, &str); 3] =
    [("statement_timeout", "15s"), ("lock_timeout", "5s"), ("idle_in_transaction_session_timeout", "30s")];

/// Connects, retrying for about 30 seconds so a database that is still starting is waited for.
/// A connection idle longer than this is pinged before use; a busier one is trusted.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(10);

/// The pool's settings. sqlx pings every idle connection before handing it out by default: one
/// extra round trip per acquire, for every query of every page. Here only a connection that sat
/// idle (when the server may have restarted or a proxy dropped it) is pinged first.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(3))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_IF_IDLE_FOR {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

pub async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, StartupError> {
    let options = pool_options(max_connections);
    let connect_options = PgConnectOptions::from_str(database_url)
        .map_err(|e| StartupError::Database(e.to_string()))?
        .options(SESSION_LIMITS);
    let mut delay = Duration::from_millis(250);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match options.clone().connect_with(connect_options.clone()).await {
            Ok(pool) => return Ok(pool),
            Err(error) if tokio::time::Instant::now() + delay < deadline => {
                tracing::warn!("database not reachable yet ({error}); retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(4));
            }
            Err(error) => return Err(StartupError::Database(error.to_string())),
        }
    }
}

/// Applies pending migrations; returns how many were applied by this call.
pub async fn migrate(pool: &PgPool) -> Result<usize, StartupError> {
    let before = applied_count(pool).await;
    MIGRATOR.run(pool).await.map_err(describe_migration_error)?;
    Ok(applied_count(pool).await.saturating_sub(before))
}

/// Names the failing migration's file, not just its version, so the operator knows where to look.
fn describe_migration_error(error: sqlx::migrate::MigrateError) -> StartupError {
    use sqlx::migrate::MigrateError;
    let name = |version: i64| {
        MIGRATOR
            .iter()
            .find(|m| m.version == version)
            .map_or_else(|| version.to_string(), |m| format!("{version}_{}", m.description.replace(' ', "_")))
    };
    let message = match &error {
        MigrateError::ExecuteMigration(cause, version) => {
            format!("migration {} did not apply: {cause}", name(*version))
        }
        MigrateError::VersionMismatch(version) => format!(
            "migration {} was changed after it was applied; restore the original file (migrations are forward-only)",
            name(*version)
        ),
        other => other.to_string(),
    };
    StartupError::Migration(message)
}

async fn applied_count(pool: &PgPool) -> usize {
    // The table does not exist before the first run.
    sqlx::query_scalar::<_, i64>("select count(*) from _sqlx_migrations where success")
        .fetch_one(pool)
        .await
        .map_or(0, |n| usize::try_from(n).unwrap_or(0))
}

/// `server` / `server serve`.
pub async fn serve(config: Config) -> Result<(), StartupError> {
    if let Some(reason) = config.secret_weakness() {
        tracing::warn!("{}", weak_secret_warning(&reason));
    }
    let leptos_options = leptos_options()?;
    let pool = connect(config.database_url.expose_secret(), config.db_max_connections).await?;
    if config.skip_migrations {
        tracing::info!("CLERQ_SKIP_MIGRATIONS is set; not running migrations");
    } else {
        let applied = migrate(&pool).await?;
        tracing::info!(applied, "database schema is up to date");
    }
    spawn_session_cleanup(pool.clone());
    let fx_job = crate::fx_refresh::spawn_daily(pool.clone(), &config);
    let addr = leptos_options.site_addr;
    let auth = AuthSettings::new(config.auth_secret.clone(), config.public_origin.clone(), config.trust_proxy_headers);
    if config.test_clock {
        tracing::warn!("CLERQ_TEST_CLOCK is set: requests may move this server's clock; never use it in production");
    }
    let state = AppState::new(leptos_options, pool.clone(), auth)
        .with_clock_header(config.test_clock)
        .with_session_cache(config.session_cache)
        .with_receipt_scan(config.receipt_scan.clone())
        .with_cron_token(config.cron_token.clone())
        .with_update_feed(config.update_url.as_ref().and_then(|url| {
            app::server::updates::UpdateFeed::new(url.to_string())
                .inspect_err(|error| tracing::warn!(%error, "update checks are off"))
                .ok()
        }));
    let recurring_job = config.recurring_every.map(|every| crate::cron::spawn_runner(pool.clone(), every));
    let app = router(state, config.public_origin.clone());
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|error| StartupError::Bind { addr, error })?;
    tracing::info!("Clerq is listening on http://{addr}");
    let stopping = Arc::new(tokio::sync::Notify::new());
    let signalled = stopping.clone();
    let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            signalled.notify_one();
        })
        .into_future();
    // Requests in flight get DRAIN_DEADLINE to finish once the signal came; then the process exits
    // anyway, before compose's stop_grace_period (30 s) would kill it mid-write.
    let result = tokio::select! {
        result = server => result.map_err(StartupError::Serve),
        () = async {
            stopping.notified().await;
            tokio::time::sleep(DRAIN_DEADLINE).await;
        } => {
            tracing::warn!("requests still running {DRAIN_DEADLINE:?} after the stop signal; stopping anyway");
            Ok(())
        }
    };
    // A fetch in progress is dropped; nothing is half-stored (one upsert statement).
    if let Some(job) = fx_job {
        job.abort();
    }
    // A run in progress is dropped between statements: each occurrence is one transaction.
    if let Some(job) = recurring_job {
        job.abort();
    }
    pool.close().await;
    result
}

/// How long in-flight requests may run after SIGTERM (compose waits 30 s before SIGKILL).
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(20);

fn spawn_session_cleanup(pool: PgPool) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match app::server::db::sessions::delete_expired(&pool).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "removed expired sessions"),
                Err(_) => {} // logged by the error conversion
            }
        }
    });
}

/// Resolves on Ctrl-C or SIGTERM (what `docker stop` sends), letting in-flight requests finish.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::{is_hashed_asset, missing_hash_file};
    use leptos::prelude::LeptosOptions;

    #[test]
    fn hashed_names_need_the_hash_file_beside_the_binary() {
        let dir = std::env::temp_dir().join(format!("clerq-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let _ = std::fs::remove_file(dir.join("hash.txt"));
        let hashed = LeptosOptions::builder().output_name("clerq").hash_files(true).build();
        assert_eq!(missing_hash_file(&hashed, &dir), Some(dir.join("hash.txt")));
        std::fs::write(dir.join("hash.txt"), "js: a\nwasm: b\ncss: c\n").expect("hash file");
        assert_eq!(missing_hash_file(&hashed, &dir), None);
        let _ = std::fs::remove_file(dir.join("hash.txt"));
        let plain = LeptosOptions::builder().output_name("clerq").build();
        assert_eq!(missing_hash_file(&plain, &dir), None, "without hashed names no file is needed");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_content_hashed_front_end_files_count_as_immutable() {
        for hashed in [
            "/pkg/clerq.Ab3_x-9QwErTyUiOpAsDfG.wasm",
            "/pkg/clerq.Ab3_x-9QwErTyUiOpAsDfG.js",
            "clerq.0123456789abcdef.css",
            // The lazy pages' files, the chunks they share and the loader `--split` writes.
            "/pkg/split_client_pages_12006119491404259090.EqvHFCUcGtKE0x2Yd9wQ3A.wasm",
            "/pkg/chunk_15.olc3NqNTUHShEiYWG0yrNA.wasm",
            "/pkg/__wasm_split.YfcogZNfguHS7OcNMHBteg.js",
        ] {
            assert!(is_hashed_asset(hashed), "{hashed}");
        }
        for plain in [
            "/pkg/clerq.wasm",
            "/pkg/clerq.js",
            "/pkg/clerq.css",
            "/pkg/clerq.short.wasm",
            "/pkg/clerq.Ab3_x-9QwErTyUiOpAsDfG.txt",
            "/pkg/clerq.Ab3_x-9QwErTyUiOpAs/fG.wasm",
            "/pkg/.Ab3_x-9QwErTyUiOpAsDfG.wasm",
            "/pkg/snippets/x.Ab3_x-9QwErTyUiOpAsDfG.y.js",
        ] {
            assert!(!is_hashed_asset(plain), "{plain}");
        }
    }
}

//! The recurring-invoice runner (PRODUCT §3.10): an in-process sweep every few minutes, and
//! `POST /api/cron/run` for operators who prefer an external scheduler (with
//! `Authorization: Bearer $CLERQ_CRON_TOKEN`; 404 while the token is unset). Both make every
//! occurrence due now; running them together, or on several replicas, makes each occurrence once.

use app::server::recurring::{cron_token_matches, sweep, SWEEPING, SWEEP_LIMIT};
use app::server::AppState;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};
use serde_json::json;
use sqlx::PgPool;
use std::time::Duration;

pub const PATH: &str = "/api/cron/run";

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

pub async fn run(State(state): State<AppState>, request: Request) -> Response {
    let Some(expected) = state.cron_token.clone() else {
        return error(StatusCode::NOT_FOUND, "Not found.");
    };
    let (parts, _) = request.into_parts();
    let given = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .unwrap_or_default();
    if !cron_token_matches(&expected, given.trim()) {
        let mut response =
            error(StatusCode::UNAUTHORIZED, "Send Authorization: Bearer with the CLERQ_CRON_TOKEN value.");
        response.headers_mut().insert(header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Bearer"));
        return response;
    }
    // One sweep per process at a time; a caller arriving during one waits for it, then finds
    // nothing left to do.
    let Ok(_permit) = SWEEPING.acquire().await else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "The runner is shutting down.");
    };
    let now = state.clock.for_request(&parts, state.clock_header).now();
    match sweep(&state.pool, now, SWEEP_LIMIT).await {
        Ok(report) => {
            let mut body = serde_json::to_value(&report).unwrap_or_default();
            body["ok"] = json!(true);
            axum::Json(body).into_response()
        }
        Err(_) => error(StatusCode::SERVICE_UNAVAILABLE, "The run could not finish; the next one will continue."),
    }
}

/// Sweeps every `every`, starting a little after start-up.
pub fn spawn_runner(pool: PgPool, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + Duration::from_secs(5), every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Ok(_permit) = SWEEPING.try_acquire() else { continue };
            match sweep(&pool, chrono::Utc::now(), SWEEP_LIMIT).await {
                Ok(report) if report.generated + report.failed > 0 => tracing::info!(
                    generated = report.generated,
                    issued = report.issued,
                    failed = report.failed,
                    ended = report.ended,
                    "recurring invoices run"
                ),
                Ok(_) => {}
                Err(_) => {} // logged by the error conversion; the next tick tries again
            }
        }
    })
}

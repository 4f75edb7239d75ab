//! `GET /api/trpc/<procedure>`: the health procedures in the wire shape of the earlier tRPC server,
//! so existing uptime monitors keep working. `health.ping` touches nothing but the clock;
//! `health.ready` also proves the database answers within 2 seconds.

use app::server::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use chrono::{SecondsFormat, Utc};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const READY_TIMEOUT: Duration = Duration::from_secs(2);
/// A readiness answer is reused this long, so a flood of probes costs one query a second.
pub const READY_CACHE: Duration = Duration::from_secs(1);
/// The most procedures one batch may name.
pub const MAX_BATCH: usize = 8;

/// The last readiness check. The lock also makes concurrent probes wait for one check instead of
/// each running their own.
#[derive(Default)]
pub struct Readiness(tokio::sync::Mutex<Option<(Instant, bool)>>);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/trpc", get(no_procedure).post(no_procedure))
        .route("/api/trpc/", get(no_procedure).post(no_procedure))
        .route("/api/trpc/{procedures}", get(query).post(mutation))
        .layer(Extension(Arc::new(Readiness::default())))
}

#[derive(Debug, Deserialize)]
pub struct TrpcParams {
    batch: Option<String>,
}

/// One procedure's outcome: HTTP status and the JSON that goes in the envelope.
type Outcome = (StatusCode, Value);

async fn query(
    State(state): State<AppState>,
    Extension(readiness): Extension<Arc<Readiness>>,
    Path(procedures): Path<String>,
    Query(params): Query<TrpcParams>,
) -> Response {
    let batch = params.batch.as_deref().is_some_and(|b| b == "1" || b == "true");
    if !batch {
        let (status, body) = run(&state, &readiness, &procedures).await;
        return (status, Json(body)).into_response();
    }
    let names: Vec<&str> = procedures.split(',').collect();
    if names.len() > MAX_BATCH {
        let message = format!("A batch may name at most {MAX_BATCH} procedures; this one names {}.", names.len());
        let (status, body) = error(StatusCode::BAD_REQUEST, "BAD_REQUEST", -32600, &message, "");
        return (status, Json(body)).into_response();
    }
    let mut results = Vec::new();
    let mut statuses = Vec::new();
    for procedure in names {
        let (status, body) = run(&state, &readiness, procedure).await;
        statuses.push(status);
        results.push(body);
    }
    // tRPC answers a batch with the shared status when all agree, 207 otherwise.
    let status = match statuses.first() {
        Some(first) if statuses.iter().all(|s| s == first) => *first,
        _ => StatusCode::MULTI_STATUS,
    };
    (status, Json(Value::Array(results))).into_response()
}

async fn mutation(Path(procedures): Path<String>) -> Response {
    let procedure = procedures.split(',').next().unwrap_or_default();
    let (status, body) = if is_known(procedure) {
        error(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_SUPPORTED",
            -32005,
            &format!("Unsupported POST-request to query procedure at path \"{procedure}\""),
            procedure,
        )
    } else {
        not_found(procedure)
    };
    (status, Json(body)).into_response()
}

async fn no_procedure() -> Response {
    let (status, body) = not_found("");
    (status, Json(body)).into_response()
}

fn is_known(procedure: &str) -> bool {
    matches!(procedure, "health.ping" | "health.ready")
}

async fn run(state: &AppState, readiness: &Readiness, procedure: &str) -> Outcome {
    match procedure {
        "health.ping" => ok(),
        "health.ready" => ready(state, readiness).await,
        other => not_found(other),
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn ok() -> Outcome {
    (StatusCode::OK, json!({ "result": { "data": { "json": { "ok": true, "time": now() } } } }))
}

async fn ready(state: &AppState, readiness: &Readiness) -> Outcome {
    let mut last = readiness.0.lock().await;
    let up = match *last {
        Some((at, up)) if at.elapsed() < READY_CACHE => up,
        _ => {
            let check = sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.pool);
            let up = matches!(tokio::time::timeout(READY_TIMEOUT, check).await, Ok(Ok(1)));
            *last = Some((Instant::now(), up));
            up
        }
    };
    drop(last);
    match up {
        true => ok(),
        false => {
            tracing::warn!("health.ready: database did not answer within {READY_TIMEOUT:?}");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                -32603,
                "Database unavailable",
                "health.ready",
            )
        }
    }
}

fn not_found(procedure: &str) -> Outcome {
    error(StatusCode::NOT_FOUND, "NOT_FOUND", -32004, &format!("No procedure found on path \"{procedure}\""), procedure)
}

/// tRPC's error envelope (superjson-wrapped, as the earlier server sent it).
pub fn error(status: StatusCode, code: &str, rpc_code: i32, message: &str, path: &str) -> Outcome {
    (
        status,
        json!({ "error": { "json": {
            "message": message,
            "code": rpc_code,
            "data": { "code": code, "httpStatus": status.as_u16(), "path": path }
        } } }),
    )
}

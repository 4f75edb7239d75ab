//! `/api/trpc/health.*`: the tRPC wire shape monitors rely on.

use crate::common::TestApp;
use http::{header, StatusCode};
use serde_json::Value;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

#[track_caller]
fn assert_ping_result(value: &Value) {
    assert_eq!(value["result"]["data"]["json"]["ok"], Value::Bool(true), "{value}");
    let time = value["result"]["data"]["json"]["time"].as_str().expect("time is a string");
    let parsed = chrono::DateTime::parse_from_rfc3339(time).expect("RFC 3339");
    assert_eq!(parsed.offset().local_minus_utc(), 0, "UTC");
    assert!(time.ends_with('Z'), "{time}");
    let age = chrono::Utc::now().signed_duration_since(parsed);
    assert!(age.num_seconds().abs() < 60, "the current time, got {time}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn ping_answers_in_the_trpc_envelope(pool: PgPool) {
    let app = TestApp::new(pool);
    let reply = app.get("/api/trpc/health.ping", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/json"));
    let body: Value = reply.json();
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "only `result`: {body}");
    assert_ping_result(&body);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn ping_answers_the_batch_form_with_a_one_element_array(pool: PgPool) {
    let app = TestApp::new(pool);
    let reply = app.get("/api/trpc/health.ping?batch=1&input=%7B%7D", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body: Value = reply.json();
    let items = body.as_array().expect("array");
    assert_eq!(items.len(), 1);
    assert_ping_result(&items[0]);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn ping_needs_no_database(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    pool.close().await;
    let reply = app.get("/api/trpc/health.ping", None).await;
    assert_eq!(reply.status, StatusCode::OK, "liveness does not depend on Postgres");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_unknown_procedure_is_a_404_in_the_trpc_error_envelope(pool: PgPool) {
    let app = TestApp::new(pool);
    let reply = app.get("/api/trpc/health.nope", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let body: Value = reply.json();
    let error = &body["error"]["json"];
    assert_eq!(error["code"], -32004);
    assert_eq!(error["data"]["code"], "NOT_FOUND");
    assert_eq!(error["data"]["httpStatus"], 404);
    assert_eq!(error["data"]["path"], "health.nope");
    assert_eq!(error["message"], "No procedure found on path \"health.nope\"");

    let bare = app.get("/api/trpc", None).await;
    assert_eq!(bare.status, StatusCode::NOT_FOUND);
    assert_eq!(bare.json::<Value>()["error"]["json"]["data"]["code"], "NOT_FOUND");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn ready_answers_ok_when_the_database_does(pool: PgPool) {
    let app = TestApp::new(pool);
    let reply = app.get("/api/trpc/health.ready", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_ping_result(&reply.json());
}

#[track_caller]
fn assert_unavailable(reply: &crate::common::Reply) {
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{}", reply.text());
    let body: Value = reply.json();
    assert_eq!(body["error"]["json"]["data"]["code"], "SERVICE_UNAVAILABLE");
    assert_eq!(body["error"]["json"]["data"]["httpStatus"], 503);
    assert_eq!(body["error"]["json"]["message"], "Database unavailable");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn ready_is_503_when_the_database_is_stopped(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    pool.close().await;
    assert_unavailable(&app.get("/api/trpc/health.ready", None).await);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn ready_is_503_when_the_database_is_unreachable(_pool: PgPool) {
    // Connection refused: nothing listens on the discard port.
    let pool = PgPoolOptions::new().connect_lazy("postgres://clerq@127.0.0.1:9/clerq").expect("lazy pool");
    assert_unavailable(&TestApp::new(pool).get("/api/trpc/health.ready", None).await);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn ready_gives_up_after_its_timeout_when_the_database_hangs(_pool: PgPool) {
    // A "database" that accepts connections and never answers: only health.ready's own 2 s budget
    // can end the wait, since the pool would wait two minutes.
    let black_hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = black_hole.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = black_hole.accept().await {
            held.push(socket);
        }
    });
    let pool = PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(120))
        .connect_lazy(&format!("postgres://clerq@127.0.0.1:{port}/clerq"))
        .expect("lazy pool");
    let app = TestApp::new(pool);
    let reply = tokio::time::timeout(std::time::Duration::from_secs(60), app.get("/api/trpc/health.ready", None))
        .await
        .expect("health.ready answers on its own timeout, not the pool's");
    assert_unavailable(&reply);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_batch_names_at_most_eight_procedures(pool: PgPool) {
    let app = TestApp::new(pool);
    let eight = ["health.ping"; 8].join(",");
    let reply = app.get(&format!("/api/trpc/{eight}?batch=1"), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json::<Value>().as_array().map(Vec::len), Some(8));

    let many = ["health.ready"; 9].join(",");
    let reply = app.get(&format!("/api/trpc/{many}?batch=1"), None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    let body: Value = reply.json();
    assert_eq!(body["error"]["json"]["data"]["code"], "BAD_REQUEST");
    assert!(body["error"]["json"]["message"].as_str().is_some_and(|m| m.contains("at most 8")), "{body}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn readiness_is_checked_at_most_once_a_second(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    assert_eq!(app.get("/api/trpc/health.ready", None).await.status, StatusCode::OK);
    // The pool is gone, but the answer of a moment ago still stands: probes don't each cost a query.
    pool.close().await;
    assert_eq!(app.get("/api/trpc/health.ready", None).await.status, StatusCode::OK);
    tokio::time::sleep(server::health::READY_CACHE + std::time::Duration::from_millis(100)).await;
    assert_unavailable(&app.get("/api/trpc/health.ready", None).await);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn every_connection_is_limited_in_statement_lock_and_idle_transaction_time(pool: PgPool) {
    let url = crate::common::database_url_of(&pool).await;
    let limited = server::startup::connect(&url, 2).await.expect("connects");
    for (name, value) in server::startup::SESSION_LIMITS {
        let shown: String =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("show {name}"))).fetch_one(&limited).await.expect("show");
        assert_eq!(shown, value, "{name}");
    }
}

//! The ECB rates fetch against local servers only (tests never reach the internet): a good file is
//! stored; a timeout, an error status, a body that is not XML and an oversized body store nothing.

use app::server::fx::FxError;
use axum::routing::get;
use axum::Router;
use server::fx_refresh::{http_client, refresh, RefreshError, FETCH_TIMEOUT, MAX_BODY};
use sqlx::PgPool;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SAMPLE: &str = include_str!("../../../app/src/server/fixtures/eurofxref-sample.xml");

/// Serves `router` on a free local port; returns the file's URL.
async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}/eurofxref-daily.xml")
}

fn xml(body: String) -> ([(http::HeaderName, &'static str); 1], String) {
    ([(http::header::CONTENT_TYPE, "text/xml")], body)
}

async fn stored_rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from fx_rates").fetch_one(pool).await.expect("count")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn refresh_fetches_the_ecb_file_and_stores_each_day(pool: PgPool) {
    let url = serve(Router::new().route("/eurofxref-daily.xml", get(|| async { xml(SAMPLE.to_owned()) }))).await;
    let client = http_client(FETCH_TIMEOUT).expect("client");

    assert_eq!(refresh(&pool, &client, &url).await.expect("refresh"), 10, "5 currencies on 2 days");
    let sunday = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
    let rates = app::server::db::fx::rates_on(&pool, sunday).await.expect("query").expect("Friday's rates");
    assert_eq!(rates.date.to_string(), "2026-11-27");
    assert_eq!(rates.rates["JPY"].to_string(), "162.50");

    assert_eq!(refresh(&pool, &client, &url).await.expect("again"), 10, "a second fetch replaces the days");
    assert_eq!(stored_rows(&pool).await, 10);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_server_that_never_answers_times_out(pool: PgPool) {
    // Accepts connections and holds them open without a byte of response.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let client = http_client(Duration::from_millis(200)).expect("client");

    // The outer bound only keeps a broken timeout from hanging the suite.
    let result = tokio::time::timeout(Duration::from_secs(60), refresh(&pool, &client, &format!("http://{addr}/")))
        .await
        .expect("the client's own timeout ends the request");
    assert!(matches!(result, Err(RefreshError::Timeout)), "{result:?}");
    assert_eq!(stored_rows(&pool).await, 0);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_error_status_stores_nothing_even_with_a_valid_body(pool: PgPool) {
    let url = serve(Router::new().route(
        "/eurofxref-daily.xml",
        get(|| async { (http::StatusCode::INTERNAL_SERVER_ERROR, xml(SAMPLE.to_owned())) }),
    ))
    .await;
    let client = http_client(FETCH_TIMEOUT).expect("client");

    let error = refresh(&pool, &client, &url).await.expect_err("a 500 is an error");
    assert!(matches!(error, RefreshError::Status(status) if status == 500), "{error:?}");
    assert_eq!(error.to_string(), "the ECB rates server answered 500 Internal Server Error");
    assert_eq!(stored_rows(&pool).await, 0);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_body_that_is_not_xml_is_a_parse_error_and_stores_nothing(pool: PgPool) {
    let url =
        serve(Router::new().route("/eurofxref-daily.xml", get(|| async { "Service temporarily unavailable" }))).await;
    let client = http_client(FETCH_TIMEOUT).expect("client");

    let error = refresh(&pool, &client, &url).await.expect_err("not an ECB file");
    assert!(matches!(error, RefreshError::Parse(FxError::NotEcb(_))), "{error:?}");
    assert!(error.to_string().starts_with("This is not an ECB reference-rate file"), "{error}");
    assert_eq!(stored_rows(&pool).await, 0);
}

/// A valid ECB file made larger than the cap by a trailing comment, so only the size refuses it.
fn oversized_ecb_file() -> String {
    format!("{SAMPLE}<!--{}-->", " ".repeat(usize::try_from(MAX_BODY).expect("fits")))
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_oversized_body_is_refused_by_its_declared_length(pool: PgPool) {
    let url = serve(Router::new().route("/eurofxref-daily.xml", get(|| async { xml(oversized_ecb_file()) }))).await;
    let client = http_client(FETCH_TIMEOUT).expect("client");

    let error = refresh(&pool, &client, &url).await.expect_err("too large");
    assert!(matches!(error, RefreshError::TooLarge { limit: MAX_BODY }), "{error:?}");
    assert_eq!(stored_rows(&pool).await, 0);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_oversized_body_without_a_length_is_refused_while_reading(pool: PgPool) {
    // HTTP/1.0 style: no Content-Length, the body ends when the connection closes.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let body = oversized_ecb_file();
        while let Ok((mut stream, _)) = listener.accept().await {
            // Answering before the request has arrived would be a protocol error to the client.
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n").await;
            // The client hangs up once it has seen too much; the write then fails, which is fine.
            let _ = stream.write_all(body.as_bytes()).await;
        }
    });
    let client = http_client(FETCH_TIMEOUT).expect("client");

    let error = refresh(&pool, &client, &format!("http://{addr}/")).await.expect_err("too large");
    assert!(matches!(error, RefreshError::TooLarge { limit: MAX_BODY }), "{error:?}");
    assert_eq!(stored_rows(&pool).await, 0);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn errors_never_show_credentials_or_tokens_from_the_url(pool: PgPool) {
    // Nothing listens on a port just released.
    let port = TcpListener::bind("127.0.0.1:0").await.expect("bind").local_addr().expect("address").port();
    let url = format!("http://mirror:hunter2@127.0.0.1:{port}/daily.xml?token=hunter2");
    let client = http_client(FETCH_TIMEOUT).expect("client");

    let error = refresh(&pool, &client, &url).await.expect_err("nothing listens");
    assert!(matches!(error, RefreshError::Request(_)), "{error:?}");
    let message = error.to_string();
    assert!(!message.contains("hunter2") && !message.contains("127.0.0.1"), "{message}");
    assert!(message.starts_with("could not fetch the ECB rates: "), "{message}");
}

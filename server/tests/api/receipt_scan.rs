//! Receipt scanning against a fake OpenAI-compatible service the test starts on loopback: the
//! photo goes to it with the key, the model and the image as a data URL; its answer comes back as
//! the new-expense form's suggested values; failures and a missing configuration say so.

use crate::common::{email, Settings, TestApp};
use app::server::expenses::scan::ScanService;
use axum::body::Body;
use axum::routing::post;
use axum::Json;
use http::{header, Request, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::{Arc, Mutex};

const BOUNDARY: &str = "----clerq-scan-boundary-91ab";

fn png() -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(8, 8, image::Rgba([250, 250, 250, 255])))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

fn scan_request(cookie: &str, file: &[u8]) -> Request<Body> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"receipt\"; filename=\"receipt.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Request::post("/api/expenses/scan")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::COOKIE, format!("clerq_session={cookie}"))
        .body(Body::from(body))
        .expect("request")
}

/// A chat-completions endpoint that records what it was sent and answers with `answer` (or `status`).
async fn fake_service(status: StatusCode, answer: &'static str) -> (String, Arc<Mutex<Vec<(String, Value)>>>) {
    let seen: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let recorded = seen.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move |headers: http::HeaderMap, Json(body): Json<Value>| {
            let recorded = recorded.clone();
            async move {
                let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                recorded.lock().expect("lock").push((auth, body));
                (status, Json(json!({ "choices": [{ "message": { "role": "assistant", "content": answer } }] })))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("fake service") });
    (format!("http://{address}/v1"), seen)
}

fn with_service(pool: PgPool, base_url: String) -> TestApp {
    let service = ScanService { base_url, key: "test-scan-key".to_owned().into(), model: "vision-test".into() };
    TestApp::with(pool, crate::common::SECRET, Settings { receipt_scan: Some(service), ..Settings::default() })
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_scanned_receipt_fills_in_the_new_expense_form(pool: PgPool) {
    let answer = r#"{"description":"Lunch with Acme","vendor":"Café Nord","amount":"23.40","currency":"EUR","date":"2026-03-04","category":"Meals"}"#;
    let (url, seen) = fake_service(StatusCode::OK, answer).await;
    let app = with_service(pool, url);
    let owner = app.owner_of("Scan Co", &email("owner")).await;
    let form = app.get("/expenses/new", Some(&owner)).await.text();
    assert!(form.contains("Scan a receipt") && form.contains("up to 2 MB"), "the scan form is offered");

    let reply = app.send(scan_request(&owner, &png())).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let location = reply.location().expect("redirect").to_owned();
    assert_eq!(
        location,
        "/expenses/new?description=Lunch+with+Acme&amount=23.40&currency=EUR&incurred_on=2026-03-04&vendor=Caf%C3%A9+Nord&category=Meals&scanned=1"
    );
    let page = app.get(&location, Some(&owner)).await.text();
    for value in [r#"value="Lunch with Acme""#, r#"value="23.40""#, r#"value="2026-03-04""#, r#"value="Café Nord""#] {
        assert!(page.contains(value), "{value} in the form");
    }
    assert!(page.contains("Check every field before saving."));

    let requests = seen.lock().expect("lock").clone();
    assert_eq!(requests.len(), 1);
    let (auth, body) = &requests[0];
    assert_eq!(auth, "Bearer test-scan-key");
    assert_eq!(body["model"], "vision-test");
    let image = body["messages"][1]["content"][1]["image_url"]["url"].as_str().expect("image");
    assert!(image.starts_with("data:image/png;base64,iVBOR"), "the photo as a data URL");
    let stored: i64 = sqlx::query_scalar("select count(*) from vendor_expenses").fetch_one(&app.pool).await.expect("n");
    assert_eq!(stored, 0, "nothing is saved until the person saves");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn scanning_failures_say_why(pool: PgPool) {
    let (url, seen) = fake_service(StatusCode::INTERNAL_SERVER_ERROR, "{}").await;
    let app = with_service(pool.clone(), url);
    let owner = app.owner_of("Scan Co", &email("owner")).await;
    let outcome = |reply: crate::common::Reply| reply.location().unwrap_or_default().to_owned();
    assert_eq!(outcome(app.send(scan_request(&owner, &png())).await), "/expenses/new?scan=unavailable");
    assert_eq!(outcome(app.send(scan_request(&owner, b"%PDF-1.4")).await), "/expenses/new?scan=unknown_type");
    assert_eq!(outcome(app.send(scan_request(&owner, b"")).await), "/expenses/new?scan=empty");
    let mut big = png();
    big.resize(2 * 1024 * 1024 + 1, 0);
    assert_eq!(outcome(app.send(scan_request(&owner, &big)).await), "/expenses/new?scan=too_large");
    assert_eq!(seen.lock().expect("lock").len(), 1, "only the one valid photo was sent");
    let page = app.get("/expenses/new?scan=unavailable", Some(&owner)).await.text();
    assert!(page.contains("The scanning service did not answer."), "shown beside the file field");

    let (url, _) = fake_service(StatusCode::OK, "Sorry, I can't read this.").await;
    let app = with_service(pool.clone(), url);
    assert_eq!(outcome(app.send(scan_request(&owner, &png())).await), "/expenses/new?scan=unreadable");
    let viewer = app.teammate(&owner, "Vi Ewer", "viewer").await;
    assert_eq!(app.send(scan_request(&viewer, &png())).await.status, StatusCode::FORBIDDEN);

    // Without a key the feature is hidden and its route absent.
    let plain = TestApp::new(pool);
    assert_eq!(plain.send(scan_request(&owner, &png())).await.status, StatusCode::NOT_FOUND);
    assert!(!plain.get("/expenses/new", Some(&owner)).await.text().contains("Scan a receipt"));
}

//! Receipts over HTTP: multipart uploads that work without JavaScript (refused files store
//! nothing and say why), downloads with the type the bytes proved, and the streamed ZIP.

use crate::common::{email, TestApp};
use axum::body::Body;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use sqlx::PgPool;
use std::io::Read;
use tower::ServiceExt;

const BOUNDARY: &str = "----clerq-receipt-boundary-4c2e";

/// A whole PDF of exactly `size` bytes (at least 120): a comment pads it, `startxref` points at
/// its cross-reference section (written with ten digits, so the tail's length is fixed).
fn pdf(size: usize) -> Vec<u8> {
    let tail = |xref: usize| format!("\nxref\n0 1\ntrailer<</Root 1 0 R>>\nstartxref\n{xref:010}\n%%EOF\n");
    let xref = size - tail(0).len() + 1;
    let mut pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%".to_vec();
    pdf.resize(xref - 1, b'x');
    pdf.extend_from_slice(tail(xref).as_bytes());
    assert_eq!(pdf.len(), size);
    pdf
}

pub fn png() -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(6, 4, image::Rgba([1, 2, 3, 255])))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

fn upload_request(cookie: &str, expense: &str, file_name: &str, file: &[u8]) -> Request<Body> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"receipt\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Request::post(format!("/api/expenses/{expense}/receipt"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::COOKIE, format!("clerq_session={cookie}"))
        .body(Body::from(body))
        .expect("request")
}

async fn upload(app: &TestApp, cookie: &str, expense: &str, file_name: &str, file: &[u8]) -> String {
    let reply = app.send(upload_request(cookie, expense, file_name, file)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    reply.location().expect("a redirect").to_owned()
}

async fn expense(app: &TestApp, cookie: &str, description: &str, vendor: &str, date: &str) -> String {
    let reply = app
        .call(
            "/api/expenses/create",
            &[
                ("form[description]", description),
                ("form[amount]", "12.50"),
                ("form[currency]", "EUR"),
                ("form[incurred_on]", date),
                ("form[vendor]", vendor),
            ],
            Some(cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json::<uuid::Uuid>().to_string()
}

async fn stored(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from vendor_receipts").fetch_one(pool).await.expect("count")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn refused_receipts_say_why_and_store_nothing(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Receipts Co", &email("owner")).await;
    let id = expense(&app, &owner, "Train", "SNCF", "2026-03-04").await;
    let outcome = |code: &str| format!("/expenses/{id}?receipt={code}");
    let oversize = pdf(10 * 1024 * 1024 + 1);
    assert_eq!(upload(&app, &owner, &id, "big.pdf", &oversize).await, outcome("too_large"));
    assert_eq!(
        upload(&app, &owner, &id, "page.pdf", b"<html><script>alert(1)</script></html>").await,
        outcome("unknown_type")
    );
    assert_eq!(upload(&app, &owner, &id, "empty.pdf", b"").await, outcome("empty"));
    let whole = pdf(2000);
    assert_eq!(upload(&app, &owner, &id, "cut.pdf", &whole[..whole.len() - 20]).await, outcome("damaged"));
    assert_eq!(stored(&pool).await, 0, "nothing refused is stored");
    // Far over the limit: refused before the body is read, with the same answer.
    let huge = app.send(upload_request(&owner, &id, "huge.pdf", &pdf(12 * 1024 * 1024))).await;
    assert_eq!(huge.location(), Some(outcome("too_large").as_str()));
    // The page says it next to the file field.
    let page = app.get(&outcome("too_large"), Some(&owner)).await.text();
    assert!(page.contains("This file is larger than 10 MB"), "{page}");
    assert!(page.contains("PNG, JPEG, WebP or PDF, up to 10 MB."), "the limit is stated");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_ten_megabyte_receipt_round_trips_byte_identical(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Receipts Co", &email("owner")).await;
    let id = expense(&app, &owner, "Laptop", "Shop", "2026-03-04").await;
    let file = pdf(10 * 1024 * 1024);
    assert_eq!(file.len(), 10 * 1024 * 1024);
    assert_eq!(upload(&app, &owner, &id, "../../Invoice ÄB.pdf", &file).await, format!("/expenses/{id}?receipt=saved"));
    let download = app.get(&format!("/api/expenses/{id}/receipt"), Some(&owner)).await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.body == file, "byte-identical");
    let header =
        |name: header::HeaderName| download.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(header(header::CONTENT_TYPE), "application/pdf");
    assert_eq!(header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert!(
        header(header::CONTENT_DISPOSITION).starts_with("attachment; filename=\"Invoice _B.pdf\""),
        "{}",
        header(header::CONTENT_DISPOSITION)
    );
    let (sha, size): (String, i32) =
        sqlx::query_as("select sha256, size_bytes from vendor_receipts").fetch_one(&pool).await.expect("row");
    assert_eq!((sha.len(), size), (64, 10 * 1024 * 1024));

    // An image is shown in place; replacing swaps it; removing leaves none.
    assert_eq!(upload(&app, &owner, &id, "photo.jpg", &png()).await, format!("/expenses/{id}?receipt=saved"));
    let shown = app.get(&format!("/api/expenses/{id}/receipt"), Some(&owner)).await;
    assert_eq!(shown.headers.get(header::CONTENT_TYPE).expect("type"), "image/png", "the bytes decide, not the name");
    assert!(shown
        .headers
        .get(header::CONTENT_DISPOSITION)
        .expect("disposition")
        .to_str()
        .expect("ascii")
        .starts_with("inline; filename=\"photo.jpg.png\""));
    let page = app.get(&format!("/expenses/{id}"), Some(&owner)).await.text();
    assert!(page.contains("alt=\"Receipt: photo.jpg.png\""), "the page shows the image");
    let removed = app
        .send(
            Request::post(format!("/api/expenses/{id}/receipt/remove"))
                .header(header::COOKIE, format!("clerq_session={owner}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(removed.location(), Some(format!("/expenses/{id}?receipt=removed").as_str()));
    assert_eq!(stored(&pool).await, 0);
    assert_eq!(app.get(&format!("/api/expenses/{id}/receipt"), Some(&owner)).await.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn receipts_keep_to_their_business_and_permissions(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Receipts Co", &email("owner")).await;
    let id = expense(&app, &owner, "Train", "SNCF", "2026-03-04").await;
    upload(&app, &owner, &id, "t.pdf", &pdf(500)).await;
    let viewer = app.teammate(&owner, "Vi Ewer", "viewer").await;
    assert_eq!(app.get(&format!("/api/expenses/{id}/receipt"), Some(&viewer)).await.status, StatusCode::OK);
    assert_eq!(upload(&app, &viewer, &id, "x.pdf", &pdf(500)).await, format!("/expenses/{id}?receipt=forbidden"));
    let stranger = app.owner_of("Elsewhere", &email("stranger")).await;
    assert_eq!(app.get(&format!("/api/expenses/{id}/receipt"), Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    let theirs = app.send(upload_request(&stranger, &id, "x.pdf", &pdf(500))).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.text());
    let contractor = app.teammate(&owner, "Con Tractor", "contractor").await;
    assert_eq!(app.get(&format!("/api/expenses/{id}/receipt"), Some(&contractor)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/expenses/receipts", Some(&contractor)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/expenses/receipts", None).await.status, StatusCode::UNAUTHORIZED);
    let bad = app.get("/api/expenses/receipts?from=yesterday", Some(&owner)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "a date it can't read is the caller's to fix");
    let stranger_zip = unzip(&app.get("/api/expenses/receipts", Some(&stranger)).await.body);
    assert!(stranger_zip.is_empty(), "another business's ZIP holds none of these");
}

/// Every file of an archive with its bytes, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a valid ZIP");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("entry");
            let mut data = Vec::new();
            file.read_to_end(&mut data).expect("read");
            (file.name().expect("a UTF-8 name").into_owned(), data)
        })
        .collect()
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_zip_holds_exactly_the_receipts_in_range(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Receipts Co", &email("owner")).await;
    let zip_of = |query: &str| {
        let (app, owner, query) = (&app, &owner, query.to_owned());
        async move {
            let reply = app.get(&format!("/api/expenses/receipts{query}"), Some(owner)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            assert_eq!(reply.headers.get(header::CONTENT_TYPE).expect("type"), "application/zip");
            unzip(&reply.body)
        }
    };
    assert!(zip_of("").await.is_empty(), "no receipts: an empty, valid archive");

    let march = expense(&app, &owner, "Train", "SNCF", "2026-03-04").await;
    let receipt = pdf(3000);
    upload(&app, &owner, &march, "t.pdf", &receipt).await;
    expense(&app, &owner, "No receipt", "Cafe", "2026-03-05").await;
    let files = zip_of("?from=2026-03-01&to=2026-03-31").await;
    assert_eq!(files.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["2026-03-04 SNCF 12.50 EUR.pdf"]);
    assert!(files[0].1 == receipt, "the receipt's bytes");
    assert!(zip_of("?from=2026-04-01").await.is_empty());

    // 300 receipts, several with the same name: each appears once, uniquely named, byte for byte.
    // Stored through the operations (the upload route is proven above) to keep the test light.
    let (business, user) = (app.business_id(&owner).await, app.user_id(&owner).await);
    let auth = app::server::AuthSettings::new(crate::common::SECRET.to_owned().into(), None, false);
    let state = app::server::AppState::new(crate::common::leptos_options(), pool.clone(), auth);
    let ctx = app::server::BusinessCtx::for_member(&state, user, business, app::server::clock::Clock::System)
        .await
        .expect("owner");
    let mut expected = Vec::new();
    for i in 0..300 {
        let form = app::expenses::ExpenseForm {
            description: format!("Item {i}"),
            amount: "12.50".into(),
            currency: "EUR".into(),
            incurred_on: "2026-05-01".into(),
            vendor: if i % 2 == 0 { "Same Shop".into() } else { String::new() },
            ..app::expenses::ExpenseForm::default()
        };
        let id = app::server::expenses::create(&ctx, form.validate().expect("valid")).await.expect("expense");
        let image = if i % 3 == 0 { png() } else { pdf(1000 + i) };
        let stored = app::server::expenses::receipts::upload(&ctx, id, "r", &image).await;
        assert!(stored.is_ok(), "receipt {i}: {stored:?}");
        expected.push(image);
    }
    let files = zip_of("?from=2026-05-01&to=2026-05-01").await;
    assert_eq!(files.len(), 300);
    let names: std::collections::HashSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 300, "unique names");
    assert!(
        names.contains("2026-05-01 Same Shop 12.50 EUR (2).pdf")
            || names.contains("2026-05-01 Same Shop 12.50 EUR (2).png")
    );
    let mut got: Vec<&Vec<u8>> = files.iter().map(|(_, b)| b).collect();
    let mut want: Vec<&Vec<u8>> = expected.iter().collect();
    got.sort();
    want.sort();
    assert!(got == want, "exactly the receipts, byte for byte");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_zip_streams_in_chunks_instead_of_being_built_in_memory(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Receipts Co", &email("owner")).await;
    for i in 0..6 {
        let id = expense(&app, &owner, &format!("Big {i}"), "Printer", "2026-06-01").await;
        upload(&app, &owner, &id, "big.pdf", &pdf(3 * 1024 * 1024)).await;
    }
    let request = Request::get("/api/expenses/receipts")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, format!("clerq_session={owner}"))
        .body(Body::empty())
        .expect("request");
    let response = app.router.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let (mut frames, mut largest, mut total) = (0, 0, 0);
    while let Some(frame) = body.frame().await {
        let data = frame.expect("frame").into_data().expect("data");
        frames += 1;
        largest = largest.max(data.len());
        total += data.len();
    }
    println!("receipts ZIP: {total} bytes in {frames} chunks, the largest {largest} bytes");
    assert!(total > 18 * 1024 * 1024);
    assert!(largest <= 256 * 1024, "chunks, never the archive or a whole receipt: {largest}");
    assert!(frames >= 72);
}

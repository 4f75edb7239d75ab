//! Logo upload: a plain multipart post (works without JavaScript) that answers with a redirect to
//! Settings → Branding carrying the outcome; refused files store nothing.

use crate::common::{email, TestApp};
use axum::body::Body;
use http::{header, Request, StatusCode};
use image::{DynamicImage, ImageFormat};
use sqlx::PgPool;
use std::io::Cursor;

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbaImage::from_pixel(width, height, image::Rgba([34, 142, 128, 255]));
    let mut out = Vec::new();
    DynamicImage::ImageRgba8(image).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).expect("encoded");
    out
}

const BOUNDARY: &str = "----clerq-test-boundary-7d1f";

/// A browser's multipart post of `file` as the form's `logo` field.
fn upload_request(cookie: &str, file_name: &str, file: &[u8]) -> Request<Body> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"{file_name}\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Request::post("/api/branding/logo")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::COOKIE, format!("clerq_session={cookie}"))
        .body(Body::from(body))
        .expect("request")
}

async fn upload(app: &TestApp, cookie: &str, file_name: &str, file: &[u8]) -> String {
    let reply = app.send(upload_request(cookie, file_name, file)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    reply.location().expect("a redirect").to_owned()
}

async fn stored(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from logos").fetch_one(pool).await.expect("count")
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_logo_is_re_encoded_stored_and_shown_to_members(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Logo Studio", &email("owner")).await;
    assert_eq!(app.session(Some(&owner)).await.expect("session").logo_url, None);

    assert_eq!(upload(&app, &owner, "logo.png", &png(1600, 400)).await, "/settings/branding?logo=saved");
    let session = app.session(Some(&owner)).await.expect("session");
    let url = session.logo_url.expect("the shell shows the logo");
    assert!(url.starts_with("/api/branding/logo?v="), "{url}");

    // Every member sees it (the shell shows it); it is a fresh PNG at most 800 pixels wide.
    let member = app.teammate(&owner, "Mo Member", "member").await;
    let reply = app.get(&url, Some(&member)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "image/png");
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    let shown = image::load_from_memory_with_format(&reply.body, ImageFormat::Png).expect("a PNG");
    assert_eq!((shown.width(), shown.height()), (800, 200));
    assert_eq!(app.get(&url, None).await.status, StatusCode::UNAUTHORIZED);
    let stranger = app.owner_of("Elsewhere", &email("stranger")).await;
    assert_eq!(app.get(&url, Some(&stranger)).await.status, StatusCode::NOT_FOUND, "their business has none");

    // The PDF carries it.
    let invoice = crate::invoice_pdf::draft(&app, &owner).await;
    let with_logo = app.get(&format!("/api/invoices/{invoice}/pdf"), Some(&owner)).await.body.len();

    // Only branding editors change it; removing it goes back to none.
    let refused = app.send(upload_request(&member, "logo.png", &png(10, 10))).await;
    assert_eq!(refused.location(), Some("/settings/branding?logo=forbidden"));
    let remove = |cookie: &str| {
        Request::post("/api/branding/logo/remove")
            .header(header::COOKIE, format!("clerq_session={cookie}"))
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(app.send(remove(&member)).await.location(), Some("/settings/branding?logo=forbidden"));
    assert_eq!(stored(&pool).await, 1);
    assert_eq!(app.send(remove(&owner)).await.location(), Some("/settings/branding?logo=removed"));
    assert_eq!(stored(&pool).await, 0);
    assert_eq!(app.session(Some(&owner)).await.expect("session").logo_url, None);
    let without_logo = app.get(&format!("/api/invoices/{invoice}/pdf"), Some(&owner)).await.body.len();
    assert!(with_logo > without_logo, "the logo is embedded: {with_logo} vs {without_logo} bytes");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn unusable_files_are_refused_with_a_reason_and_nothing_is_stored(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Careful Studio", &email("owner")).await;
    let whole = png(64, 64);
    // A valid PNG (checksums included) whose header claims 100,000 × 100,000 pixels.
    let bomb = include_bytes!("../../../app/src/server/fixtures/png-bomb-100000x100000.png").to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.png", Vec::new(), "empty"),
        ("big.png", vec![0x89; 1_600_000], "too_large"),
        ("huge.png", vec![0x89; 3_000_000], "too_large"),
        ("contacts.png", b"name,email\nAda,ada@example.com\n".to_vec(), "unknown_type"),
        ("cut.png", whole[..whole.len() / 2].to_vec(), "damaged"),
        ("bomb.png", bomb, "too_many_pixels"),
        (
            "script.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec(),
            "active_svg",
        ),
        (
            "external.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/x.png" width="9" height="9"/></svg>"#.to_vec(),
            "active_svg",
        ),
    ];
    for (name, file, code) in cases {
        assert_eq!(upload(&app, &owner, name, &file).await, format!("/settings/branding?logo={code}"), "{name}");
    }
    assert_eq!(stored(&pool).await, 0, "nothing was stored");

    // The page shows the reason next to the file field, without JavaScript.
    let page = app.get("/settings/branding?logo=active_svg", Some(&owner)).await.text();
    assert!(page.contains("This SVG contains scripts, links or embedded files."), "the message is shown");
    assert!(page.contains(r#"id="logo-file-error""#) && page.contains(r#"role="alert""#));
}

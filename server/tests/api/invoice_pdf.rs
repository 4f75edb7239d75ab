//! `GET /api/invoices/{id}/pdf`: a signed-in member with invoices.view downloads the PDF; everyone
//! else is refused with the promised messages.

use crate::common::{email, Settings, TestApp, SECRET};
use app::ids::InvoiceId;
use app::server::invoices::link::{token, LINK_LIFETIME};
use chrono::{Duration, Utc};
use http::StatusCode;
use sqlx::PgPool;

pub async fn draft(app: &TestApp, cookie: &str) -> String {
    let name = format!("Ακμή Acme #{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let client: String = app.call("/api/clients/create", &[("form[name]", name.as_str())], Some(cookie)).await.json();
    let reply = app
        .call(
            "/api/invoices/create",
            &[("form[client_id]", client.as_str()), ("form[currency]", "EUR"), ("form[tax_treatment]", "zero_rated")],
            Some(cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let id: String = reply.json();
    let line = app
        .call(
            "/api/invoices/lines/add",
            &[("id", id.as_str()), ("form[description]", "Design *work* $x$"), ("form[amount]", "36.17")],
            Some(cookie),
        )
        .await;
    assert_eq!(line.status, StatusCode::OK, "{}", line.text());
    id
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_member_downloads_the_pdf_and_everyone_else_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("PDF Studio", &email("owner")).await;
    let id = draft(&app, &owner).await;
    let path = format!("/api/invoices/{id}/pdf");

    let reply = app.get(&path, Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers["content-type"], "application/pdf");
    assert_eq!(reply.headers["content-disposition"], "attachment; filename=\"draft-invoice.pdf\"");
    assert_eq!(reply.headers["cache-control"], "private, no-store");
    assert!(reply.body.starts_with(b"%PDF-"), "a PDF");

    let signed_out = app.get(&path, None).await;
    assert_eq!((signed_out.status, signed_out.text().as_str()), (StatusCode::UNAUTHORIZED, "Sign in first"));
    let stranger = app.owner_of("Elsewhere", &email("stranger")).await;
    assert_eq!(app.get(&path, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/invoices/not-an-id/pdf", Some(&owner)).await.status, StatusCode::NOT_FOUND);
    let contractor = app.teammate(&owner, "Cam Contractor", "contractor").await;
    assert_eq!(app.get(&path, Some(&contractor)).await.status, StatusCode::FORBIDDEN, "no invoices.view");
}

/// The signed link the invoice page shows.
async fn page_link(app: &TestApp, cookie: &str, id: &str) -> String {
    let reply = app.call("/api/invoices/get", &[("id", id)], Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let page: app::invoices::InvoicePage = reply.json();
    let expires_in = page.pdf_link.expires_at - Utc::now();
    assert!(expires_in > Duration::minutes(14) && expires_in <= LINK_LIFETIME, "{expires_in}");
    page.pdf_link.url
}

/// The path and query of an absolute link.
fn local(url: &str) -> String {
    let start = url.find("/api/").expect("an API link");
    url[start..].to_owned()
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_signed_link_opens_its_invoice_for_anyone_for_15_minutes(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Link Studio", &email("owner")).await;
    let id = draft(&app, &owner).await;
    let link = local(&page_link(&app, &owner, &id).await);
    assert!(link.starts_with(&format!("/api/invoices/{id}/pdf?token=")), "{link}");

    let signed_out = app.get(&link, None).await;
    assert_eq!(signed_out.status, StatusCode::OK, "{}", signed_out.text());
    assert_eq!(signed_out.headers["content-type"], "application/pdf");
    assert_eq!(signed_out.headers["content-disposition"], "attachment; filename=\"draft-invoice.pdf\"");
    assert_eq!(signed_out.headers["cache-control"], "private, no-store");
    assert!(signed_out.body.starts_with(b"%PDF-"));

    let refused = |reply: crate::common::Reply| {
        assert_eq!((reply.status, reply.text().as_str()), (StatusCode::UNAUTHORIZED, "Invalid or expired link"));
    };
    // Expired a second ago.
    let business = app.business_id(&owner).await;
    let invoice: InvoiceId = id.parse().expect("an id");
    let expired = token(SECRET.as_bytes(), business, invoice, Utc::now() - Duration::seconds(1));
    refused(app.get(&format!("/api/invoices/{id}/pdf?token={expired}"), None).await);

    // Every single-character change of the token.
    let (path, token_text) = link.split_once("?token=").expect("a token");
    for position in 0..token_text.len() {
        let mut bytes = token_text.as_bytes().to_vec();
        bytes[position] = if bytes[position] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).expect("ascii");
        refused(app.get(&format!("{path}?token={tampered}"), None).await);
    }
    refused(app.get(&format!("{path}?token="), None).await);

    // The token names one invoice: another of the same business, or another business's, is refused.
    let other = draft(&app, &owner).await;
    refused(app.get(&format!("/api/invoices/{other}/pdf?token={token_text}"), None).await);
    let stranger = app.owner_of("Elsewhere", &email("stranger")).await;
    let foreign = draft(&app, &stranger).await;
    refused(app.get(&format!("/api/invoices/{foreign}/pdf?token={token_text}"), None).await);
    refused(app.get(&format!("/api/invoices/not-an-id/pdf?token={token_text}"), None).await);
    // A token signed for this business cannot open another business's invoice even when it names it.
    let forged = token(SECRET.as_bytes(), business, foreign.parse().expect("an id"), Utc::now() + LINK_LIFETIME);
    let reply = app.get(&format!("/api/invoices/{foreign}/pdf?token={forged}"), None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "the invoice is not in the token's business");

    // A new secret voids every link.
    let rotated = TestApp::with(pool, "another-secret-9d1e5b7c3a2f8e6d4c0b9a1f", Settings::default());
    refused(rotated.get(&link, None).await);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_preview_is_the_first_page_as_an_inert_svg(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Preview Studio", &email("owner")).await;
    let id = draft(&app, &owner).await;
    let reply = app.get(&format!("/api/invoices/{id}/preview.svg"), Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers["content-type"], "image/svg+xml");
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    assert!(reply.headers["content-security-policy"].to_str().expect("ascii").starts_with("default-src 'none'"));
    assert!(reply.text().starts_with("<svg"), "{}", &reply.text()[..100]);
    assert!(!reply.text().contains("<script"));
    assert_eq!(app.get(&format!("/api/invoices/{id}/preview.svg"), None).await.status, StatusCode::UNAUTHORIZED);
    let stranger = app.owner_of("Elsewhere", &email("stranger")).await;
    assert_eq!(
        app.get(&format!("/api/invoices/{id}/preview.svg"), Some(&stranger)).await.status,
        StatusCode::NOT_FOUND
    );
}

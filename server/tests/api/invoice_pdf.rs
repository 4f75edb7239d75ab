//! `GET /api/invoices/{id}/pdf`: a signed-in member with invoices.view downloads the PDF; everyone
//! else is refused with the promised messages.

use crate::common::{email, TestApp};
use http::StatusCode;
use sqlx::PgPool;

async fn draft(app: &TestApp, cookie: &str) -> String {
    let client: String = app.call("/api/clients/create", &[("form[name]", "Ακμή Acme #1")], Some(cookie)).await.json();
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

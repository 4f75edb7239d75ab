//! Tenancy and permissions of the invoice operations (PRODUCT §3.1, §3.9.9): another business's
//! ids name nothing, and each operation checks its own permission whoever calls it.

use super::{field_error, generate_form, ops, World, NOW};
use app::error::AppError;
use app::invoices::forms::{InvoiceSettingsForm, LineForm};
use app::server::BusinessCtx;
use sqlx::PgPool;

fn line() -> LineForm {
    LineForm { description: "Extra".into(), amount: "1.00".into() }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn another_business_reaches_no_invoice_by_its_id(pool: PgPool) {
    let w = World::new(pool).await;
    let draft = w.draft("2026-11-30").await;
    w.add_line(draft, "Retainer", "500.00").await;
    let issued = w.draft("2026-11-30").await;
    w.add_line(issued, "Retainer", "500.00").await;
    w.issue(issued).await;
    let line_id = w.invoice(draft).await.lines[0].id;

    let other = w.app.owner_of("Elsewhere", &crate::common::email("other")).await;
    let (user, business) = (w.app.user_id(&other).await, w.app.business_id(&other).await);
    let theirs = BusinessCtx::for_member(&w.state, user, business, super::at(NOW)).await.expect("member");
    let details = w.draft_form("2026-11-30", "zero_rated").validate().expect("valid");

    for id in [draft, issued] {
        let results = [
            ops::page(&theirs, id).await.map(|_| ()),
            ops::update_details(&theirs, id, details.clone()).await,
            ops::set_notes(&theirs, id, "Mine now").await,
            ops::add_line(&theirs, id, &line()).await,
            ops::update_line(&theirs, id, line_id, &line()).await,
            ops::delete_line(&theirs, id, line_id).await,
            ops::move_line(&theirs, id, line_id, false).await,
            ops::generate(&theirs, id, generate_form("single").validate().expect("valid")).await.map(|_| ()),
            ops::issue(&theirs, id).await.map(|_| ()),
            ops::mark_paid(&theirs, id, None).await,
            ops::void(&theirs, id, "Mine now").await,
            ops::duplicate(&theirs, id).await.map(|_| ()),
            ops::delete_draft(&theirs, id).await,
        ];
        for (i, result) in results.into_iter().enumerate() {
            assert_eq!(result, Err(AppError::NotFound), "{id} operation {i}");
        }
    }
    assert!(ops::list(&theirs, "", "", 1).await.expect("list").invoices.is_empty());
    field_error(ops::create_draft(&theirs, details).await, "client_id");

    let untouched = w.invoice(draft).await;
    assert_eq!((untouched.lines.len(), untouched.notes.as_str(), untouched.number), (1, "", None));
    let issued_count: i64 = sqlx::query_scalar("select count(*) from sales_invoices where status = 'sent'")
        .fetch_one(&w.app.pool)
        .await
        .expect("count");
    assert_eq!(issued_count, 1);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn members_without_an_invoice_permission_are_forbidden(pool: PgPool) {
    let w = World::new(pool).await;
    let draft = w.draft("2026-11-30").await;
    w.add_line(draft, "Retainer", "500.00").await;
    let issued = w.draft("2026-11-30").await;
    w.add_line(issued, "Retainer", "500.00").await;
    w.issue(issued).await;
    let line_id = w.invoice(draft).await.lines[0].id;

    // A viewer sees invoices and nothing more.
    let viewer = w.ctx_of(w.teammate("Vic Viewer", "viewer").await, NOW).await;
    assert_eq!(ops::list(&viewer, "", "", 1).await.expect("viewers may list").invoices.len(), 2);
    let page = ops::page(&viewer, draft).await.expect("viewers may look");
    assert!(!(page.can_edit || page.can_issue || page.can_delete || page.can_duplicate));
    let details = w.draft_form("2026-11-30", "zero_rated").validate().expect("valid");
    let settings = InvoiceSettingsForm {
        vat_rate: "21".into(),
        vat_number: "".into(),
        payment_terms: "14".into(),
        ..Default::default()
    };
    let refused = [
        ops::create_draft(&viewer, details.clone()).await.map(|_| ()),
        ops::new_defaults(&viewer).await.map(|_| ()),
        ops::update_details(&viewer, draft, details).await,
        ops::set_notes(&viewer, draft, "No").await,
        ops::add_line(&viewer, draft, &line()).await,
        ops::update_line(&viewer, draft, line_id, &line()).await,
        ops::delete_line(&viewer, draft, line_id).await,
        ops::move_line(&viewer, draft, line_id, false).await,
        ops::generate(&viewer, draft, generate_form("single").validate().expect("valid")).await.map(|_| ()),
        ops::issue(&viewer, draft).await.map(|_| ()),
        ops::mark_paid(&viewer, issued, None).await,
        ops::void(&viewer, issued, "No").await,
        ops::duplicate(&viewer, issued).await.map(|_| ()),
        ops::delete_draft(&viewer, draft).await,
        ops::configure_next_number(&viewer, 2026, 10).await,
        ops::update_settings(&viewer, settings.validate().expect("valid")).await,
    ];
    for (i, result) in refused.into_iter().enumerate() {
        assert_eq!(result, Err(AppError::Forbidden), "viewer operation {i}");
    }

    // A contractor does not even see them.
    let contractor = w.ctx_of(w.teammate("Cam Contractor", "contractor").await, NOW).await;
    assert_eq!(ops::list(&contractor, "", "", 1).await.map(|_| ()), Err(AppError::Forbidden));
    assert_eq!(ops::page(&contractor, draft).await.map(|_| ()), Err(AppError::Forbidden));
    assert_eq!(ops::fetch_rate(&contractor, "GBP", "EUR", "").await.map(|_| ()), Err(AppError::Forbidden));

    // A member issues invoices but does not configure numbering; an accountant does.
    let member = w.ctx_of(w.teammate("Mo Member", "member").await, NOW).await;
    assert_eq!(ops::configure_next_number(&member, 2026, 10).await, Err(AppError::Forbidden));
    assert_eq!(ops::issue(&member, draft).await.as_deref(), Ok("2026-0002"));
    let accountant = w.ctx_of(w.teammate("Ada Accountant", "accountant").await, NOW).await;
    ops::configure_next_number(&accountant, 2026, 10).await.expect("accountants configure numbering");
}

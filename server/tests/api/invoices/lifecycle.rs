//! draft → sent → paid, sent → void, deleting drafts, duplicating, overdue at read time, totals and
//! line order (PRODUCT §3.9.2, §3.9.5).

use super::{conflict, field_error, generate_form, ops, time, DraftForm, World};
use app::clients::EventKind;
use app::error::AppError;
use app::invoices::forms::{InvoiceSettingsForm, LineForm};
use app::invoices::{InvoiceStatus, Shown};
use chrono::NaiveDate;
use http::StatusCode;
use sqlx::PgPool;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

fn line(description: &str, amount: &str) -> LineForm {
    LineForm { description: description.into(), amount: amount.into() }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn only_drafts_can_be_changed(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let (sent, paid, void) = (w.ready("2026-11-30").await, w.ready("2026-11-30").await, w.ready("2026-11-30").await);
    for id in [sent, paid, void] {
        w.issue(id).await;
    }
    ops::mark_paid(&ctx, paid, None).await.expect("paid");
    ops::void(&ctx, void, "Duplicate").await.expect("voided");
    w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;

    for id in [sent, paid, void] {
        let line_id = w.invoice(id).await.lines[0].id;
        let details = w.draft_form("2026-11-30", "zero_rated").validate().expect("valid");
        let results = [
            ops::add_line(&ctx, id, &line("Extra", "1.00")).await,
            ops::update_line(&ctx, id, line_id, &line("Changed", "1.00")).await,
            ops::delete_line(&ctx, id, line_id).await,
            ops::move_line(&ctx, id, line_id, true).await,
            ops::generate(&ctx, id, generate_form("single").validate().expect("valid")).await.map(|_| ()),
            ops::update_details(&ctx, id, details).await,
            ops::set_notes(&ctx, id, "Changed").await,
        ];
        for (i, result) in results.into_iter().enumerate() {
            assert!(conflict(result).starts_with("Only drafts can be changed"), "{id} change {i}");
        }
        let unchanged = w.invoice(id).await;
        assert_eq!((unchanged.lines.len(), unchanged.total_minor, unchanged.notes.as_str()), (1, 50000, ""));
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_draft_is_issued_once_and_only_with_a_line(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let empty = w.draft("2026-11-30").await;
    assert!(conflict(ops::issue(&ctx, empty).await).contains("at least one line"));

    let id = w.ready("2026-11-30").await;
    assert_eq!(w.issue(id).await, "2026-0001");
    conflict(ops::issue(&ctx, id).await);
    let invoice = w.invoice(id).await;
    assert_eq!((invoice.status, invoice.number.as_deref()), (InvoiceStatus::Sent, Some("2026-0001")));
    assert_eq!(ops::settings(&ctx).await.expect("settings").next_number, 2, "the second try took no number");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn only_issued_invoices_are_paid_on_a_day_between_issue_and_today(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let draft = w.ready("2026-11-20").await;
    assert!(conflict(ops::mark_paid(&ctx, draft, None).await).contains("issue this draft first"));

    w.issue(draft).await;
    let future = ops::mark_paid(&ctx, draft, Some(day("2026-12-01"))).await;
    assert!(field_error(future, "paid_on").contains("future"));
    let early = ops::mark_paid(&ctx, draft, Some(day("2026-11-19"))).await;
    assert!(field_error(early, "paid_on").contains("before the issue date"));
    ops::mark_paid(&ctx, draft, Some(day("2026-11-20"))).await.expect("paid on the issue date");
    let paid = w.invoice(draft).await;
    assert_eq!((paid.status, paid.shown, paid.paid_on), (InvoiceStatus::Paid, Shown::Paid, Some(day("2026-11-20"))));

    assert!(conflict(ops::mark_paid(&ctx, draft, None).await).contains("is paid"));
    assert!(conflict(ops::void(&ctx, draft, "Too late").await).contains("is paid"), "paid invoices are not voided");

    let voided = w.ready("2026-11-30").await;
    w.issue(voided).await;
    ops::void(&ctx, voided, "Sent twice").await.expect("voided");
    assert!(conflict(ops::mark_paid(&ctx, voided, None).await).contains("is void"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn only_issued_invoices_are_voided_and_only_with_a_reason_of_up_to_500_characters(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let id = w.ready("2026-11-30").await;
    assert!(conflict(ops::void(&ctx, id, "Mistake").await).contains("issue this draft first"), "delete drafts instead");
    w.issue(id).await;

    // The reason is checked where it arrives: the server function.
    let id_text = id.to_string();
    let too_long = "x".repeat(501);
    for reason in ["   ", too_long.as_str()] {
        let reply =
            w.app.call("/api/invoices/void", &[("id", &id_text), ("reason", reason)], Some(&w.owner_cookie)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text());
        assert!(reply.app_error().field_message("reason").is_some());
    }
    assert_eq!(w.invoice(id).await.status, InvoiceStatus::Sent);
    let reason = "y".repeat(500);
    let reply = w.app.call("/api/invoices/void", &[("id", &id_text), ("reason", &reason)], Some(&w.owner_cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let void = w.invoice(id).await;
    assert_eq!((void.status, void.shown, void.void_reason), (InvoiceStatus::Void, Shown::Void, Some(reason)));
    conflict(ops::void(&ctx, id, "Again").await);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn only_drafts_are_deleted(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let (sent, paid, void) = (w.ready("2026-11-30").await, w.ready("2026-11-30").await, w.ready("2026-11-30").await);
    for id in [sent, paid, void] {
        w.issue(id).await;
    }
    ops::mark_paid(&ctx, paid, None).await.expect("paid");
    ops::void(&ctx, void, "Duplicate").await.expect("voided");
    for id in [sent, paid, void] {
        assert!(conflict(ops::delete_draft(&ctx, id).await).contains("Only drafts can be deleted"));
        assert_eq!(w.invoice(id).await.lines.len(), 1);
    }
    let draft = w.ready("2026-11-30").await;
    ops::delete_draft(&ctx, draft).await.expect("deleted");
    assert_eq!(ops::page(&ctx, draft).await.map(|_| ()), Err(AppError::NotFound));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn overdue_is_derived_from_the_clock_when_read(pool: PgPool) {
    let w = World::new(pool).await;
    let id = w.ready("2026-11-30").await;
    w.issue(id).await;
    assert_eq!(w.invoice(id).await.due_date, day("2026-12-14"), "14 days' payment terms");

    let listed = |now: &'static str, filter: &'static str| {
        let w = &w;
        async move {
            let list = ops::list(&w.ctx_at(now).await, filter, "", 1).await.expect("list");
            list.invoices.iter().map(|i| (i.id, i.shown)).collect::<Vec<_>>()
        }
    };
    let due_day = "2026-12-14T23:59:00Z";
    assert_eq!(w.invoice_at(id, due_day).await.shown, Shown::Sent, "due today is not overdue yet");
    assert_eq!(listed(due_day, "sent").await, [(id, Shown::Sent)]);
    assert!(listed(due_day, "overdue").await.is_empty());

    let day_after = "2026-12-15T00:01:00Z";
    assert_eq!(w.invoice_at(id, day_after).await.shown, Shown::Overdue);
    assert_eq!(listed(day_after, "overdue").await, [(id, Shown::Overdue)]);
    assert!(listed(day_after, "sent").await.is_empty());
    assert_eq!(w.invoice_at(id, day_after).await.status, InvoiceStatus::Sent, "nothing stored changed");

    ops::mark_paid(&w.ctx_at(day_after).await, id, None).await.expect("an overdue invoice can be paid");
    assert_eq!(listed(day_after, "paid").await, [(id, Shown::Paid)]);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn duplicating_makes_a_draft_with_the_lines_detached_from_time(pool: PgPool) {
    let w = World::new(pool).await;
    let entry = w.log(time(w.design, "2026-11-23T09:00:00Z", 70)).await;
    let original = w.draft("2026-11-30").await;
    w.generate(original, generate_form("single")).await.expect("generated");
    w.add_line(original, "Hosting", "20.00").await;
    ops::set_notes(&w.ctx().await, original, "Thank you").await.expect("notes");
    w.issue(original).await;

    let copy = ops::duplicate(&w.ctx_at("2026-12-05T10:00:00Z").await, original).await.expect("duplicated");
    assert_ne!(copy, original);
    let (before, after) = (w.invoice(original).await, w.invoice(copy).await);
    assert_eq!(
        (after.status, after.number.as_deref(), after.issue_date),
        (InvoiceStatus::Draft, None, day("2026-12-05"))
    );
    assert_eq!(after.due_date, day("2026-12-19"));
    let shape = |i: &app::invoices::Invoice| -> Vec<(String, Option<String>, i64)> {
        i.lines.iter().map(|l| (l.description.clone(), l.quantity.clone(), l.total_minor)).collect()
    };
    assert_eq!(shape(&after), shape(&before));
    assert_eq!((after.total_minor, after.notes.as_str()), (5617, "Thank you"));
    assert!(after.lines.iter().all(|l| l.entries == 0), "the copy bills no time");
    assert_eq!(w.line_of(entry).await, Some(before.lines[0].id), "the entry stays on the original");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn totals_are_recomputed_on_every_line_change(pool: PgPool) {
    let w = World::new(pool).await;
    let settings = InvoiceSettingsForm {
        vat_rate: "21".into(),
        vat_number: "".into(),
        payment_terms: "14".into(),
        ..Default::default()
    };
    ops::update_settings(&w.ctx().await, settings.validate().expect("valid")).await.expect("VAT rate");
    let id = w.draft_with(w.draft_form("2026-11-30", "standard")).await;
    let ctx = w.ctx().await;
    let totals = |i: app::invoices::Invoice| (i.subtotal_minor, i.tax_minor, i.total_minor);

    w.add_line(id, "Design", "100.00").await;
    assert_eq!(totals(w.invoice(id).await), (10000, 2100, 12100));
    w.add_line(id, "Hosting", "50.50").await;
    assert_eq!(totals(w.invoice(id).await), (15050, 3161, 18211), "21 % of 150.50 is 31.605: rounded half up");
    let lines = w.invoice(id).await.lines;
    ops::update_line(&ctx, id, lines[0].id, &line("Design", "10.00")).await.expect("updated");
    assert_eq!(totals(w.invoice(id).await), (6050, 1271, 7321));
    ops::delete_line(&ctx, id, lines[1].id).await.expect("deleted");
    assert_eq!(totals(w.invoice(id).await), (1000, 210, 1210));

    // A time line keeps hours × price while its amount stands; a new amount makes it a fixed line.
    w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;
    w.generate(id, generate_form("single")).await.expect("generated");
    assert_eq!(totals(w.invoice(id).await), (4100, 861, 4961));
    let timed = w.invoice(id).await.lines[1].id;
    ops::update_line(&ctx, id, timed, &line("Design hours", "31.00")).await.expect("renamed");
    assert_eq!(w.invoice(id).await.lines[1].quantity.as_deref(), Some("1"));
    ops::update_line(&ctx, id, timed, &line("Design hours", "25.00")).await.expect("repriced");
    let repriced = w.invoice(id).await;
    assert_eq!((repriced.lines[1].quantity.as_deref(), repriced.lines[1].unit_price_minor), (None, None));
    assert_eq!(totals(repriced), (3500, 735, 4235));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn lines_move_up_and_down_and_stay_put_at_the_ends(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let id = w.draft("2026-11-30").await;
    for name in ["A", "B", "C"] {
        w.add_line(id, name, "1.00").await;
    }
    let ids: Vec<_> = w.invoice(id).await.lines.iter().map(|l| l.id).collect();
    let order = || async {
        let lines = w.invoice(id).await.lines;
        assert_eq!(lines.iter().map(|l| l.position).collect::<Vec<_>>(), [1, 2, 3]);
        lines.into_iter().map(|l| l.description).collect::<Vec<_>>().join("")
    };

    ops::move_line(&ctx, id, ids[2], true).await.expect("moved");
    assert_eq!(order().await, "ACB");
    ops::move_line(&ctx, id, ids[0], true).await.expect("at the top already");
    assert_eq!(order().await, "ACB");
    ops::move_line(&ctx, id, ids[1], false).await.expect("at the bottom already");
    assert_eq!(order().await, "ACB");
    ops::move_line(&ctx, id, ids[0], false).await.expect("moved");
    assert_eq!(order().await, "CAB");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_client_timeline_records_issue_payment_and_void(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let (paid, voided) = (w.ready("2026-11-30").await, w.ready("2026-11-30").await);
    w.issue(paid).await;
    w.issue(voided).await;
    ops::mark_paid(&ctx, paid, None).await.expect("paid");
    ops::void(&ctx, voided, "Sent twice").await.expect("voided");

    let timeline = app::server::clients::timeline(&ctx, w.client).await.expect("timeline");
    let count = |kind: EventKind| timeline.iter().filter(|e| e.kind == kind).count();
    assert_eq!(
        (count(EventKind::InvoiceIssued), count(EventKind::InvoicePaid), count(EventKind::InvoiceVoided)),
        (2, 1, 1)
    );
    let issued = timeline.iter().find(|e| e.kind == EventKind::InvoiceIssued).expect("issued");
    assert_eq!(issued.actor.as_deref(), Some("Dana Lee"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_drafts_currency_and_client_stay_while_its_lines_depend_on_them(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let other = app::server::clients::create(&ctx, super::client_form("Globex", "")).await.expect("client");
    w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;
    let id = w.draft("2026-11-30").await;
    w.generate(id, generate_form("single")).await.expect("generated");

    let in_pounds = DraftForm { currency: "GBP".into(), ..w.draft_form("2026-11-30", "zero_rated") };
    field_error(ops::update_details(&ctx, id, in_pounds.validate().expect("valid")).await, "currency");
    let for_globex = DraftForm { client_id: other.to_string(), ..w.draft_form("2026-11-30", "zero_rated") };
    field_error(ops::update_details(&ctx, id, for_globex.validate().expect("valid")).await, "client_id");

    let later = DraftForm { due_date: "2027-01-31".into(), ..w.draft_form("2026-12-01", "zero_rated") };
    ops::update_details(&ctx, id, later.validate().expect("valid")).await.expect("dates change freely");
    let invoice = w.invoice(id).await;
    assert_eq!(
        (invoice.issue_date, invoice.due_date, invoice.total_minor),
        (day("2026-12-01"), day("2027-01-31"), 3100)
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_list_searches_numbers_and_clients_and_totals_leave_void_out(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let (paid, voided, draft) = (w.ready("2026-11-28").await, w.ready("2026-11-29").await, w.ready("2026-11-30").await);
    w.issue(paid).await;
    w.issue(voided).await;
    ops::mark_paid(&ctx, paid, None).await.expect("paid");
    ops::void(&ctx, voided, "Sent twice").await.expect("voided");

    let all = ops::list(&ctx, "", "", 1).await.expect("list");
    assert_eq!(all.invoices.iter().map(|i| i.id).collect::<Vec<_>>(), [draft, voided, paid], "newest first");
    assert_eq!(all.totals.iter().map(|m| m.minor).collect::<Vec<_>>(), [100000], "the draft and the paid one");
    assert!(!all.truncated);
    let by_number = ops::list(&ctx, "", "2026-0002", 1).await.expect("list");
    assert_eq!(by_number.invoices.iter().map(|i| i.id).collect::<Vec<_>>(), [voided]);
    assert_eq!(ops::list(&ctx, "", "acme", 1).await.expect("list").invoices.len(), 3);
    assert_eq!(ops::list(&ctx, "void", "", 1).await.expect("list").invoices.len(), 1);
    field_error(ops::list(&ctx, "lost", "", 1).await, "status");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_list_comes_in_pages_of_fifty_with_totals_of_every_match(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let mut ids = Vec::new();
    for _ in 0..51 {
        ids.push(w.ready("2026-11-28").await);
    }
    ids.reverse(); // newest first
    let first = ops::list(&ctx, "", "", 1).await.expect("page 1");
    assert_eq!((first.matched, first.page, first.pages), (51, 1, 2));
    assert_eq!(first.invoices.iter().map(|i| i.id).collect::<Vec<_>>(), ids[..50]);
    assert_eq!(first.totals.iter().map(|m| m.minor).collect::<Vec<_>>(), [51 * 50000], "totals cover every page");
    let second = ops::list(&ctx, "", "", 2).await.expect("page 2");
    assert_eq!((second.page, second.invoices.iter().map(|i| i.id).collect::<Vec<_>>()), (2, ids[50..].to_vec()));
    assert_eq!(second.totals, first.totals);
    // Page 0 is the first; a page past the end is the last.
    assert_eq!(ops::list(&ctx, "", "", 0).await.expect("page 0").page, 1);
    assert_eq!(ops::list(&ctx, "", "", 9).await.expect("page 9").invoices.len(), 1);
    let none = ops::list(&ctx, "paid", "", 3).await.expect("nothing paid");
    assert_eq!((none.matched, none.page, none.pages, none.invoices.len()), (0, 1, 1, 0));

    // The page names its range and links to its neighbours, keeping the filters.
    let html = w.app.get("/invoices?status=draft&page=2", Some(&w.owner_cookie)).await.text();
    assert!(html.contains("Invoices 51–51 of 51"), "{html}");
    assert!(html.contains(r#"href="/invoices?status=draft&amp;page=1" rel="prev""#), "{html}");
    assert!(!html.contains(r#"rel="next""#), "{html}");
    let html = w.app.get("/invoices", Some(&w.owner_cookie)).await.text();
    assert!(html.contains("Invoices 1–50 of 51") && html.contains(r#"href="/invoices?page=2" rel="next""#), "{html}");
}

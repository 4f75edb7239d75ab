//! Lines from tracked time (PRODUCT §3.9.4): grouping, pricing, which entries qualify, and
//! releasing billed time again (delete line, delete draft, void).

use super::{field_error, generate_form, ops, project, task, time, World};
use app::error::AppError;
use app::invoices::forms::{DraftForm, GenerateForm};
use app::invoices::Generated;
use app::validation::FieldErrors;
use sqlx::PgPool;

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn seventy_minutes_at_31_euros_an_hour_become_one_line_of_36_17(pool: PgPool) {
    let w = World::new(pool).await;
    let entry = w.log(time(w.design, "2026-11-23T09:00:00Z", 70)).await;
    let id = w.draft("2026-11-30").await;

    let generated = w.generate(id, generate_form("single")).await.expect("generated");
    assert_eq!(generated, Generated { lines: 1, entries: 1, unpriced_skipped: 0 });
    let invoice = w.invoice(id).await;
    let line = &invoice.lines[0];
    assert_eq!(line.description, "Time tracked on 2026-11-23");
    assert_eq!(
        (line.quantity.as_deref(), line.unit_price_minor, line.total_minor),
        (Some("1.166667"), Some(3100), 3617)
    );
    assert_eq!((line.entries, &line.source), (1, &None));
    assert_eq!((invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor), (3617, 0, 3617));
    assert_eq!(w.line_of(entry).await, Some(line.id), "the entry points at the line that bills it");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn by_person_and_rate_makes_one_line_per_person_and_rate(pool: PgPool) {
    let w = World::new(pool).await;
    let alex = w.teammate("Alex Kim", "member").await;
    w.log(time(w.design, "2026-11-23T09:00:00Z", 60).rate(8000, "EUR")).await;
    w.log(time(w.build, "2026-11-24T09:00:00Z", 30).rate(8000, "EUR")).await;
    w.log(time(w.build, "2026-11-25T09:00:00Z", 60).rate(9000, "EUR")).await;
    w.log(time(w.build, "2026-11-23T10:00:00Z", 60).rate(5000, "EUR").by(alex)).await;
    let id = w.draft("2026-11-30").await;

    let generated = w.generate(id, generate_form("person_rate")).await.expect("generated");
    assert_eq!((generated.lines, generated.entries), (3, 4));
    let lines: Vec<(String, i64, i64)> =
        w.invoice(id).await.lines.into_iter().map(|l| (l.description, l.total_minor, l.entries)).collect();
    assert_eq!(
        lines,
        [
            ("Alex Kim - 50.00 EUR/h".to_owned(), 5000, 1),
            ("Dana Lee - 80.00 EUR/h".to_owned(), 12000, 2),
            ("Dana Lee - 90.00 EUR/h".to_owned(), 9000, 1),
        ]
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn per_task_makes_one_line_per_task_priced_once_per_rate(pool: PgPool) {
    let w = World::new(pool).await;
    let alex = w.teammate("Alex Kim", "member").await;
    w.log(time(w.design, "2026-11-23T09:00:00Z", 60).rate(8000, "EUR")).await;
    w.log(time(w.design, "2026-11-23T09:00:00Z", 30).rate(5000, "EUR").by(alex)).await;
    w.log(time(w.build, "2026-11-24T09:00:00Z", 90).rate(8000, "EUR")).await;
    let id = w.draft("2026-11-30").await;

    w.generate(id, generate_form("task")).await.expect("generated");
    let lines: Vec<(String, Option<String>, Option<i64>, i64)> = w
        .invoice(id)
        .await
        .lines
        .into_iter()
        .map(|l| (l.description, l.quantity, l.unit_price_minor, l.total_minor))
        .collect();
    assert_eq!(
        lines,
        [
            ("Build".to_owned(), Some("1.5".to_owned()), Some(8000), 12000),
            // Two rates on one line: no single unit price; 80.00 + 25.00.
            ("Design".to_owned(), Some("1.5".to_owned()), None, 10500),
        ]
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_single_line_of_entries_at_two_rates_is_refused_on_the_grouping(pool: PgPool) {
    let w = World::new(pool).await;
    let first = w.log(time(w.design, "2026-11-23T09:00:00Z", 60).rate(8000, "EUR")).await;
    w.log(time(w.build, "2026-11-24T09:00:00Z", 60).rate(5000, "EUR")).await;
    let id = w.draft("2026-11-30").await;

    let message = field_error(w.generate(id, generate_form("single")).await, "grouping");
    assert!(message.contains("50.00 EUR/h, 80.00 EUR/h"), "{message}");
    assert!(w.invoice(id).await.lines.is_empty());
    assert_eq!(w.line_of(first).await, None, "nothing was billed");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn unpriced_entries_are_left_unbilled_and_counted(pool: PgPool) {
    let w = World::new(pool).await;
    let priced = w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;
    let unpriced = w.log(time(w.design, "2026-11-24T09:00:00Z", 60).unpriced()).await;
    w.log(time(w.build, "2026-11-25T09:00:00Z", 60).unpriced()).await;
    let id = w.draft("2026-11-30").await;

    let generated = w.generate(id, generate_form("person_rate")).await.expect("generated");
    assert_eq!(generated, Generated { lines: 1, entries: 1, unpriced_skipped: 2 });
    assert!(generated.summary().contains("2 entries without a rate left unbilled"), "{}", generated.summary());
    assert!(w.line_of(priced).await.is_some());
    assert_eq!(w.line_of(unpriced).await, None);

    // Only unpriced time left: nothing to add, and the reason says so.
    let again = w.draft("2026-11-30").await;
    let message = field_error(w.generate(again, generate_form("person_rate")).await, FieldErrors::FORM);
    assert!(message.contains("2 unbilled entries here have no rate"), "{message}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn running_non_billable_and_already_billed_entries_are_left_out(pool: PgPool) {
    let w = World::new(pool).await;
    let billed = w.log(time(w.design, "2026-11-20T09:00:00Z", 60)).await;
    let first = w.draft("2026-11-30").await;
    w.generate(first, generate_form("single")).await.expect("first draft");
    let billed_on = w.line_of(billed).await.expect("billed");

    let fresh = w.log(time(w.design, "2026-11-23T09:00:00Z", 45)).await;
    let non_billable = w.log(time(w.design, "2026-11-24T09:00:00Z", 60).non_billable()).await;
    let running = w.log(time(w.build, "2026-11-30T11:00:00Z", 0).running()).await;
    let second = w.draft("2026-11-30").await;
    let generated = w.generate(second, generate_form("single")).await.expect("second draft");
    assert_eq!((generated.lines, generated.entries), (1, 1));
    assert_eq!(w.invoice(second).await.lines[0].total_minor, 2325, "45 min at 31.00");
    assert!(w.line_of(fresh).await.is_some());
    assert_eq!(w.line_of(billed).await, Some(billed_on), "still on the first draft");
    assert_eq!((w.line_of(non_billable).await, w.line_of(running).await), (None, None));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn generating_twice_or_on_two_drafts_at_once_bills_no_entry_twice(pool: PgPool) {
    let w = World::new(pool).await;
    for day in 0..20 {
        let start = format!("2026-11-{:02}T09:00:00Z", day + 1);
        w.log(time(if day % 2 == 0 { w.design } else { w.build }, &start, 30)).await;
    }
    let (a, b) = (w.draft("2026-11-30").await, w.draft("2026-11-30").await);
    let mut handles = Vec::new();
    for id in [a, b] {
        let ctx = w.ctx().await;
        let input = generate_form("task").validate().expect("valid");
        handles.push(tokio::spawn(async move { ops::generate(&ctx, id, input).await }));
    }
    let mut billed = 0;
    for handle in handles {
        match handle.await.expect("joined") {
            Ok(generated) => billed += generated.entries,
            Err(error) => assert!(error.field_message(FieldErrors::FORM).is_some(), "{error:?}"),
        }
    }
    assert_eq!(billed, 20, "every entry billed once across both drafts");
    let (lines_a, lines_b) = (w.invoice(a).await.lines, w.invoice(b).await.lines);
    let on_lines: i64 = lines_a.iter().chain(&lines_b).map(|l| l.entries).sum();
    assert_eq!(on_lines, 20);

    // Once more on the same draft: nothing is left, and its lines keep their entries.
    let message = field_error(w.generate(a, generate_form("task")).await, FieldErrors::FORM);
    assert!(message.contains("no unbilled, billable, stopped time"), "{message}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_project_filter_and_the_date_range_narrow_the_entries(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let shop = project(&ctx, w.client, "Shop").await;
    let checkout = task(&ctx, shop, "Checkout").await;
    let early = w.log(time(w.design, "2026-11-02T09:00:00Z", 60)).await;
    let last_minute = w.log(time(w.design, "2026-11-15T23:59:00Z", 60)).await;
    let next_day = w.log(time(w.design, "2026-11-16T00:00:00Z", 60)).await;
    let in_shop = w.log(time(checkout, "2026-11-10T09:00:00Z", 60)).await;
    let id = w.draft("2026-11-30").await;

    let narrowed = GenerateForm {
        project_id: w.project.to_string(),
        from: "2026-11-01".into(),
        to: "2026-11-15".into(),
        ..generate_form("single")
    };
    assert_eq!(w.generate(id, narrowed).await.expect("generated").entries, 2);
    assert!(w.line_of(early).await.is_some() && w.line_of(last_minute).await.is_some(), "both ends are included");
    assert_eq!((w.line_of(next_day).await, w.line_of(in_shop).await), (None, None));

    let rest = GenerateForm { from: "2026-11-16".into(), ..generate_form("task") };
    assert_eq!(w.generate(id, rest).await.expect("generated").entries, 1, "the 16th only: the shop's time is earlier");
    assert_eq!(w.line_of(in_shop).await, None);

    let other_client = app::server::clients::create(&ctx, super::client_form("Globex", "")).await.expect("client");
    let theirs = project(&ctx, other_client, "Theirs").await;
    let foreign = GenerateForm { project_id: theirs.to_string(), ..generate_form("single") };
    field_error(w.generate(id, foreign).await, "project_id");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn deleting_a_line_releases_its_entries_for_another_draft(pool: PgPool) {
    let w = World::new(pool).await;
    let entry = w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;
    let first = w.draft("2026-11-30").await;
    w.generate(first, generate_form("single")).await.expect("generated");
    let line = w.invoice(first).await.lines[0].id;

    ops::delete_line(&w.ctx().await, first, line).await.expect("deleted");
    assert_eq!(w.line_of(entry).await, None);
    let emptied = w.invoice(first).await;
    assert!(emptied.lines.is_empty());
    assert_eq!(emptied.total_minor, 0);

    let second = w.draft("2026-11-30").await;
    w.generate(second, generate_form("single")).await.expect("billable again");
    assert_eq!(w.line_of(entry).await, Some(w.invoice(second).await.lines[0].id));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn deleting_a_draft_releases_its_entries(pool: PgPool) {
    let w = World::new(pool).await;
    let entry = w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;
    let first = w.draft("2026-11-30").await;
    w.generate(first, generate_form("single")).await.expect("generated");

    ops::delete_draft(&w.ctx().await, first).await.expect("deleted");
    assert_eq!(ops::page(&w.ctx().await, first).await.map(|_| ()), Err(AppError::NotFound));
    assert_eq!(w.line_of(entry).await, None);
    let second = w.draft("2026-11-30").await;
    assert_eq!(w.generate(second, generate_form("single")).await.expect("billable again").entries, 1);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn voiding_releases_the_entries_and_keeps_the_number_and_lines(pool: PgPool) {
    let w = World::new(pool).await;
    let entry = w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;
    let first = w.draft("2026-11-30").await;
    w.generate(first, generate_form("single")).await.expect("generated");
    let number = w.issue(first).await;

    ops::void(&w.ctx().await, first, "Billed to the wrong client").await.expect("voided");
    let void = w.invoice(first).await;
    assert_eq!((void.number.as_deref(), void.lines.len(), void.total_minor), (Some(number.as_str()), 1, 3100));
    assert_eq!(void.lines[0].entries, 0);
    assert_eq!(void.void_reason.as_deref(), Some("Billed to the wrong client"));
    assert_eq!(w.line_of(entry).await, None);

    let second = w.draft("2026-11-30").await;
    assert_eq!(w.generate(second, generate_form("single")).await.expect("billable again").entries, 1);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn billed_entries_cannot_be_edited_or_deleted_until_released(pool: PgPool) {
    let w = World::new(pool).await;
    let entry = w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;
    let id = w.draft("2026-11-30").await;
    w.generate(id, generate_form("single")).await.expect("generated");
    let ctx = w.ctx().await;

    for result in
        [app::server::time::update_note(&ctx, entry, "Changed").await, app::server::time::delete(&ctx, entry).await]
    {
        assert!(matches!(&result, Err(AppError::NotAllowed(m)) if m.contains("on an invoice")), "{result:?}");
    }
    let task_deleted = app::server::tasks::delete(&ctx, w.design).await;
    assert!(matches!(&task_deleted, Err(AppError::NotAllowed(m)) if m.contains("billed")), "{task_deleted:?}");
    ops::delete_line(&ctx, id, w.invoice(id).await.lines[0].id).await.expect("line deleted");
    app::server::time::update_note(&ctx, entry, "Changed").await.expect("released: editable");
    app::server::time::delete(&ctx, entry).await.expect("released: deletable");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_date_range_is_in_the_business_time_zone(pool: PgPool) {
    let w = World::new(pool).await;
    sqlx::query("update businesses set timezone = 'Europe/Amsterdam' where id = $1")
        .bind(w.business)
        .execute(&w.app.pool)
        .await
        .expect("time zone");
    // 00:30 on the 15th and on the 16th in Amsterdam (UTC+1).
    let fifteenth = w.log(time(w.design, "2026-11-14T23:30:00Z", 60)).await;
    let sixteenth = w.log(time(w.design, "2026-11-15T23:30:00Z", 60)).await;
    let id = w.draft("2026-11-30").await;

    let one_day = GenerateForm { from: "2026-11-15".into(), to: "2026-11-15".into(), ..generate_form("single") };
    assert_eq!(w.generate(id, one_day).await.expect("generated").entries, 1);
    assert!(w.line_of(fifteenth).await.is_some());
    assert_eq!(w.line_of(sixteenth).await, None);
    assert_eq!(w.invoice(id).await.lines[0].description, "Time tracked on 2026-11-15");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_draft_for_one_project_bills_only_that_projects_time(pool: PgPool) {
    let w = World::new(pool).await;
    let ctx = w.ctx().await;
    let shop = project(&ctx, w.client, "Shop").await;
    let checkout = task(&ctx, shop, "Checkout").await;
    let website_time = w.log(time(w.design, "2026-11-23T09:00:00Z", 60)).await;
    let shop_time = w.log(time(checkout, "2026-11-23T09:00:00Z", 60)).await;
    let id = w.draft_with(DraftForm { project_id: shop.to_string(), ..w.draft_form("2026-11-30", "zero_rated") }).await;

    assert_eq!(w.generate(id, generate_form("task")).await.expect("generated").entries, 1);
    assert!(w.line_of(shop_time).await.is_some());
    assert_eq!(w.line_of(website_time).await, None);
}

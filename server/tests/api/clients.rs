//! Clients: validation, archive/restore, the activity timeline and per-member rates.

use crate::common::{email, TestApp};
use app::clients::{ClientOverview, ClientPage, ClientSummary, EventKind, MemberRates, TimelineEntry};
use app::error::AppError;
use http::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

async fn create(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> Uuid {
    let reply = app.call("/api/clients/create", form, Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

async fn timeline(app: &TestApp, cookie: &str, id: Uuid) -> Vec<TimelineEntry> {
    app.call("/api/clients/timeline", &[("client_id", &id.to_string())], Some(cookie)).await.json()
}

async fn list(app: &TestApp, cookie: &str, search: &str, archived: bool) -> Vec<ClientSummary> {
    let archived = if archived { "true" } else { "false" };
    app.call("/api/clients/list", &[("search", search), ("include_archived", archived)], Some(cookie)).await.json()
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_client_is_created_with_contacts_a_day_rate_and_a_budget(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let reply = app
        .call(
            "/api/clients/create",
            &[
                ("form[name]", " Acme Industries "),
                ("form[company]", "Acme Industries Ltd"),
                ("form[vat_number]", "GB123456789"),
                ("form[address]", "1 Long Lane  \nLondon"),
                ("form[contacts][0][name]", "Dana Lee"),
                ("form[contacts][0][email]", "dana@acme.test"),
                ("form[contacts][0][role]", "Finance"),
                ("form[contacts][1][name]", "Sam Roe"),
                ("form[contacts][2][name]", ""),
                ("form[rate_amount]", "80"),
                ("form[rate_currency]", "EUR"),
                ("form[rate_unit]", "day"),
                ("form[budget_amount]", "12,500.00"),
                ("form[budget_currency]", "EUR"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let id: Uuid = reply.json();
    assert_eq!(reply.location(), Some(format!("/clients/{id}").as_str()));
    let page: ClientPage = app.call("/api/clients/get", &[("id", &id.to_string())], Some(&owner)).await.json();
    let c = page.client;
    assert_eq!((c.name.as_str(), c.address.as_str()), ("Acme Industries", "1 Long Lane\nLondon"));
    assert_eq!(c.contacts.len(), 2, "the empty third row is ignored");
    assert_eq!(c.contacts[0].email, "dana@acme.test");
    assert_eq!(c.default_rate.map(|r| r.format()).as_deref(), Some("80.00 EUR/day"));
    assert_eq!(c.budget.map(|b| (b.minor, b.currency.to_string())), Some((1_250_000, "EUR".to_owned())));
    let stored: (i64, String, String) =
        sqlx::query_as("select default_rate_minor, default_rate_currency, default_rate_unit from clients")
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!(stored, (8000, "EUR".to_owned(), "day".to_owned()), "integer minor units, never floats");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn invalid_clients_get_field_messages_and_nothing_is_stored(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let reply = app
        .call(
            "/api/clients/create",
            &[
                ("form[name]", "  "),
                ("form[contacts][0][email]", "not-an-email"),
                ("form[rate_amount]", "80.123"),
                ("form[rate_currency]", "EUR"),
                ("form[budget_amount]", "100"),
                ("form[budget_currency]", "EURO"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Validation(errors) = reply.app_error() else { panic!("validation") };
    assert_eq!(errors.get("name"), Some("Enter the client's name."));
    assert_eq!(errors.get("contacts.0.name"), Some("Enter the contact's name."));
    assert!(errors.get("contacts.0.email").is_some());
    assert_eq!(errors.get("rate_amount"), Some("Use at most 2 decimals."));
    assert_eq!(errors.get("budget_currency"), Some("EURO is not an ISO 4217 currency code."));
    let count: i64 = sqlx::query_scalar("select count(*) from clients").fetch_one(&app.pool).await.expect("count");
    assert_eq!(count, 0);

    create(&app, &owner, &[("form[name]", "Acme")]).await;
    let duplicate = app.call("/api/clients/create", &[("form[name]", " ACME ")], Some(&owner)).await;
    assert_eq!(duplicate.app_error(), AppError::field("name", "A client with this name already exists."));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn archiving_hides_a_client_but_keeps_its_history_and_restoring_brings_it_back(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let id = create(&app, &owner, &[("form[name]", "Acme")]).await;
    app.call("/api/clients/add_note", &[("client_id", &id.to_string()), ("text", "Kick-off went well.")], Some(&owner))
        .await;
    let project: Uuid = app
        .call("/api/projects/create", &[("form[client_id]", &id.to_string()), ("form[name]", "Website")], Some(&owner))
        .await
        .json();

    let reply = app.call("/api/clients/archive", &[("id", &id.to_string())], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(list(&app, &owner, "", false).await.is_empty(), "archived clients are hidden by default");
    let all = list(&app, &owner, "", true).await;
    assert_eq!((all.len(), all[0].archived), (1, true), "and shown on request");
    let page: ClientPage = app.call("/api/clients/get", &[("id", &id.to_string())], Some(&owner)).await.json();
    assert!(page.client.archived_at.is_some());
    let again = app
        .call("/api/projects/create", &[("form[client_id]", &id.to_string()), ("form[name]", "More")], Some(&owner))
        .await;
    assert_eq!(again.app_error(), AppError::field("client_id", "This client is archived. Restore it first."));
    assert!(
        app.call("/api/projects/get", &[("id", &project.to_string())], Some(&owner)).await.status.is_success(),
        "projects stay"
    );

    app.call("/api/clients/archive", &[("id", &id.to_string())], Some(&owner)).await; // twice: no second event
    app.call("/api/clients/restore", &[("id", &id.to_string())], Some(&owner)).await;
    assert_eq!(list(&app, &owner, "", false).await.len(), 1);
    let kinds: Vec<EventKind> = timeline(&app, &owner, id).await.into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [EventKind::ClientRestored, EventKind::ClientArchived, EventKind::Note, EventKind::ClientCreated]
    );
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_timeline_is_ordered_by_a_gap_free_business_sequence(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let acme = create(&app, &owner, &[("form[name]", "Acme")]).await;
    let globex = create(&app, &owner, &[("form[name]", "Globex")]).await;
    for (client, text) in [(acme, "first"), (globex, "other client"), (acme, "second"), (acme, "  third  ")] {
        let reply = app
            .call("/api/clients/add_note", &[("client_id", &client.to_string()), ("text", text)], Some(&owner))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let update = app
        .call(
            "/api/clients/update",
            &[("id", &acme.to_string()), ("form[name]", "Acme Inc"), ("form[vat_number]", "GB1")],
            Some(&owner),
        )
        .await;
    assert_eq!(update.status, StatusCode::OK, "{}", update.text());

    let entries = timeline(&app, &owner, acme).await;
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [7, 6, 5, 3, 1], "newest first; numbers are per business, shared across clients");
    assert_eq!(entries[0].headline(), "Dana Lee updated name, VAT number");
    assert_eq!(entries[1].body, "third", "notes are trimmed");
    assert_eq!(entries[1].actor.as_deref(), Some("Dana Lee"));
    let empty =
        app.call("/api/clients/add_note", &[("client_id", &acme.to_string()), ("text", "   ")], Some(&owner)).await;
    assert_eq!(empty.app_error(), AppError::field("text", "Write something first."));
    let long = "x".repeat(10_001);
    let too_long =
        app.call("/api/clients/add_note", &[("client_id", &acme.to_string()), ("text", &long)], Some(&owner)).await;
    assert!(matches!(too_long.app_error(), AppError::Validation(_)));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn search_finds_clients_by_name_company_vat_or_contact(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    create(
        &app,
        &owner,
        &[
            ("form[name]", "Acme"),
            ("form[contacts][0][name]", "Dana Lee"),
            ("form[contacts][0][email]", "dana@acme.test"),
        ],
    )
    .await;
    create(
        &app,
        &owner,
        &[("form[name]", "Globex"), ("form[company]", "Globex Corporation"), ("form[vat_number]", "DE999")],
    )
    .await;
    create(&app, &owner, &[("form[name]", "100% Juice")]).await;
    let names = |list: Vec<ClientSummary>| list.into_iter().map(|c| c.name).collect::<Vec<_>>();
    assert_eq!(names(list(&app, &owner, "dana", false).await), ["Acme"]);
    assert_eq!(names(list(&app, &owner, "corporation", false).await), ["Globex"]);
    assert_eq!(names(list(&app, &owner, "de999", false).await), ["Globex"]);
    assert_eq!(names(list(&app, &owner, "%", false).await), ["100% Juice"], "wildcards are literal");
    assert_eq!(names(list(&app, &owner, "", false).await), ["100% Juice", "Acme", "Globex"]);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn rates_need_the_manage_rates_permission(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let role: app::team::CustomRole = app
        .call(
            "/api/team/create_role",
            &[
                ("name", "Clerk"),
                ("permissions[0]", "clients.view"),
                ("permissions[1]", "clients.create"),
                ("permissions[2]", "clients.edit"),
            ],
            Some(&owner),
        )
        .await
        .json();
    let clerk = app.teammate(&owner, "Clerk", &format!("custom:{}", role.id)).await;
    let priced = [
        ("form[name]", "Priced"),
        ("form[rate_amount]", "90"),
        ("form[rate_currency]", "EUR"),
        ("form[rate_unit]", "hour"),
    ];
    assert!(matches!(
        app.call("/api/clients/create", &priced, Some(&clerk)).await.app_error(),
        AppError::NotAllowed(_)
    ));

    let id = create(&app, &owner, &priced).await;
    // The clerk's form has no pricing fields: editing keeps the rate.
    let reply =
        app.call("/api/clients/update", &[("id", &id.to_string()), ("form[name]", "Priced Ltd")], Some(&clerk)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let page: ClientPage = app.call("/api/clients/get", &[("id", &id.to_string())], Some(&clerk)).await.json();
    assert_eq!(page.client.default_rate.map(|r| r.amount.minor), Some(9000));
    assert!(!page.can_manage_rates);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn member_rates_hide_and_keep_internal_costs_from_those_who_may_not_see_profit(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let client = create(&app, &owner, &[("form[name]", "Acme")]).await.to_string();
    let worker = app.teammate(&owner, "Wes Worker", "member").await;
    let worker_id = app.user_id(&worker).await.to_string();
    let set = |cookie: String, fields: Vec<(&'static str, &'static str)>| {
        let (client, worker_id, app) = (client.clone(), worker_id.clone(), &app);
        async move {
            let mut form = vec![("rate[client_id]", client.as_str()), ("rate[user_id]", worker_id.as_str())];
            form.extend(fields);
            app.call("/api/clients/set_member_rate", &form, Some(&cookie)).await
        }
    };
    let reply = set(
        owner.clone(),
        vec![
            ("rate[bill_amount]", "80"),
            ("rate[bill_currency]", "EUR"),
            ("rate[bill_unit]", "day"),
            ("rate[cost_amount]", "40"),
            ("rate[cost_currency]", "EUR"),
            ("rate[cost_unit]", "day"),
            ("rate[budget_amount]", "5000"),
            ("rate[budget_currency]", "EUR"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());

    let owner_view: MemberRates =
        app.call("/api/clients/member_rates", &[("client_id", &client)], Some(&owner)).await.json();
    assert!(owner_view.can_see_costs);
    assert_eq!(owner_view.rates[0].bill_rate.map(|r| r.format()).as_deref(), Some("80.00 EUR/day"));
    assert_eq!(owner_view.rates[0].cost.map(|r| r.format()).as_deref(), Some("40.00 EUR/day"));

    // A manager may manage rates but not see profit: costs are stripped, and what they send for a
    // cost is not stored — the existing cost stays.
    let manager = app.teammate(&owner, "Mia Manager", "manager").await;
    let manager_view: MemberRates =
        app.call("/api/clients/member_rates", &[("client_id", &client)], Some(&manager)).await.json();
    assert!(!manager_view.can_see_costs);
    assert_eq!(manager_view.rates[0].cost, None);
    let reply = set(
        manager.clone(),
        vec![
            ("rate[bill_amount]", "90"),
            ("rate[bill_currency]", "EUR"),
            ("rate[bill_unit]", "day"),
            ("rate[cost_amount]", "1"),
            ("rate[cost_currency]", "EUR"),
            ("rate[cost_unit]", "hour"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let (bill, cost): (i64, i64) =
        sqlx::query_as("select bill_rate_minor, cost_minor from team_rates").fetch_one(&app.pool).await.expect("row");
    assert_eq!((bill, cost), (9000, 4000));

    let outsider = app.sign_up("Outsider", &email("outsider")).await;
    let outsider_id = app.user_id(&outsider).await.to_string();
    let reply = app
        .call(
            "/api/clients/set_member_rate",
            &[
                ("rate[client_id]", &client),
                ("rate[user_id]", &outsider_id),
                ("rate[bill_amount]", "1"),
                ("rate[bill_currency]", "EUR"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(reply.app_error(), AppError::field("user_id", "That person isn't on your team."));

    let removed = app
        .call("/api/clients/remove_member_rate", &[("client_id", &client), ("user_id", &worker_id)], Some(&owner))
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    let after: MemberRates =
        app.call("/api/clients/member_rates", &[("client_id", &client)], Some(&owner)).await.json();
    assert!(after.rates.is_empty());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_list_sorts_by_name_or_newest_first_and_dates_each_client_on_the_business_calendar(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    for (name, added) in
        [("beta", "2026-03-01 12:00:00+00"), ("Alpha", "2026-03-02 23:30:00+00"), ("Gamma", "2026-03-05 09:00:00+00")]
    {
        create(&app, &owner, &[("form[name]", name)]).await;
        sqlx::query("update clients set created_at = $1::timestamptz where name = $2")
            .bind(added)
            .bind(name)
            .execute(&app.pool)
            .await
            .expect("backdate");
    }
    sqlx::query("update businesses set timezone = 'Asia/Tokyo'").execute(&app.pool).await.expect("zone");
    let sorted = |sort: &'static str| {
        let (owner, app) = (owner.clone(), &app);
        async move {
            let list: Vec<ClientSummary> = app.call("/api/clients/list", &[("sort", sort)], Some(&owner)).await.json();
            list.into_iter().map(|c| (c.name, c.created_on.to_string())).collect::<Vec<_>>()
        }
    };
    let by_name = sorted("name").await;
    let names: Vec<&str> = by_name.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Alpha", "beta", "Gamma"]);
    // 23:30 UTC on 2 March is already 3 March in Tokyo.
    assert_eq!(by_name[0].1, "2026-03-03");
    let newest: Vec<String> = sorted("created").await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(newest, ["Gamma", "Alpha", "beta"]);
    let page = app.get("/clients?sort=created", Some(&owner)).await.text();
    assert!(page.contains(r#"<option value="created" selected"#), "the sort choice renders selected");
    assert!(page.contains("3 Mar 2026"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_client_overview_reads_every_panel_as_the_viewer_may_see_it(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let client = create(&app, &owner, &[("form[name]", "Acme")]).await.to_string();
    let overview = |cookie: String| {
        let (client, app) = (client.clone(), &app);
        async move { app.call("/api/clients/overview", &[("id", &client)], Some(&cookie)).await }
    };
    for (name, status) in [("Website", "active"), ("Archive", "completed"), ("app", "active")] {
        let reply = app
            .call(
                "/api/projects/create",
                &[("form[client_id]", client.as_str()), ("form[name]", name), ("form[status]", status)],
                Some(&owner),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let note =
        app.call("/api/clients/add_note", &[("client_id", &client), ("text", "Call on Monday")], Some(&owner)).await;
    assert_eq!(note.status, StatusCode::OK, "{}", note.text());
    let worker = app.teammate(&owner, "Wes Worker", "member").await;
    let worker_id = app.user_id(&worker).await.to_string();
    let rate = [
        ("rate[client_id]", client.as_str()),
        ("rate[user_id]", worker_id.as_str()),
        ("rate[bill_amount]", "80"),
        ("rate[bill_currency]", "EUR"),
        ("rate[bill_unit]", "hour"),
        ("rate[cost_amount]", "30"),
        ("rate[cost_currency]", "EUR"),
        ("rate[cost_unit]", "hour"),
    ];
    let reply = app.call("/api/clients/set_member_rate", &rate, Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());

    let full: ClientOverview = overview(owner.clone()).await.json();
    assert_eq!(full.page.client.name, "Acme");
    // Active projects first, by name regardless of case; completed ones last.
    let projects: Vec<&str> = full.projects.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(projects, ["app", "Website", "Archive"]);
    assert_eq!(full.rates.rates.len(), 1);
    assert_eq!(full.rates.rates[0].bill_rate.map(|r| r.format()).as_deref(), Some("80.00 EUR/h"));
    assert_eq!(full.rates.rates[0].cost.map(|r| r.format()).as_deref(), Some("30.00 EUR/h"));
    assert_eq!(full.rates.team.len(), 2, "the owner may give rates, so the form lists the team");
    assert_eq!(full.rates.currency, "EUR");
    assert_eq!(full.timeline.first().map(|e| (e.kind, e.body.as_str())), Some((EventKind::Note, "Call on Monday")));
    assert_eq!(full.timeline.last().map(|e| e.kind), Some(EventKind::ClientCreated));
    // The same panels as their own calls return.
    assert_eq!(full.timeline, timeline(&app, &owner, client.parse().expect("uuid")).await);

    // Times read on the business's clock, daylight saving included.
    sqlx::query("update businesses set timezone = 'Europe/Berlin'").execute(&app.pool).await.expect("zone");
    sqlx::query("update timeline_entries set created_at = '2026-12-01 08:30:00+00' where kind = 'note'")
        .execute(&app.pool)
        .await
        .expect("winter");
    sqlx::query("update timeline_entries set created_at = '2026-07-01 08:30:00+00' where kind = 'client_created'")
        .execute(&app.pool)
        .await
        .expect("summer");
    let berlin: ClientOverview = overview(owner.clone()).await.json();
    let shown: Vec<&str> = berlin.timeline.iter().map(|e| e.when.as_str()).collect();
    assert_eq!(shown.first(), Some(&"1 Dec 2026, 09:30 CET"));
    assert_eq!(shown.last(), Some(&"1 Jul 2026, 10:30 CEST"));

    // A member manages rates but may not see profit: no costs.
    let member: ClientOverview = overview(worker.clone()).await.json();
    assert_eq!(member.rates.rates[0].cost, None);
    assert_eq!(member.rates.team.len(), 2);
    // An accountant sees costs but gives no rates, so the team is not sent.
    let accountant = app.teammate(&owner, "Ada Accountant", "accountant").await;
    let accountant: ClientOverview = overview(accountant).await.json();
    assert_eq!(accountant.rates.rates[0].cost.map(|r| r.amount.minor), Some(3000));
    assert!(accountant.rates.team.is_empty());
    assert!(!accountant.page.can_edit);

    // Someone else's client, or none at all, is not found.
    let stranger = app.owner_of("Elsewhere", &email("stranger")).await;
    assert_eq!(overview(stranger).await.status, StatusCode::NOT_FOUND);
    let unknown = app.call("/api/clients/overview", &[("id", &Uuid::now_v7().to_string())], Some(&owner)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_edit_page_renders_saved_contacts_into_its_fields(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let id = create(
        &app,
        &owner,
        &[
            ("form[name]", "Acme"),
            ("form[contacts][0][name]", "Dana Lee"),
            ("form[contacts][0][email]", "dana@acme.test"),
            ("form[contacts][0][role]", "Finance"),
        ],
    )
    .await;
    let page = app.get(&format!("/clients/{id}/edit"), Some(&owner)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for value in ["Dana Lee", "dana@acme.test", "Finance"] {
        assert!(
            html.contains(&format!("value=\"{value}\"")),
            "{value} is in the server's HTML, not only set by the wasm"
        );
    }
}

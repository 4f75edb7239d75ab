//! The operations core: operations called with a business context built without Leptos (as MCP
//! tools, scheduled jobs and tests call them) enforce their own permissions and tenancy, run on
//! the injected clock, and pages for ids that name nothing answer 404.

use crate::common::{email, leptos_options, TestApp, SECRET};
use app::clients::form::ClientForm;
use app::error::AppError;
use app::ids::{BusinessId, ClientId, UserId};
use app::server::clock::Clock;
use app::server::{AppState, AuthSettings, BusinessCtx};
use chrono::{DateTime, NaiveDate, Utc};
use http::StatusCode;
use secrecy::SecretString;
use sqlx::PgPool;

fn state(pool: &PgPool) -> AppState {
    AppState::new(leptos_options(), pool.clone(), AuthSettings::new(SecretString::from(SECRET.to_owned()), None, false))
}

fn at(instant: &str) -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(instant).expect("instant").with_timezone(&Utc))
}

fn client_named(name: &str) -> app::clients::form::ClientInput {
    ClientForm { name: name.into(), ..ClientForm::default() }.validate().expect("valid client")
}

/// An owner's business and a viewer in it (viewers may look, not create).
async fn owner_and_viewer(app: &TestApp) -> (BusinessId, UserId, UserId) {
    let owner = app.owner_of("Core Studio", &email("owner")).await;
    let viewer = app.teammate(&owner, "Vic Viewer", "viewer").await;
    (app.business_id(&owner).await, app.user_id(&owner).await, app.user_id(&viewer).await)
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_operation_called_directly_checks_the_permission_of_the_context_it_is_given(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (business, owner, viewer) = owner_and_viewer(&app).await;
    let state = state(&pool);

    let as_viewer = BusinessCtx::for_member(&state, viewer, business, Clock::System).await.expect("a member");
    assert_eq!(
        app::server::clients::create(&as_viewer, client_named("Acme")).await,
        Err(AppError::Forbidden),
        "a viewer cannot create clients, whoever calls the operation"
    );
    assert!(app::server::clients::list(&as_viewer, "", false, false).await.expect("viewers may list").is_empty());

    let as_owner = BusinessCtx::for_member(&state, owner, business, Clock::System).await.expect("a member");
    let id = app::server::clients::create(&as_owner, client_named("Acme")).await.expect("owners may create");
    assert_eq!(app::server::clients::page(&as_viewer, id).await.expect("visible").client.name, "Acme");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_context_exists_only_for_members_and_sees_only_its_own_business(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (business, owner, _) = owner_and_viewer(&app).await;
    let stranger_cookie = app.owner_of("Elsewhere", &email("stranger")).await;
    let (stranger, elsewhere) = (app.user_id(&stranger_cookie).await, app.business_id(&stranger_cookie).await);
    let state = state(&pool);

    let not_member = BusinessCtx::for_member(&state, stranger, business, Clock::System).await;
    assert!(matches!(not_member, Err(AppError::NotFound)), "someone else's business is NotFound");

    let as_owner = BusinessCtx::for_member(&state, owner, business, Clock::System).await.expect("member");
    let acme = app::server::clients::create(&as_owner, client_named("Acme")).await.expect("created");
    let as_stranger = BusinessCtx::for_member(&state, stranger, elsewhere, Clock::System).await.expect("member");
    assert_eq!(app::server::clients::page(&as_stranger, acme).await.map(|p| p.client.id), Err(AppError::NotFound));
    assert_eq!(
        app::server::clients::set_archived(&as_stranger, acme, true).await,
        Err(AppError::NotFound),
        "a foreign id changes nothing"
    );
    assert!(app::server::clients::page(&as_owner, acme).await.expect("still there").client.archived_at.is_none());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_timesheet_follows_the_injected_clock(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (business, owner, _) = owner_and_viewer(&app).await;
    let state = state(&pool);
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    for (now, today) in [("2026-11-23T08:00:00Z", 23), ("2026-11-29T23:30:00Z", 29)] {
        let ctx = BusinessCtx::for_member(&state, owner, business, at(now)).await.expect("member");
        let sheet = app::server::time::timesheet(&ctx, None, None).await.expect("timesheet");
        assert_eq!(sheet.week_start, monday, "{now}: Monday and Sunday are in the same week");
        assert_eq!(sheet.today, NaiveDate::from_ymd_opt(2026, 11, today).expect("date"), "{now}");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn pages_for_a_foreign_or_malformed_id_answer_404_with_the_not_found_page(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio A", &email("a")).await;
    let other = app.owner_of("Studio B", &email("b")).await;
    let reply = app.call("/api/clients/create", &[("form[name]", "Acme")], Some(&owner)).await;
    let acme: ClientId = reply.json();

    let own = app.get(&format!("/clients/{acme}"), Some(&owner)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.text().contains("Acme"));

    for path in [
        format!("/clients/{acme}"),
        format!("/clients/{acme}/edit"),
        "/clients/not-a-uuid".to_owned(),
        "/projects/not-a-uuid".to_owned(),
        format!("/projects/{}", uuid::Uuid::now_v7()),
    ] {
        let reply = app.get(&path, Some(&other)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.text().contains("Page not found"), "{path}: {}", reply.text());
        assert!(!reply.text().contains("Acme"), "{path} shows nothing of the other business");
    }
}

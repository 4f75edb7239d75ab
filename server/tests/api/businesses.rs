//! Onboarding, several businesses per user, switching, and tenancy.

use crate::common::{email, TestApp};
use app::business::Role;
use app::error::AppError;
use app::server::db;
use http::StatusCode;
use sqlx::PgPool;

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn creating_the_first_business_makes_the_user_its_owner_and_active(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.sign_up("Dana", &email("owner")).await;
    let reply =
        app.call("/api/business/create", &[("name", " Studio Demo "), ("currency", "gbp")], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.location(), Some("/"));

    let session = app.session(Some(&cookie)).await.expect("signed in");
    let active = session.active_business.expect("active business");
    assert_eq!((active.name.as_str(), active.currency.as_str(), active.role), ("Studio Demo", "GBP", Role::Owner));
    let role: String = sqlx::query_scalar("select role from memberships where business_id = $1")
        .bind(active.id)
        .fetch_one(&app.pool)
        .await
        .expect("membership");
    assert_eq!(role, "owner");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_business_needs_a_name_and_an_iso_currency(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.sign_up("Dana", &email("v")).await;
    let reply = app.call("/api/business/create", &[("name", ""), ("currency", "EURO")], Some(&cookie)).await;
    let AppError::Validation(errors) = reply.app_error() else { panic!("validation expected") };
    assert_eq!(errors.get("name"), Some("Enter a business name."));
    assert_eq!(errors.get("currency"), Some("EURO is not an ISO 4217 currency code."));
    let count: i64 = sqlx::query_scalar("select count(*) from businesses").fetch_one(&app.pool).await.expect("count");
    assert_eq!(count, 0);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_user_can_own_several_businesses_and_switch_between_them(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.owner_of("First Studio", &email("multi")).await;
    app.create_business(&cookie, "Second Studio", "USD").await;

    let session = app.session(Some(&cookie)).await.expect("session");
    assert_eq!(
        session.active_business.as_ref().map(|b| b.name.as_str()),
        Some("Second Studio"),
        "a new business becomes active"
    );
    let names: Vec<_> = session.businesses.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["First Studio", "Second Studio"], "oldest first");

    let first = session.businesses[0].id.to_string();
    let reply = app.call("/api/business/switch", &[("business_id", &first)], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let session = app.session(Some(&cookie)).await.expect("session");
    assert_eq!(session.active_business.map(|b| b.name), Some("First Studio".to_owned()), "the choice is persisted");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn without_a_choice_the_oldest_membership_is_active(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.owner_of("Oldest", &email("old")).await;
    app.create_business(&cookie, "Newest", "EUR").await;
    sqlx::query("delete from user_active_business").execute(&app.pool).await.expect("forget choice");
    let session = app.session(Some(&cookie)).await.expect("session");
    assert_eq!(session.active_business.map(|b| b.name), Some("Oldest".to_owned()));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn another_users_business_is_invisible_and_cannot_be_switched_to(pool: PgPool) {
    let app = TestApp::new(pool);
    let alice = app.owner_of("Alice Studio", &email("alice")).await;
    let bob = app.owner_of("Bob Studio", &email("bob")).await;
    let alice_business = app.session(Some(&alice)).await.and_then(|s| s.active_business).expect("alice business");

    let bob_session = app.session(Some(&bob)).await.expect("bob");
    assert!(bob_session.businesses.iter().all(|b| b.id != alice_business.id), "Bob never sees Alice's business");

    let reply = app.call("/api/business/switch", &[("business_id", &alice_business.id.to_string())], Some(&bob)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.app_error(), AppError::NotFound, "someone else's business looks exactly like a missing one");
    let missing =
        app.call("/api/business/switch", &[("business_id", &uuid::Uuid::now_v7().to_string())], Some(&bob)).await;
    assert_eq!(missing.body, reply.body);
    // A malformed id is a mistake in the request (422), never a server error.
    let garbage = app.call("/api/business/switch", &[("business_id", "not-a-uuid")], Some(&bob)).await;
    assert_eq!(garbage.status, 422);
    assert!(matches!(garbage.app_error(), AppError::Validation(_)), "{:?}", garbage.app_error());

    let bob_user = bob_session.user.id;
    assert!(matches!(
        db::businesses::set_active(&app.pool, bob_user, alice_business.id).await,
        Err(AppError::NotFound)
    ));
    let still = app.session(Some(&bob)).await.and_then(|s| s.active_business).map(|b| b.name);
    assert_eq!(still.as_deref(), Some("Bob Studio"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn pages_send_visitors_to_sign_in_and_new_users_to_onboarding(pool: PgPool) {
    let app = TestApp::new(pool);
    for path in ["/", "/businesses/new"] {
        let reply = app.get(path, None).await;
        assert_eq!((reply.status, reply.location()), (StatusCode::FOUND, Some("/sign-in")), "{path}");
    }

    let cookie = app.sign_up("Dana", &email("pages")).await;
    let reply = app.get("/", Some(&cookie)).await;
    assert_eq!((reply.status, reply.location()), (StatusCode::FOUND, Some("/onboarding")));
    let onboarding = app.get("/onboarding", Some(&cookie)).await;
    assert_eq!(onboarding.status, StatusCode::OK);
    assert!(onboarding.text().contains("Set up your business"));

    app.create_business(&cookie, "Studio Demo", "EUR").await;
    let dashboard = app.get("/", Some(&cookie)).await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.text());
    let html = dashboard.text();
    assert!(
        html.contains("Studio Demo") && html.contains("Get started") && html.contains("Add your first client"),
        "dashboard shows the business and its first steps"
    );
    let onboarding = app.get("/onboarding", Some(&cookie)).await;
    assert_eq!((onboarding.status, onboarding.location()), (StatusCode::FOUND, Some("/")), "onboarding is done");
    let sign_in = app.get("/sign-in", Some(&cookie)).await;
    assert_eq!((sign_in.status, sign_in.location()), (StatusCode::FOUND, Some("/")), "signed-in users skip sign-in");
}

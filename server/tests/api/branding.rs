//! Branding: the brand colour and footer note, kept per business, changed only with branding.edit.

use crate::common::{email, leptos_options, TestApp, SECRET};
use app::branding::{BrandingForm, DEFAULT_BRAND_COLOR};
use app::error::AppError;
use app::server::branding as ops;
use app::server::clock::Clock;
use app::server::{AppState, AuthSettings, BusinessCtx};
use secrecy::SecretString;
use sqlx::PgPool;

fn form(color: &str, note: &str) -> BrandingForm {
    BrandingForm { brand_color: color.into(), footer_note: note.into() }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn branding_starts_teal_and_only_branding_editors_change_it(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner_cookie = app.owner_of("Brand Studio", &email("owner")).await;
    // Members see the settings (settings.view) but may not change the branding.
    let viewer_cookie = app.teammate(&owner_cookie, "Mo Member", "member").await;
    let business = app.business_id(&owner_cookie).await;
    let state = AppState::new(
        leptos_options(),
        pool.clone(),
        AuthSettings::new(SecretString::from(SECRET.to_owned()), None, false),
    );
    let owner = BusinessCtx::for_member(&state, app.user_id(&owner_cookie).await, business, Clock::System)
        .await
        .expect("member");
    let viewer = BusinessCtx::for_member(&state, app.user_id(&viewer_cookie).await, business, Clock::System)
        .await
        .expect("member");

    let initial = ops::get(&owner).await.expect("branding");
    assert_eq!((initial.brand_color.as_str(), initial.footer_note.as_str()), (DEFAULT_BRAND_COLOR, ""));
    assert!(initial.can_edit);

    let input = form("#1a6e64", " Thank you for your business. ").validate().expect("valid");
    assert_eq!(ops::update(&viewer, input.clone()).await, Err(AppError::Forbidden));
    ops::update(&owner, input).await.expect("saved");
    let seen = ops::get(&viewer).await.expect("members may look");
    assert_eq!((seen.brand_color.as_str(), seen.footer_note.as_str()), ("#1A6E64", "Thank you for your business."));
    assert!(!seen.can_edit);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_bad_colour_or_a_long_note_is_a_field_error_over_http(pool: PgPool) {
    let app = TestApp::new(pool);
    let cookie = app.owner_of("Brand Studio", &email("owner")).await;
    let long = "x".repeat(281);
    let reply = app
        .call(
            "/api/branding/update",
            &[("form[brand_color]", "teal"), ("form[footer_note]", long.as_str())],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 422, "{}", reply.text());
    let AppError::Validation(errors) = reply.app_error() else { panic!("a validation error: {}", reply.text()) };
    assert!(errors.get("brand_color").is_some_and(|m| m.contains("six hex digits")));
    assert!(errors.get("footer_note").is_some_and(|m| m.contains("280 characters")));
}

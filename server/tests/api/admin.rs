//! Platform administration (PRODUCT §3.16): `/system-admin` exists for platform admins only, and
//! a suspended business is read-only for its members (with a banner), cannot export, refuses its
//! MCP tokens and makes no recurring invoices, until it is unsuspended.

use crate::common::{email, TestApp};
use crate::mcp::{personal_token, rpc};
use app::error::AppError;
use http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_suspended_business_is_read_only_until_an_admin_lifts_it(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Suspended Studio", &email("owner")).await;
    let business = app.business_id(&owner).await;
    let token = personal_token(&app, &owner).await;
    let client: String = app.call("/api/clients/create", &[("form[name]", "Acme")], Some(&owner)).await.json();
    crate::recurring::schedule_via_api(&app, &owner, &client).await;
    let admin_email = email("admin");
    let admin = app.sign_up("Ada Admin", &admin_email).await;

    // Nobody is an admin until the command line says so: the page and its functions do not exist.
    assert_eq!(app.get("/system-admin", Some(&owner)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/system-admin", Some(&admin)).await.status, StatusCode::NOT_FOUND);
    app::server::admin::set_platform_admin(&pool, &admin_email, true).await.expect("granted");
    let page = app.get("/system-admin", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Database size") && html.contains("Suspended Studio"), "the figures and the business");

    let no_reason =
        app.call("/api/admin/suspend", &[("business_id", &business.to_string()), ("reason", " ")], Some(&admin)).await;
    assert!(no_reason.app_error().field_message("reason").is_some());
    let reason = "Hosting invoice unpaid since October.";
    let suspended = app
        .call("/api/admin/suspend", &[("business_id", &business.to_string()), ("reason", reason)], Some(&admin))
        .await;
    assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.text());

    // Members still see everything, with a banner saying why nothing can change.
    let clients = app.get("/clients", Some(&owner)).await;
    assert_eq!(clients.status, StatusCode::OK);
    let html = clients.text();
    assert!(html.contains("This business is suspended and read-only.") && html.contains(reason), "the banner");
    let refused = app.call("/api/clients/create", &[("form[name]", "Beta")], Some(&owner)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let AppError::Conflict(message) = refused.app_error() else { panic!("a conflict: {}", refused.text()) };
    assert!(message.contains("suspended") && message.contains(reason), "{message}");
    let listed = app.call("/api/clients/list", &[], Some(&owner)).await;
    assert_eq!(listed.status, StatusCode::OK, "reading still works");
    let session: serde_json::Value = app.call("/api/auth/session", &[], Some(&owner)).await.json();
    assert_eq!(session["suspended"], reason);
    assert!(!session["permissions"].to_string().contains("clients.create"), "the UI hides what would be refused");
    // The export is refused with the reason; MCP tokens are refused; the runner skips it.
    let export = app.get("/api/export", Some(&owner)).await;
    assert_eq!(export.status, StatusCode::CONFLICT);
    assert!(export.text().contains(reason), "{}", export.text());
    assert_eq!(rpc(&app, Some(&token), "tools/list", json!({})).await.status, StatusCode::UNAUTHORIZED);
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let swept = app::server::recurring::sweep(&pool, tomorrow, 100).await.expect("sweep");
    assert_eq!(swept.generated, 0, "no invoices for a suspended business");

    // Lifted: everything works again.
    let lifted = app.call("/api/admin/unsuspend", &[("business_id", &business.to_string())], Some(&admin)).await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.text());
    let created = app.call("/api/clients/create", &[("form[name]", "Beta")], Some(&owner)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    assert_eq!(rpc(&app, Some(&token), "tools/list", json!({})).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/export", Some(&owner)).await.status, StatusCode::OK);
    assert!(!app.get("/clients", Some(&owner)).await.text().contains("This business is suspended"));
    let swept = app::server::recurring::sweep(&pool, tomorrow, 100).await.expect("sweep");
    assert_eq!(swept.generated, 1);
}

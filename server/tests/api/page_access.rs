//! Every page route, as four people see it: a visitor is sent to sign in, a member of another
//! business gets 404 for this business's records, a member without the page's permission gets the
//! 403 page, and the owner gets the page. The routes come from the app's own route list, so a new
//! page cannot be added without being listed here.

use crate::common::{email, TestApp};
use app::permissions::Permission;
use http::{header, StatusCode};
use sqlx::PgPool;

/// What a page needs beyond being signed in to the business (`None`: any member may open it).
fn required(route: &str) -> Option<Option<Permission>> {
    use Permission::*;
    Some(match route {
        "/" => Some(DashboardView),
        "/businesses/new" => None,
        "/clients" | "/clients/:id" => Some(ClientsView),
        "/clients/new" => Some(ClientsCreate),
        "/clients/:id/edit" => Some(ClientsEdit),
        "/projects" | "/projects/:id" => Some(ProjectsView),
        "/projects/new" => Some(ProjectsCreate),
        "/projects/:id/edit" => Some(ProjectsEdit),
        "/time" => Some(TimeViewOwn),
        "/invoices" | "/invoices/:id" => Some(InvoicesView),
        "/invoices/new" => Some(InvoicesCreate),
        "/invoices/recurring"
        | "/invoices/recurring/new"
        | "/invoices/recurring/:id"
        | "/invoices/recurring/:id/edit" => Some(InvoicesManageRecurring),
        "/expenses" | "/expenses/:id" => Some(ExpensesView),
        "/expenses/new" => Some(ExpensesCreate),
        "/expenses/:id/edit" => Some(ExpensesEdit),
        "/reports" | "/reports/budgets" | "/reports/trends" => Some(ReportsViewProfit),
        "/settings" | "/settings/branding" => Some(SettingsView),
        "/settings/team" => Some(TeamView),
        "/settings/data" => Some(DataExport),
        "/settings/system" => Some(SettingsView),
        "/settings/import" => Some(ClientsCreate),
        // Each person's own connections; a token can do only what its member may.
        "/settings/connected-apps" => None,
        _ => return None,
    })
}

/// Pages anyone may open, signed in or not.
const PUBLIC: &[&str] = &["/sign-in", "/sign-up", "/invite/:token", "/onboarding"];
/// Pages with their own rules, tested beside their feature: the OAuth consent page (any signed-in
/// account; visitors go to sign-in and back) in `oauth.rs`, the platform admins' page (404 for
/// everyone else) in `admin.rs`.
const OWN_RULES: &[&str] = &["/oauth/consent", "/system-admin"];

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn every_page_turns_away_visitors_strangers_and_members_without_its_permission(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Guarded Studio", &email("owner")).await;
    let invoice = crate::invoice_pdf::draft(&app, &owner).await;
    let client: String =
        app.call("/api/clients/create", &[("form[name]", "Guarded Client")], Some(&owner)).await.json();
    let project: String = app
        .call("/api/projects/create", &[("form[client_id]", &client), ("form[name]", "Guarded")], Some(&owner))
        .await
        .json();
    let expense: String = app
        .call(
            "/api/expenses/create",
            &[
                ("form[description]", "Guarded taxi"),
                ("form[amount]", "20"),
                ("form[currency]", "EUR"),
                ("form[incurred_on]", "2026-03-04"),
            ],
            Some(&owner),
        )
        .await
        .json();
    let schedule = crate::recurring::schedule_via_api(&app, &owner, &client).await;
    let stranger = app.owner_of("Elsewhere", &email("stranger")).await;
    let empty_role = app.call("/api/team/create_role", &[("name", "Nothing")], Some(&owner)).await;
    assert_eq!(empty_role.status, StatusCode::OK, "{}", empty_role.text());
    let empty_role: app::team::CustomRole = empty_role.json();
    let powerless = app.teammate(&owner, "Pat Powerless", &format!("custom:{}", empty_role.id)).await;

    let routes: Vec<String> =
        leptos_axum::generate_route_list(app::app::App).iter().map(|r| r.path().to_owned()).collect();
    let (mut report, mut failures) = (Vec::new(), Vec::new());
    for route in &routes {
        // The route list spells parameters the axum way.
        let route = route.replace("{id}", ":id").replace("{token}", ":token");
        if PUBLIC.contains(&route.as_str()) || OWN_RULES.contains(&route.as_str()) {
            continue;
        }
        let Some(needs) = required(&route) else {
            panic!("{route} is a page this test does not know: say what it requires in `required`");
        };
        let id = if route.starts_with("/clients") {
            &client
        } else if route.starts_with("/projects") {
            &project
        } else if route.starts_with("/expenses") {
            &expense
        } else if route.starts_with("/invoices/recurring") {
            &schedule
        } else {
            &invoice
        };
        let path = route.replace(":id", id);

        let owner_sees = app.get(&path, Some(&owner)).await.status;
        let visitor = app.get(&path, None).await;
        let location = visitor.headers.get(header::LOCATION).and_then(|l| l.to_str().ok()).unwrap_or("").to_owned();
        let stranger_sees = app.get(&path, Some(&stranger)).await.status;
        let powerless = app.get(&path, Some(&powerless)).await;
        report.push(format!(
            "{path}: owner {owner_sees}, visitor {} -> {location}, stranger {stranger_sees}, no permission {}",
            visitor.status, powerless.status
        ));
        let mut wrong = Vec::new();
        if owner_sees != StatusCode::OK {
            wrong.push("the owner is refused");
        }
        if !(visitor.status.is_redirection() && location == "/sign-in") {
            wrong.push("a visitor is not sent to /sign-in");
        }
        // Another business's member: its records are not found; list pages show their own business.
        let expected = if route.contains(":id") { StatusCode::NOT_FOUND } else { StatusCode::OK };
        if stranger_sees != expected {
            wrong.push("a member of another business is not refused with 404");
        }
        let expected = if needs.is_some() { StatusCode::FORBIDDEN } else { StatusCode::OK };
        if powerless.status != expected {
            wrong.push("a member without the permission does not get the 403 page");
        } else if needs.is_some() && !powerless.text().contains("permission") {
            wrong.push("the 403 page does not say why");
        }
        if !wrong.is_empty() {
            failures.push(format!("{path}: {}", wrong.join("; ")));
        }
    }
    println!("{}", report.join("\n"));
    assert!(report.len() >= 19, "the route list lost pages: {report:#?}");
    assert!(failures.is_empty(), "{}\n\n{}", failures.join("\n"), report.join("\n"));
}

//! The authorization matrix: every server function in the registry, called by someone lacking its
//! permission (Forbidden), by someone holding only that permission (passes the check), by a member
//! of another business with the first business's ids (NotFound), and by visitors (Unauthorized).

use crate::common::{email, Reply, TestApp};
use app::error::AppError;
use app::permissions::Permission;
use app::server::registry::{Access, SERVER_FUNCTIONS};
use http::StatusCode;
use sqlx::PgPool;
use std::collections::BTreeSet;
use uuid::Uuid;

/// Rows of business A that functions can be pointed at.
struct Fixture {
    member: Uuid,
    invitation: Uuid,
    role: Uuid,
    token: String,
    client: Uuid,
    project: Uuid,
    task: Uuid,
    entry: Uuid,
    /// A draft with one fixed line.
    invoice: Uuid,
    line: Uuid,
    expense: Uuid,
    /// A monthly schedule with one line.
    schedule: Uuid,
}

/// Arguments for each function, aimed at business A's rows. `None`: the path has no sample yet,
/// which fails the test (a new server function needs one).
fn sample(path: &str, f: &Fixture) -> Option<Vec<(&'static str, String)>> {
    let member = f.member.to_string();
    Some(match path {
        "/api/auth/sign_up" => {
            vec![("name", "X".into()), ("email", email("matrix")), ("password", "long enough pw".into())]
        }
        "/api/auth/sign_in" => vec![("email", email("nobody")), ("password", "whatever it is".into())],
        "/api/auth/session"
        | "/api/auth/sign_out"
        | "/api/auth/sign_out_everywhere"
        | "/api/team/get"
        | "/api/settings/get"
        | "/api/branding/get" => vec![],
        "/api/branding/update" => vec![("form[brand_color]", "#228E80".into()), ("form[footer_note]", "".into())],
        "/api/team/invitation" | "/api/team/accept" => vec![("token", f.token.clone())],
        "/api/oauth/consent" => vec![("query[client_id]", "no-such-client".into())],
        "/api/connected-apps/list" => vec![],
        "/api/connected-apps/create-token" => vec![("name", "Matrix CLI".into())],
        "/api/connected-apps/revoke" => vec![("id", Uuid::now_v7().to_string())],
        "/api/business/create" => vec![("name", "Matrix Co".into()), ("currency", "EUR".into())],
        "/api/business/switch" => vec![("business_id", Uuid::now_v7().to_string())],
        "/api/settings/update" => vec![("name", "Renamed".into()), ("address", "".into()), ("currency", "EUR".into())],
        "/api/team/invite" => vec![("email", email("invitee")), ("role", "viewer".into())],
        "/api/team/revoke_invitation" | "/api/team/regenerate_invitation" => {
            vec![("invitation_id", f.invitation.to_string())]
        }
        "/api/team/remove_member" => vec![("user_id", member)],
        "/api/team/set_role" => vec![("user_id", member), ("role", "viewer".into())],
        "/api/team/set_permission" => {
            vec![("user_id", member), ("permission", "clients.view".into()), ("effect", "deny".into())]
        }
        "/api/team/create_role" => vec![("name", format!("Role {}", Uuid::now_v7().simple()))],
        "/api/team/update_role" => {
            vec![("role_id", f.role.to_string()), ("name", format!("Renamed {}", Uuid::now_v7().simple()))]
        }
        "/api/team/delete_role" => vec![("role_id", f.role.to_string())],
        "/api/clients/list" | "/api/projects/list" => vec![],
        "/api/clients/get" | "/api/clients/overview" | "/api/clients/archive" | "/api/clients/restore" => {
            vec![("id", f.client.to_string())]
        }
        "/api/clients/create" => vec![("form[name]", format!("Client {}", Uuid::now_v7().simple()))],
        "/api/clients/update" => {
            vec![("id", f.client.to_string()), ("form[name]", format!("Renamed {}", Uuid::now_v7().simple()))]
        }
        "/api/clients/timeline" | "/api/clients/member_rates" => vec![("client_id", f.client.to_string())],
        "/api/clients/add_note" => vec![("client_id", f.client.to_string()), ("text", "A note".into())],
        "/api/clients/set_member_rate" => vec![
            ("rate[client_id]", f.client.to_string()),
            ("rate[user_id]", member),
            ("rate[bill_amount]", "80".into()),
            ("rate[bill_currency]", "EUR".into()),
            ("rate[bill_unit]", "day".into()),
        ],
        "/api/clients/remove_member_rate" => vec![("client_id", f.client.to_string()), ("user_id", member)],
        "/api/import/analyze" | "/api/import/clients" => {
            vec![("text", format!("name\nImported {}\n", Uuid::now_v7().simple()))]
        }
        "/api/import/rows" => return None, // JSON-encoded: covered by `json_server_functions_enforce_their_access`
        "/api/projects/get" => vec![("id", f.project.to_string())],
        "/api/projects/create" => {
            vec![("form[client_id]", f.client.to_string()), ("form[name]", "Matrix project".into())]
        }
        "/api/projects/update" => vec![
            ("id", f.project.to_string()),
            ("form[client_id]", f.client.to_string()),
            ("form[name]", "Renamed project".into()),
        ],
        "/api/tasks/list" => vec![("project_id", f.project.to_string())],
        "/api/tasks/search" => vec![("q", "a".into())],
        "/api/time/entries" => vec![("from", "2026-01-01".into()), ("to", "2026-12-31".into())],
        "/api/tasks/create" => vec![("project_id", f.project.to_string()), ("title", "Matrix task".into())],
        "/api/tasks/update" => vec![("id", f.task.to_string()), ("title", "Renamed".into()), ("status", "done".into())],
        "/api/tasks/set_status" => vec![("id", f.task.to_string()), ("status", "in_review".into())],
        "/api/tasks/delete" => vec![("id", f.task.to_string())],
        "/api/tasks/open" | "/api/time/running" | "/api/time/stop" => vec![],
        "/api/time/start" | "/api/time/for_task" => vec![("task_id", f.task.to_string())],
        "/api/time/stop_at" => vec![("ended_at", "2026-01-01T10:00".into())],
        "/api/time/log" => vec![
            ("entry[task_id]", f.task.to_string()),
            ("entry[date]", "2026-11-23".into()),
            ("entry[duration]", "1h".into()),
        ],
        "/api/time/timesheet" => vec![("member", member)],
        "/api/time/update_note" => vec![("id", f.entry.to_string()), ("note", "Matrix".into())],
        "/api/time/delete" => vec![("id", f.entry.to_string())],
        "/api/invoices/list" | "/api/invoices/new" | "/api/invoices/settings" => vec![],
        "/api/invoices/get"
        | "/api/invoices/issue"
        | "/api/invoices/mark-paid"
        | "/api/invoices/duplicate"
        | "/api/invoices/delete" => vec![("id", f.invoice.to_string())],
        // Zero-rated: a standard-rate draft needs a VAT rate in settings first.
        "/api/invoices/create" => vec![
            ("form[client_id]", f.client.to_string()),
            ("form[currency]", "EUR".into()),
            ("form[tax_treatment]", "zero_rated".into()),
        ],
        "/api/invoices/details" => vec![
            ("id", f.invoice.to_string()),
            ("form[client_id]", f.client.to_string()),
            ("form[currency]", "EUR".into()),
            ("form[tax_treatment]", "zero_rated".into()),
        ],
        "/api/invoices/notes" => vec![("id", f.invoice.to_string()), ("notes", "Matrix".into())],
        "/api/invoices/lines/add" => vec![
            ("id", f.invoice.to_string()),
            ("form[description]", "Matrix line".into()),
            ("form[amount]", "10.00".into()),
        ],
        "/api/invoices/lines/update" => vec![
            ("id", f.invoice.to_string()),
            ("line", f.line.to_string()),
            ("form[description]", "Renamed line".into()),
            ("form[amount]", "20.00".into()),
        ],
        "/api/invoices/lines/delete" => vec![("id", f.invoice.to_string()), ("line", f.line.to_string())],
        "/api/invoices/lines/move" => {
            vec![("id", f.invoice.to_string()), ("line", f.line.to_string()), ("direction", "down".into())]
        }
        "/api/invoices/generate" => vec![("id", f.invoice.to_string()), ("form[grouping]", "task".into())],
        "/api/invoices/void" => vec![("id", f.invoice.to_string()), ("reason", "Matrix".into())],
        "/api/invoices/credit" => vec![
            ("id", f.invoice.to_string()),
            ("form[reason]", "Matrix".into()),
            ("form[lines][0]", f.line.to_string()),
            ("form[amounts][0]", "1.00".into()),
        ],
        "/api/invoices/rate" => vec![("from", "GBP".into()), ("to", "EUR".into()), ("date", "2026-11-27".into())],
        "/api/invoices/settings/update" => {
            vec![("form[vat_rate]", "21".into()), ("form[vat_number]", "".into()), ("form[payment_terms]", "14".into())]
        }
        "/api/clients/rounding" => vec![
            ("client_id", f.client.to_string()),
            ("form[scope]", "line".into()),
            ("form[direction]", "nearest".into()),
            ("form[step]", "6".into()),
            ("form[minimum]", "0".into()),
        ],
        "/api/invoices/settings/rounding" => vec![
            ("form[scope]", "entry".into()),
            ("form[direction]", "up".into()),
            ("form[step]", "15".into()),
            ("form[minimum]", "0".into()),
        ],
        "/api/invoices/next-number" => vec![("year", "2026".into()), ("next_number", "500".into())],
        "/api/invoices/expenses/add" => vec![("id", f.invoice.to_string())],
        "/api/expenses/list"
        | "/api/expenses/choices"
        | "/api/dashboard/summary"
        | "/api/reports/profit"
        | "/api/reports/budgets"
        | "/api/reports/trends" => vec![],
        "/api/expenses/get" | "/api/expenses/delete" => vec![("id", f.expense.to_string())],
        "/api/expenses/status" => vec![("id", f.expense.to_string()), ("status", "paid".into())],
        "/api/expenses/create" => expense_form(f),
        "/api/expenses/update" => {
            let mut args = vec![("id", f.expense.to_string())];
            args.extend(expense_form(f));
            args
        }
        "/api/admin/overview" | "/api/settings/updates" | "/api/settings/updates/check" => vec![],
        "/api/settings/updates/set" => vec![("enabled", "on".into())],
        "/api/admin/suspend" => vec![("business_id", Uuid::now_v7().to_string()), ("reason", "Matrix".into())],
        "/api/admin/unsuspend" => vec![("business_id", Uuid::now_v7().to_string())],
        "/api/recurring/list" | "/api/recurring/choices" => vec![],
        "/api/recurring/get"
        | "/api/recurring/edit"
        | "/api/recurring/generated"
        | "/api/recurring/generate-now"
        | "/api/recurring/delete" => {
            vec![("id", f.schedule.to_string())]
        }
        "/api/recurring/status" => vec![("id", f.schedule.to_string()), ("status", "paused".into())],
        "/api/recurring/create" => schedule_form(f.client),
        "/api/recurring/update" => {
            let mut args = vec![("id", f.schedule.to_string())];
            args.extend(schedule_form(f.client));
            args
        }
        _ => return None,
    })
}

fn schedule_form(client: Uuid) -> Vec<(&'static str, String)> {
    vec![
        ("form[name]", "Matrix retainer".into()),
        ("form[client_id]", client.to_string()),
        ("form[currency]", "EUR".into()),
        ("form[tax_treatment]", "zero_rated".into()),
        ("form[frequency]", "monthly".into()),
        ("form[start_date]", "2026-12-01".into()),
        ("form[lines][0][description]", "Retainer".into()),
        ("form[lines][0][amount]", "500".into()),
    ]
}

fn expense_form(f: &Fixture) -> Vec<(&'static str, String)> {
    vec![
        ("form[description]", "Matrix train".into()),
        ("form[amount]", "12.50".into()),
        ("form[currency]", "EUR".into()),
        ("form[incurred_on]", "2026-03-04".into()),
        ("form[client_id]", f.client.to_string()),
    ]
}

/// The form field an argument fills: `form[client_id]` → `client_id`.
fn field_of(key: &str) -> &str {
    key.split_once('[').map_or(key, |(_, rest)| rest.trim_end_matches(']'))
}

impl Fixture {
    /// Every id of business A that a sample argument can carry.
    fn ids(&self) -> [String; 11] {
        [
            self.member,
            self.invitation,
            self.role,
            self.client,
            self.project,
            self.task,
            self.entry,
            self.invoice,
            self.line,
            self.expense,
            self.schedule,
        ]
        .map(|id| id.to_string())
    }
}

/// Server functions taking JSON bodies, checked by their own test below.
const JSON_ENCODED: &[&str] = &["/api/import/rows"];

async fn call(app: &TestApp, path: &str, args: &[(&'static str, String)], cookie: Option<&str>) -> Reply {
    let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(path, &form, cookie).await
}

fn error_of(reply: &Reply) -> Option<AppError> {
    (!reply.status.is_success()).then(|| reply.json())
}

/// A member of `business` whose effective permissions are everything but `permission`
/// (admin with a deny override), or only `permission` (a custom role holding just it).
async fn member_with(app: &TestApp, business: app::ids::BusinessId, permission: Permission, only: bool) -> String {
    let cookie = app.sign_up("Matrix", &email("m")).await;
    let user = app.user_id(&cookie).await;
    if only {
        let role: Uuid = sqlx::query_scalar(
            "insert into custom_roles (business_id, name, permissions) values ($1, $2, $3) returning id",
        )
        .bind(business)
        .bind(format!("only {} {}", permission.key(), &Uuid::now_v7().simple().to_string()[20..]))
        .bind(vec![permission.key()])
        .fetch_one(&app.pool)
        .await
        .expect("role");
        sqlx::query(
            "insert into memberships (business_id, user_id, role, custom_role_id) values ($1, $2, 'custom', $3)",
        )
        .bind(business)
        .bind(user)
        .bind(role)
        .execute(&app.pool)
        .await
        .expect("membership");
    } else {
        sqlx::query("insert into memberships (business_id, user_id, role) values ($1, $2, 'admin')")
            .bind(business)
            .bind(user)
            .execute(&app.pool)
            .await
            .expect("membership");
        sqlx::query(
            "insert into permission_overrides (business_id, user_id, permission, effect) values ($1, $2, $3, 'deny')",
        )
        .bind(business)
        .bind(user)
        .bind(permission.key())
        .execute(&app.pool)
        .await
        .expect("deny");
    }
    cookie
}

#[test]
fn every_registered_server_function_is_in_the_registry_exactly_once() {
    let registered: BTreeSet<&str> = server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    let listed: BTreeSet<&str> = SERVER_FUNCTIONS.iter().map(|e| e.path).collect();
    assert_eq!(listed.len(), SERVER_FUNCTIONS.len(), "duplicate registry entries");
    let missing: Vec<_> = registered.difference(&listed).collect();
    assert!(missing.is_empty(), "server functions without a registry entry (app/src/server/registry.rs): {missing:?}");
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(stale.is_empty(), "registry entries for functions that do not exist: {stale:?}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn every_server_function_enforces_its_access_and_tenancy(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner_a = app.owner_of("Business A", &email("owner-a")).await;
    let business_a = app.business_id(&owner_a).await;
    let member_cookie = app.teammate(&owner_a, "Target", "contractor").await;
    let token = app.invite(&owner_a, &email("pending"), "viewer").await;
    let role: app::team::CustomRole =
        app.call("/api/team/create_role", &[("name", "Fixture role")], Some(&owner_a)).await.json();
    let client: Uuid =
        app.call("/api/clients/create", &[("form[name]", "Fixture client")], Some(&owner_a)).await.json();
    let project: Uuid = app
        .call(
            "/api/projects/create",
            &[("form[client_id]", &client.to_string()), ("form[name]", "Fixture project")],
            Some(&owner_a),
        )
        .await
        .json();
    let task: app::tasks::Task = app
        .call("/api/tasks/create", &[("project_id", &project.to_string()), ("title", "Fixture task")], Some(&owner_a))
        .await
        .json();
    let invoice: Uuid = app
        .call(
            "/api/invoices/create",
            &[
                ("form[client_id]", &client.to_string()),
                ("form[currency]", "EUR"),
                ("form[tax_treatment]", "zero_rated"),
            ],
            Some(&owner_a),
        )
        .await
        .json();
    let added = app
        .call(
            "/api/invoices/lines/add",
            &[("id", &invoice.to_string()), ("form[description]", "Fixture line"), ("form[amount]", "100.00")],
            Some(&owner_a),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text());
    let line: Uuid = sqlx::query_scalar("select id from sales_lines where invoice_id = $1")
        .bind(invoice)
        .fetch_one(&app.pool)
        .await
        .expect("fixture line");
    let expense: Uuid = app
        .call(
            "/api/expenses/create",
            &[
                ("form[description]", "Fixture expense"),
                ("form[amount]", "9.99"),
                ("form[currency]", "EUR"),
                ("form[incurred_on]", "2026-03-04"),
            ],
            Some(&owner_a),
        )
        .await
        .json();
    let schedule: Uuid = {
        let args = schedule_form(client);
        let reply = call(&app, "/api/recurring/create", &args, Some(&owner_a)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.json()
    };
    let fixture = Fixture {
        invoice,
        line,
        expense,
        schedule,
        member: app.user_id(&member_cookie).await.uuid(),
        invitation: sqlx::query_scalar("select id from invitations where status = 'pending'")
            .fetch_one(&app.pool)
            .await
            .expect("pending invitation"),
        role: role.id.uuid(),
        token,
        client,
        project,
        task: task.id.uuid(),
        entry: {
            let form = [
                ("entry[task_id]", task.id.to_string()),
                ("entry[date]", "2026-11-23".into()),
                ("entry[duration]", "2h".into()),
            ];
            let entry: app::time::TimeEntryView = call(&app, "/api/time/log", &form, Some(&owner_a)).await.json();
            entry.id.uuid()
        },
    };
    let owner_b = app.owner_of("Business B", &email("owner-b")).await;

    let mut checks = 0;
    let mut holders = Vec::new();
    for entry in SERVER_FUNCTIONS.iter().filter(|e| !JSON_ENCODED.contains(&e.path)) {
        let args = sample(entry.path, &fixture).unwrap_or_else(|| panic!("add sample arguments for {}", entry.path));
        match entry.access {
            Access::Public => {
                let reply = call(&app, entry.path, &args, None).await;
                assert_ne!(error_of(&reply), Some(AppError::Unauthorized), "{} is public", entry.path);
                checks += 1;
            }
            Access::PlatformAdmin => {
                let visitor = call(&app, entry.path, &args, None).await;
                assert_eq!(error_of(&visitor), Some(AppError::Unauthorized), "{} for visitors", entry.path);
                // A business owner is not a platform admin: the function does not exist for them.
                let reply = call(&app, entry.path, &args, Some(&owner_a)).await;
                assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}: {}", entry.path, reply.text());
                checks += 2;
            }
            Access::SignedIn => {
                let reply = call(&app, entry.path, &args, None).await;
                assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}: {}", entry.path, reply.text());
                assert_eq!(error_of(&reply), Some(AppError::Unauthorized), "{}", entry.path);
                checks += 1;
            }
            Access::Permission(permission) => {
                let visitor = call(&app, entry.path, &args, None).await;
                assert_eq!(error_of(&visitor), Some(AppError::Unauthorized), "{} for visitors", entry.path);

                let lacking = member_with(&app, business_a, permission, false).await;
                let reply = call(&app, entry.path, &args, Some(&lacking)).await;
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{} without {permission}: {}",
                    entry.path,
                    reply.text()
                );
                assert_eq!(error_of(&reply), Some(AppError::Forbidden), "{} without {permission}", entry.path);

                // Which arguments carry business A's ids follows from the values, not from a list: a
                // new id-taking function is checked the day it gets its sample.
                let ids = fixture.ids();
                let foreign: Vec<&str> =
                    args.iter().filter(|(_, value)| ids.contains(value)).map(|(key, _)| field_of(key)).collect();
                if !foreign.is_empty() {
                    let reply = call(&app, entry.path, &args, Some(&owner_b)).await;
                    let refused = match error_of(&reply) {
                        Some(AppError::NotFound) => reply.status == StatusCode::NOT_FOUND,
                        // A secondary id (a project's client, an entry's task) is a field the caller
                        // must fix: "choose one of your clients".
                        Some(AppError::Validation(errors)) => foreign.iter().any(|f| errors.get(f).is_some()),
                        _ => false,
                    };
                    assert!(refused, "{} from another business ({foreign:?}): {}", entry.path, reply.text());
                    checks += 1;
                }
                // Viewing another member's timesheet needs time.viewAll on top of time.viewOwn (the
                // contractor test proves that); holding only the base permission means your own.
                let holder_args = if entry.path == "/api/time/timesheet" { Vec::new() } else { args };
                holders.push((entry.path, permission, holder_args));
                checks += 2;
            }
        }
    }
    // Last, because holders may change the fixture rows (remove the member, delete the role).
    for (path, permission, args) in holders {
        let holder = member_with(&app, business_a, permission, true).await;
        let reply = call(&app, path, &args, Some(&holder)).await;
        let error = error_of(&reply);
        assert!(
            !matches!(error, Some(AppError::Forbidden | AppError::Unauthorized)),
            "{path} with only {permission} must pass the permission check, got {error:?}"
        );
        checks += 1;
    }
    println!("authorization matrix: {} server functions, {checks} checks", SERVER_FUNCTIONS.len());
    assert!(checks >= SERVER_FUNCTIONS.len() * 2);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn json_server_functions_enforce_their_access(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Business A", &email("owner")).await;
    let business = app.business_id(&owner).await;
    let body = r#"{"rows":[{"line":2,"name":"Json Client","company":"","contact_name":"","contact_email":"","vat_number":"","notes":"","default_rate":"","currency":"","address":""}]}"#;
    let post = |cookie: Option<String>| {
        let mut request = http::Request::post("/api/import/rows")
            .header("content-type", "application/json")
            .header("accept", "application/json");
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("clerq_session={cookie}"));
        }
        request.body(axum::body::Body::from(body)).expect("request")
    };
    for path in JSON_ENCODED {
        let access = app::server::registry::access_of(path).expect("registered");
        let Access::Permission(permission) = access else { panic!("{path} is expected to need a permission") };
        assert_eq!(error_of(&app.send(post(None)).await), Some(AppError::Unauthorized));
        let lacking = member_with(&app, business, permission, false).await;
        assert_eq!(error_of(&app.send(post(Some(lacking))).await), Some(AppError::Forbidden));
        let holder = member_with(&app, business, permission, true).await;
        let reply = app.send(post(Some(holder))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn secondary_ids_of_another_business_are_refused_inside_ones_own_rows(pool: PgPool) {
    let app = TestApp::new(pool);
    // Business A's rows.
    let owner_a = app.owner_of("Business A", &email("a")).await;
    let a_client: Uuid = app.call("/api/clients/create", &[("form[name]", "A client")], Some(&owner_a)).await.json();
    let a_project: Uuid = app
        .call(
            "/api/projects/create",
            &[("form[client_id]", &a_client.to_string()), ("form[name]", "A")],
            Some(&owner_a),
        )
        .await
        .json();
    let a_task: app::tasks::Task = app
        .call("/api/tasks/create", &[("project_id", &a_project.to_string()), ("title", "A task")], Some(&owner_a))
        .await
        .json();
    let a_member = app.teammate(&owner_a, "Ann", "member").await;
    let a_member_id = app.user_id(&a_member).await.to_string();
    let a_role: app::team::CustomRole = app
        .call("/api/team/create_role", &[("name", "A role"), ("permissions[0]", "clients.view")], Some(&owner_a))
        .await
        .json();

    // Business B's own rows, pointed at A's through their secondary ids.
    let owner_b = app.owner_of("Business B", &email("b")).await;
    let b_client: Uuid = app.call("/api/clients/create", &[("form[name]", "B client")], Some(&owner_b)).await.json();
    let b_project: Uuid = app
        .call(
            "/api/projects/create",
            &[("form[client_id]", &b_client.to_string()), ("form[name]", "B")],
            Some(&owner_b),
        )
        .await
        .json();
    let b_member = app.teammate(&owner_b, "Bea", "member").await;
    let b_member_id = app.user_id(&b_member).await.to_string();

    let field = |reply: &Reply, name: &str| match reply.app_error() {
        AppError::Validation(errors) => errors.get(name).map(str::to_owned),
        other => panic!("expected a field error on {name}, got {other:?}"),
    };
    let moved = app
        .call(
            "/api/projects/update",
            &[("id", &b_project.to_string()), ("form[client_id]", &a_client.to_string()), ("form[name]", "B")],
            Some(&owner_b),
        )
        .await;
    assert_eq!(field(&moved, "client_id").as_deref(), Some("Choose one of your clients."));
    let logged = app
        .call(
            "/api/time/log",
            &[("entry[task_id]", &a_task.id.to_string()), ("entry[date]", "2026-11-23"), ("entry[duration]", "1h")],
            Some(&owner_b),
        )
        .await;
    assert_eq!(field(&logged, "task_id").as_deref(), Some("Choose one of your tasks."));
    let rated = app
        .call(
            "/api/clients/set_member_rate",
            &[
                ("rate[client_id]", &b_client.to_string()),
                ("rate[user_id]", &a_member_id),
                ("rate[bill_amount]", "80"),
                ("rate[bill_currency]", "EUR"),
                ("rate[bill_unit]", "hour"),
            ],
            Some(&owner_b),
        )
        .await;
    assert_eq!(field(&rated, "user_id").as_deref(), Some("That person isn't on your team."));
    let re_roled = app
        .call(
            "/api/team/set_role",
            &[("user_id", &b_member_id), ("role", &format!("custom:{}", a_role.id))],
            Some(&owner_b),
        )
        .await;
    assert_eq!(re_roled.app_error(), AppError::NotFound, "another business's custom role does not exist here");

    let untouched: (Uuid,) = sqlx::query_as("select client_id from projects where id = $1")
        .bind(b_project)
        .fetch_one(&app.pool)
        .await
        .expect("project");
    assert_eq!(untouched.0, b_client);
    let entries: i64 = sqlx::query_scalar("select count(*) from time_entries").fetch_one(&app.pool).await.expect("n");
    assert_eq!(entries, 0);
}

//! The MCP endpoint through the router: bearer authentication and its challenge, the protocol's
//! initialize / tools/list / tools/call, tool errors the model can read, and the authorization
//! matrix for tools: every tool for each of the 7 roles and with another business's ids gives the
//! outcome its server function gives (expected outcomes come from the server functions' registry,
//! never listed a second time).

use crate::common::{email, Reply, TestApp};
use app::permissions::role_bundle;
use app::roles::Role;
use app::server::registry::{access_of, Access};
use axum::body::Body;
use http::{header, Request, StatusCode};
use serde_json::{json, Value};
use server::mcp::catalog;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn rpc(app: &TestApp, token: Option<&str>, method: &str, params: Value) -> Reply {
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    let mut request = Request::post("/api/mcp")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json, text/event-stream");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    app.send_raw(request.body(Body::from(body.to_string())).expect("request")).await
}

/// A tool call's result: (is_error, structured content or the error text).
async fn call(app: &TestApp, token: &str, tool: &str, arguments: Value) -> (bool, Value) {
    let reply = rpc(app, Some(token), "tools/call", json!({ "name": tool, "arguments": arguments })).await;
    assert_eq!(reply.status, StatusCode::OK, "{tool}: {}", reply.text());
    let body: Value = reply.json();
    let result = body.get("result").unwrap_or_else(|| panic!("{tool}: no result in {body}"));
    let is_error = result["isError"].as_bool().unwrap_or(false);
    let value = if is_error { result["content"][0]["text"].clone() } else { result["structuredContent"].clone() };
    (is_error, value)
}

pub async fn personal_token(app: &TestApp, cookie: &str) -> String {
    let reply = app.call("/api/connected-apps/create-token", &[("name", "Test CLI")], Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn without_a_valid_token_the_endpoint_says_where_to_authorize(pool: PgPool) {
    let app = TestApp::new(pool);
    for token in [None, Some("clerq_pat_not-a-real-token"), Some("something else")] {
        let reply = rpc(&app, token, "tools/list", json!({})).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{token:?}");
        let challenge = reply.headers[header::WWW_AUTHENTICATE].to_str().expect("ascii");
        assert!(
            challenge.starts_with(
                "Bearer resource_metadata=\"http://localhost/.well-known/oauth-protected-resource/api/mcp\""
            ),
            "{challenge}"
        );
        assert_eq!(reply.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_personal_token_runs_the_protocol_and_acts_as_its_member(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Token Co", &email("mcp-owner")).await;
    let token = personal_token(&app, &owner).await;
    assert!(token.starts_with("clerq_pat_"), "{token}");

    let init = rpc(
        &app,
        Some(&token),
        "initialize",
        json!({ "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "test", "version": "1" } }),
    )
    .await;
    assert_eq!(init.status, StatusCode::OK, "{}", init.text());
    let init: Value = init.json();
    assert_eq!(init["result"]["serverInfo"]["name"], "clerq");
    assert_eq!(init["result"]["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(init["result"]["instructions"].as_str().expect("instructions").contains("minor units"));

    let list: Value = rpc(&app, Some(&token), "tools/list", json!({})).await.json();
    let tools = list["result"]["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), catalog::tools().len());
    let whoami = tools.iter().find(|t| t["name"] == "whoami").expect("whoami listed");
    assert_eq!(whoami["annotations"]["readOnlyHint"], true);
    let void = tools.iter().find(|t| t["name"] == "void_invoice").expect("void listed");
    assert_eq!(void["annotations"]["destructiveHint"], true);
    assert_eq!(void["inputSchema"]["required"], json!(["invoice_id", "reason"]));

    let (failed, me) = call(&app, &token, "whoami", json!({})).await;
    assert!(!failed, "{me}");
    assert_eq!(me["business"]["name"], "Token Co");
    assert_eq!(me["role"], "owner");

    // The same operation as the UI: a client created here is on the clients page.
    let (failed, created) = call(&app, &token, "create_client", json!({ "name": "Acme via MCP" })).await;
    assert!(!failed, "{created}");
    let page = app.get("/clients", Some(&owner)).await;
    assert!(page.text().contains("Acme via MCP"), "{}: {}", page.status, page.text());

    // Mistakes come back as readable tool errors, and nothing is written.
    let (failed, text) = call(&app, &token, "create_client", json!({ "name": "  " })).await;
    assert!(failed && text.as_str().expect("text").starts_with("Invalid input. name:"), "{text}");
    let (failed, text) = call(&app, &token, "get_client", json!({ "client_id": Uuid::now_v7() })).await;
    assert!(failed && text.as_str().expect("text").starts_with("Not found: a client"), "{text}");
    let (failed, text) = call(&app, &token, "get_client", json!({ "client_id": "nope" })).await;
    assert!(failed && text.as_str().expect("text").contains("Invalid arguments"), "{text}");
    let unknown = rpc(&app, Some(&token), "tools/call", json!({ "name": "drop_database", "arguments": {} })).await;
    let unknown: Value = unknown.json();
    assert!(unknown["error"]["message"].as_str().expect("error").contains("Unknown tool"), "{unknown}");

    // Revoking the token on Connected apps ends it at once.
    let apps: app::connected_apps::ConnectedApps = app.call("/api/connected-apps/list", &[], Some(&owner)).await.json();
    assert_eq!(apps.apps.len(), 1);
    assert!(apps.apps[0].last_used_at.is_some(), "use is recorded");
    let revoked = app.call("/api/connected-apps/revoke", &[("id", &apps.apps[0].id.to_string())], Some(&owner)).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    assert_eq!(rpc(&app, Some(&token), "tools/list", json!({})).await.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_removed_members_token_stops_working_and_others_cannot_revoke_it(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Removal Co", &email("rm-owner")).await;
    let member = app.teammate(&owner, "Leaving Member", "member").await;
    let token = personal_token(&app, &member).await;
    assert!(!call(&app, &token, "whoami", json!({})).await.0);

    let apps: app::connected_apps::ConnectedApps =
        app.call("/api/connected-apps/list", &[], Some(&member)).await.json();
    let theirs = apps.apps[0].id.to_string();
    let other = app.call("/api/connected-apps/revoke", &[("id", &theirs)], Some(&owner)).await;
    assert_eq!(other.app_error(), app::error::AppError::NotFound, "only the token's own member revokes it");

    let user = app.user_id(&member).await.uuid().to_string();
    let removed = app.call("/api/team/remove_member", &[("user_id", &user)], Some(&owner)).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text());
    assert_eq!(rpc(&app, Some(&token), "tools/list", json!({})).await.status, StatusCode::UNAUTHORIZED);
}

/// Rows of business A the matrix points tools at.
struct Fixture {
    client: Uuid,
    project: Uuid,
    task: Uuid,
    entry: Uuid,
    invoice: Uuid,
    line: Uuid,
    member: Uuid,
    invitation: Uuid,
    expense: Uuid,
    schedule: Uuid,
}

/// Arguments for each tool, aimed at business A's rows. A new tool without a sample fails the test.
fn sample(tool: &str, f: &Fixture) -> Option<Value> {
    let (client, project, task, invoice) = (f.client, f.project, f.task, f.invoice);
    Some(match tool {
        "whoami" | "get_dashboard" | "get_profit_summary" | "list_clients" | "list_projects" | "list_invoices"
        | "get_running_timer" | "stop_timer" | "list_team_members" => json!({}),
        "get_client" | "get_client_activity" | "archive_client" | "unarchive_client" | "list_client_member_rates" => {
            json!({ "client_id": client })
        }
        "create_client" => json!({ "name": format!("Matrix {}", Uuid::now_v7().simple()) }),
        "update_client" => json!({ "client_id": client, "notes": "Updated by the matrix" }),
        "set_client_contacts" => {
            json!({ "client_id": client, "contacts": [{ "name": "Ada", "email": "ada@example.com" }] })
        }
        "add_client_note" => json!({ "client_id": client, "text": "A note" }),
        "set_client_member_rate" => json!({
            "client_id": client, "user_id": f.member, "bill_amount": "80", "bill_currency": "EUR", "bill_unit": "hour"
        }),
        "remove_client_member_rate" => json!({ "client_id": client, "user_id": f.member }),
        "get_project" | "list_tasks" => json!({ "project_id": project }),
        "search_tasks" => json!({ "q": "fixture" }),
        "create_project" => json!({ "client_id": client, "name": "Matrix project" }),
        "update_project" => json!({ "project_id": project, "name": "Renamed project" }),
        "create_task" => json!({ "project_id": project, "title": "Matrix task" }),
        "update_task" => json!({ "task_id": task, "title": "Renamed task", "status": "in_progress" }),
        "set_task_status" => json!({ "task_id": task, "status": "in_review" }),
        "delete_task" => json!({ "task_id": Uuid::now_v7() }),
        "start_timer" | "list_task_time" => json!({ "task_id": task }),
        "log_time" => json!({ "task_id": task, "date": "2026-11-23", "duration": "1h" }),
        "update_time_note" => json!({ "entry_id": f.entry, "note": "Matrix note" }),
        "get_invoice" | "issue_invoice" | "duplicate_invoice" | "get_invoice_pdf_link" | "get_einvoice" => {
            json!({ "invoice_id": invoice })
        }
        "delete_draft_invoice" => json!({ "invoice_id": Uuid::now_v7() }),
        "create_draft_invoice" => json!({ "client_id": client, "currency": "EUR", "tax_treatment": "zero_rated" }),
        "set_invoice_details" => {
            json!({ "invoice_id": invoice, "client_id": client, "currency": "EUR", "tax_treatment": "zero_rated" })
        }
        "generate_invoice_from_time" => json!({ "invoice_id": invoice }),
        "add_invoice_line" => json!({ "invoice_id": invoice, "description": "Matrix line", "amount": "10.00" }),
        "update_invoice_line" => {
            json!({ "invoice_id": invoice, "line_id": f.line, "description": "Renamed line", "amount": "20.00" })
        }
        "delete_invoice_line" => json!({ "invoice_id": invoice, "line_id": Uuid::now_v7() }),
        "set_invoice_notes" => json!({ "invoice_id": invoice, "notes": "Thanks" }),
        "mark_invoice_paid" => json!({ "invoice_id": invoice, "paid_on": "2026-11-24" }),
        "void_invoice" => json!({ "invoice_id": invoice, "reason": "Matrix" }),
        "credit_invoice" => json!({ "invoice_id": invoice, "reason": "Matrix" }),
        "invite_team_member" => json!({ "email": email("matrix-invitee"), "role": "viewer" }),
        "revoke_invitation" => json!({ "invitation_id": f.invitation }),
        "remove_team_member" => json!({ "user_id": Uuid::now_v7() }),
        "add_invoice_expenses" => json!({ "invoice_id": invoice }),
        "list_expenses" => json!({ "status": "unpaid" }),
        "get_expense" | "mark_expense_unpaid" => json!({ "expense_id": f.expense }),
        "mark_expense_paid" => json!({ "expense_id": f.expense, "paid_on": "2026-11-24" }),
        "create_expense" => json!({
            "description": "Matrix taxi", "amount": "12.50", "currency": "EUR", "incurred_on": "2026-11-23",
            "client_id": client, "billable": true
        }),
        "update_expense" => json!({ "expense_id": f.expense, "vendor": "Matrix Cabs" }),
        "delete_expense" => json!({ "expense_id": Uuid::now_v7() }),
        "list_recurring_invoices" => json!({}),
        "get_recurring_invoice" | "list_generated_invoices" | "generate_recurring_invoice_now" => {
            json!({ "schedule_id": f.schedule })
        }
        "create_recurring_invoice" => schedule_fields(client),
        "update_recurring_invoice" => json!({ "schedule_id": f.schedule, "name": "Renamed retainer" }),
        "set_recurring_invoice_status" => json!({ "schedule_id": f.schedule, "status": "paused" }),
        "delete_recurring_invoice" => json!({ "schedule_id": Uuid::now_v7() }),
        _ => return None,
    })
}

fn schedule_fields(client: Uuid) -> Value {
    json!({
        "name": "Matrix retainer", "client_id": client, "currency": "EUR", "tax_treatment": "zero_rated",
        "frequency": "monthly", "start_date": "2026-12-01",
        "lines": [{ "description": "Retainer", "amount": "500" }]
    })
}

fn is_permission_error(is_error: bool, value: &Value) -> bool {
    is_error && value.as_str().is_some_and(|text| text.starts_with("You don't have permission"))
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn every_tool_enforces_its_server_functions_access_for_every_role_and_business(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner_a = app.owner_of("Business A", &email("tools-owner-a")).await;
    let owner_token = personal_token(&app, &owner_a).await;
    let target = app.teammate(&owner_a, "Target", "contractor").await;
    let invitation_token = app.invite(&owner_a, &email("tools-pending"), "viewer").await;
    assert!(!invitation_token.is_empty());
    let id = |value: &Value, key: &str| -> Uuid {
        serde_json::from_value(value[key].clone()).unwrap_or_else(|e| panic!("{key} in {value}: {e}"))
    };
    let (_, client) = call(&app, &owner_token, "create_client", json!({ "name": "Fixture client" })).await;
    let client = id(&client, "client_id");
    let (_, project) =
        call(&app, &owner_token, "create_project", json!({ "client_id": client, "name": "Fixture project" })).await;
    let project = id(&project, "project_id");
    let (_, task) = call(&app, &owner_token, "create_task", json!({ "project_id": project, "title": "Fixture" })).await;
    let task = id(&task, "id");
    let (_, entry) =
        call(&app, &owner_token, "log_time", json!({ "task_id": task, "date": "2026-11-23", "duration": "2h" })).await;
    let entry = id(&entry, "id");
    let (_, invoice) = call(
        &app,
        &owner_token,
        "create_draft_invoice",
        json!({ "client_id": client, "currency": "EUR", "tax_treatment": "zero_rated" }),
    )
    .await;
    let invoice = id(&invoice, "invoice_id");
    let (failed, page) = call(
        &app,
        &owner_token,
        "add_invoice_line",
        json!({ "invoice_id": invoice, "description": "Fixture line", "amount": "100.00" }),
    )
    .await;
    assert!(!failed, "{page}");
    let line = id(&page["invoice"]["lines"][0], "id");
    let (failed, expense) = call(
        &app,
        &owner_token,
        "create_expense",
        json!({ "description": "Fixture taxi", "amount": "20", "currency": "EUR", "incurred_on": "2026-11-23" }),
    )
    .await;
    assert!(!failed, "{expense}");
    let expense = id(&expense, "expense_id");
    let (failed, schedule) = call(&app, &owner_token, "create_recurring_invoice", schedule_fields(client)).await;
    assert!(!failed, "{schedule}");
    let schedule = id(&schedule, "schedule_id");
    let fixture = Fixture {
        expense,
        schedule,
        client,
        project,
        task,
        entry,
        invoice,
        line,
        member: app.user_id(&target).await.uuid(),
        invitation: sqlx::query_scalar("select id from invitations where status = 'pending'")
            .fetch_one(&app.pool)
            .await
            .expect("pending invitation"),
    };

    // Destructive tools last, so the rows the others use still exist when they run.
    let mut tools: Vec<&catalog::ToolDef> = catalog::tools().iter().collect();
    tools.sort_by_key(|t| t.effect == catalog::Effect::Destroys);
    let mut checks = 0;
    for role in
        [Role::Owner, Role::Admin, Role::Manager, Role::Member, Role::Accountant, Role::Contractor, Role::Viewer]
    {
        let token = if role == Role::Owner {
            owner_token.clone()
        } else {
            let cookie = app.teammate(&owner_a, &format!("Matrix {}", role.as_str()), role.as_str()).await;
            personal_token(&app, &cookie).await
        };
        for tool in &tools {
            let args = sample(tool.name, &fixture).unwrap_or_else(|| panic!("add sample arguments for {}", tool.name));
            let access =
                access_of(tool.server_fn).unwrap_or_else(|| panic!("{} maps to no server function", tool.name));
            let (is_error, value) = call(&app, &token, tool.name, args).await;
            match access {
                Access::Permission(permission) if !role_bundle(role).contains(permission) => assert!(
                    is_permission_error(is_error, &value),
                    "{} as {role:?} (lacks {permission}) must be refused: {value}",
                    tool.name
                ),
                _ => assert!(
                    !is_permission_error(is_error, &value),
                    "{} as {role:?} holds what {} needs: {value}",
                    tool.name,
                    tool.server_fn
                ),
            }
            checks += 1;
        }
    }

    // Another business's owner holds every permission, and still finds none of A's rows.
    let owner_b = app.owner_of("Business B", &email("tools-owner-b")).await;
    let token_b = personal_token(&app, &owner_b).await;
    let ids: Vec<String> = [client, project, task, entry, invoice, line, fixture.member, fixture.invitation]
        .iter()
        .map(Uuid::to_string)
        .collect();
    for tool in &tools {
        let args = sample(tool.name, &fixture).expect("sample");
        let carries_a_row =
            args.as_object().expect("object").values().any(|v| v.as_str().is_some_and(|s| ids.contains(&s.to_owned())));
        if !carries_a_row {
            continue;
        }
        let (is_error, value) = call(&app, &token_b, tool.name, args).await;
        let text = value.as_str().unwrap_or_default();
        assert!(
            is_error && (text.starts_with("Not found") || text.starts_with("Invalid input")),
            "{} from business B with A's ids: {value}",
            tool.name
        );
        checks += 1;
    }
    // Searches stay inside the caller's business too (the matrix renamed the fixture task).
    let (_, found) = call(&app, &owner_token, "search_tasks", json!({ "q": "RENAMED task" })).await;
    assert_eq!(found["tasks"][0]["id"], json!(task), "{found}");
    let (_, found_in_b) = call(&app, &token_b, "search_tasks", json!({ "q": "renamed task" })).await;
    assert_eq!(found_in_b["tasks"], json!([]), "{found_in_b}");
    assert!(checks > 7 * 40, "only {checks} checks");
}

#[test]
fn the_readme_lists_every_tool() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("README");
    let list = catalog::markdown_list();
    assert!(readme.contains(&list), "README.md's MCP tool table is out of date; replace its rows with:\n{list}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn without_javascript_a_new_token_is_shown_on_the_next_page_once(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Plain Forms", &email("pat-nojs")).await;
    // The browser's own form post: it accepts HTML and is sent back to the page.
    let post = crate::common::server_fn_request(
        "/api/connected-apps/create-token",
        &[("name", "Shell")],
        Some(&owner),
        &[("accept", "text/html"), ("referer", "http://localhost/settings/connected-apps")],
    );
    let reply = app.send(post).await;
    assert!(reply.status.is_redirection(), "{}: {}", reply.status, reply.text());
    let flash = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("clerq_new_token="))
        .expect("the token travels to the next page")
        .to_owned();
    assert!(flash.contains("HttpOnly") && flash.contains("Path=/settings/connected-apps"), "{flash}");
    let token = flash.trim_start_matches("clerq_new_token=").split(';').next().expect("value").to_owned();
    assert!(token.starts_with("clerq_pat_"), "{token}");

    let page_with = |cookies: String| {
        Request::get("/settings/connected-apps")
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, cookies)
            .body(Body::empty())
            .expect("request")
    };
    let page = app.send(page_with(format!("clerq_session={owner}; clerq_new_token={token}"))).await;
    assert!(page.text().contains(&format!("value=\"{token}\"")), "shown in the server's HTML");
    let cleared = page
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("clerq_new_token=;") && c.contains("Max-Age=0"));
    assert!(cleared, "read once, then deleted");

    // With JavaScript the answer carries the token and no cookie could show it again.
    let reply = app.call("/api/connected-apps/create-token", &[("name", "Script")], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .all(|c| !c.to_str().unwrap_or("").starts_with("clerq_new_token")));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn each_connection_may_make_120_calls_a_minute(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Busy Bot", &email("mcp-rate")).await;
    let busy = personal_token(&app, &owner).await;
    for call in 1..=120 {
        let reply = rpc(&app, Some(&busy), "tools/list", json!({})).await;
        assert_eq!(reply.status, StatusCode::OK, "call {call}");
    }
    let refused = rpc(&app, Some(&busy), "tools/list", json!({})).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.text());
    let wait: u64 = refused.headers[header::RETRY_AFTER].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    // The limit is the connection's, not the person's: another token of theirs still works.
    let other = personal_token(&app, &owner).await;
    assert_eq!(rpc(&app, Some(&other), "tools/list", json!({})).await.status, StatusCode::OK);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn tokens_are_stored_only_as_sha256_hashes(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Hashes", &email("mcp-hash")).await;
    let token = personal_token(&app, &owner).await;
    let (rows, hashed): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where token_hash = sha256(convert_to($1, 'UTF8'))) from oauth_tokens",
    )
    .bind(&token)
    .fetch_one(&app.pool)
    .await
    .expect("tokens");
    assert_eq!((rows, hashed), (1, 1));
    let dump: String = sqlx::query_scalar("select string_agg(t::text, '|') from oauth_tokens t")
        .fetch_one(&app.pool)
        .await
        .expect("rows as text");
    let secret = token.trim_start_matches("clerq_pat_");
    assert!(!dump.contains(secret), "the token itself is nowhere in the table");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn requests_for_another_host_are_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Hosts", &email("mcp-host")).await;
    let token = personal_token(&app, &owner).await;
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {} });
    let request = Request::post("/api/mcp")
        .header(header::HOST, "attacker.example")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json, text/event-stream")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.to_string()))
        .expect("request");
    let reply = app.send_raw(request).await;
    assert!(reply.status.is_client_error(), "{}: {}", reply.status, reply.text());
    assert!(!reply.text().contains("whoami"), "no tools for a rebound host");
}

/// Collects what the app logs while a test runs.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn every_tool_call_is_logged_without_its_arguments(pool: PgPool) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::Layer;
    let app = TestApp::new(pool);
    let owner = app.owner_of("Logged", &email("mcp-log")).await;
    let token = personal_token(&app, &owner).await;
    let log = Captured::default();
    let writer = log.clone();
    // The production filter at its most verbose: an operator's `RUST_LOG=trace` must not leak arguments.
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .with_filter(server::telemetry::filter(Some("trace"))),
    );
    {
        // `#[sqlx::test]` runs on a current-thread runtime: a thread-local subscriber sees it all.
        let _guard = tracing::subscriber::set_default(subscriber);
        let (failed, _) = call(&app, &token, "create_client", json!({ "name": "Secretive Client GmbH" })).await;
        assert!(!failed);
        let (failed, _) = call(&app, &token, "get_client", json!({ "client_id": Uuid::now_v7() })).await;
        assert!(failed);
    }
    let text = String::from_utf8(log.0.lock().expect("log").clone()).expect("utf-8");
    let calls: Vec<&str> = text.lines().filter(|line| line.contains("mcp tool call")).collect();
    assert_eq!(calls.len(), 2, "{text}");
    let user = app.user_id(&owner).await.uuid().to_string();
    let business = app.business_id(&owner).await.uuid().to_string();
    for (line, tool, outcome) in [(calls[0], "create_client", "ok"), (calls[1], "get_client", "not_found")] {
        for field in [format!("tool=\"{tool}\""), format!("outcome=\"{outcome}\""), format!("user={user}")] {
            assert!(line.contains(&field), "{field} in {line}");
        }
        assert!(line.contains(&format!("business={business}")) && line.contains("duration_ms="), "{line}");
    }
    assert!(!text.contains("Secretive"), "arguments never reach the log:\n{text}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn credit_invoice_without_lines_credits_everything_left(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Credit Co", &email("mcp-credit")).await;
    let token = personal_token(&app, &owner).await;
    let invoice = crate::invoice_pdf::draft(&app, &owner).await;
    let issued = app.call("/api/invoices/issue", &[("id", invoice.as_str())], Some(&owner)).await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.text());

    let (failed, text) =
        call(&app, &token, "credit_invoice", json!({ "invoice_id": invoice, "reason": "Cancelled" })).await;
    assert!(!failed, "{text}");
    let number = text["number"].as_str().expect("a number");
    assert!(number.starts_with("CN-") && number.ends_with("-0001"), "{number}");
    let (failed, page) = call(&app, &token, "get_invoice", json!({ "invoice_id": invoice })).await;
    assert!(!failed, "{page}");
    assert_eq!(page["invoice"]["credit_notes"][0]["total_minor"], 3617);
    assert_eq!(page["invoice"]["lines"][0]["credited_minor"], 3617);

    // Nothing is left, so a second call has nothing to credit.
    let (failed, text) =
        call(&app, &token, "credit_invoice", json!({ "invoice_id": invoice, "reason": "Again" })).await;
    assert!(failed && text.to_string().contains("Enter an amount to credit"), "{text}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_assistant_reads_the_e_invoice_once_both_countries_are_known(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Invoice GmbH", &email("mcp-einvoice")).await;
    let token = personal_token(&app, &owner).await;
    let invoice = crate::invoice_pdf::draft(&app, &owner).await;
    let issued = app.call("/api/invoices/issue", &[("id", invoice.as_str())], Some(&owner)).await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.text());

    let (failed, text) = call(&app, &token, "get_einvoice", json!({ "invoice_id": invoice })).await;
    assert!(failed && text.to_string().contains("To make an e-invoice, add your country code"), "{text}");

    let settings = app
        .call(
            "/api/invoices/settings/update",
            &[("form[vat_number]", "DE123456789"), ("form[payment_terms]", "14"), ("form[country]", "DE")],
            Some(&owner),
        )
        .await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text());
    let (_, page) = call(&app, &token, "get_invoice", json!({ "invoice_id": invoice })).await;
    let client = page["invoice"]["client_id"].clone();
    let (failed, text) = call(&app, &token, "update_client", json!({ "client_id": client, "country": "nl" })).await;
    assert!(!failed, "{text}");

    let (failed, text) = call(&app, &token, "get_einvoice", json!({ "invoice_id": invoice, "syntax": "ubl" })).await;
    assert!(!failed, "{text}");
    assert!(text["file_name"].as_str().is_some_and(|name| name.ends_with(".ubl.xml")), "{text}");
    let xml = text["xml"].as_str().expect("xml");
    assert!(xml.contains("<cbc:IdentificationCode>NL</cbc:IdentificationCode>"), "{xml}");

    let (failed, _) =
        call(&app, &token, "credit_invoice", json!({ "invoice_id": invoice, "reason": "Cancelled" })).await;
    assert!(!failed);
    let (_, page) = call(&app, &token, "get_invoice", json!({ "invoice_id": invoice })).await;
    let note = page["invoice"]["credit_notes"][0]["id"].clone();
    let (failed, text) = call(&app, &token, "get_einvoice", json!({ "credit_note_id": note })).await;
    assert!(!failed, "{text}");
    assert!(text["xml"].as_str().is_some_and(|xml| xml.contains("<ram:TypeCode>381</ram:TypeCode>")), "{text}");

    let (failed, text) = call(&app, &token, "get_einvoice", json!({ "invoice_id": invoice, "syntax": "pdf" })).await;
    assert!(failed && text.to_string().contains("Use ") && text.to_string().contains("ubl"), "{text}");
}

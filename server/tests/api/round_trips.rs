//! SQL statements per page render, counted from sqlx's own query events, so they cannot creep
//! back up unnoticed. `#[sqlx::test]` runs on a current-thread runtime, so a thread-local
//! subscriber sees every statement the request makes, including those of resources rendered on
//! spawned tasks.
//!
//! Every page: the session lookup (which also reads the shell's list of businesses and running
//! timer) plus at most two statements (issue 11).

use crate::common::{email, TestApp};
use http::StatusCode;
use sqlx::PgPool;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

struct CountStatements(Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<String>>>);

/// The statement's text, from the event's `db.statement` or `summary` field.
struct StatementText(String);

impl tracing::field::Visit for StatementText {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if matches!(field.name(), "db.statement" | "summary") && value.len() > self.0.len() {
            self.0 = value.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

impl<S: tracing::Subscriber> Layer<S> for CountStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::SeqCst);
            let mut text = StatementText(String::new());
            event.record(&mut text);
            self.1.lock().expect("statements").push(text.0.chars().take(160).collect());
        }
    }
}

/// Statements run while answering `GET path`: how many, and the start of each.
async fn statements(app: &TestApp, path: &str, cookie: &str) -> (usize, Vec<String>) {
    let count = Arc::new(AtomicUsize::new(0));
    let texts = Arc::new(std::sync::Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(CountStatements(count.clone(), texts.clone()));
    let reply = {
        let _guard = tracing::subscriber::set_default(subscriber);
        app.get(path, Some(cookie)).await
    };
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    let texts = texts.lock().expect("statements").clone();
    (count.load(Ordering::SeqCst), texts)
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn pages_stay_within_their_statement_budgets(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Counted Studio", &email("owner")).await;
    let invoice = crate::invoice_pdf::draft(&app, &owner).await;
    let client: String =
        app.call("/api/clients/create", &[("form[name]", "Counted Client")], Some(&owner)).await.json();
    let project: String = app
        .call("/api/projects/create", &[("form[client_id]", &client), ("form[name]", "Counted Project")], Some(&owner))
        .await
        .json();
    let task: serde_json::Value = app
        .call("/api/tasks/create", &[("project_id", &project), ("title", "Counted task")], Some(&owner))
        .await
        .json();
    let task = task["id"].as_str().expect("task id").to_owned();
    let schedule = crate::recurring::schedule_via_api(&app, &owner, &client).await;
    // A running timer, so the shell's timer chip renders from real data.
    let started = app.call("/api/time/start", &[("task_id", &task)], Some(&owner)).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text());
    // Each count includes the session lookup, which also reads the shell's businesses and timer.
    // Issue 11's rule: the session lookup plus at most two statements per page.
    const CEILING: usize = 3;
    let pages: Vec<(String, usize)> = vec![
        // Issue 16: the whole dashboard is one statement beside the session lookup.
        ("/".into(), 2),
        ("/clients".into(), CEILING),
        ("/clients/new".into(), CEILING),
        // The client, and its panels (projects, rates, team, timeline) as one statement.
        (format!("/clients/{client}"), CEILING),
        (format!("/clients/{client}/edit"), CEILING),
        ("/projects".into(), CEILING),
        ("/projects/new".into(), CEILING),
        (format!("/projects/{project}"), CEILING),
        (format!("/projects/{project}/edit"), CEILING),
        ("/time".into(), CEILING),
        ("/invoices".into(), CEILING),
        ("/invoices/new".into(), CEILING),
        (format!("/invoices/{invoice}"), CEILING),
        ("/expenses".into(), CEILING),
        ("/invoices/recurring".into(), CEILING),
        ("/invoices/recurring/new".into(), CEILING),
        (format!("/invoices/recurring/{schedule}"), CEILING),
        (format!("/invoices/recurring/{schedule}/edit"), CEILING),
        // Issue 16: the report's rows (and the rates of other currencies), the budgets, the trends.
        ("/reports".into(), CEILING),
        ("/reports/budgets".into(), 2),
        ("/reports/trends".into(), 2),
        ("/expenses/new".into(), CEILING),
        ("/settings".into(), CEILING),
        ("/settings/branding".into(), CEILING),
        // Members with the custom roles, and pending invitations.
        ("/settings/team".into(), CEILING),
        ("/settings/data".into(), CEILING),
        ("/settings/system".into(), CEILING),
        ("/settings/import".into(), CEILING),
        ("/businesses/new".into(), CEILING),
    ];
    let mut measured = Vec::new();
    let mut over = Vec::new();
    for (path, ceiling) in pages {
        // The second render: the first may warm per-process caches.
        statements(&app, &path, &owner).await;
        let (count, texts) = statements(&app, &path, &owner).await;
        measured.push(format!("{path}: {count} (ceiling {ceiling})"));
        assert!(count >= 1, "{path}: the counter saw no statement; the session lookup alone is one");
        if count > ceiling {
            over.push(format!("{path}:\n  {}", texts.join("\n  ")));
        }
    }
    // Issue 16: exactly one statement for the whole dashboard beside the session lookup (the
    // running timer above makes the shell read it too, from the session's statement).
    let (count, texts) = statements(&app, "/", &owner).await;
    assert_eq!(count, 2, "the dashboard: the session lookup and one statement:\n  {}", texts.join("\n  "));
    // The PDF route: the session, the business with its logo, the invoice with its lines, the client.
    let pdf = format!("/api/invoices/{invoice}/pdf");
    let (count, texts) = statements(&app, &pdf, &owner).await;
    measured.push(format!("{pdf}: {count} (ceiling 4)"));
    if count > 4 {
        over.push(format!("{pdf}:\n  {}", texts.join("\n  ")));
    }
    println!("{}", measured.join("\n"));
    assert!(over.is_empty(), "over their ceilings:\n{}\n\n{}", over.join("\n"), measured.join("\n"));
}

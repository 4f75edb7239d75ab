//! SQL statements per page render, counted from sqlx's own query events, so they cannot creep
//! back up unnoticed. `#[sqlx::test]` runs on a current-thread runtime, so a thread-local
//! subscriber sees every statement the request makes, including those of resources rendered on
//! spawned tasks.
//!
//! The ceilings are today's counts (issue 11's goal is the session lookup plus at most two); lower
//! them as pages get cheaper, never raise them without saying why.

use crate::common::{email, TestApp};
use http::StatusCode;
use sqlx::PgPool;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

struct CountStatements(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> Layer<S> for CountStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Statements run while answering `GET path`.
async fn statements(app: &TestApp, path: &str, cookie: &str) -> usize {
    let count = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(CountStatements(count.clone()));
    let reply = {
        let _guard = tracing::subscriber::set_default(subscriber);
        app.get(path, Some(cookie)).await
    };
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    count.load(Ordering::SeqCst)
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn pages_stay_within_their_statement_budgets(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Counted Studio", &email("owner")).await;
    let invoice = crate::invoice_pdf::draft(&app, &owner).await;
    // Each count includes the session lookup and the shell's list of businesses.
    let pages: [(String, usize); 6] = [
        ("/".into(), 3),
        ("/clients".into(), 4),
        ("/time".into(), 7),
        ("/invoices".into(), 5),
        (format!("/invoices/{invoice}"), 9),
        ("/settings/branding".into(), 5),
    ];
    let mut measured = Vec::new();
    for (path, ceiling) in pages {
        // The second render: the first may warm per-process caches.
        statements(&app, &path, &owner).await;
        let count = statements(&app, &path, &owner).await;
        measured.push(format!("{path}: {count} (ceiling {ceiling})"));
        assert!(count >= 2, "{path}: the counter saw {count} statements; the session lookup alone is one");
        assert!(count <= ceiling, "{path} ran {count} statements, over its ceiling of {ceiling}: {measured:?}");
    }
    println!("{}", measured.join("\n"));
}

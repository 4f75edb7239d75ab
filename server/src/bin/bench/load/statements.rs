//! SQL round trips per page, counted as server/tests/api/round_trips.rs counts them: each page is
//! rendered through the in-process router on a current-thread runtime, with a thread-local
//! subscriber counting sqlx's query events, so every statement the request makes (including those
//! of resources rendered on spawned tasks) is seen. The second render is counted; the first may
//! warm per-process caches. The ceiling's version of each page request is counted the same way,
//! so a ceiling that asks less (or more) of the database than its page shows up.

use super::ceiling::Ceiling;
use super::client::Target;
use super::{Page, PageKind, Res};
use app::server::{AppState, AuthSettings};
use axum::body::Body;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use secrecy::SecretString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;
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

/// Statements per page render and per ceiling request (`None` for the page without a ceiling).
pub struct Counts {
    pub page: usize,
    pub ceiling: Option<usize>,
}

/// The statements each of `pages` runs when loaded by `target`'s session, in order.
pub fn count(url: String, secret: String, target: Arc<Target>, pages: &[Page]) -> Res<Vec<Counts>> {
    let pages: Vec<(String, PageKind)> = pages.iter().map(|p| (p.path.clone(), p.kind)).collect();
    // A thread of its own: the subscriber is thread-local and the runtime must be current-thread.
    std::thread::spawn(move || -> Res<Vec<Counts>> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(async {
            let pool = server::startup::connect(&url, 10).await?;
            let options = LeptosOptions::builder().output_name("clerq").site_root("target/site").build();
            let auth = AuthSettings::new(SecretString::from(secret.clone()), None, false);
            let router = server::startup::router(AppState::new(options, pool.clone(), auth), None);
            let ceiling = Ceiling::connect(&url, &secret, &target).await?;
            let mut counts = Vec::with_capacity(pages.len());
            for (path, kind) in &pages {
                statements(&router, path, &target.cookie).await?;
                let page = statements(&router, path, &target.cookie).await?;
                let ceiling = match kind {
                    PageKind::Ping => None,
                    kind => {
                        counted(ceiling.request(*kind)).await?;
                        Some(counted(ceiling.request(*kind)).await?.0)
                    }
                };
                counts.push(Counts { page, ceiling });
            }
            ceiling.close().await;
            pool.close().await;
            Ok(counts)
        })
    })
    .join()
    .map_err(|_| "the thread counting statements panicked")?
}

/// Runs `work` with a subscriber counting sqlx's statements on this thread.
async fn counted<T>(work: impl std::future::Future<Output = Res<T>>) -> Res<(usize, T)> {
    let count = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(CountStatements(count.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);
    let value = work.await?;
    Ok((count.load(Ordering::SeqCst), value))
}

async fn statements(router: &axum::Router, path: &str, cookie: &str) -> Res<usize> {
    let request = Request::get(path)
        .header(header::HOST, "localhost")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, format!("{}={cookie}", app::server::session::COOKIE_NAME))
        .body(Body::empty())?;
    let (count, (status, body)) = counted(async {
        let response = router.clone().oneshot(request).await?;
        let status = response.status();
        Ok((status, response.into_body().collect().await?.to_bytes()))
    })
    .await?;
    if status != StatusCode::OK {
        return Err(format!("{path} answered {status}: {}", String::from_utf8_lossy(&body)).into());
    }
    Ok(count)
}

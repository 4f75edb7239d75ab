//! The database's ceiling per page: what the page's requests ask of Postgres, run straight on a
//! pool with the server's settings (no HTTP, no rendering), at the same concurrency and for the
//! same time as the page's load. A page request is the session lookup, then the server functions
//! its resources call (the shell's session and running timer, and the page's own), concurrently
//! as server-side rendering runs them. The server functions are called themselves, in a reactive
//! owner that provides what leptos_axum provides them (the state and the request with the
//! session's principal), so the ceiling follows whatever queries they make.

use super::client::Target;
use super::drive::{drive, Sample, Worker};
use super::{PageKind, Res};
use app::error::AppError;
use app::ids::InvoiceId;
use app::server::db::sessions;
use app::server::session::{token_hash, Principal};
use app::server::{AppState, AuthSettings};
use http::request::Parts;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos::reactive::computed::ScopedFuture;
use leptos::reactive::owner::Owner;
use secrecy::SecretString;
use sqlx::PgPool;
use std::sync::Arc;

pub struct Ceiling {
    state: AppState,
    token_hash: Vec<u8>,
    /// The page request's head, without the principal.
    parts: Parts,
}

impl Ceiling {
    /// A pool with the server's settings (connection options and size) on the seeded database.
    pub async fn connect(url: &str, secret: &str, target: &Target) -> Res<Arc<Self>> {
        let pool = server::startup::connect(url, 10).await?;
        let origin = format!("http://{}", target.host);
        let auth = AuthSettings::new(SecretString::from(secret.to_owned()), Some(origin), false);
        let state = AppState::new(LeptosOptions::builder().output_name("clerq").build(), pool, auth);
        // The token is the cookie value before its signature.
        let token = target.cookie.rsplit_once('.').map_or(target.cookie.as_str(), |(token, _)| token);
        let (parts, ()) = http::Request::get("/")
            .header(http::header::HOST, &target.host)
            .header(http::header::COOKIE, format!("clerq_session={}", target.cookie))
            .body(())?
            .into_parts();
        let ceiling = Self { state, token_hash: token_hash(token), parts };
        ceiling.request(PageKind::Dashboard).await?;
        Ok(Arc::new(ceiling))
    }

    pub async fn close(&self) {
        self.state.pool.close().await;
    }

    /// `connections` clients making `page`'s queries back to back.
    pub async fn load(self: &Arc<Self>, page: PageKind, connections: usize, seconds: u64) -> Sample {
        let workers = (0..connections).map(|_| DataWorker { ceiling: self.clone(), page }).collect();
        drive(workers, seconds).await
    }

    /// One page request's data access.
    pub async fn request(&self, page: PageKind) -> Res<()> {
        let principal =
            sessions::resolve(&self.state.pool, &self.token_hash).await?.ok_or("the session was not found")?.principal;
        match page {
            PageKind::Ping => Ok(()),
            PageKind::Pdf(id) => pdf_reads(&self.state.pool, principal, id).await,
            page => {
                let mut parts = self.parts.clone();
                parts.extensions.insert(principal);
                let owner = Owner::new();
                let state = self.state.clone();
                owner.with(|| {
                    provide_context(state);
                    provide_context(parts);
                });
                owner.with(|| ScopedFuture::new(resources(page))).await?;
                Ok(())
            }
        }
    }
}

/// The server functions a page's resources call while it renders: the app shell's session and
/// running timer, and the page's own (with the arguments an unfiltered page load passes).
async fn resources(page: PageKind) -> Result<(), AppError> {
    let shell = async {
        let (session, timer) = tokio::join!(app::auth::get_session(), app::time::get_running_timer());
        session?;
        timer.map(|_| ())
    };
    let own = async {
        match page {
            PageKind::Ping | PageKind::Pdf(_) => Ok(()),
            PageKind::Dashboard => app::dashboard::dashboard_summary().await.map(|_| ()),
            PageKind::Reports => {
                app::reports::get_profit_report("year".into(), String::new(), String::new(), String::new())
                    .await
                    .map(|_| ())
            }
            PageKind::Clients => app::clients::list_clients(String::new(), false, String::new()).await.map(|_| ()),
            PageKind::Timesheet => app::time::get_timesheet(String::new(), String::new()).await.map(|_| ()),
            PageKind::Invoices => app::invoices::list_invoices(String::new(), String::new(), 1).await.map(|_| ()),
            PageKind::Invoice(id) => app::invoices::get_invoice(id).await.map(|_| ()),
        }
    };
    let (shell, own) = tokio::join!(shell, own);
    shell.and(own)
}

/// What the PDF route reads before rendering, through the route's own read.
async fn pdf_reads(pool: &PgPool, principal: Principal, id: InvoiceId) -> Res<()> {
    let business = principal.business.ok_or("the session has no business")?.id;
    app::server::invoices::pdf::read(pool, business, id, chrono::Utc::now()).await?;
    Ok(())
}

struct DataWorker {
    ceiling: Arc<Ceiling>,
    page: PageKind,
}

impl Worker for DataWorker {
    async fn call(&mut self) -> bool {
        self.ceiling.request(self.page).await.is_ok()
    }
}

//! Invoice rules (PRODUCT §3.8–3.9), proven on the operations themselves with a fixed clock: lines
//! from tracked time, releasing billed time, conversion, VAT, gap-free numbering, the lifecycle,
//! tenancy and permissions. This file holds the shared setup; the rules live in `invoices/`.

mod access;
mod credit;
mod einvoice;
mod from_time;
mod fx_vat;
mod lifecycle;
mod numbering;
mod rounding;

use crate::common::{email, leptos_options, TestApp, SECRET};
use app::clients::form::ClientForm;
use app::error::{AppError, AppResult};
use app::ids::{BusinessId, ClientId, InvoiceId, InvoiceLineId, ProjectId, TaskId, TimeEntryId, UserId};
use app::invoices::forms::{DraftForm, GenerateForm, LineForm};
use app::invoices::{Generated, Invoice};
use app::projects::ProjectForm;
use app::server::clock::Clock;
use app::server::{AppState, AuthSettings, BusinessCtx};
use app::tasks::TaskStatus;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use sqlx::PgPool;

pub use app::server::invoices as ops;

/// Monday 30 November 2026, noon UTC (the business's zone): "now" unless a test says otherwise.
pub const NOW: &str = "2026-11-30T12:00:00Z";

pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("instant").with_timezone(&Utc)
}

pub fn at(text: &str) -> Clock {
    Clock::Fixed(instant(text))
}

/// A business with its owner ("Dana Lee"), a client "Acme", its project "Website" and two tasks.
pub struct World {
    pub app: TestApp,
    pub state: AppState,
    pub owner_cookie: String,
    pub business: BusinessId,
    pub owner: UserId,
    pub client: ClientId,
    pub project: ProjectId,
    pub design: TaskId,
    pub build: TaskId,
}

impl World {
    pub async fn new(pool: PgPool) -> World {
        let app = TestApp::new(pool.clone());
        let owner_cookie = app.owner_of("Studio", &email("owner")).await;
        let (business, owner) = (app.business_id(&owner_cookie).await, app.user_id(&owner_cookie).await);
        let state = AppState::new(
            leptos_options(),
            pool,
            AuthSettings::new(SecretString::from(SECRET.to_owned()), None, false),
        );
        let ctx = BusinessCtx::for_member(&state, owner, business, at(NOW)).await.expect("owner");
        let client = app::server::clients::create(&ctx, client_form("Acme", "")).await.expect("client");
        let project = project(&ctx, client, "Website").await;
        let design = task(&ctx, project, "Design").await;
        let build = task(&ctx, project, "Build").await;
        World { app, state, owner_cookie, business, owner, client, project, design, build }
    }

    /// The owner, now.
    pub async fn ctx(&self) -> BusinessCtx {
        self.ctx_at(NOW).await
    }

    pub async fn ctx_at(&self, now: &str) -> BusinessCtx {
        self.ctx_of(self.owner, now).await
    }

    pub async fn ctx_of(&self, user: UserId, now: &str) -> BusinessCtx {
        BusinessCtx::for_member(&self.state, user, self.business, at(now)).await.expect("a member")
    }

    /// A teammate with `role` and their user id.
    pub async fn teammate(&self, name: &str, role: &str) -> UserId {
        let cookie = self.app.teammate(&self.owner_cookie, name, role).await;
        self.app.user_id(&cookie).await
    }

    /// Stores a time entry as the time operations would have left it (rate frozen on it).
    pub async fn log(&self, time: Time) -> TimeEntryId {
        let started = time.start;
        let seconds = (!time.running).then_some(time.seconds);
        let id: uuid::Uuid = sqlx::query_scalar(
            "insert into time_entries (business_id, user_id, task_id, source, started_at, ended_at, duration_seconds,
                                       billable, rate_minor, rate_currency, rate_source, cost_minor, cost_currency)
             values ($1, $2, $3, case when $5::bigint is null then 'timer' else 'manual' end, $4,
                     $4 + make_interval(secs => $5::bigint), $5, $6, $7, $8, case when $7::bigint is null then null else 'manual' end,
                     $9, $10)
             returning id",
        )
        .bind(self.business)
        .bind(time.user.unwrap_or(self.owner))
        .bind(time.task)
        .bind(started)
        .bind(seconds)
        .bind(time.billable)
        .bind(time.rate.map(|r| r.0))
        .bind(time.rate.map(|r| r.1))
        .bind(time.cost.map(|c| c.0))
        .bind(time.cost.map(|c| c.1))
        .fetch_one(&self.app.pool)
        .await
        .expect("time entry");
        TimeEntryId(id)
    }

    pub fn draft_form(&self, issue_date: &str, treatment: &str) -> DraftForm {
        DraftForm {
            client_id: self.client.to_string(),
            currency: "EUR".into(),
            issue_date: issue_date.into(),
            tax_treatment: treatment.into(),
            ..DraftForm::default()
        }
    }

    /// A zero-rated EUR draft for Acme dated `issue_date`, due 14 days later (the default terms).
    pub async fn draft(&self, issue_date: &str) -> InvoiceId {
        self.draft_with(self.draft_form(issue_date, "zero_rated")).await
    }

    pub async fn draft_with(&self, form: DraftForm) -> InvoiceId {
        ops::create_draft(&self.ctx().await, form.validate().expect("valid draft")).await.expect("draft")
    }

    /// A draft dated `issue_date` with one fixed line of 500.00, ready to issue.
    pub async fn ready(&self, issue_date: &str) -> InvoiceId {
        let id = self.draft(issue_date).await;
        self.add_line(id, "Retainer", "500.00").await;
        id
    }

    pub async fn generate(&self, id: InvoiceId, form: GenerateForm) -> AppResult<Generated> {
        ops::generate(&self.ctx().await, id, form.validate().expect("valid form")).await
    }

    pub async fn add_line(&self, id: InvoiceId, description: &str, amount: &str) {
        let form = LineForm { description: description.into(), amount: amount.into() };
        ops::add_line(&self.ctx().await, id, &form).await.expect("line added");
    }

    /// Issues a draft as the owner; returns its number.
    pub async fn issue(&self, id: InvoiceId) -> String {
        ops::issue(&self.ctx().await, id).await.expect("issued")
    }

    pub async fn invoice(&self, id: InvoiceId) -> Invoice {
        self.invoice_at(id, NOW).await
    }

    pub async fn invoice_at(&self, id: InvoiceId, now: &str) -> Invoice {
        ops::page(&self.ctx_at(now).await, id).await.expect("invoice").invoice
    }

    /// The line an entry is billed on, if any.
    pub async fn line_of(&self, entry: TimeEntryId) -> Option<InvoiceLineId> {
        let line: Option<uuid::Uuid> = sqlx::query_scalar("select invoice_line_id from time_entries where id = $1")
            .bind(entry)
            .fetch_one(&self.app.pool)
            .await
            .expect("entry");
        line.map(InvoiceLineId)
    }
}

pub fn client_form(name: &str, vat_number: &str) -> app::clients::form::ClientInput {
    ClientForm { name: name.into(), vat_number: vat_number.into(), ..ClientForm::default() }
        .validate()
        .expect("valid client")
}

pub async fn project(ctx: &BusinessCtx, client: ClientId, name: &str) -> ProjectId {
    let form = ProjectForm { client_id: client.to_string(), name: name.into(), ..ProjectForm::default() };
    app::server::projects::create(ctx, form.validate().expect("valid project")).await.expect("project")
}

pub async fn task(ctx: &BusinessCtx, project: ProjectId, title: &str) -> TaskId {
    app::server::tasks::create(ctx, project, title.into(), TaskStatus::Todo).await.expect("task").id
}

/// A time entry to store: billable, stopped, by the owner, at EUR 31.00/h unless changed.
#[derive(Debug, Clone, Copy)]
pub struct Time {
    task: TaskId,
    user: Option<UserId>,
    start: DateTime<Utc>,
    seconds: i64,
    rate: Option<(i64, &'static str)>,
    cost: Option<(i64, &'static str)>,
    billable: bool,
    running: bool,
}

pub fn time(task: TaskId, start: &str, minutes: i64) -> Time {
    Time {
        task,
        user: None,
        start: instant(start),
        seconds: minutes * 60,
        rate: Some((3100, "EUR")),
        cost: None,
        billable: true,
        running: false,
    }
}

impl Time {
    pub fn rate(self, minor: i64, currency: &'static str) -> Time {
        Time { rate: Some((minor, currency)), ..self }
    }

    /// The member's internal cost per hour, frozen on the entry.
    pub fn costing(self, minor: i64, currency: &'static str) -> Time {
        Time { cost: Some((minor, currency)), ..self }
    }

    pub fn unpriced(self) -> Time {
        Time { rate: None, ..self }
    }

    pub fn non_billable(self) -> Time {
        Time { billable: false, ..self }
    }

    pub fn running(self) -> Time {
        Time { running: true, ..self }
    }

    pub fn by(self, user: UserId) -> Time {
        Time { user: Some(user), ..self }
    }
}

pub fn generate_form(grouping: &str) -> GenerateForm {
    GenerateForm { grouping: grouping.into(), ..GenerateForm::default() }
}

/// The message of a validation error on `name`; panics on anything else.
#[track_caller]
pub fn field_error<T: std::fmt::Debug>(result: AppResult<T>, name: &str) -> String {
    match result {
        Err(AppError::Validation(errors)) => {
            errors.get(name).unwrap_or_else(|| panic!("expected an error on {name}, got {errors:?}")).to_owned()
        }
        other => panic!("expected a field error on {name}, got {other:?}"),
    }
}

/// The message of a `Conflict`; panics on anything else.
#[track_caller]
pub fn conflict<T: std::fmt::Debug>(result: AppResult<T>) -> String {
    match result {
        Err(AppError::Conflict(message)) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

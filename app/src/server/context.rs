//! Who is acting, built without Leptos: a server function builds it from the request's session, an
//! MCP tool from its token, a scheduled job or a test from a member's ids. Every operation takes a
//! [`BusinessCtx`] and checks its own permission through [`BusinessCtx::require`], so no caller can
//! skip the check by forgetting it.

use crate::auth::CurrentUser;
use crate::business::BusinessSummary;
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, UserId};
use crate::permissions::{Permission, PermissionSet};
use crate::server::clock::Clock;
use crate::server::session::Principal;
use crate::server::{db, AppState, AuthSettings};
use sqlx::PgPool;
use std::sync::Arc;

/// A signed-in account, before (or without) choosing a business: creating or switching a
/// business, accepting an invitation.
pub struct AccountCtx {
    pub pool: PgPool,
    pub auth: Arc<AuthSettings>,
    pub user: CurrentUser,
    pub clock: Clock,
    /// Granted with `server grant-admin`: may administer the instance (`/system-admin`).
    pub platform_admin: bool,
}

impl AccountCtx {
    pub fn new(state: &AppState, user: CurrentUser, clock: Clock) -> Self {
        Self { pool: state.pool.clone(), auth: state.auth.clone(), user, clock, platform_admin: false }
    }

    pub fn with_platform_admin(mut self, platform_admin: bool) -> Self {
        self.platform_admin = platform_admin;
        self
    }

    /// `NotFound` (the page does not exist for them) unless the account is a platform admin.
    pub fn require_platform_admin(&self) -> AppResult<()> {
        if self.platform_admin {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// The settings of the active business that most operations read (dates in its time zone, the
/// forgotten-timer threshold), loaded with the membership so no operation queries for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessLocal {
    /// IANA name, e.g. `Europe/Berlin`.
    pub timezone: String,
    pub forgotten_timer_hours: i32,
    /// Why a platform admin suspended the business; while set it is read-only.
    pub suspended: Option<String>,
}

impl Default for BusinessLocal {
    fn default() -> Self {
        Self { timezone: "UTC".to_owned(), forgotten_timer_hours: 10, suspended: None }
    }
}

/// What a member of a suspended business is told when they try to change something.
pub fn suspended_error(reason: &str) -> AppError {
    AppError::Conflict(format!(
        "This business is suspended, so nothing in it can be changed or exported. Reason: {reason}"
    ))
}

/// A member acting in one business with their effective permissions. Queries scope to
/// [`BusinessCtx::business_id`]; a row of another business is `NotFound`.
pub struct BusinessCtx {
    pub pool: PgPool,
    pub auth: Arc<AuthSettings>,
    pub user: CurrentUser,
    pub business: BusinessSummary,
    pub permissions: PermissionSet,
    pub local: BusinessLocal,
    pub clock: Clock,
    /// `scheme://host[:port]` for absolute links (invitations): `BETTER_AUTH_URL`, else the
    /// request's host.
    pub origin: String,
}

impl BusinessCtx {
    /// The session's active business. A signed-in account without one is `Forbidden`.
    pub fn from_principal(state: &AppState, principal: Principal, clock: Clock, origin: String) -> AppResult<Self> {
        let Some(business) = principal.business else { return Err(AppError::Forbidden) };
        Ok(Self {
            pool: state.pool.clone(),
            auth: state.auth.clone(),
            user: principal.user,
            business,
            permissions: principal.permissions,
            local: principal.local,
            clock,
            origin,
        })
    }

    /// `user` acting in `business`, with the permissions their membership carries now (role,
    /// custom role, overrides). Not a member: `NotFound`. For callers without a session cookie:
    /// MCP tools, scheduled jobs, tests.
    pub async fn for_member(state: &AppState, user: UserId, business: BusinessId, clock: Clock) -> AppResult<Self> {
        let access = db::access::member(&state.pool, business, user).await?.ok_or(AppError::NotFound)?;
        Ok(Self {
            pool: state.pool.clone(),
            auth: state.auth.clone(),
            user: access.user,
            business: access.business,
            permissions: access.permissions,
            local: access.local,
            clock,
            origin: state.auth.public_origin.clone().unwrap_or_else(|| "http://localhost:3000".to_owned()),
        })
    }

    /// `Forbidden` unless the member holds `permission`. The first line of every operation. In a
    /// suspended business (whose members hold only permissions to see) a change is refused with
    /// the suspension's reason instead.
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.can(permission) {
            Ok(())
        } else if let Some(reason) = self.local.suspended.as_deref().filter(|_| !permission.only_reads()) {
            Err(suspended_error(reason))
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The business's calendar date now, in its time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now().with_timezone(&crate::server::time::zone(&self.local.timezone)).date_naive()
    }
}

//! Platform administration (PRODUCT §3.16): the instance's operators, granted with
//! `server grant-admin EMAIL`, see instance figures on `/system-admin` and suspend or unsuspend a
//! business. Everyone else gets 404 there.

use crate::error::AppResult;
use crate::ids::BusinessId;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Longest suspension reason, as the table allows.
pub const REASON_MAX_CHARS: usize = 500;
/// The page lists at most this many businesses, newest first.
pub const BUSINESS_LIMIT: i64 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminBusiness {
    pub id: BusinessId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub members: i64,
    pub invoices: i64,
    /// Why it is suspended, when it is.
    pub suspended: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemOverview {
    pub businesses: i64,
    pub accounts: i64,
    pub invoices: i64,
    pub database_bytes: i64,
    /// The newest businesses (at most [`BUSINESS_LIMIT`]).
    pub list: Vec<AdminBusiness>,
}

/// "12.3 MB".
pub fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The reason, trimmed, on one line, 1–500 characters.
pub fn validate_reason(reason: &str) -> Result<String, crate::validation::FieldErrors> {
    let mut errors = crate::validation::FieldErrors::new();
    let reason = errors.check(
        "reason",
        crate::validation::required_name_max(reason, "why the business is suspended", REASON_MAX_CHARS),
    );
    errors.into_result()?;
    Ok(reason.unwrap_or_default())
}

#[server(prefix = "/api", endpoint = "admin/overview")]
pub async fn get_system_overview() -> AppResult<SystemOverview> {
    crate::server::admin::overview(&crate::server::account()?).await
}

#[server(prefix = "/api", endpoint = "admin/suspend")]
pub async fn suspend_business(business_id: BusinessId, reason: String) -> AppResult<()> {
    let reason = validate_reason(&reason)?;
    crate::server::admin::suspend(&crate::server::account()?, business_id, &reason).await
}

#[server(prefix = "/api", endpoint = "admin/unsuspend")]
pub async fn unsuspend_business(business_id: BusinessId) -> AppResult<()> {
    crate::server::admin::unsuspend(&crate::server::account()?, business_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_bytes(512), "512 bytes");
        assert_eq!(human_bytes(12_345_678), "12.3 MB");
        assert_eq!(human_bytes(2_000_000_000), "2.0 GB");
    }

    #[test]
    fn a_suspension_needs_a_reason() {
        assert_eq!(validate_reason("  Unpaid hosting  ").expect("valid"), "Unpaid hosting");
        assert!(validate_reason("").unwrap_err().get("reason").is_some());
        assert!(validate_reason(&"x".repeat(501)).unwrap_err().get("reason").is_some());
    }
}

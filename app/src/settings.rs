//! Business settings (the General tab): name, address, base currency.

use crate::error::AppResult;
use crate::validation::{required_name, FieldErrors};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const ADDRESS_MAX_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessSettings {
    pub name: String,
    pub address: String,
    pub currency: String,
    /// Turns day rates into hourly ones (default 8).
    pub hours_per_day: i32,
    /// A timer running longer than this asks "when did you stop?" (default 10).
    pub forgotten_timer_hours: i32,
    /// IANA zone the business's days and weeks follow.
    pub timezone: String,
    /// Every zone the server knows, for the select.
    pub timezones: Vec<String>,
    /// Whether the caller may change them (the form is read-only otherwise).
    pub can_edit: bool,
}

/// Trims a multi-line address; each line is printed as is on documents.
pub fn address(input: &str) -> Result<String, String> {
    let address = crate::validation::multi_line(input)?;
    if address.chars().count() > ADDRESS_MAX_CHARS {
        Err(format!("Keep the address to {ADDRESS_MAX_CHARS} characters or fewer."))
    } else {
        Ok(address)
    }
}

#[server(prefix = "/api", endpoint = "settings/get")]
pub async fn get_business_settings() -> AppResult<BusinessSettings> {
    crate::server::settings::get(&crate::server::business()?).await
}

/// A whole number in `range`, or `None` for an empty field (keep the current value).
pub fn optional_number(input: &str, range: std::ops::RangeInclusive<i32>, what: &str) -> Result<Option<i32>, String> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i32>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(format!("Enter {what} from {} to {}.", range.start(), range.end())),
    }
}

/// The General tab, validated. Empty time-tracking fields (`None`) keep their current values
/// (older forms and API callers omit them); the time zone is checked against the server's tz
/// database by the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsInput {
    pub name: String,
    pub address: String,
    pub currency: &'static str,
    pub hours_per_day: Option<i32>,
    pub forgotten_timer_hours: Option<i32>,
    pub timezone: Option<String>,
}

impl SettingsInput {
    pub fn validate(
        name: &str,
        address: &str,
        currency: &str,
        hours_per_day: &str,
        forgotten_timer_hours: &str,
        timezone: &str,
    ) -> Result<SettingsInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", required_name(name, "a business name"));
        let address = errors.check("address", self::address(address));
        let currency = errors.check("currency", crate::currency::parse(currency));
        let hours = errors.check("hours_per_day", optional_number(hours_per_day, 1..=24, "hours"));
        let forgotten = errors.check("forgotten_timer_hours", optional_number(forgotten_timer_hours, 1..=168, "hours"));
        let timezone = Some(timezone.trim()).filter(|z| !z.is_empty()).map(str::to_owned);
        match (name, address, currency, hours, forgotten) {
            (Some(name), Some(address), Some(currency), Some(hours_per_day), Some(forgotten_timer_hours)) => {
                Ok(SettingsInput {
                    name,
                    address,
                    currency: currency.code,
                    hours_per_day,
                    forgotten_timer_hours,
                    timezone,
                })
            }
            _ => Err(errors),
        }
    }
}

#[server(prefix = "/api", endpoint = "settings/update")]
pub async fn update_business_settings(
    name: String,
    address: String,
    currency: String,
    #[server(default)] hours_per_day: String,
    #[server(default)] forgotten_timer_hours: String,
    #[server(default)] timezone: String,
) -> AppResult<()> {
    let input = SettingsInput::validate(&name, &address, &currency, &hours_per_day, &forgotten_timer_hours, &timezone)?;
    crate::server::settings::update(&crate::server::business()?, input).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_optional_but_bounded() {
        assert_eq!(optional_number("", 1..=24, "hours"), Ok(None));
        assert_eq!(optional_number(" 7 ", 1..=24, "hours"), Ok(Some(7)));
        assert_eq!(optional_number("25", 1..=24, "hours").unwrap_err(), "Enter hours from 1 to 24.");
        assert!(optional_number("7.5", 1..=24, "hours").is_err());
    }

    #[test]
    fn addresses_keep_their_lines_but_lose_stray_space() {
        assert_eq!(address("  \n1 Long Lane  \nLondon\n\n").as_deref(), Ok("1 Long Lane\nLondon"));
        assert!(address(&"x".repeat(1001)).is_err());
    }
}

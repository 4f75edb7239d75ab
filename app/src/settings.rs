//! Business settings (the General tab): name, address, base currency.

use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const ADDRESS_MAX_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessSettings {
    pub name: String,
    pub address: String,
    pub currency: String,
    /// Whether the caller may change them (the form is read-only otherwise).
    pub can_edit: bool,
}

/// Trims a multi-line address; each line is printed as is on documents.
pub fn address(input: &str) -> Result<String, String> {
    let lines: Vec<&str> = input.lines().map(str::trim_end).collect();
    let address = lines.join("\n").trim().to_owned();
    if address.chars().count() > ADDRESS_MAX_CHARS {
        Err(format!("Keep the address to {ADDRESS_MAX_CHARS} characters or fewer."))
    } else {
        Ok(address)
    }
}

#[server(prefix = "/api", endpoint = "settings/get")]
pub async fn get_business_settings() -> AppResult<BusinessSettings> {
    let ctx = crate::server::authorize(crate::permissions::Permission::SettingsView)?;
    let row = crate::server::db::businesses::settings(&ctx.pool, ctx.business.id).await?;
    Ok(BusinessSettings { can_edit: ctx.can(crate::permissions::Permission::SettingsEdit), ..row })
}

#[server(prefix = "/api", endpoint = "settings/update")]
pub async fn update_business_settings(name: String, address: String, currency: String) -> AppResult<()> {
    use crate::validation::{required_name, FieldErrors};
    let ctx = crate::server::authorize(crate::permissions::Permission::SettingsEdit)?;
    let mut errors = FieldErrors::new();
    let name = errors.check("name", required_name(&name, "a business name"));
    let address = errors.check("address", self::address(&address));
    let currency = errors.check("currency", crate::currency::parse(&currency));
    let (Some(name), Some(address), Some(currency)) = (name, address, currency) else { return Err(errors.into()) };
    crate::server::db::businesses::update_settings(&ctx.pool, ctx.business.id, &name, &address, currency.code).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_their_lines_but_lose_stray_space() {
        assert_eq!(address("  \n1 Long Lane  \nLondon\n\n").as_deref(), Ok("1 Long Lane\nLondon"));
        assert!(address(&"x".repeat(1001)).is_err());
    }
}

//! Businesses: the tenants all data belongs to. A user can belong to several and picks the active one.

use crate::error::AppResult;
use crate::ids::BusinessId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::roles::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessSummary {
    pub id: BusinessId,
    pub name: String,
    pub currency: String,
    pub role: Role,
}

/// A new business's name and base currency, validated.
pub fn new_business(name: &str, currency: &str) -> Result<(String, &'static str), crate::validation::FieldErrors> {
    use crate::validation::{required_name, FieldErrors};
    let mut errors = FieldErrors::new();
    let name = errors.check("name", required_name(name, "a business name"));
    let currency = errors.check("currency", crate::currency::parse(currency));
    match (name, currency) {
        (Some(name), Some(currency)) => Ok((name, currency.code)),
        _ => Err(errors),
    }
}

/// Creates a business owned by the caller and makes it their active one.
#[server(prefix = "/api", endpoint = "business/create")]
pub async fn create_business(name: String, currency: String) -> AppResult<()> {
    let (name, currency) = new_business(&name, &currency)?;
    crate::server::businesses::create(&crate::server::account()?, &name, currency).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Makes another of the caller's businesses the active one. Someone else's business is `NotFound`.
#[server(prefix = "/api", endpoint = "business/switch")]
pub async fn switch_business(business_id: BusinessId) -> AppResult<()> {
    crate::server::businesses::switch(&crate::server::account()?, business_id).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::PREDEFINED.into_iter().chain([Role::Custom]) {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_string(&role).expect("json"), format!("\"{}\"", role.as_str()));
        }
        assert!("superuser".parse::<Role>().is_err());
    }
}

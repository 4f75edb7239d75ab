//! Businesses: the tenants all data belongs to. A user can belong to several and picks the active one.

use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// A member's predefined role (`Custom` points at a business-defined role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Manager,
    Member,
    Accountant,
    Contractor,
    Viewer,
    Custom,
}

impl Role {
    pub const PREDEFINED: [Role; 7] =
        [Role::Owner, Role::Admin, Role::Manager, Role::Member, Role::Accountant, Role::Contractor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Member => "member",
            Role::Accountant => "accountant",
            Role::Contractor => "contractor",
            Role::Viewer => "viewer",
            Role::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Manager => "Manager",
            Role::Member => "Member",
            Role::Accountant => "Accountant",
            Role::Contractor => "Contractor",
            Role::Viewer => "Viewer",
            Role::Custom => "Custom role",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::PREDEFINED
            .into_iter()
            .chain([Role::Custom])
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessSummary {
    pub id: Uuid,
    pub name: String,
    pub currency: String,
    pub role: Role,
}

/// Creates a business owned by the caller and makes it their active one.
#[server(prefix = "/api", endpoint = "business/create")]
pub async fn create_business(name: String, currency: String) -> AppResult<()> {
    use crate::validation::{required_name, FieldErrors};
    let ctx = crate::server::ctx()?;
    let mut errors = FieldErrors::new();
    let name = errors.check("name", required_name(&name, "a business name"));
    let currency = errors.check("currency", crate::currency::parse(&currency));
    let (Some(name), Some(currency)) = (name, currency) else { return Err(errors.into()) };
    crate::server::db::businesses::create_with_owner(&ctx.pool, ctx.principal.user.id, &name, currency.code).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Makes another of the caller's businesses the active one. Someone else's business is `NotFound`.
#[server(prefix = "/api", endpoint = "business/switch")]
pub async fn switch_business(business_id: String) -> AppResult<()> {
    let ctx = crate::server::ctx()?;
    let id = Uuid::parse_str(business_id.trim()).map_err(|_| crate::error::AppError::NotFound)?;
    crate::server::db::businesses::set_active(&ctx.pool, ctx.principal.user.id, id).await?;
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

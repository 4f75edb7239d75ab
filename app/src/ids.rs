//! Typed ids: one newtype over `Uuid` per table, so a `ClientId` can never be passed where a
//! `ProjectId` is expected. Transparent on the wire (a plain uuid string in JSON and forms) and in
//! Postgres (`sqlx(transparent)` under `ssr`). Parsed once, at the edge: a server function's
//! arguments or a page's route parameters; everything below takes the typed value.

use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id (uuid v7) for a row about to be inserted.
            #[cfg(feature = "ssr")]
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(value.trim()).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    )*};
}

/// A route parameter or query value as an id: a malformed one names nothing, so it is `NotFound`
/// (the page answers 404 without asking the server).
pub fn param<T: FromStr>(value: &str) -> AppResult<T> {
    value.parse().map_err(|_| AppError::NotFound)
}

typed_id! {
    BusinessId,
    /// An account (`accounts.id`), as a member of a business or the author of a change.
    UserId,
    ClientId,
    ProjectId,
    TaskId,
    TimeEntryId,
    InvitationId,
    InvoiceId,
    InvoiceLineId,
    CustomRoleId,
    ExpenseId,
    ScheduleId,
    CreditNoteId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_travel_as_plain_uuid_strings() {
        let id = ClientId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001));
        let json = serde_json::to_string(&id).expect("json");
        assert_eq!(json, "\"01930000-0000-7000-8000-000000000001\"");
        assert_eq!(serde_json::from_str::<ClientId>(&json).expect("back"), id);
        assert_eq!(id.to_string().parse::<ClientId>().expect("parses"), id);
    }

    #[test]
    fn malformed_ids_do_not_parse() {
        for junk in ["", "not-a-uuid", "01930000-0000-7000-8000", "' or 1=1 --"] {
            assert!(junk.parse::<ProjectId>().is_err(), "{junk:?}");
        }
        assert!(" 01930000-0000-7000-8000-000000000001 ".parse::<TaskId>().is_ok(), "surrounding spaces are trimmed");
    }
}

//! SQL, one module per domain. Functions take `&PgPool` or a connection explicitly so tests can hand
//! each one its own database, and every business-scoped query filters by `business_id`.

pub mod accounts;
pub mod businesses;
pub mod sessions;
pub mod team;

//! The tools, one module per area of the product. Each handler takes the caller's
//! [`app::server::BusinessCtx`] and typed arguments and calls the operation the UI's server
//! function calls, with the same input validation.

pub mod clients;
pub mod context;
pub mod expenses;
pub mod insights;
pub mod invoices;
pub mod projects;
pub mod recurring;
pub mod team;
pub mod time;

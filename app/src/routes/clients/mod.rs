//! `/clients/*`

pub mod detail;
pub mod form;
pub mod list;
pub mod rates;
pub mod timeline;

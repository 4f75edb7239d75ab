//! `/clients/*`

pub mod detail;
pub mod form;
pub mod list;
pub mod rates;
pub mod rounding;
pub mod timeline;

//! Server-only conversions into `AppError`. Named constraints become domain errors; anything else
//! is logged here, once, and reaches the browser only as `AppError::Internal`.

use crate::error::AppError;

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => {
                tracing::error!(error = ?other, "database error");
                AppError::Internal
            }
        }
    }
}

/// Maps a violation of the named constraint to a domain error, leaving other errors to `From`.
///
/// ```text
/// insert(..).await.on_constraint("accounts_email_key", |_| AppError::Conflict("…".into()))?;
/// ```
pub trait ResultExt<T> {
    fn on_constraint(
        self,
        name: &str,
        map: impl FnOnce(Box<dyn sqlx::error::DatabaseError>) -> AppError,
    ) -> Result<T, AppError>;

    /// Maps violations of any of several named constraints: `map` gets the constraint's name and
    /// returns the domain error for it (`None` leaves the error to `From`).
    fn on_constraints(self, map: impl FnOnce(&str) -> Option<AppError>) -> Result<T, AppError>;
}

impl<T> ResultExt<T> for Result<T, sqlx::Error> {
    fn on_constraint(
        self,
        name: &str,
        map: impl FnOnce(Box<dyn sqlx::error::DatabaseError>) -> AppError,
    ) -> Result<T, AppError> {
        self.map_err(|error| match error {
            sqlx::Error::Database(db) if db.constraint() == Some(name) => map(db),
            other => AppError::from(other),
        })
    }

    fn on_constraints(self, map: impl FnOnce(&str) -> Option<AppError>) -> Result<T, AppError> {
        self.map_err(|error| {
            let mapped = match &error {
                sqlx::Error::Database(db) => db.constraint().and_then(map),
                _ => None,
            };
            mapped.unwrap_or_else(|| AppError::from(error))
        })
    }
}

/// For failures outside sqlx (a panicked blocking task, a broken invariant): log and hide.
pub fn internal(context: &str, error: impl std::fmt::Debug) -> AppError {
    tracing::error!(error = ?error, "{context}");
    AppError::Internal
}

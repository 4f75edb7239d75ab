//! Server-only conversions into `AppError`. Named constraints become domain errors; anything else
//! is logged here, once, and reaches the browser only as `AppError::Internal`.

use crate::error::AppError;

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other if is_database_unreachable(&other) => {
                tracing::warn!(error = ?other, "database unreachable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = ?other, "database error");
                AppError::Internal
            }
        }
    }
}

/// Whether `error` says PostgreSQL is out of reach (down, restarting, every connection busy) rather
/// than that this request was wrong: the request may succeed if retried in a moment.
pub fn is_database_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => true,
        // Class 08: connection exceptions; 57P01–57P03: the server is shutting down, crashed or
        // starting (`admin_shutdown`, `crash_shutdown`, `cannot_connect_now`).
        sqlx::Error::Database(db) => db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_a_retryable_503_and_other_faults_stay_500() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(AppError::from(sqlx::Error::PoolTimedOut), AppError::Unavailable);
        assert_eq!(AppError::from(sqlx::Error::PoolClosed), AppError::Unavailable);
        assert_eq!(AppError::from(sqlx::Error::Io(refused)), AppError::Unavailable);
        assert_eq!(AppError::from(sqlx::Error::Protocol("garbled".into())), AppError::Internal);
        assert_eq!(AppError::from(sqlx::Error::RowNotFound), AppError::NotFound);
        assert_eq!(AppError::Unavailable.status(), 503);
    }
}

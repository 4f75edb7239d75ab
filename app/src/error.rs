//! The one error type every server function returns. It crosses the wire as JSON so the UI can match
//! on variants (field errors beside their inputs); its `Display` is what users read, so it never
//! carries internals: database and I/O details are logged on the server and become `Internal`.

use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// Missing, or belonging to another business: the two are indistinguishable on purpose.
    #[error("Not found.")]
    NotFound,
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// The caller lacks the permission the function requires.
    #[error("You don't have permission to do that.")]
    Forbidden,
    /// The caller has the permission, but a rule forbids this particular change (changing your own
    /// role, removing the last owner, granting what you don't hold). The message says which.
    #[error("{0}")]
    NotAllowed(String),
    #[error("{}", .0.summary())]
    Validation(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// PostgreSQL could not be reached or was restarting: a 503 the caller may retry, never a 500.
    #[error("Clerq cannot reach its database right now. Please try again in a moment.")]
    Unavailable,
    /// The request never reached a server function body (network down, malformed arguments).
    #[error("The request could not be completed: {0}")]
    Transport(String),
}

pub type AppResult<T> = Result<T, AppError>;

pub const MALFORMED_REQUEST: &str = "Some of the values sent could not be read. Reload the page and try again.";

impl AppError {
    /// The HTTP status a server-function response carries for this error (applied by the server's
    /// error-status layer; the body is the JSON-encoded error either way).
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::NotAllowed(_) => 403,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::Internal => 500,
            AppError::Unavailable => 503,
            AppError::Transport(_) => 400,
        }
    }

    /// Shorthand for a validation error on one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(FieldErrors::one(field, message))
    }

    /// The message for one form field, if this is a validation error naming it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.get(field).map(str::to_owned),
            _ => None,
        }
    }

    /// The message to show at the top of a form: validation errors are shown beside their fields,
    /// so only a form-level one appears here.
    pub fn form_message(&self) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.get(FieldErrors::FORM).map(str::to_owned),
            other => Some(other.to_string()),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments the server could not read (a malformed id, a field of the wrong shape) are
            // the caller's mistake: a 422 that says so, without echoing the parser's details.
            ServerFnErrorErr::Args(_) => AppError::field(FieldErrors::FORM, MALFORMED_REQUEST),
            other => AppError::Transport(other.to_string()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Validation(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_maps_to_a_client_or_server_status() {
        let cases = [
            (AppError::NotFound, 404),
            (AppError::Unauthorized, 401),
            (AppError::Forbidden, 403),
            (AppError::NotAllowed("no".into()), 403),
            (AppError::field("email", "bad"), 422),
            (AppError::Conflict("dup".into()), 409),
            (AppError::TooManyRequests("slow".into()), 429),
            (AppError::Internal, 500),
            (AppError::Unavailable, 503),
            (AppError::Transport("x".into()), 400),
        ];
        for (error, status) in cases {
            assert_eq!(error.status(), status, "{error:?}");
        }
    }

    #[test]
    fn errors_round_trip_through_json() {
        let error = AppError::field("email", "Enter a valid e-mail address.");
        let json = serde_json::to_string(&error).expect("serialize");
        assert_eq!(serde_json::from_str::<AppError>(&json).expect("deserialize"), error);
    }

    #[test]
    fn unreadable_arguments_are_the_callers_mistake() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args("invalid uuid: found `n`".into()));
        assert_eq!(error.status(), 422);
        assert_eq!(error.form_message().as_deref(), Some(MALFORMED_REQUEST), "no parser details");
        assert_eq!(AppError::from_server_fn_error(ServerFnErrorErr::Request("offline".into())).status(), 400);
    }

    #[test]
    fn internal_errors_say_nothing_about_internals() {
        assert_eq!(AppError::Internal.to_string(), "Something went wrong on our side. Please try again.");
    }

    #[test]
    fn form_message_skips_field_errors_but_shows_form_level_ones() {
        assert_eq!(AppError::field("email", "x").form_message(), None);
        assert_eq!(
            AppError::field(FieldErrors::FORM, "Invalid email or password").form_message().as_deref(),
            Some("Invalid email or password")
        );
        assert_eq!(AppError::NotFound.form_message().as_deref(), Some("Not found."));
    }
}

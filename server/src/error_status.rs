//! Gives server-function error responses their real HTTP status. server_fn answers every error
//! with 500; this layer decodes our `AppError` from the body and uses its status (401, 404, 422,
//! 429…), so monitors and clients see user mistakes as 4xx and only real faults as 5xx.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::StatusCode;

const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn middleware(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_server_fn_error = response.headers().contains_key(server_fn::error::SERVER_FN_ERROR_HEADER);
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !is_server_fn_error {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

//! The MCP endpoint, `/api/mcp` (PRODUCT §6.3): the official SDK's streamable HTTP transport,
//! stateless with JSON responses, behind bearer-token authentication. A token acts as one member
//! in one business; every tool builds that member's [`BusinessCtx`] afresh (so a changed role or a
//! removed member takes effect on the next call) and runs the UI's operation.

pub mod catalog;
mod tools;

use app::error::AppError;
use app::server::access_tokens::{self, Caller};
use app::server::rate_limit::RateLimiter;
use app::server::{AppState, BusinessCtx};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use http::{header, HeaderValue, Method, StatusCode};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ErrorData, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{RoleServer, ServerHandler};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const PATH: &str = "/api/mcp";
/// The RFC 9728 metadata document for this resource.
pub const RESOURCE_METADATA_PATH: &str = "/.well-known/oauth-protected-resource/api/mcp";
/// What one token may call per minute: generous for an assistant, a wall for a runaway loop.
const CALLS_PER_MINUTE: usize = 120;
/// JSON-RPC bodies are small; the largest tool input is a client with its contacts.
const MAX_BODY_BYTES: usize = 256 * 1024;

const INSTRUCTIONS: &str = "Clerq is a back office for freelancers and small agencies: clients, projects, tasks, \
time tracking and invoices. This connection acts as one person inside one business, with exactly their \
permissions; call whoami first. Units: money you receive is an integer number of minor units (cents) with an \
ISO 4217 currency code; amounts you send are decimal strings in major units (\"120.50\"); durations are whole \
seconds (log_time also takes \"1:30\" or \"90m\"); dates are ISO YYYY-MM-DD in the business's time zone and \
instants are UTC. Ids are UUIDs from the list and get tools. A tool that fails returns an error message saying \
what to fix; nothing is changed when a tool fails.";

#[derive(Clone)]
struct Clerq {
    state: AppState,
}

impl ServerHandler for Clerq {
    fn get_info(&self) -> ServerConfig {
        let mut config = ServerConfig::new(ServerCapabilities::builder().enable_tools().build());
        config.server_info = Implementation::new("clerq", env!("CARGO_PKG_VERSION"));
        config.instructions = Some(INSTRUCTIONS.to_owned());
        config
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(catalog::tools().iter().map(catalog::ToolDef::describe).collect()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        catalog::find(name).map(catalog::ToolDef::describe)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(tool) = catalog::find(&request.name) else {
            return Err(ErrorData::invalid_params(format!("Unknown tool: {}", request.name), None));
        };
        let parts = context.extensions.get::<http::request::Parts>();
        let Some(caller) = parts.and_then(|p| p.extensions.get::<Caller>()).copied() else {
            return Err(ErrorData::internal_error("the request carries no authenticated caller", None));
        };
        let clock = match parts {
            Some(parts) => app::server::request_clock(&self.state, parts),
            None => self.state.clock,
        };
        let started = Instant::now();
        let arguments = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let outcome = match BusinessCtx::for_member(&self.state, caller.user, caller.business, clock).await {
            Ok(ctx) => (tool.call)(&ctx, arguments).await,
            // The membership ended between authentication and this call.
            Err(AppError::NotFound) => Err(AppError::Unauthorized),
            Err(error) => Err(error),
        };
        // Arguments may hold personal data (names, emails, notes): never logged.
        tracing::info!(
            tool = tool.name,
            user = %caller.user.0,
            business = %caller.business.0,
            grant = %caller.grant,
            duration_ms = started.elapsed().as_millis() as u64,
            outcome = match &outcome { Ok(_) => "ok", Err(error) => error_kind(error) },
            "mcp tool call"
        );
        Ok(match outcome {
            Ok(value) => CallToolResult::structured(value),
            Err(error) => CallToolResult::error(vec![ContentBlock::text(error_message(tool, &error))]),
        }
        .into())
    }
}

fn error_kind(error: &AppError) -> &'static str {
    match error {
        AppError::NotFound => "not_found",
        AppError::Unauthorized => "unauthorized",
        AppError::Forbidden => "forbidden",
        AppError::NotAllowed(_) => "not_allowed",
        AppError::Validation(_) => "invalid",
        AppError::Conflict(_) => "conflict",
        AppError::TooManyRequests(_) => "rate_limited",
        AppError::Unavailable => "unavailable",
        AppError::Internal | AppError::Transport(_) => "error",
    }
}

/// What the model reads when a tool fails: what went wrong and, for field errors, each field.
pub fn error_message(tool: &catalog::ToolDef, error: &AppError) -> String {
    match error {
        AppError::NotFound => format!(
            "Not found: {} in this business. Check the id (list tools give valid ids).",
            what_is_missing(tool.name)
        ),
        AppError::Forbidden => {
            let needed = app::server::registry::SERVER_FUNCTIONS
                .iter()
                .find(|entry| entry.path == tool.server_fn)
                .and_then(|entry| match entry.access {
                    app::server::registry::Access::Permission(permission) => Some(permission),
                    _ => None,
                });
            match needed {
                Some(permission) => format!(
                    "You don't have permission to {} (needs \"{}\"; whoami lists what you hold).",
                    permission.label().to_lowercase(),
                    permission.key()
                ),
                None => "You don't have permission to do that.".to_owned(),
            }
        }
        AppError::Unauthorized => "This connection's access has ended (the member left the business or the \
                                   token was revoked). Reconnect to continue."
            .to_owned(),
        AppError::Validation(errors) => {
            let details: Vec<String> = errors.iter().map(|(field, message)| format!("{field}: {message}")).collect();
            format!("Invalid input. {}", details.join("; "))
        }
        other => other.to_string(),
    }
}

/// "a client with that id" for `get_client`, from the tool's name.
fn what_is_missing(tool: &str) -> &'static str {
    const SUBJECTS: &[(&str, &str)] = &[
        ("line", "the invoice line or its invoice"),
        ("invoice", "an invoice with that id"),
        ("member_rate", "the client or team member"),
        ("client", "a client with that id"),
        ("project", "a project with that id"),
        ("task", "a task with that id"),
        ("time", "a time entry or task with that id"),
        ("timer", "a task with that id"),
        ("invitation", "an invitation with that id"),
        ("team", "a team member with that id"),
    ];
    SUBJECTS.iter().find(|(key, _)| tool.contains(key)).map_or("that record", |(_, subject)| subject)
}

/// The router for `/api/mcp`: authentication, CORS and the SDK's service. `public_origin` is
/// `BETTER_AUTH_URL`'s origin: its host is the one the SDK accepts besides loopback (it refuses
/// other `Host` headers, a DNS-rebinding guard).
pub fn routes(state: AppState) -> Router<AppState> {
    let mut hosts = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    if let Some(origin) = &state.auth.public_origin {
        if let Some(host) = app::server::oauth::rules::host_of(origin) {
            hosts.push(host.clone());
            if let Some((name, _port)) = host.rsplit_once(':') {
                hosts.push(name.to_owned());
            }
        }
    }
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_allowed_hosts(hosts)
        .with_max_request_body_bytes(MAX_BODY_BYTES)
        .with_sse_keep_alive(None);
    let handler = Clerq { state: state.clone() };
    let service =
        StreamableHttpService::new(move || Ok(handler.clone()), Arc::new(NeverSessionManager::default()), config);
    let guard = Arc::new(Guard { state, limiter: RateLimiter::new(CALLS_PER_MINUTE, Duration::from_secs(60)) });
    Router::new().route_service(PATH, service).layer(axum::middleware::from_fn_with_state(guard, authenticate))
}

struct Guard {
    state: AppState,
    limiter: RateLimiter,
}

/// Bearer authentication (and CORS, for browser-based clients). Without a valid token: 401 with
/// `WWW-Authenticate` pointing at the resource metadata, which is how clients discover OAuth.
async fn authenticate(State(guard): State<Arc<Guard>>, mut request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return with_cors(StatusCode::NO_CONTENT.into_response());
    }
    let (origin, now) = {
        let (parts, body) = request.into_parts();
        let origin = app::server::origin(&guard.state.auth, &parts);
        let now = app::server::request_clock(&guard.state, &parts).now();
        request = Request::from_parts(parts, body);
        (origin, now)
    };
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .map(str::to_owned);
    let caller = match token.as_deref() {
        None => return with_cors(challenge(&origin, None)),
        Some(token) => match access_tokens::authenticate(&guard.state.pool, token, now).await {
            Ok(Some(caller)) => caller,
            Ok(None) => {
                return with_cors(challenge(
                    &origin,
                    Some("The access token is invalid, expired or revoked, or its business is suspended."),
                ))
            }
            Err(error) => {
                tracing::warn!(?error, "mcp token lookup failed");
                return with_cors(
                    (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "5")], "Try again shortly.")
                        .into_response(),
                );
            }
        },
    };
    if let Err(wait) = guard.limiter.attempt(&[caller.grant.to_string()]) {
        let seconds = wait.as_secs().max(1).to_string();
        let mut response =
            (StatusCode::TOO_MANY_REQUESTS, format!("Too many calls; try again in {seconds} s.")).into_response();
        if let Ok(value) = HeaderValue::from_str(&seconds) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return with_cors(response);
    }
    request.extensions_mut().insert(caller);
    with_cors(next.run(request).await)
}

fn challenge(origin: &str, error: Option<&str>) -> Response {
    let mut value = format!("Bearer resource_metadata=\"{origin}{RESOURCE_METADATA_PATH}\"");
    if let Some(description) = error {
        value.push_str(&format!(", error=\"invalid_token\", error_description=\"{description}\""));
    }
    let mut response = (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"error":"invalid_token","error_description":"Authorization needed: connect through OAuth or use a personal access token."}"#,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Any origin may call: the endpoint takes no cookies, only bearer tokens. Clients read the
/// challenge to find the authorization server.
fn with_cors(mut response: Response) -> Response {
    crate::cors::allow_any_origin(
        &mut response,
        "GET, POST, DELETE, OPTIONS",
        "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID",
    );
    response.headers_mut().insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version"),
    );
    response
}

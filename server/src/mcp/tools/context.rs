//! Who the token acts as, and where.

use crate::mcp::catalog::{tool, ToolDef};
use app::auth::GetSession;
use app::error::AppError;
use app::server::BusinessCtx;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn tools() -> Vec<ToolDef> {
    vec![tool!(whoami, NoArgs, Reads, GetSession, "Who am I",
        "The signed-in person this connection acts as, the one business it acts in (with its base currency and time zone), the person's role and every permission they hold there. Call this first: other tools fail with a permission error for what is not listed. Units everywhere: money as integer minor units (cents) with an ISO currency code, durations in seconds, amounts you send as decimal strings in major units (\"120.50\"), dates as ISO YYYY-MM-DD in the business's time zone.")]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

async fn whoami(ctx: &BusinessCtx, _: NoArgs) -> Result<Value, AppError> {
    let permissions: Vec<&str> = ctx.permissions.iter().map(|p| p.key()).collect();
    Ok(json!({
        "user": { "id": ctx.user.id, "name": ctx.user.name, "email": ctx.user.email },
        "business": {
            "id": ctx.business.id,
            "name": ctx.business.name,
            "currency": ctx.business.currency,
            "timezone": ctx.local.timezone,
            "today": ctx.today(),
        },
        "role": ctx.business.role,
        "permissions": permissions,
    }))
}

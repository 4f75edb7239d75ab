//! The tool table: every MCP tool with its input schema, its effect, and the server function it
//! stands in for. Each tool calls the same operation as that server function through the same
//! [`BusinessCtx`], so permissions and tenancy are identical by construction; the authorization
//! matrix test walks this table against the server functions' registry.

use app::error::AppError;
use app::server::BusinessCtx;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type ToolFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, AppError>> + Send + 'a>>;

/// What calling a tool does to the business's data, for the client's confirmation prompts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reads only.
    Reads,
    /// Adds or changes data without destroying any.
    Writes,
    /// Deletes, voids, archives, revokes or overwrites.
    Destroys,
}

pub struct ToolDef {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub effect: Effect,
    /// The path of the server function this tool mirrors (its permission comes from the registry).
    pub server_fn: &'static str,
    pub input_schema: fn() -> Arc<JsonObject>,
    pub call: for<'a> fn(&'a BusinessCtx, Value) -> ToolFuture<'a>,
}

impl ToolDef {
    pub fn describe(&self) -> Tool {
        let annotations = ToolAnnotations::with_title(self.title)
            .read_only(self.effect == Effect::Reads)
            .destructive(self.effect == Effect::Destroys);
        Tool::new(self.name, self.description, (self.input_schema)())
            .with_title(self.title)
            .with_annotations(annotations)
    }
}

/// Input arguments as `T`; a shape error becomes a validation error the model can read.
pub fn parse<T: DeserializeOwned>(arguments: Value) -> Result<T, AppError> {
    let arguments = if arguments.is_null() { Value::Object(Default::default()) } else { arguments };
    serde_json::from_value(arguments)
        .map_err(|error| AppError::field("arguments", format!("Invalid arguments: {error}")))
}

/// A tool's result as JSON (structured output is always an object).
pub fn output<T: serde::Serialize>(value: &T) -> Result<Value, AppError> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => Ok(Value::Object(map)),
        Ok(other) => Ok(serde_json::json!({ "result": other })),
        Err(error) => Err(app::server::errors::internal("serialising a tool result", error)),
    }
}

/// Defines a [`ToolDef`] from a handler `async fn(&BusinessCtx, Args) -> Result<Value, AppError>`.
macro_rules! tool {
    ($handler:path, $args:ty, $effect:ident, $server_fn:ty, $title:literal, $description:expr) => {{
        fn call(ctx: &app::server::BusinessCtx, arguments: serde_json::Value) -> $crate::mcp::catalog::ToolFuture<'_> {
            Box::pin(async move {
                let args: $args = $crate::mcp::catalog::parse(arguments)?;
                $handler(ctx, args).await
            })
        }
        $crate::mcp::catalog::ToolDef {
            // The handler's own name is the tool's name.
            name: $crate::mcp::catalog::last_segment(stringify!($handler)),
            title: $title,
            description: $description,
            effect: $crate::mcp::catalog::Effect::$effect,
            server_fn: <$server_fn as server_fn::ServerFn>::PATH,
            input_schema: rmcp::handler::server::common::schema_for_type::<$args>,
            call,
        }
    }};
}
pub(crate) use tool;

/// `a::b::list_clients` → `list_clients` (at compile time, for the tool table).
pub const fn last_segment(path: &'static str) -> &'static str {
    let bytes = path.as_bytes();
    let mut start = bytes.len();
    while start > 0 && bytes[start - 1] != b':' && bytes[start - 1] != b' ' {
        start -= 1;
    }
    match path.split_at_checked(start) {
        Some((_, name)) => name,
        None => path,
    }
}

/// Every tool, in the order `tools/list` gives them.
pub fn tools() -> &'static [ToolDef] {
    static TOOLS: std::sync::OnceLock<Vec<ToolDef>> = std::sync::OnceLock::new();
    TOOLS.get_or_init(|| {
        use super::tools::*;
        [
            context::tools(),
            clients::tools(),
            projects::tools(),
            time::tools(),
            invoices::tools(),
            recurring::tools(),
            expenses::tools(),
            team::tools(),
            insights::tools(),
        ]
        .into_iter()
        .flatten()
        .collect()
    })
}

pub fn find(name: &str) -> Option<&'static ToolDef> {
    tools().iter().find(|tool| tool.name == name)
}

/// The README's tool list, generated from the table (a test keeps the README in step).
pub fn markdown_list() -> String {
    let mut out = String::new();
    for tool in tools() {
        let effect = match tool.effect {
            Effect::Reads => "read-only",
            Effect::Writes => "writes",
            Effect::Destroys => "destructive",
        };
        let summary = tool.description.split(". ").next().unwrap_or(tool.description).trim_end_matches('.');
        out.push_str(&format!("| `{}` | {effect} | {summary}. |\n", tool.name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tools_name_is_its_handlers_name() {
        assert_eq!(last_segment("clients::list_clients"), "list_clients");
        assert_eq!(last_segment("whoami"), "whoami");
    }

    #[test]
    fn tool_names_are_unique_and_valid() {
        let mut names: Vec<&str> = tools().iter().map(|t| t.name).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "duplicate tool names");
        for name in names {
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_') && name.len() <= 64, "{name}");
        }
    }

    #[test]
    fn every_tool_has_an_object_schema_and_a_description_with_units_where_money_appears() {
        for tool in tools() {
            let schema = (tool.input_schema)();
            assert_eq!(schema.get("type").and_then(Value::as_str), Some("object"), "{}", tool.name);
            assert!(tool.description.len() > 20, "{} needs a real description", tool.name);
        }
    }
}

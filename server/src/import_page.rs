//! `POST /settings/import`: the CSV import wizard's steps as server-rendered pages. Each step is a
//! multipart form post (so a file uploads without JavaScript) carrying the whole state: the CSV text,
//! the column mapping, and whether to preview or import. The answer is the import page itself,
//! rendered with the step the post leads to.

use crate::member::business_ctx;
use app::import::{csv::MAX_COLUMNS, PostedImport};
use app::server::import::{answer_post, ImportPost};
use app::server::AppState;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::response::Response;
use leptos::prelude::provide_context;

const UNREADABLE_FORM: &str = "The form could not be read. Choose the file again, or paste its text.";
const NOT_UTF8: &str =
    "The file isn't UTF-8 text. Save it as \u{201c}CSV UTF-8\u{201d} from your spreadsheet and choose it again.";

pub async fn post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // Visitors and accounts without a business get the page a visit would show them (sign-in, 403);
    // the operation checks the member's permission itself.
    let posted = match business_ctx(&state, &parts) {
        Err(_) => None,
        Ok(ctx) => Some(match read_form(Request::from_parts(parts.clone(), body), &state).await {
            Ok(post) => answer_post(&ctx, post).await,
            Err(message) => PostedImport::Unreadable { text: String::new(), message: message.to_owned() },
        }),
    };
    let options = state.leptos_options.clone();
    // Rendered whole before it is sent, as every page is (SsrMode::Async): streamed Suspense
    // content would need JavaScript to be put in place.
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            if let Some(posted) = posted.clone() {
                provide_context(posted);
            }
        },
        move || crate::startup::page(options.clone()),
    );
    render(Request::from_parts(parts, Body::empty())).await
}

/// The posted fields: `file` (wins over `text` when a file was chosen), `text`, `mapping[i]`, and
/// `step` (`import`, or anything else to preview). Unknown fields are skipped.
async fn read_form(request: Request, state: &AppState) -> Result<ImportPost, &'static str> {
    let mut multipart = Multipart::from_request(request, state).await.map_err(|_| UNREADABLE_FORM)?;
    let mut post = ImportPost::default();
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| UNREADABLE_FORM)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let bytes = field.bytes().await.map_err(|_| UNREADABLE_FORM)?;
                if !bytes.is_empty() {
                    file = Some(String::from_utf8(bytes.to_vec()).map_err(|_| NOT_UTF8)?);
                }
            }
            "text" => post.text = field.text().await.map_err(|_| UNREADABLE_FORM)?,
            "step" => post.import = field.text().await.map_err(|_| UNREADABLE_FORM)? == "import",
            _ => {
                if let Some(index) = mapping_index(&name) {
                    let key = field.text().await.map_err(|_| UNREADABLE_FORM)?;
                    if post.mapping.len() <= index {
                        post.mapping.resize(index + 1, String::new());
                    }
                    post.mapping[index] = key;
                }
            }
        }
    }
    if let Some(file) = file {
        // A new file starts over: its columns are not the ones the old mapping described.
        post.text = file;
        post.mapping.clear();
        post.import = false;
    }
    Ok(post)
}

/// `mapping[3]` → 3, for the columns a CSV may have.
fn mapping_index(name: &str) -> Option<usize> {
    let index = name.strip_prefix("mapping[")?.strip_suffix(']')?.parse::<usize>().ok()?;
    (index < MAX_COLUMNS).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_fields_name_a_column_within_bounds() {
        assert_eq!(mapping_index("mapping[0]"), Some(0));
        assert_eq!(mapping_index("mapping[63]"), Some(63));
        assert_eq!(mapping_index("mapping[64]"), None, "no CSV has a 65th column");
        assert_eq!(mapping_index("mapping[99999999999]"), None);
        assert_eq!(mapping_index("mapping[x]"), None);
        assert_eq!(mapping_index("mapping"), None);
    }
}

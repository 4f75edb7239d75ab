//! `/settings/connected-apps`: the AI assistants (MCP clients) a person connected, their personal
//! access tokens, and how to connect a new one.

use crate::components::form::{action_error, field_error, FormError, SubmitButton, TextField};
use crate::components::loading::Load;
use crate::connected_apps::{
    list_connected_apps, ConnectedApp, ConnectedApps, CreatePersonalToken, RevokeConnectedApp,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ConnectedAppsPage() -> impl IntoView {
    let create = ServerAction::<CreatePersonalToken>::new();
    let revoke = ServerAction::<RevokeConnectedApp>::new();
    let apps = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_connected_apps());
    view! {
        <Title text="Connected apps" />
        <Load resource=apps let:apps>
            <ConnectedAppsSections apps create revoke />
        </Load>
    }
}

#[component]
fn ConnectedAppsSections(
    apps: ConnectedApps,
    create: ServerAction<CreatePersonalToken>,
    revoke: ServerAction<RevokeConnectedApp>,
) -> impl IntoView {
    let config = format!(r#"{{"mcpServers":{{"clerq":{{"url":"{}"}}}}}}"#, apps.mcp_url);
    let create_error = action_error(create);
    let revoke_error = action_error(revoke);
    // The list reads it from the post's one-time cookie, which also works without JavaScript.
    let new_token = apps.new_token.clone();
    let rows = apps.apps.iter().cloned().map(|app| view! { <AppRow app revoke /> }).collect_view();
    let empty = apps.apps.is_empty();
    view! {
        <section class="card" aria-labelledby="connect-heading">
            <h2 id="connect-heading">"Connect an AI assistant"</h2>
            <p>"Clerq is an MCP server: an assistant such as Claude can work with your clients, projects, time and invoices as you, in one business, with exactly your permissions. Add it as a custom connector with this address; you sign in and approve it here."</p>
            <p><code>{apps.mcp_url.clone()}</code></p>
            <p>"Other clients take this configuration:"</p>
            <pre><code>{config}</code></pre>
        </section>
        <section class="card" aria-labelledby="apps-heading">
            <h2 id="apps-heading">"Connected apps and tokens"</h2>
            {if empty {
                view! { <p>"Nothing is connected yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="list">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Business"</th>
                                    <th scope="col">"Connected"</th>
                                    <th scope="col">"Last used"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <FormError error=revoke_error />
        </section>
        <section class="card narrow" aria-labelledby="token-heading">
            <h2 id="token-heading">"Personal access token"</h2>
            <p>"For command-line MCP clients that cannot sign in through the browser. The token acts as you in your current business; it is shown once, so copy it right away. Send it as "<code>"Authorization: Bearer …"</code>"."</p>
            <ActionForm action=create>
                <TextField id="token-name" name="name" label="Token name" required=true maxlength=100
                    hint="Where you will use it, e.g. “Laptop CLI”." error=field_error(create_error, "name") />
                <FormError error=create_error />
                <SubmitButton label="Create token" busy_label="Creating…" pending=create.pending() />
            </ActionForm>
            // With JavaScript the answer carries it; without, the reloaded page's one-time cookie.
            {move || {
                let token = create.value().get().and_then(Result::ok).or_else(|| new_token.clone());
                token.map(|token| view! {
                    <div class="notice" role="status">
                        <label for="new-token">"Your new token (copy it now; it will not be shown again)"</label>
                        <input id="new-token" class="secret" type="text" readonly value=token />
                    </div>
                })
            }}
        </section>
    }
}

#[component]
fn AppRow(app: ConnectedApp, revoke: ServerAction<RevokeConnectedApp>) -> impl IntoView {
    let kind = if app.oauth_client {
        app.redirect_host.as_ref().map_or_else(|| "App".to_owned(), |host| format!("App · returns to {host}"))
    } else {
        "Personal access token".to_owned()
    };
    let label = format!("Revoke {}", app.name);
    view! {
        <tr>
            <td>{app.name.clone()}<br /><small>{kind}</small></td>
            <td>{app.business_name.clone()}</td>
            <td>{app.created_at.format("%Y-%m-%d").to_string()}</td>
            <td>{app.last_used_at.map_or_else(|| "Never".to_owned(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())}</td>
            <td>
                <ActionForm action=revoke attr:class="inline-form">
                    <input type="hidden" name="id" value=app.id.to_string() />
                    <button type="submit" class="danger" aria-label=label>"Revoke"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

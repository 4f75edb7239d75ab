//! `/oauth/consent`: a person lets an MCP client act for them in one of their businesses
//! (PRODUCT §5). `GET /oauth/authorize` sends them here; the form posts to the server's
//! `POST /oauth/consent`, which checks everything again and sends them back to the client.

use crate::auth::{query_param, with_redirect};
use crate::components::loading::{loading, LoadFailed};
use crate::error::AppError;
use crate::oauth::{get_consent, AuthorizeParams, ConsentView, CONSENT_PATH};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

#[component]
pub fn ConsentPage() -> impl IntoView {
    // The raw query, decoded once (see `query_param`): a state may hold a `%`.
    let search = use_location().search;
    let params = move || {
        let search = search.read();
        let values: Vec<(&str, String)> = [
            "response_type",
            "client_id",
            "redirect_uri",
            "state",
            "code_challenge",
            "code_challenge_method",
            "resource",
        ]
        .into_iter()
        .filter_map(|name| query_param(&search, name).map(|value| (name, value)))
        .collect();
        AuthorizeParams::from_pairs(values.iter().map(|(name, value)| (*name, value.as_str())))
    };
    let consent = Resource::new(params, get_consent);
    view! {
        <Title text="Connect an app" />
        <main class="auth-page">
            <div class="auth-card wide">
                <p class="brand">"Clerq"</p>
                <Suspense fallback=loading>
                    {move || Suspend::new(async move {
                        match consent.await {
                            Ok(view) => EitherOf3::A(view! { <ConsentForm view /> }),
                            // Sign in, then come back to this very request.
                            Err(AppError::Unauthorized) => {
                                let back = params().consent_url();
                                EitherOf3::B(view! { <Redirect path=with_redirect("/sign-in", &back) /> })
                            }
                            Err(error) => EitherOf3::C(view! {
                                <h1>"This app can't be connected"</h1>
                                <LoadFailed error />
                            }),
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

/// The question and the Allow/Deny form: a plain HTML form (the answer is a redirect to the
/// client, which the browser must follow as a full navigation).
#[component]
fn ConsentForm(view: ConsentView) -> impl IntoView {
    let ConsentView { client_name, redirect_host, businesses, active, params } = view;
    let heading = format!("Allow {client_name} to use Clerq as you?");
    if businesses.is_empty() {
        return view! {
            <h1>{heading}</h1>
            <p role="alert">
                "You don't belong to a business yet, and an app can only work inside one. Create your business first, then connect the app again."
            </p>
            <p class="actions"><a class="button primary" href="/onboarding">"Create a business"</a></p>
        }
        .into_any();
    }
    let hidden = params
        .pairs()
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value.to_owned() /> })
        .collect_view();
    let options = businesses
        .iter()
        .map(|b| {
            let selected = Some(b.id) == active;
            view! { <option value=b.id.to_string() selected=selected>{b.name.clone()}</option> }
        })
        .collect_view();
    let abilities = businesses
        .into_iter()
        .map(|b| {
            let count = b.abilities.len();
            let items = b.abilities.into_iter().map(|a| view! { <li>{a}</li> }).collect_view();
            view! {
                <li>
                    <strong>{b.name}</strong>
                    {format!(": you are {}. {}", b.role, b.summary)}
                    <details>
                        <summary>{format!("All {count} things it could do there")}</summary>
                        <ul>{items}</ul>
                    </details>
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>{heading}</h1>
        <p>
            {format!(
                "{client_name} will act as you, with exactly your permissions, in the business you choose below. \
                 It sees nothing of your other businesses. When you answer, you go back to "
            )}
            <strong>{redirect_host}</strong>
            "."
        </p>
        <form method="post" action=CONSENT_PATH>
            {hidden}
            <div class="field">
                <label for="consent-business">"Business"</label>
                <p class="hint" id="consent-business-hint">"The app works in this business only."</p>
                <select id="consent-business" name="business_id" aria-describedby="consent-business-hint">
                    {options}
                </select>
            </div>
            <h2>"What it can do"</h2>
            <ul class="consent-abilities">{abilities}</ul>
            <p class="hint">"You can disconnect it at any time under Settings, Connected apps."</p>
            <p class="actions">
                <button type="submit" class="primary" name="decision" value="allow">"Allow"</button>
                <button type="submit" name="decision" value="deny">"Deny"</button>
            </p>
        </form>
    }
    .into_any()
}

//! `/sign-in`

use super::VisitorsOnly;
use crate::auth::{safe_redirect, SignIn};
use crate::components::form::{action_error, field_error, FormError, SubmitButton, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    let query = use_query_map();
    // Only an invitation link survives as a destination (see `safe_redirect`).
    let redirect = Signal::derive(move || {
        query.read().get("redirect").and_then(|r| safe_redirect(&r).map(str::to_owned)).unwrap_or_default()
    });
    let sign_up_href = move || match redirect.get() {
        r if r.is_empty() => "/sign-up".to_owned(),
        r => format!("/sign-up?redirect={r}"),
    };
    let target = Signal::derive(move || if redirect.get().is_empty() { "/".to_owned() } else { redirect.get() });
    view! {
        <Title text="Sign in" />
        <VisitorsOnly signed_in_target=target>
            <main class="auth-page">
                <div class="auth-card">
                    <p class="brand">"Clerq"</p>
                    <h1>"Sign in"</h1>
                    <ActionForm action>
                        <input type="hidden" name="redirect" value=redirect />
                        <TextField
                            id="sign-in-email"
                            name="email"
                            label="Email"
                            kind="email"
                            autocomplete="email"
                            required=true
                            error=field_error(error, "email")
                        />
                        <TextField
                            id="sign-in-password"
                            name="password"
                            label="Password"
                            kind="password"
                            autocomplete="current-password"
                            required=true
                            error=field_error(error, "password")
                        />
                        <FormError error />
                        <SubmitButton label="Sign in" busy_label="Signing in…" pending=action.pending() />
                    </ActionForm>
                    <p class="switch-auth">"New to Clerq? " <a href=sign_up_href>"Create an account"</a></p>
                </div>
            </main>
        </VisitorsOnly>
    }
}

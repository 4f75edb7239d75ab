//! `/sign-in`

use super::VisitorsOnly;
use crate::auth::{query_param, safe_redirect, with_redirect, SignIn};
use crate::components::form::{action_error, field_error, FormError, SubmitButton, TextField};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    let search = use_location().search;
    // Only an invitation link or the OAuth consent page survives as a destination (see `safe_redirect`).
    let redirect = Signal::derive(move || {
        query_param(&search.read(), "redirect").and_then(|r| safe_redirect(&r).map(str::to_owned)).unwrap_or_default()
    });
    let sign_up_href = move || with_redirect("/sign-up", &redirect.get());
    let target = Signal::derive(move || if redirect.get().is_empty() { "/".to_owned() } else { redirect.get() });
    view! {
        <Title text="Sign in" />
        <VisitorsOnly signed_in_target=target>
            <main class="auth-page">
                <div class="auth-card">
                    <p class="brand">"Clerq"</p>
                    <h1>"Sign in"</h1>
                    {move || {
                        let fields = view! {
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
                        };
                        // On the way to the OAuth consent page the browser posts the form itself and
                        // loads the consent page whole: its Content Security Policy lets its form
                        // return to the app's redirect URI, and a client-side navigation would keep
                        // this page's policy, under which the browser blocks that return.
                        if redirect.get_untracked().starts_with(crate::oauth::CONSENT_PATH) {
                            let path = <SignIn as server_fn::ServerFn>::PATH;
                            Either::Left(view! { <form method="post" action=path>{fields}</form> })
                        } else {
                            Either::Right(view! { <ActionForm action>{fields}</ActionForm> })
                        }
                    }}
                    <p class="switch-auth">"New to Clerq? " <a href=sign_up_href>"Create an account"</a></p>
                </div>
            </main>
        </VisitorsOnly>
    }
}

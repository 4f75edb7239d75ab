//! `/sign-up`

use super::VisitorsOnly;
use crate::auth::{query_param, safe_redirect, with_redirect, SignUp};
use crate::components::form::{action_error, field_error, FormError, SubmitButton, TextField};
use crate::validation::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = action_error(action);
    let search = use_location().search;
    let redirect = Signal::derive(move || {
        query_param(&search.read(), "redirect").and_then(|r| safe_redirect(&r).map(str::to_owned)).unwrap_or_default()
    });
    let sign_in_href = move || with_redirect("/sign-in", &redirect.get());
    view! {
        <Title text="Create your account" />
        <VisitorsOnly signed_in_target=Signal::derive(move || if redirect.get().is_empty() { "/".to_owned() } else { redirect.get() })>
            <main class="auth-page">
                <div class="auth-card">
                    <p class="brand">"Clerq"</p>
                    <h1>"Create your account"</h1>
                    <ActionForm action>
                        <input type="hidden" name="redirect" value=redirect />
                        <TextField
                            id="sign-up-name"
                            name="name"
                            label="Your name"
                            autocomplete="name"
                            required=true
                            maxlength=100
                            error=field_error(error, "name")
                        />
                        <TextField
                            id="sign-up-email"
                            name="email"
                            label="Email"
                            kind="email"
                            autocomplete="email"
                            required=true
                            maxlength=254
                            error=field_error(error, "email")
                        />
                        <TextField
                            id="sign-up-password"
                            name="password"
                            label="Password"
                            kind="password"
                            autocomplete="new-password"
                            required=true
                            minlength=PASSWORD_MIN_CHARS as u32
                            maxlength=PASSWORD_MAX_CHARS as u32
                            hint="8 to 128 characters. A passphrase is easiest to remember."
                            error=field_error(error, "password")
                        />
                        <FormError error />
                        <SubmitButton label="Create account" busy_label="Creating account…" pending=action.pending() />
                    </ActionForm>
                    <p class="switch-auth">"Already have an account? " <a href=sign_in_href>"Sign in"</a></p>
                </div>
            </main>
        </VisitorsOnly>
    }
}

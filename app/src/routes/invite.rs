//! `/invite/<token>`: what an invitation offers, and accepting it.

use crate::auth::{get_session, SignOut};
use crate::components::form::{action_error, FormError, SubmitButton};
use crate::components::loading::LoadFailed;
use crate::error::AppError;
use crate::team::{get_invitation, AcceptInvitation, InvitationStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invitation = Resource::new(token, get_invitation);
    let session = Resource::new(|| (), |_| get_session());
    let accept = ServerAction::<AcceptInvitation>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let error = action_error(accept);
    view! {
        <Title text="Invitation" />
        <main class="auth-page">
            <div class="auth-card wide">
                <p class="brand">"Clerq"</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let token = token();
                        let here = format!("/invite/{token}");
                        let preview = match invitation.await {
                            Ok(preview) => preview,
                            Err(AppError::NotFound) => {
                                return view! {
                                    <h1>"This invitation link isn't valid"</h1>
                                    <p>"Check that you copied the whole link, or ask for a new one."</p>
                                }
                                .into_any();
                            }
                            Err(error) => return view! { <LoadFailed error /> }.into_any(),
                        };
                        let headline = preview.headline();
                        let closed = match preview.status {
                            InvitationStatus::Pending => None,
                            InvitationStatus::Accepted => Some("This invitation has already been used."),
                            InvitationStatus::Revoked => Some("This invitation was revoked. Ask for a new one."),
                            InvitationStatus::Expired => Some("This invitation has expired. Ask for a new one."),
                        };
                        if let Some(reason) = closed {
                            return view! { <h1>{headline}</h1> <p role="alert">{reason}</p> }.into_any();
                        }
                        let user = session.await.ok().flatten().map(|s| s.user);
                        let body = match user {
                            None => view! {
                                <p>{format!("This invitation is for {}.", preview.email)}</p>
                                <p class="actions">
                                    <a class="button primary" href=format!("/sign-up?redirect={here}")>"Create an account"</a>
                                    <a class="button" href=format!("/sign-in?redirect={here}")>"Sign in"</a>
                                </p>
                            }
                            .into_any(),
                            Some(user) if user.email.eq_ignore_ascii_case(&preview.email) => view! {
                                <ActionForm action=accept>
                                    <input type="hidden" name="token" value=token.clone() />
                                    <FormError error />
                                    <SubmitButton label="Accept invitation" busy_label="Joining…" pending=accept.pending() />
                                </ActionForm>
                            }
                            .into_any(),
                            Some(user) => view! {
                                <p role="alert">
                                    {format!(
                                        "This invitation is for {}, but you're signed in as {}. Sign out, then sign in with the invited address.",
                                        preview.email, user.email
                                    )}
                                </p>
                                <ActionForm action=sign_out>
                                    <button type="submit">"Sign out"</button>
                                </ActionForm>
                            }
                            .into_any(),
                        };
                        view! { <h1>{headline}</h1> {body} }.into_any()
                    })}
                </Suspense>
            </div>
        </main>
    }
}

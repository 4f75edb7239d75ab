//! `/onboarding`: a signed-in user without a business creates their first one here.

use crate::auth::get_session;
use crate::business::CreateBusiness;
use crate::components::business_form::BusinessForm;
use crate::error::AppError;
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn OnboardingPage() -> impl IntoView {
    let action = ServerAction::<CreateBusiness>::new();
    let session = Resource::new(|| (), |_| get_session());
    view! {
        <Title text="Set up your business" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(info)) if info.businesses.is_empty() => EitherOf4::A(view! {
                        <main class="auth-page">
                            <div class="auth-card wide">
                                <p class="brand">"Clerq"</p>
                                <h1>"Set up your business"</h1>
                                <p class="lead">
                                    {format!("Welcome, {}. Name the business you invoice from; you can add more later.", info.user.name)}
                                </p>
                                <BusinessForm action submit_label="Create business" />
                            </div>
                        </main>
                    }),
                    Ok(Some(_)) => EitherOf4::B(view! { <Redirect path="/" /> }),
                    Ok(None) | Err(AppError::Unauthorized) => EitherOf4::C(view! { <Redirect path="/sign-in" /> }),
                    Err(error) => EitherOf4::D(view! {
                        <main class="auth-page"><p role="alert">{error.to_string()}</p></main>
                    }),
                }
            })}
        </Suspense>
    }
}

//! `/businesses/new`: another business for a user who already has one.

use crate::components::business_form::BusinessForm;
use crate::components::layout::ShellActions;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewBusinessPage() -> impl IntoView {
    let actions = expect_context::<ShellActions>();
    view! {
        <Title text="Create business" />
        <section class="page narrow">
            <h1>"Create business"</h1>
            <p class="lead">"Each business has its own clients, time, invoices and team. You will be its owner."</p>
            <BusinessForm action=actions.create_business submit_label="Create business" />
        </section>
    }
}

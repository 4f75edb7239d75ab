//! `/clients/:id`: details, contacts, projects, member rates and the activity timeline.

use super::rates::{MemberRatesCard, RatesData};
use super::rounding::ClientRoundingCard;
use super::timeline::{TimelineCard, TimelineData};
use crate::clients::{get_client_overview, ArchiveClient, ClientOverview, RestoreClient, SetClientBillingRounding};
use crate::components::budget::BudgetBar;
use crate::components::form::{action_error, FormError};
use crate::components::loading::Load;
use crate::ids::param;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ClientDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let archive = ServerAction::<ArchiveClient>::new();
    let restore = ServerAction::<RestoreClient>::new();
    let rounding = ServerAction::<SetClientBillingRounding>::new();
    let rates = RatesData::for_page();
    let timeline = TimelineData::for_page();
    // One call for the whole page (the client and every panel), reloaded after any change to it.
    let overview = Resource::new(
        move || {
            let actions = archive.version().get() + restore.version().get() + rounding.version().get();
            (id(), actions, rates.version(), timeline.version())
        },
        |(id, ..)| async move { get_client_overview(param(&id)?).await },
    );
    view! {
        <Title text="Client" />
        <section class="page">
            <Load resource=overview let:overview>
                <ClientView overview archive restore rounding rates timeline />
            </Load>
        </section>
    }
}

#[component]
fn ClientView(
    overview: ClientOverview,
    archive: ServerAction<ArchiveClient>,
    restore: ServerAction<RestoreClient>,
    rounding: ServerAction<SetClientBillingRounding>,
    rates: RatesData,
    timeline: TimelineData,
) -> impl IntoView {
    let ClientOverview { page, projects, rates: member_rates, timeline: entries, budget, member_budgets } = overview;
    let has_budgets = budget.is_some() || !member_budgets.is_empty();
    let member_bars =
        member_budgets.into_iter().map(|m| view! { <BudgetBar label=m.name usage=m.usage /> }).collect_view();
    let client = page.client.clone();
    let id = client.id.to_string();
    let archived = client.archived_at.is_some();
    let archive_error = action_error(archive);
    let restore_error = action_error(restore);
    let client_id = client.id;
    let detail = |label: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <div><dt>{label}</dt><dd class="pre">{value}</dd></div> })
    };
    let contacts = client
        .contacts
        .iter()
        .map(|c| {
            let email = c.email.clone();
            view! {
                <li>
                    <strong>{c.name.clone()}</strong>
                    {(!c.role.is_empty()).then(|| format!(" · {}", c.role))}
                    {(!email.is_empty()).then(|| view! { " · " <a href=format!("mailto:{email}")>{email.clone()}</a> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=client.name.clone() />
        <div class="page-head">
            <div>
                <p class="eyebrow"><A href="/clients">"Clients"</A></p>
                <h1>{client.name.clone()}{archived.then(|| view! { " " <span class="badge muted">"Archived"</span> })}</h1>
                {(!client.company.is_empty()).then(|| view! { <p class="lead">{client.company.clone()}</p> })}
            </div>
            <div class="actions">
                {page.can_edit.then(|| { let href = format!("/clients/{id}/edit"); view! { <A href=href attr:class="button">"Edit"</A> } })}
                {(page.can_archive && !archived).then(|| { let id = id.clone(); view! {
                    <ActionForm action=archive>
                        <input type="hidden" name="id" value=id />
                        <button type="submit">"Archive"</button>
                    </ActionForm>
                }})}
                {(page.can_archive && archived).then(|| { let id = id.clone(); view! {
                    <ActionForm action=restore>
                        <input type="hidden" name="id" value=id />
                        <button type="submit">"Restore"</button>
                    </ActionForm>
                }})}
            </div>
        </div>
        <FormError error=archive_error />
        <FormError error=restore_error />
        {archived.then(|| view! {
            <p class="notice" role="status">"This client is archived: hidden from lists, with its history kept. Restore it to work with it again."</p>
        })}
        <div class="grid">
            <section class="card" aria-labelledby="details-heading">
                <h2 id="details-heading">"Details"</h2>
                <dl class="details">
                    {detail("Address", client.address.clone())}
                    {detail("Country", client.country_code.clone().unwrap_or_default())}
                    {detail("Company no.", client.company_number.clone())}
                    {detail("VAT no.", client.vat_number.clone())}
                    {detail("Default rate", client.default_rate.map(|r| r.format()).unwrap_or_default())}
                    {detail("Budget", client.budget.map(|b| b.format()).unwrap_or_default())}
                    {detail("Notes", client.notes.clone())}
                </dl>
                <h3>"Contacts"</h3>
                {client.contacts.is_empty().then(|| view! { <p class="hint">"No contacts yet."</p> })}
                <ul class="contact-list">{contacts}</ul>
            </section>
            <section class="card" aria-labelledby="projects-heading">
                <h2 id="projects-heading">"Projects"</h2>
                {if projects.is_empty() {
                    view! { <p class="hint">"No projects yet."</p> }.into_any()
                } else {
                    let items = projects
                        .into_iter()
                        .map(|p| view! { <li><a href=format!("/projects/{}", p.id)>{p.name}</a>" · "{p.status.label()}</li> })
                        .collect_view();
                    view! { <ul class="plain-list">{items}</ul> }.into_any()
                }}
                {(!archived).then(|| view! { <A href=format!("/projects/new?client={client_id}")>"New project"</A> })}
            </section>
        </div>
        {has_budgets.then(|| view! {
            <section class="card" aria-labelledby="budgets-heading">
                <h2 id="budgets-heading">"Budgets"</h2>
                <p class="hint">"The value of the time logged (hours × each entry's rate) against each budget."</p>
                {budget.map(|usage| view! { <BudgetBar label="Client budget".to_owned() usage /> })}
                {member_bars}
            </section>
        })}
        <MemberRatesCard client_id=client.id rates=member_rates data=rates />
        <ClientRoundingCard client_id=client.id rule=client.billing_rounding can_manage=page.can_manage_rates action=rounding />
        <TimelineCard client_id=client.id can_note=page.can_edit entries data=timeline />
    }
    .into_any()
}

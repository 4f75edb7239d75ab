//! `/clients/new` and `/clients/:id/edit`: the client form, with contact rows added and removed in
//! the browser (and one spare row for adding without JavaScript).

use crate::clients::form::ContactForm;
use crate::clients::{get_client, Client, CreateClient, UpdateClient};
use crate::components::form::{
    action_error, field_error, validate_before_posting, FieldError, FormError, SubmitButton, TextField,
};
use crate::components::gate::Require;
use crate::components::layout::use_shell_session;
use crate::components::loading::LoadFailed;
use crate::components::money::{money_errors, MoneyFields};
use crate::error::AppError;
use crate::ids::{param, ClientId};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[derive(Clone, Copy)]
struct ContactRow {
    key: u32,
    value: RwSignal<ContactForm>,
}

/// The fields shared by the new and edit forms; `form[...]` names match `ClientForm`.
#[component]
fn ClientFields(
    initial: Option<Client>,
    can_price: bool,
    base_currency: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let client = initial.clone().unwrap_or_else(|| Client {
        // Not saved yet: the form never posts it.
        id: ClientId(uuid::Uuid::nil()),
        name: String::new(),
        company: String::new(),
        address: String::new(),
        company_number: String::new(),
        vat_number: String::new(),
        country_code: None,
        notes: String::new(),
        contacts: Vec::new(),
        default_rate: None,
        budget: None,
        archived_at: None,
        created_at: Default::default(),
        billing_rounding: None,
    });
    let mut contacts: Vec<ContactForm> = client
        .contacts
        .iter()
        .map(|c| ContactForm { name: c.name.clone(), email: c.email.clone(), role: c.role.clone() })
        .collect();
    contacts.push(ContactForm::default());
    let next_key = StoredValue::new(contacts.len() as u32);
    let rows = RwSignal::new(
        contacts
            .into_iter()
            .enumerate()
            .map(|(i, c)| ContactRow { key: i as u32, value: RwSignal::new(c) })
            .collect::<Vec<_>>(),
    );
    let add_contact = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(ContactRow { key, value: RwSignal::new(ContactForm::default()) }));
    };
    let fe = move |key: &'static str| field_error(error, key);
    let rate_errors = money_errors(error, "rate");
    let budget_errors = money_errors(error, "budget");
    view! {
        <TextField id="client-name" name="form[name]" label="Name" required=true maxlength=200 value=client.name.clone() error=fe("name") />
        <TextField id="client-company" name="form[company]" label="Company" maxlength=200 value=client.company.clone() error=fe("company") />
        <div class="field">
            <label for="client-address">"Address"</label>
            <textarea id="client-address" name="form[address]" rows="3" maxlength="1000">{client.address.clone()}</textarea>
            <FieldError id="client-address-error".to_owned() message=fe("address") />
        </div>
        <TextField id="client-country" name="form[country]" label="Country code" maxlength=2
            hint="Two letters, like DE or FR. E-invoices need it."
            value=client.country_code.clone().unwrap_or_default() error=fe("country") />
        <div class="two-columns">
            <TextField id="client-company-number" name="form[company_number]" label="Company no." maxlength=50 value=client.company_number.clone() error=fe("company_number") />
            <TextField id="client-vat" name="form[vat_number]" label="VAT no." maxlength=50 value=client.vat_number.clone() error=fe("vat_number") />
        </div>
        <fieldset class="contacts">
            <legend>"Contacts"</legend>
            <For
                each={move || rows.get().into_iter().enumerate().collect::<Vec<_>>()}
                key=|(index, row)| (row.key, *index)
                children=move |(index, row)| {
                    let n = index + 1;
                    let name = |field: &str| format!("form[contacts][{index}][{field}]");
                    let id = |field: &str| format!("contact-{}-{field}", row.key);
                    let err = move |field: &'static str| {
                        Signal::derive(move || error.get().and_then(|e| e.field_message(&format!("contacts.{index}.{field}"))))
                    };
                    let remove = move |_| rows.update(|r| r.retain(|x| x.key != row.key));
                    // `value=` puts the saved contact into the server's HTML (a save before the wasm
                    // loads, or without JavaScript, must not erase it); `prop:value` follows edits.
                    view! {
                        <div class="contact-row">
                            <div class="field">
                                <label for=id("name")>{format!("Contact {n} name")}</label>
                                <input id=id("name") name=name("name") value=row.value.get_untracked().name
                                    prop:value=move || row.value.get().name
                                    on:input=move |ev| row.value.update(|c| c.name = event_target_value(&ev)) />
                                <FieldError id=format!("{}-error", id("name")) message=err("name") />
                            </div>
                            <div class="field">
                                <label for=id("email")>{format!("Contact {n} email")}</label>
                                <input id=id("email") type="email" name=name("email") value=row.value.get_untracked().email
                                    prop:value=move || row.value.get().email
                                    on:input=move |ev| row.value.update(|c| c.email = event_target_value(&ev)) />
                                <FieldError id=format!("{}-error", id("email")) message=err("email") />
                            </div>
                            <div class="field">
                                <label for=id("role")>{format!("Contact {n} role")}</label>
                                <input id=id("role") name=name("role") value=row.value.get_untracked().role
                                    prop:value=move || row.value.get().role
                                    on:input=move |ev| row.value.update(|c| c.role = event_target_value(&ev)) />
                            </div>
                            <button type="button" class="link" on:click=remove>{format!("Remove contact {n}")}</button>
                        </div>
                    }
                }
            />
            <button type="button" on:click=add_contact>"Add contact"</button>
        </fieldset>
        {can_price.then(|| view! {
            <MoneyFields
                id="client-rate"
                legend="Default rate"
                name_prefix="form[rate_"
                name_suffix="]"
                initial=client.default_rate.map(|r| r.amount)
                initial_unit=client.default_rate.map(|r| r.unit)
                with_unit=true
                default_currency=base_currency.clone()
                hint="Flows down to projects and time entries unless they set their own. Leave the amount empty for none."
                errors=rate_errors
            />
            <MoneyFields
                id="client-budget"
                legend="Budget"
                name_prefix="form[budget_"
                name_suffix="]"
                initial=client.budget
                default_currency=base_currency.clone()
                errors=budget_errors
            />
        })}
        <div class="field">
            <label for="client-notes">"Notes"</label>
            <textarea id="client-notes" name="form[notes]" rows="4" maxlength="10000">{client.notes.clone()}</textarea>
            <FieldError id="client-notes-error".to_owned() message=fe("notes") />
        </div>
        <FormError error />
    }
    .into_any()
}

/// Whether the member may set prices, and the business's currency (the default for new prices).
fn pricing_context() -> impl Fn() -> Option<(bool, String)> + Copy {
    let session = use_shell_session();
    move || {
        let info = session?.0.get()?.ok()??;
        let currency = info.active_business.as_ref().map(|b| b.currency.clone()).unwrap_or_else(|| "EUR".to_owned());
        Some((info.can(Permission::ClientsManageRates), currency))
    }
}

#[component]
pub fn NewClientPage() -> impl IntoView {
    let action = ServerAction::<CreateClient>::new();
    let error = action_error(action);
    let pricing = pricing_context();
    view! {
        <Title text="New client" />
        <Require any_of=&[Permission::ClientsCreate]>
            <section class="page narrow">
                <h1>"New client"</h1>
                <Suspense fallback=|| ()>
                    {move || {
                        pricing().map(|(can_price, currency)| view! {
                            <ActionForm action on:submit:capture=validate_before_posting(action, |a: &CreateClient| a.form.validate().map(|_| ()))>
                                <ClientFields initial=None can_price base_currency=currency error />
                                <SubmitButton label="Create client" busy_label="Creating…" pending=action.pending() />
                            </ActionForm>
                        })
                    }}
                </Suspense>
            </section>
        </Require>
    }
}

#[component]
pub fn EditClientPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let client = Resource::new(id, |id| async move { get_client(param(&id)?).await });
    let action = ServerAction::<UpdateClient>::new();
    let error = action_error(action);
    let pricing = pricing_context();
    view! {
        <Title text="Edit client" />
        <section class="page narrow">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match (client.await, pricing()) {
                        (Ok(page), Some((_, currency))) => {
                            let id = page.client.id.to_string();
                            view! {
                                <h1>{format!("Edit {}", page.client.name)}</h1>
                                <ActionForm action on:submit:capture=validate_before_posting(action, |a: &UpdateClient| a.form.validate().map(|_| ()))>
                                    <input type="hidden" name="id" value=id />
                                    <ClientFields initial=Some(page.client) can_price=page.can_manage_rates base_currency=currency error />
                                    <SubmitButton label="Save client" busy_label="Saving…" pending=action.pending() />
                                </ActionForm>
                            }
                            .into_any()
                        }
                        (Err(error), _) => view! { <LoadFailed error /> }.into_any(),
                        _ => ().into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

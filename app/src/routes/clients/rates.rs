//! Per-member rates for a client: who bills what, what they cost (for those who may see profit),
//! and their budget.

use crate::clients::{MemberRates, RemoveMemberRate, SetMemberRate};
use crate::components::form::{action_error, field_error, FormError, SelectField, SubmitButton};
use crate::components::money::{money_errors, MoneyFields};
use crate::ids::ClientId;
use leptos::prelude::*;

/// The card's actions. The page creates them, so it reloads its data when either succeeds.
#[derive(Clone, Copy)]
pub struct RatesData {
    set: ServerAction<SetMemberRate>,
    remove: ServerAction<RemoveMemberRate>,
}

impl RatesData {
    pub fn for_page() -> Self {
        Self { set: ServerAction::new(), remove: ServerAction::new() }
    }

    /// Changes whenever one of the card's actions completes.
    pub fn version(&self) -> usize {
        self.set.version().get() + self.remove.version().get()
    }
}

#[component]
pub fn MemberRatesCard(client_id: ClientId, rates: MemberRates, data: RatesData) -> impl IntoView {
    let RatesData { set, remove } = data;
    let error = action_error(set);
    let remove_error = action_error(remove);
    let body = {
        let data = rates;
        let currency = data.currency.clone();
        let list = data
            .rates
            .iter()
            .map(|r| {
                let mut parts = Vec::new();
                if let Some(bill) = r.bill_rate {
                    parts.push(format!("Bills at {}", bill.format()));
                }
                if let Some(cost) = r.cost {
                    parts.push(format!("costs {}", cost.format()));
                }
                if let Some(budget) = r.budget {
                    parts.push(format!("budget {}", budget.format()));
                }
                let user = r.user_id.to_string();
                let name = r.name.clone();
                view! {
                    <li>
                        <strong>{r.name.clone()}</strong>" · "{parts.join(" · ")}
                        {data.can_manage.then(|| view! {
                            <ActionForm action=remove attr:class="inline">
                                <input type="hidden" name="client_id" value=client_id.to_string() />
                                <input type="hidden" name="user_id" value=user.clone() />
                                <button type="submit" class="link">{format!("Remove rate for {name}")}</button>
                            </ActionForm>
                        })}
                    </li>
                }
            })
            .collect_view();
        let members: Vec<(String, String)> =
            data.team.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
        let fe = move |key: &'static str| field_error(error, key);
        view! {
            {data.rates.is_empty().then(|| view! { <p class="hint">"No member has a rate for this client yet."</p> })}
            <ul class="rates">{list}</ul>
            <FormError error=remove_error />
            {data.can_manage.then(|| view! {
                <details class="rate-form">
                    <summary>"Set a member's rate"</summary>
                    <ActionForm action=set>
                        <input type="hidden" name="rate[client_id]" value=client_id.to_string() />
                        <SelectField id="rate-member" name="rate[user_id]" label="Team member" options=members error=fe("user_id") />
                        <MoneyFields id="member-bill" legend="Bill rate" name_prefix="rate[bill_" name_suffix="]" with_unit=true
                            default_currency=currency.clone() errors=money_errors(error, "bill") />
                        {data.can_see_costs.then(|| view! {
                            <MoneyFields id="member-cost" legend="Internal cost" name_prefix="rate[cost_" name_suffix="]" with_unit=true
                                default_currency=currency.clone() hint="Only people who may see profit see or change this."
                                errors=money_errors(error, "cost") />
                        })}
                        <MoneyFields id="member-budget" legend="Member budget" name_prefix="rate[budget_" name_suffix="]"
                            default_currency=currency.clone() errors=money_errors(error, "budget") />
                        <FormError error />
                        <SubmitButton label="Save rate" busy_label="Saving…" pending=set.pending() />
                    </ActionForm>
                </details>
            })}
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="rates-heading">
            <h2 id="rates-heading">"Team rates"</h2>
            {body}
        </section>
    }
    .into_any()
}

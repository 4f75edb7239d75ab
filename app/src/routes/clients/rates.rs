//! Per-member rates for a client: who bills what, what they cost (for those who may see profit),
//! and their budget.

use crate::clients::{list_member_rates, MemberRates, RemoveMemberRate, SetMemberRate};
use crate::components::form::{action_error, field_error, FormError, SelectField, SubmitButton};
use crate::components::layout::use_shell_session;
use crate::components::money::{money_errors, MoneyFields};
use crate::error::AppResult;
use crate::ids::param;
use crate::ids::ClientId;
use leptos::prelude::*;

/// The card's data and actions. The page creates them before the client has loaded, so the rates
/// load alongside it, and once (resources created inside a loaded page are created again when the
/// page renders on the server).
#[derive(Clone, Copy)]
pub struct RatesData {
    set: ServerAction<SetMemberRate>,
    remove: ServerAction<RemoveMemberRate>,
    rates: Resource<AppResult<MemberRates>>,
}

impl RatesData {
    pub fn new(client_id: impl Fn() -> String + Send + Sync + 'static) -> Self {
        let set = ServerAction::<SetMemberRate>::new();
        let remove = ServerAction::<RemoveMemberRate>::new();
        let rates = Resource::new(
            move || (client_id(), set.version().get(), remove.version().get()),
            |(id, ..)| async move { list_member_rates(param(&id)?).await },
        );
        Self { set, remove, rates }
    }
}

#[component]
pub fn MemberRatesCard(client_id: ClientId, data: RatesData) -> impl IntoView {
    let RatesData { set, remove, rates } = data;
    let error = action_error(set);
    let remove_error = action_error(remove);
    let session = use_shell_session();
    view! {
        <section class="card" aria-labelledby="rates-heading">
            <h2 id="rates-heading">"Team rates"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(data) = rates.await else { return ().into_any() };
                    let currency = match session {
                        Some(s) => s.0.await.ok().flatten().and_then(|i| i.active_business).map(|b| b.currency),
                        None => None,
                    }
                    .unwrap_or_else(|| "EUR".to_owned());
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
                    let members: Vec<(String, String)> = data.team.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
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
                })}
            </Transition>
        </section>
    }
    .into_any()
}

//! `/system-admin`: the instance's figures and every business, with suspend and unsuspend. Only
//! platform admins (`server grant-admin EMAIL`) see it; for anyone else it does not exist (404).

use crate::admin::{
    get_system_overview, human_bytes, SuspendBusiness, SystemOverview, UnsuspendBusiness, REASON_MAX_CHARS,
};
use crate::components::form::{action_error, FormError};
use crate::components::loading::Load;
use crate::components::table::{Column, DataTable};
use leptos::prelude::*;
use leptos_meta::Title;

const COLUMNS: &[Column] = &[
    Column::shown("Business"),
    Column::shown("Created"),
    Column::shown("Members"),
    Column::shown("Invoices"),
    Column::shown("Status"),
    Column::hidden("Actions"),
];

#[component]
pub fn SystemAdminPage() -> impl IntoView {
    let suspend = ServerAction::<SuspendBusiness>::new();
    let unsuspend = ServerAction::<UnsuspendBusiness>::new();
    let overview =
        Resource::new(move || (suspend.version().get(), unsuspend.version().get()), |_| get_system_overview());
    view! {
        <Title text="System admin" />
        <section class="page standalone">
            <p><a href="/">"← Back to Clerq"</a></p>
            // The heading comes with the data: for anyone else the page is the 404 page.
            <Load resource=overview let:overview>
                <Overview overview suspend unsuspend />
            </Load>
        </section>
    }
}

#[component]
fn Overview(
    overview: SystemOverview,
    suspend: ServerAction<SuspendBusiness>,
    unsuspend: ServerAction<UnsuspendBusiness>,
) -> impl IntoView {
    let suspend_error = action_error(suspend);
    let unsuspend_error = action_error(unsuspend);
    let rows = overview
        .list
        .into_iter()
        .map(|b| {
            let id = b.id.to_string();
            let reason_id = format!("reason-{id}");
            let status = match &b.suspended {
                Some(reason) => format!("Suspended: {reason}"),
                None => "Active".to_owned(),
            };
            let (unsuspend_label, suspend_summary, suspend_label) =
                (format!("Unsuspend {}", b.name), format!("Suspend {}…", b.name), format!("Suspend {}", b.name));
            let action = if b.suspended.is_some() {
                view! {
                    <ActionForm action=unsuspend>
                        <input type="hidden" name="business_id" value=id.clone() />
                        <button type="submit">{unsuspend_label}</button>
                    </ActionForm>
                }
                .into_any()
            } else {
                view! {
                    <details class="confirm">
                        <summary class="button danger">{suspend_summary}</summary>
                        <ActionForm action=suspend>
                            <input type="hidden" name="business_id" value=id.clone() />
                            <div class="field">
                                <label for=reason_id.clone()>"Reason (shown to its members)"</label>
                                <input id=reason_id name="reason" required=true maxlength=REASON_MAX_CHARS />
                            </div>
                            <p>"Its members can still see everything but change nothing; exports and MCP connections are refused until you unsuspend it."</p>
                            <button type="submit" class="danger">{suspend_label}</button>
                        </ActionForm>
                    </details>
                }
                .into_any()
            };
            view! {
                <tr>
                    <td>{b.name.clone()}</td>
                    <td>{b.created_at.format("%Y-%m-%d").to_string()}</td>
                    <td>{b.members}</td>
                    <td>{b.invoices}</td>
                    <td>{status}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1>"System admin"</h1>
        <dl class="facts">
            <dt>"Businesses"</dt><dd>{overview.businesses}</dd>
            <dt>"Accounts"</dt><dd>{overview.accounts}</dd>
            <dt>"Invoices"</dt><dd>{overview.invoices}</dd>
            <dt>"Database size"</dt><dd>{human_bytes(overview.database_bytes)}</dd>
        </dl>
        <FormError error=suspend_error />
        <FormError error=unsuspend_error />
        <h2>"Businesses"</h2>
        <DataTable columns=COLUMNS>{rows}</DataTable>
    }
}

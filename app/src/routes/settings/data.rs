//! `/settings/data`: getting data in (and, later, out).

use crate::components::gate::{IfCan, Require};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn DataSettingsPage() -> impl IntoView {
    view! {
        <Title text="Data" />
        <Require any_of=&[Permission::ClientsCreate, Permission::DataExport]>
        <div class="card narrow">
            <h2>"Import clients"</h2>
            <p>"Bring your client list from a spreadsheet or another tool as a CSV file. Clients whose name already exists are skipped, so running the same import twice is safe."</p>
            <IfCan permission=Permission::ClientsCreate>
                <A href="/settings/import" attr:class="button primary">"Import clients from CSV"</A>
            </IfCan>
        </div>
        </Require>
    }
}

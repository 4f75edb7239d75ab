//! `/settings/data`: getting data in, and all of it out.

use crate::components::gate::{IfCan, Require};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn DataSettingsPage() -> impl IntoView {
    view! {
        <Title text="Data" />
        <Require any_of=&[Permission::ClientsCreate, Permission::DataExport, Permission::ExpensesView]>
        <div class="card narrow">
            <h2>"Import clients"</h2>
            <p>"Bring your client list from a spreadsheet or another tool as a CSV file. Clients whose name already exists are skipped, so running the same import twice is safe."</p>
            <IfCan permission=Permission::ClientsCreate>
                <A href="/settings/import" attr:class="button primary">"Import clients from CSV"</A>
            </IfCan>
        </div>
        <IfCan permission=Permission::DataExport>
            <div class="card narrow">
                <h2>"Export all data"</h2>
                <p>"Everything this business holds in one JSON file: the business and its team, roles and invitations, clients and their rates, projects, tasks, time, invoices with their lines and numbering, expenses with their receipts, the activity timeline and the logo (files as base64). Passwords, sessions and app tokens are never included."</p>
                // A download: a plain link the router leaves to the browser.
                <a href="/api/export" class="button primary" download="" rel="external">"Download all data (JSON)"</a>
            </div>
        </IfCan>
        <IfCan permission=Permission::ExpensesView>
            <div class="card narrow">
                <h2>"Receipts"</h2>
                <p>"Every receipt of the expenses dated in a range, as one ZIP file named by date, vendor and amount: ready for your accountant. Leave a date empty for no limit."</p>
                // A download: a plain form, so the router leaves it to the browser.
                <form method="get" action="/api/expenses/receipts" class="filters">
                    <div class="field">
                        <label for="receipts-from">"From"</label>
                        <input id="receipts-from" type="date" name="from" />
                    </div>
                    <div class="field">
                        <label for="receipts-to">"To"</label>
                        <input id="receipts-to" type="date" name="to" />
                    </div>
                    <button type="submit" class="primary">"Download receipts (ZIP)"</button>
                </form>
            </div>
        </IfCan>
        </Require>
    }
}

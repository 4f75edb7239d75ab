//! `/invoices/:id`: the invoice as it will read, its editors while it is a draft, and the actions
//! its status allows.

use super::actions::LifecycleActions;
use super::credit::{CreditForm, CreditNotesCard};
use super::editor::{
    AddExpensesForm, AddLineForm, DetailsEditor, GenerateLinesForm, LineErrors, LinesTable, NotesEditor,
};
use super::StatusBadge;
use crate::components::loading::Load;
use crate::ids::param;
use crate::invoices::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// Every action the page can run; the invoice reloads after any of them.
#[derive(Clone, Copy)]
pub struct InvoiceActions {
    pub details: ServerAction<UpdateInvoiceDetails>,
    pub notes: ServerAction<SetInvoiceNotes>,
    pub add_line: ServerAction<AddInvoiceLine>,
    pub update_line: ServerAction<UpdateInvoiceLine>,
    pub delete_line: ServerAction<DeleteInvoiceLine>,
    pub move_line: ServerAction<MoveInvoiceLine>,
    pub generate: ServerAction<GenerateInvoiceLines>,
    pub add_expenses: ServerAction<AddInvoiceExpenses>,
    pub issue: ServerAction<IssueInvoice>,
    pub mark_paid: ServerAction<MarkInvoicePaid>,
    pub void: ServerAction<VoidInvoice>,
    pub credit: ServerAction<CreditInvoice>,
    pub duplicate: ServerAction<DuplicateInvoice>,
    pub delete: ServerAction<DeleteInvoice>,
    /// The line whose edit form was submitted last.
    pub editing_line: RwSignal<Option<crate::ids::InvoiceLineId>>,
}

impl InvoiceActions {
    fn new() -> Self {
        Self {
            details: ServerAction::new(),
            notes: ServerAction::new(),
            add_line: ServerAction::new(),
            update_line: ServerAction::new(),
            delete_line: ServerAction::new(),
            move_line: ServerAction::new(),
            generate: ServerAction::new(),
            add_expenses: ServerAction::new(),
            issue: ServerAction::new(),
            mark_paid: ServerAction::new(),
            void: ServerAction::new(),
            credit: ServerAction::new(),
            duplicate: ServerAction::new(),
            delete: ServerAction::new(),
            editing_line: RwSignal::new(None),
        }
    }

    /// Changes whenever an action finishes (successfully or not).
    fn version(&self) -> usize {
        [
            self.details.version().get(),
            self.notes.version().get(),
            self.add_line.version().get(),
            self.update_line.version().get(),
            self.delete_line.version().get(),
            self.move_line.version().get(),
            self.generate.version().get(),
            self.add_expenses.version().get(),
            self.issue.version().get(),
            self.mark_paid.version().get(),
            self.void.version().get(),
            self.credit.version().get(),
        ]
        .iter()
        .sum()
    }
}

#[component]
pub fn InvoiceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let actions = InvoiceActions::new();
    let invoice =
        Resource::new(move || (id(), actions.version()), |(id, _)| async move { get_invoice(param(&id)?).await });
    view! {
        <Title text="Invoice" />
        <section class="page">
            <Load resource=invoice let:page>
                <InvoiceView page actions />
            </Load>
        </section>
    }
}

#[component]
fn InvoiceView(page: InvoicePage, actions: InvoiceActions) -> impl IntoView {
    let invoice = page.invoice.clone();
    let editable = page.can_edit;
    let detail = |label: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <div><dt>{label}</dt><dd class="pre">{value}</dd></div> })
    };
    let client_name = invoice.client_name.clone();
    let balance_due = invoice.balance_due_minor();
    let credited = invoice.credited().label();
    view! {
        <Title text=invoice.title() />
        <div class="page-head">
            <div>
                <p class="eyebrow"><A href="/invoices">"Invoices"</A></p>
                <h1>
                    {invoice.title()}" "<StatusBadge shown=invoice.shown />
                    {credited.map(|label| view! { " "<span class="badge status-credited">{label}</span> })}
                </h1>
                <p class="lead">"Balance due: "<strong>{invoice.money(balance_due).format()}</strong></p>
            </div>
            <LifecycleActions page=page.clone() actions />
        </div>
        {invoice.void_reason.clone().map(|reason| view! {
            <p class="notice" role="status">"This invoice is void: "{reason}</p>
        })}
        <div class="grid">
            <section class="card" aria-labelledby="billed-heading">
                <h2 id="billed-heading">"Billed to"</h2>
                <dl class="details">
                    <div><dt>"Client"</dt><dd><A href=format!("/clients/{}", invoice.client_id)>{client_name}</A></dd></div>
                    {invoice.project_name.clone().map(|name| view! { <div><dt>"Project"</dt><dd>{name}</dd></div> })}
                    {detail("Issued", invoice.issue_date.to_string())}
                    {detail("Due", invoice.due_date.to_string())}
                    {detail("Billing period", invoice.period.map(|(s, e)| format!("{s} to {e}")).unwrap_or_default())}
                    {detail("Paid on", invoice.paid_on.map(|d| d.to_string()).unwrap_or_default())}
                    {detail("Currency", invoice.currency.to_string())}
                    {detail("VAT", format!("{} {}", invoice.tax_treatment.label(), if invoice.tax_treatment == TaxTreatment::Standard { format!("({}%)", invoice.tax_rate_percent) } else { String::new() }))}
                </dl>
            </section>
            {(!editable).then(|| view! {
                <section class="card" aria-labelledby="notes-heading">
                    <h2 id="notes-heading">"Notes"</h2>
                    <p class="pre">{if invoice.notes.is_empty() { "No notes.".to_owned() } else { invoice.notes.clone() }}</p>
                </section>
            })}
        </div>
        {editable.then(|| view! { <DetailsEditor page=page.clone() actions /> })}
        <section class="card" aria-labelledby="lines-heading">
            <h2 id="lines-heading">"Lines"</h2>
            {editable.then(|| view! { <LineErrors actions /> })}
            <LinesTable invoice=invoice.clone() editable actions />
        </section>
        {editable.then(|| view! {
            <GenerateLinesForm page=page.clone() actions />
            <AddExpensesForm page=page.clone() actions />
            <AddLineForm invoice=invoice.clone() actions />
            <NotesEditor invoice=invoice.clone() actions />
        })}
        {(!invoice.credit_notes.is_empty()).then(|| view! { <CreditNotesCard invoice=invoice.clone() /> })}
        {page.can_credit.then(|| view! { <CreditForm page=page.clone() actions /> })}
        <super::pdf::PdfCard page />
    }
}

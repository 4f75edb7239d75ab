//! Invoices (16), the PDF link and the e-invoice XML: drafts, lines, generation from time, the
//! lifecycle.

use crate::mcp::catalog::{output, tool, ToolDef};
use app::error::AppError;
use app::ids::{CreditNoteId, InvoiceId, InvoiceLineId};
use app::invoices::forms::{AddExpensesForm, DraftForm, GenerateForm, LineForm};
use app::invoices::{
    AddInvoiceExpenses, AddInvoiceLine, CreateInvoice, CreditInvoice, DeleteInvoice, DeleteInvoiceLine,
    DuplicateInvoice, GenerateInvoiceLines, GetInvoice, IssueInvoice, ListInvoices, MarkInvoicePaid, SetInvoiceNotes,
    UpdateInvoiceDetails, UpdateInvoiceLine, VoidInvoice,
};
use app::server::einvoice::Syntax;
use app::server::{invoices, BusinessCtx};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

pub fn tools() -> Vec<ToolDef> {
    vec![
        tool!(list_invoices, ListArgs, Reads, ListInvoices, "List invoices",
            "Invoices newest first, 50 per page, with number, client, status (draft, issued, paid, overdue, void), dates and total (minor units), plus totals per currency over every match. Filter by status and a search text (number or client)."),
        tool!(get_invoice, InvoiceRef, Reads, GetInvoice, "Get an invoice",
            "One invoice with its lines, VAT breakdown and totals (money in integer minor units), status, dates, client and notes."),
        tool!(create_draft_invoice, DraftArgs, Writes, CreateInvoice, "Create a draft invoice",
            "Create an empty draft for a client. tax_treatment: standard (the business's VAT rate), zero_rated or reverse_charge. Dates YYYY-MM-DD; issue_date defaults to today and due_date to the payment terms. Returns the draft's id; add lines with add_invoice_line or generate_invoice_from_time."),
        tool!(generate_invoice_from_time, GenerateArgs, Writes, GenerateInvoiceLines, "Generate lines from time",
            "Turn the client's unbilled, billable time into lines on a draft, grouped by person_rate (default), task or single. Limit by project and dates (YYYY-MM-DD). Time in another currency is converted at the ECB rate of the issue date unless you give fx_currency and fx_rate (invoice-currency units per one unit, a decimal string). The entries are linked to the draft and released if it is deleted."),
        tool!(add_invoice_expenses, AddExpensesArgs, Writes, AddInvoiceExpenses, "Add billable expenses",
            "Add the client's unbilled billable expenses to a draft, one fixed line each (of the invoice's project only, when it has one). Expenses in another currency are converted at the ECB rate of the issue date unless you give fx_currency and fx_rate (invoice-currency units per one unit, a decimal string). The expenses are linked to the draft and released if their line or the draft is deleted or the invoice voided. Returns how many were added."),
        tool!(add_invoice_line, LineArgs, Writes, AddInvoiceLine, "Add a line",
            "Add a fixed line to a draft: a description and an amount as a decimal string in the invoice's currency, major units (\"250.00\")."),
        tool!(update_invoice_line, LineUpdate, Writes, UpdateInvoiceLine, "Change a line",
            "Change a draft line's description and amount (decimal string, major units)."),
        tool!(delete_invoice_line, LineRef, Destroys, DeleteInvoiceLine, "Delete a line",
            "Delete a line from a draft; time entries it billed become unbilled again."),
        tool!(set_invoice_details, DetailsArgs, Writes, UpdateInvoiceDetails, "Change a draft's details",
            "Replace a draft's client, project, currency, dates, VAT treatment and service period (send them all; get_invoice shows the current ones)."),
        tool!(set_invoice_notes, NotesArgs, Writes, SetInvoiceNotes, "Set invoice notes",
            "Set the notes printed on the invoice (payment instructions, thanks); empty clears them."),
        tool!(issue_invoice, InvoiceRef, Writes, IssueInvoice, "Issue an invoice",
            "Issue a draft: it gets the next gap-free number (INV-YYYY-NNNN) and can no longer be edited. Returns the number."),
        tool!(mark_invoice_paid, PaidArgs, Writes, MarkInvoicePaid, "Mark an invoice paid",
            "Record that an issued invoice was paid, on paid_on (YYYY-MM-DD, default today)."),
        tool!(void_invoice, VoidArgs, Destroys, VoidInvoice, "Void an invoice",
            "Void an issued invoice with a reason. Its number stays used (numbering has no gaps) and its time entries are released."),
        tool!(credit_invoice, CreditArgs, Writes, CreditInvoice, "Credit an invoice",
            "Correct an issued or paid invoice with a credit note from its own gap-free sequence (CN-YYYY-NNNN); the invoice itself never changes. Give a reason and, for each line to credit, its line_id and an amount as a decimal string in the invoice's currency, major units (at most what is left on the line: get_invoice shows each line's credited_minor). Leave lines out to credit everything still left. The VAT follows the invoice's. Returns the credit note's number."),
        tool!(duplicate_invoice, InvoiceRef, Writes, DuplicateInvoice, "Duplicate an invoice",
            "Copy an invoice's details and fixed lines into a new draft (time lines are not copied). Returns the new draft's id."),
        tool!(delete_draft_invoice, InvoiceRef, Destroys, DeleteInvoice, "Delete a draft",
            "Delete a draft invoice (issued invoices are voided instead); its time entries become unbilled again."),
        tool!(get_invoice_pdf_link, InvoiceRef, Reads, GetInvoice, "Link to the PDF",
            "A signed link to the invoice's PDF that anyone can open for 15 minutes, with its expiry time (UTC)."),
        tool!(get_einvoice, EInvoiceArgs, Reads, GetInvoice, "E-invoice XML",
            "The EN 16931 e-invoice of an issued invoice (invoice_id) or of a credit note (credit_note_id) as XML, with its file name: syntax \"cii\" (UN/CEFACT CII, the XML a Factur-X PDF carries; the default) or \"ubl\" (UBL 2.1). Refused with what to add first when the business's or the client's country or VAT number is missing."),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// draft, issued, paid, overdue or void; empty for all.
    #[serde(default)]
    pub status: String,
    /// Matches the number or the client.
    #[serde(default)]
    pub search: String,
    /// 1-based page of 50.
    #[serde(default)]
    pub page: u32,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRef {
    pub invoice_id: Uuid,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftArgs {
    pub client_id: Uuid,
    pub project_id: Option<Uuid>,
    /// ISO code, e.g. "EUR".
    pub currency: String,
    /// standard, zero_rated or reverse_charge.
    pub tax_treatment: String,
    /// YYYY-MM-DD; default today.
    #[serde(default)]
    pub issue_date: String,
    /// YYYY-MM-DD; default issue date + payment terms.
    #[serde(default)]
    pub due_date: String,
    /// Service period start, YYYY-MM-DD.
    #[serde(default)]
    pub period_start: String,
    #[serde(default)]
    pub period_end: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DetailsArgs {
    pub invoice_id: Uuid,
    #[serde(flatten)]
    pub details: DraftArgs,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateArgs {
    pub invoice_id: Uuid,
    /// person_rate (default), task or single.
    #[serde(default)]
    pub grouping: String,
    pub project_id: Option<Uuid>,
    /// YYYY-MM-DD, inclusive.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// List the tasks in each line's description.
    #[serde(default)]
    pub include_task_list: bool,
    /// A source currency with a manual rate.
    #[serde(default)]
    pub fx_currency: String,
    /// Invoice-currency units per one fx_currency unit, a decimal string.
    #[serde(default)]
    pub fx_rate: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineArgs {
    pub invoice_id: Uuid,
    pub description: String,
    /// Decimal string in the invoice currency's major units.
    pub amount: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineUpdate {
    pub invoice_id: Uuid,
    pub line_id: Uuid,
    pub description: String,
    /// Decimal string in the invoice currency's major units.
    pub amount: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRef {
    pub invoice_id: Uuid,
    pub line_id: Uuid,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotesArgs {
    pub invoice_id: Uuid,
    pub notes: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaidArgs {
    pub invoice_id: Uuid,
    /// YYYY-MM-DD; default today.
    #[serde(default)]
    pub paid_on: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidArgs {
    pub invoice_id: Uuid,
    pub reason: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EInvoiceArgs {
    /// An issued invoice; give this or credit_note_id.
    #[serde(default)]
    pub invoice_id: Option<Uuid>,
    /// A credit note (get_invoice lists them under credit_notes).
    #[serde(default)]
    pub credit_note_id: Option<Uuid>,
    /// "cii" (default) or "ubl".
    #[serde(default)]
    pub syntax: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditArgs {
    pub invoice_id: Uuid,
    /// Why the invoice is credited; printed on the credit note.
    pub reason: String,
    /// The lines to credit and how much of each; empty credits everything still left.
    #[serde(default)]
    pub lines: Vec<CreditLineArg>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditLineArg {
    pub line_id: Uuid,
    /// Decimal string in the invoice's currency, major units ("120.00").
    pub amount: String,
}

fn draft_form(args: DraftArgs) -> DraftForm {
    DraftForm {
        client_id: args.client_id.to_string(),
        project_id: args.project_id.map(|p| p.to_string()).unwrap_or_default(),
        currency: args.currency,
        issue_date: args.issue_date,
        due_date: args.due_date,
        tax_treatment: args.tax_treatment,
        period_start: args.period_start,
        period_end: args.period_end,
    }
}

async fn list_invoices(ctx: &BusinessCtx, args: ListArgs) -> Result<Value, AppError> {
    output(&invoices::list(ctx, &args.status, &args.search, args.page).await?)
}

async fn get_invoice(ctx: &BusinessCtx, args: InvoiceRef) -> Result<Value, AppError> {
    let mut page = output(&invoices::page(ctx, InvoiceId(args.invoice_id)).await?)?;
    // The page's pickers and its browser link are for the UI; get_invoice_pdf_link mints links.
    if let Some(map) = page.as_object_mut() {
        for key in ["clients", "projects", "pdf_link"] {
            map.remove(key);
        }
    }
    Ok(page)
}

async fn create_draft_invoice(ctx: &BusinessCtx, args: DraftArgs) -> Result<Value, AppError> {
    let id = invoices::create_draft(ctx, draft_form(args).validate()?).await?;
    Ok(json!({ "invoice_id": id }))
}

async fn generate_invoice_from_time(ctx: &BusinessCtx, args: GenerateArgs) -> Result<Value, AppError> {
    let form = GenerateForm {
        grouping: if args.grouping.is_empty() { "person_rate".to_owned() } else { args.grouping },
        project_id: args.project_id.map(|p| p.to_string()).unwrap_or_default(),
        from: args.from,
        to: args.to,
        include_task_list: if args.include_task_list { "on".to_owned() } else { String::new() },
        fx_currency: args.fx_currency,
        fx_rate: args.fx_rate,
    };
    output(&invoices::generate(ctx, InvoiceId(args.invoice_id), form.validate()?).await?)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddExpensesArgs {
    pub invoice_id: Uuid,
    /// A manual rate's source currency (ISO code); omit to use the ECB's.
    #[serde(default)]
    pub fx_currency: String,
    /// Invoice-currency units per one fx_currency unit, a decimal string.
    #[serde(default)]
    pub fx_rate: String,
}

async fn add_invoice_expenses(ctx: &BusinessCtx, args: AddExpensesArgs) -> Result<Value, AppError> {
    let rates = AddExpensesForm { fx_currency: args.fx_currency, fx_rate: args.fx_rate }.validate()?;
    let added = invoices::add_expenses(ctx, InvoiceId(args.invoice_id), &rates).await?;
    Ok(json!({ "added": added }))
}

async fn add_invoice_line(ctx: &BusinessCtx, args: LineArgs) -> Result<Value, AppError> {
    let form = LineForm { description: args.description, amount: args.amount };
    invoices::add_line(ctx, InvoiceId(args.invoice_id), &form).await?;
    get_invoice(ctx, InvoiceRef { invoice_id: args.invoice_id }).await
}

async fn update_invoice_line(ctx: &BusinessCtx, args: LineUpdate) -> Result<Value, AppError> {
    let form = LineForm { description: args.description, amount: args.amount };
    invoices::update_line(ctx, InvoiceId(args.invoice_id), InvoiceLineId(args.line_id), &form).await?;
    get_invoice(ctx, InvoiceRef { invoice_id: args.invoice_id }).await
}

async fn delete_invoice_line(ctx: &BusinessCtx, args: LineRef) -> Result<Value, AppError> {
    invoices::delete_line(ctx, InvoiceId(args.invoice_id), InvoiceLineId(args.line_id)).await?;
    Ok(json!({ "deleted": true }))
}

async fn set_invoice_details(ctx: &BusinessCtx, args: DetailsArgs) -> Result<Value, AppError> {
    invoices::update_details(ctx, InvoiceId(args.invoice_id), draft_form(args.details).validate()?).await?;
    get_invoice(ctx, InvoiceRef { invoice_id: args.invoice_id }).await
}

async fn set_invoice_notes(ctx: &BusinessCtx, args: NotesArgs) -> Result<Value, AppError> {
    let notes = app::invoices::forms::notes(&args.notes).map_err(|m| AppError::field("notes", m))?;
    invoices::set_notes(ctx, InvoiceId(args.invoice_id), &notes).await?;
    Ok(json!({ "updated": true }))
}

async fn issue_invoice(ctx: &BusinessCtx, args: InvoiceRef) -> Result<Value, AppError> {
    Ok(json!({ "number": invoices::issue(ctx, InvoiceId(args.invoice_id)).await? }))
}

async fn mark_invoice_paid(ctx: &BusinessCtx, args: PaidArgs) -> Result<Value, AppError> {
    let paid_on = match args.paid_on.trim() {
        "" => None,
        text => Some(app::validation::date(text).map_err(|m| AppError::field("paid_on", m))?),
    };
    invoices::mark_paid(ctx, InvoiceId(args.invoice_id), paid_on).await?;
    Ok(json!({ "paid": true }))
}

async fn void_invoice(ctx: &BusinessCtx, args: VoidArgs) -> Result<Value, AppError> {
    let reason = app::invoices::forms::void_reason(&args.reason).map_err(|m| AppError::field("reason", m))?;
    invoices::void(ctx, InvoiceId(args.invoice_id), &reason).await?;
    Ok(json!({ "voided": true }))
}

async fn credit_invoice(ctx: &BusinessCtx, args: CreditArgs) -> Result<Value, AppError> {
    let id = InvoiceId(args.invoice_id);
    let (lines, amounts) = if args.lines.is_empty() {
        let invoice = invoices::page(ctx, id).await?.invoice;
        let digits = invoice.currency.info().minor_units;
        invoice
            .lines
            .iter()
            .filter(|l| l.total_minor > l.credited_minor)
            .map(|l| (l.id.to_string(), app::money::format_plain(l.total_minor - l.credited_minor, digits)))
            .unzip()
    } else {
        args.lines.into_iter().map(|l| (l.line_id.to_string(), l.amount)).unzip()
    };
    let form = app::invoices::credit::CreditForm { reason: args.reason, lines, amounts };
    Ok(json!({ "number": invoices::credit(ctx, id, &form).await? }))
}

async fn duplicate_invoice(ctx: &BusinessCtx, args: InvoiceRef) -> Result<Value, AppError> {
    Ok(json!({ "invoice_id": invoices::duplicate(ctx, InvoiceId(args.invoice_id)).await? }))
}

async fn delete_draft_invoice(ctx: &BusinessCtx, args: InvoiceRef) -> Result<Value, AppError> {
    invoices::delete_draft(ctx, InvoiceId(args.invoice_id)).await?;
    Ok(json!({ "deleted": true }))
}

async fn get_einvoice(ctx: &BusinessCtx, args: EInvoiceArgs) -> Result<Value, AppError> {
    let syntax = match args.syntax.trim() {
        "" => Syntax::Cii,
        text => Syntax::parse(text).ok_or_else(|| AppError::field("syntax", "Use \"cii\" or \"ubl\"."))?,
    };
    let (file_name, xml) = match (args.invoice_id, args.credit_note_id) {
        (Some(id), None) => invoices::invoice_xml(ctx, InvoiceId(id), syntax).await?,
        (None, Some(id)) => invoices::credit_note_xml(ctx, CreditNoteId(id), syntax).await?,
        _ => return Err(AppError::field("invoice_id", "Give either invoice_id or credit_note_id.")),
    };
    Ok(json!({ "file_name": file_name, "xml": xml }))
}

async fn get_invoice_pdf_link(ctx: &BusinessCtx, args: InvoiceRef) -> Result<Value, AppError> {
    output(&invoices::pdf_link(ctx, InvoiceId(args.invoice_id)).await?)
}

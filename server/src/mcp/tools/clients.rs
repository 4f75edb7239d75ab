//! Clients: the 12 tools of PRODUCT §6.3.

use crate::mcp::catalog::{output, tool, ToolDef};
use app::clients::form::{ClientForm, ContactForm};
use app::clients::{
    AddClientNote, ArchiveClient, Client, ClientTimeline, CreateClient, GetClient, ListClients, ListMemberRates,
    MemberRateForm, RemoveMemberRate, RestoreClient, SetMemberRate, UpdateClient,
};
use app::error::AppError;
use app::ids::{ClientId, UserId};
use app::money::{format_plain, Money};
use app::server::{clients, BusinessCtx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

pub fn tools() -> Vec<ToolDef> {
    vec![
        tool!(list_clients, ListArgs, Reads, ListClients, "List clients",
            "List the business's clients (name, company, primary contact, default rate), alphabetically. Archived clients are left out unless include_archived is true. Rates are money objects: amount in minor units (cents) and an ISO currency code."),
        tool!(get_client, ClientRef, Reads, GetClient, "Get a client",
            "Get one client with its contacts, address, VAT number, notes, default rate and budget (money in minor units)."),
        tool!(create_client, ClientFields, Writes, CreateClient, "Create a client",
            "Create a client. Only name is required. Amounts are decimal strings in major units (\"120.00\"), currencies ISO codes (\"EUR\"), rate_unit \"hour\" or \"day\". Returns the new client's id."),
        tool!(update_client, ClientPatch, Writes, UpdateClient, "Update a client",
            "Change some of a client's details: only the fields you send change; send an empty string to clear a text field. Amounts are decimal strings in major units."),
        tool!(set_client_contacts, ContactsArgs, Destroys, UpdateClient, "Replace a client's contacts",
            "Replace the client's whole contact list (name, email, role each; the first is the primary contact). Send an empty list to remove every contact."),
        tool!(add_client_note, NoteArgs, Writes, AddClientNote, "Add a note to a client",
            "Add a dated note to the client's activity timeline."),
        tool!(get_client_activity, ClientRef, Reads, ClientTimeline, "Client activity",
            "The client's activity timeline, newest first: notes, invoices, projects and other events with their dates."),
        tool!(archive_client, ClientRef, Destroys, ArchiveClient, "Archive a client",
            "Archive a client: it leaves the lists and pickers but keeps its projects, time and invoices. unarchive_client brings it back."),
        tool!(unarchive_client, ClientRef, Writes, RestoreClient, "Unarchive a client",
            "Bring an archived client back into the lists."),
        tool!(list_client_member_rates, ClientRef, Reads, ListMemberRates, "Team rates for a client",
            "The per-member rates for this client: billing rate, internal cost rate (only with permission to see costs) and budget per member, money in minor units."),
        tool!(set_client_member_rate, MemberRateArgs, Writes, SetMemberRate, "Set a member's rate for a client",
            "Set one team member's billing rate (and optionally cost rate and budget) for this client. Amounts are decimal strings in major units (\"95.00\"), units \"hour\" or \"day\"."),
        tool!(remove_client_member_rate, MemberRef, Destroys, RemoveMemberRate, "Remove a member's rate for a client",
            "Remove a team member's rate for this client; their time then uses the client's or project's default rate."),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Matches name, company or contact (case-insensitive); empty lists all.
    #[serde(default)]
    pub search: String,
    /// Include archived clients.
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientRef {
    /// The client's id (UUID), as list_clients returns it.
    pub client_id: Uuid,
}

#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub email: String,
    /// E.g. "Accounts payable".
    #[serde(default)]
    pub role: String,
}

#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientFields {
    /// The client's name (required, at most 200 characters).
    pub name: String,
    #[serde(default)]
    pub company: String,
    /// Postal address; may span several lines.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub company_number: String,
    #[serde(default)]
    pub vat_number: String,
    /// ISO 3166 two-letter country code, e.g. "NL"; e-invoices need it.
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Default billing rate as a decimal string in major units, e.g. "120.00".
    pub rate_amount: Option<String>,
    /// ISO currency code of the rate, e.g. "EUR".
    pub rate_currency: Option<String>,
    /// "hour" or "day".
    pub rate_unit: Option<String>,
    /// Budget as a decimal string in major units.
    pub budget_amount: Option<String>,
    pub budget_currency: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientPatch {
    pub client_id: Uuid,
    pub name: Option<String>,
    pub company: Option<String>,
    pub address: Option<String>,
    pub company_number: Option<String>,
    pub vat_number: Option<String>,
    /// ISO 3166 two-letter country code; "" removes it.
    pub country: Option<String>,
    pub notes: Option<String>,
    /// Decimal string in major units; "" removes the default rate.
    pub rate_amount: Option<String>,
    pub rate_currency: Option<String>,
    /// "hour" or "day".
    pub rate_unit: Option<String>,
    /// Decimal string in major units; "" removes the budget.
    pub budget_amount: Option<String>,
    pub budget_currency: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactsArgs {
    pub client_id: Uuid,
    /// The complete new list, primary contact first (at most 20).
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteArgs {
    pub client_id: Uuid,
    /// The note's text.
    pub text: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRef {
    pub client_id: Uuid,
    /// The team member's user id, as list_team_members returns it.
    pub user_id: Uuid,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRateArgs {
    pub client_id: Uuid,
    pub user_id: Uuid,
    /// Billing rate, decimal string in major units, e.g. "95.00".
    pub bill_amount: String,
    pub bill_currency: String,
    /// "hour" or "day".
    pub bill_unit: String,
    /// Internal cost rate (optional), decimal string in major units.
    #[serde(default)]
    pub cost_amount: String,
    #[serde(default)]
    pub cost_currency: String,
    #[serde(default)]
    pub cost_unit: String,
    /// This member's budget for the client (optional), decimal string in major units.
    #[serde(default)]
    pub budget_amount: String,
    #[serde(default)]
    pub budget_currency: String,
}

async fn list_clients(ctx: &BusinessCtx, args: ListArgs) -> Result<Value, AppError> {
    let clients = clients::list(ctx, &args.search, args.include_archived, false).await?;
    Ok(json!({ "clients": clients }))
}

async fn get_client(ctx: &BusinessCtx, args: ClientRef) -> Result<Value, AppError> {
    output(&clients::page(ctx, ClientId(args.client_id)).await?.client)
}

fn contact_forms(contacts: Vec<Contact>) -> Vec<ContactForm> {
    contacts.into_iter().map(|c| ContactForm { name: c.name, email: c.email, role: c.role }).collect()
}

async fn create_client(ctx: &BusinessCtx, args: ClientFields) -> Result<Value, AppError> {
    let form = ClientForm {
        name: args.name,
        company: args.company,
        address: args.address,
        company_number: args.company_number,
        vat_number: args.vat_number,
        country: args.country,
        notes: args.notes,
        contacts: contact_forms(args.contacts),
        rate_amount: args.rate_amount,
        rate_currency: args.rate_currency,
        rate_unit: args.rate_unit,
        budget_amount: args.budget_amount,
        budget_currency: args.budget_currency,
    };
    let id = clients::create(ctx, form.validate()?).await?;
    Ok(json!({ "client_id": id }))
}

/// The edit form as the client stands, without pricing (absent pricing leaves it unchanged).
fn form_of(client: Client) -> ClientForm {
    ClientForm {
        name: client.name,
        company: client.company,
        address: client.address,
        company_number: client.company_number,
        vat_number: client.vat_number,
        country: client.country_code.unwrap_or_default(),
        notes: client.notes,
        contacts: client
            .contacts
            .into_iter()
            .map(|c| ContactForm { name: c.name, email: c.email, role: c.role })
            .collect(),
        ..ClientForm::default()
    }
}

fn plain(money: &Money) -> String {
    format_plain(money.minor, money.currency.info().minor_units)
}

async fn update_client(ctx: &BusinessCtx, patch: ClientPatch) -> Result<Value, AppError> {
    let id = ClientId(patch.client_id);
    let client = clients::page(ctx, id).await?.client;
    let (rate, budget) = (client.default_rate, client.budget);
    let mut form = form_of(client);
    let set = |field: &mut String, value: Option<String>| {
        if let Some(value) = value {
            *field = value;
        }
    };
    set(&mut form.name, patch.name);
    set(&mut form.company, patch.company);
    set(&mut form.address, patch.address);
    set(&mut form.company_number, patch.company_number);
    set(&mut form.vat_number, patch.vat_number);
    set(&mut form.country, patch.country);
    set(&mut form.notes, patch.notes);
    if patch.rate_amount.is_some() || patch.rate_currency.is_some() || patch.rate_unit.is_some() {
        form.rate_amount = patch.rate_amount.or_else(|| rate.as_ref().map(|r| plain(&r.amount)));
        form.rate_currency = patch.rate_currency.or_else(|| rate.as_ref().map(|r| r.amount.currency.to_string()));
        form.rate_unit = patch.rate_unit.or_else(|| rate.as_ref().map(|r| r.unit.as_str().to_owned()));
    }
    if patch.budget_amount.is_some() || patch.budget_currency.is_some() {
        form.budget_amount = patch.budget_amount.or_else(|| budget.as_ref().map(plain));
        form.budget_currency = patch.budget_currency.or_else(|| budget.as_ref().map(|b| b.currency.to_string()));
    }
    // Pricing is all or nothing on the form: keep the side that was not patched as it is.
    if form.rate_amount.is_some() && form.budget_amount.is_none() {
        form.budget_amount = Some(budget.as_ref().map(plain).unwrap_or_default());
        form.budget_currency = budget.as_ref().map(|b| b.currency.to_string());
    } else if form.budget_amount.is_some() && form.rate_amount.is_none() {
        form.rate_amount = Some(rate.as_ref().map(|r| plain(&r.amount)).unwrap_or_default());
        form.rate_currency = rate.as_ref().map(|r| r.amount.currency.to_string());
        form.rate_unit = rate.as_ref().map(|r| r.unit.as_str().to_owned());
    }
    clients::update(ctx, id, form.validate()?).await?;
    get_client(ctx, ClientRef { client_id: patch.client_id }).await
}

async fn set_client_contacts(ctx: &BusinessCtx, args: ContactsArgs) -> Result<Value, AppError> {
    let id = ClientId(args.client_id);
    let mut form = form_of(clients::page(ctx, id).await?.client);
    form.contacts = contact_forms(args.contacts);
    clients::update(ctx, id, form.validate()?).await?;
    get_client(ctx, ClientRef { client_id: args.client_id }).await
}

async fn add_client_note(ctx: &BusinessCtx, args: NoteArgs) -> Result<Value, AppError> {
    clients::add_note(ctx, ClientId(args.client_id), &args.text).await?;
    Ok(json!({ "added": true }))
}

async fn get_client_activity(ctx: &BusinessCtx, args: ClientRef) -> Result<Value, AppError> {
    Ok(json!({ "activity": clients::timeline(ctx, ClientId(args.client_id)).await? }))
}

async fn archive_client(ctx: &BusinessCtx, args: ClientRef) -> Result<Value, AppError> {
    clients::set_archived(ctx, ClientId(args.client_id), true).await?;
    Ok(json!({ "archived": true }))
}

async fn unarchive_client(ctx: &BusinessCtx, args: ClientRef) -> Result<Value, AppError> {
    clients::set_archived(ctx, ClientId(args.client_id), false).await?;
    Ok(json!({ "archived": false }))
}

async fn list_client_member_rates(ctx: &BusinessCtx, args: ClientRef) -> Result<Value, AppError> {
    output(&clients::member_rates(ctx, ClientId(args.client_id)).await?)
}

async fn set_client_member_rate(ctx: &BusinessCtx, args: MemberRateArgs) -> Result<Value, AppError> {
    let form = MemberRateForm {
        client_id: args.client_id.to_string(),
        user_id: args.user_id.to_string(),
        bill_amount: args.bill_amount,
        bill_currency: args.bill_currency,
        bill_unit: args.bill_unit,
        cost_amount: args.cost_amount,
        cost_currency: args.cost_currency,
        cost_unit: args.cost_unit,
        budget_amount: args.budget_amount,
        budget_currency: args.budget_currency,
    };
    clients::set_member_rate(ctx, &form).await?;
    list_client_member_rates(ctx, ClientRef { client_id: args.client_id }).await
}

async fn remove_client_member_rate(ctx: &BusinessCtx, args: MemberRef) -> Result<Value, AppError> {
    clients::remove_member_rate(ctx, ClientId(args.client_id), UserId(args.user_id)).await?;
    Ok(json!({ "removed": true }))
}

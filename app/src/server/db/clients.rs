//! Client SQL.

use crate::clients::form::{changed_fields, ClientInput};
use crate::clients::{Client, ClientSummary, Contact};
use crate::error::{AppError, AppResult};
use crate::ids::{BusinessId, ClientId, UserId};
use crate::server::db::{like_pattern, money, money_columns, rate, rate_columns};
use crate::server::errors::{internal, ResultExt};
use sqlx::{PgConnection, PgExecutor};
use std::collections::HashSet;
use uuid::Uuid;

fn duplicate_name() -> AppError {
    AppError::field("name", "A client with this name already exists.")
}

fn contacts_json(contacts: &[Contact]) -> AppResult<serde_json::Value> {
    serde_json::to_value(contacts).map_err(|e| internal("contacts did not serialize", e))
}

pub struct ListFilter<'a> {
    pub search: &'a str,
    pub include_archived: bool,
    pub newest_first: bool,
    /// The zone whose calendar `created_on` is read in.
    pub timezone: &'a str,
}

pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    filter: ListFilter<'_>,
) -> AppResult<Vec<ClientSummary>> {
    let pattern = like_pattern(filter.search);
    let rows = sqlx::query!(
        r#"select id, name, company, contacts, archived_at,
                  default_rate_minor, default_rate_currency, default_rate_unit,
                  (created_at at time zone $5)::date as "created_on!"
           from clients
           where business_id = $1 and ($2 or archived_at is null)
             and ($3 = '%%' or name ilike $3 or company ilike $3 or vat_number ilike $3 or contacts::text ilike $3)
           order by case when $4 then created_at end desc, lower(name), id
           limit 1000"#,
        business_id.0,
        filter.include_archived,
        pattern,
        filter.newest_first,
        filter.timezone
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let contacts: Vec<Contact> = serde_json::from_value(r.contacts).unwrap_or_default();
            ClientSummary {
                id: r.id.into(),
                name: r.name,
                company: r.company,
                primary_contact: contacts.first().map(|c| c.name.clone()),
                created_on: r.created_on,
                default_rate: rate(r.default_rate_minor, r.default_rate_currency, r.default_rate_unit),
                archived: r.archived_at.is_some(),
            }
        })
        .collect())
}

pub async fn get(db: impl PgExecutor<'_>, business_id: BusinessId, id: ClientId) -> AppResult<Client> {
    let r = sqlx::query!(
        "select id, name, company, address, company_number, vat_number, country_code, notes, contacts,
                default_rate_minor, default_rate_currency, default_rate_unit, budget_minor, budget_currency,
                archived_at, created_at, billing_rounding
         from clients where business_id = $1 and id = $2",
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Client {
        id: r.id.into(),
        name: r.name,
        company: r.company,
        address: r.address,
        company_number: r.company_number,
        vat_number: r.vat_number,
        country_code: r.country_code,
        notes: r.notes,
        contacts: serde_json::from_value(r.contacts).map_err(|e| internal("stored contacts are malformed", e))?,
        default_rate: rate(r.default_rate_minor, r.default_rate_currency, r.default_rate_unit),
        budget: money(r.budget_minor, r.budget_currency),
        archived_at: r.archived_at,
        created_at: r.created_at,
        billing_rounding: r.billing_rounding.as_deref().map(crate::invoices::rounding::ClientRounding::decode),
    })
}

/// The client's own billing rounding (`None`: the business's); `NotFound` for another's client.
pub async fn set_billing_rounding(
    db: impl PgExecutor<'_>,
    business_id: BusinessId,
    id: ClientId,
    rule: Option<&str>,
) -> AppResult<()> {
    let updated = sqlx::query!(
        "update clients set billing_rounding = $3 where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        rule
    )
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The rule generating lines for the client uses: its own, else the business's.
pub async fn billing_rounding(db: impl PgExecutor<'_>, business_id: BusinessId, id: ClientId) -> AppResult<String> {
    sqlx::query_scalar!(
        r#"select coalesce(c.billing_rounding, b.billing_rounding) as "rule!"
           from clients c join businesses b on b.id = c.business_id
           where c.business_id = $1 and c.id = $2"#,
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

/// Inserts a client; a name already taken (case-insensitively) is a field error.
pub async fn insert(
    db: &mut PgConnection,
    business_id: BusinessId,
    actor: UserId,
    input: &ClientInput,
) -> AppResult<ClientId> {
    let ids = insert_unless_named(db, business_id, actor, std::slice::from_ref(input)).await?;
    ids.into_iter().next().flatten().ok_or_else(duplicate_name)
}

/// Inserts clients in one statement (an import sends 500 rows at a time), skipping each whose name
/// is taken (case-insensitively) by an existing client or by an earlier input. Returns, in input
/// order, the new id or `None` where skipped. `on conflict do nothing` keeps the transaction usable.
pub async fn insert_unless_named(
    db: &mut PgConnection,
    business_id: BusinessId,
    actor: UserId,
    inputs: &[ClientInput],
) -> AppResult<Vec<Option<ClientId>>> {
    let mut columns = ClientColumns::with_capacity(inputs.len());
    for input in inputs {
        columns.push(input)?;
    }
    let inserted: HashSet<Uuid> = sqlx::query_scalar!(
        "insert into clients (id, business_id, name, company, address, company_number, vat_number, notes, contacts,
                              default_rate_minor, default_rate_currency, default_rate_unit, budget_minor, budget_currency,
                              country_code, created_by)
         select u.id, $1, u.name, u.company, u.address, u.company_number, u.vat_number, u.notes, u.contacts,
                u.rate_minor, u.rate_currency, u.rate_unit, u.budget_minor, u.budget_currency, u.country_code, $2
         from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[],
                     $11::bigint[], $12::text[], $13::text[], $14::bigint[], $15::text[], $16::text[])
              with ordinality as u(id, name, company, address, company_number, vat_number, notes, contacts,
                                   rate_minor, rate_currency, rate_unit, budget_minor, budget_currency, country_code, ord)
         order by u.ord
         on conflict (business_id, (lower(btrim(name)))) do nothing
         returning id",
        business_id.0,
        actor.0,
        &columns.id,
        &columns.name,
        &columns.company,
        &columns.address,
        &columns.company_number,
        &columns.vat_number,
        &columns.notes,
        &columns.contacts,
        &columns.rate_minor as &[Option<i64>],
        &columns.rate_currency as &[Option<String>],
        &columns.rate_unit as &[Option<String>],
        &columns.budget_minor as &[Option<i64>],
        &columns.budget_currency as &[Option<String>],
        &columns.country_code as &[Option<String>]
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .collect();
    Ok(columns.id.into_iter().map(|id| inserted.contains(&id).then_some(ClientId(id))).collect())
}

/// Clients as parallel arrays, the shape `unnest` takes.
#[derive(Default)]
struct ClientColumns {
    id: Vec<Uuid>,
    name: Vec<String>,
    company: Vec<String>,
    address: Vec<String>,
    company_number: Vec<String>,
    vat_number: Vec<String>,
    notes: Vec<String>,
    contacts: Vec<serde_json::Value>,
    rate_minor: Vec<Option<i64>>,
    rate_currency: Vec<Option<String>>,
    rate_unit: Vec<Option<String>>,
    budget_minor: Vec<Option<i64>>,
    budget_currency: Vec<Option<String>>,
    country_code: Vec<Option<String>>,
}

impl ClientColumns {
    fn with_capacity(n: usize) -> Self {
        Self {
            id: Vec::with_capacity(n),
            name: Vec::with_capacity(n),
            company: Vec::with_capacity(n),
            address: Vec::with_capacity(n),
            company_number: Vec::with_capacity(n),
            vat_number: Vec::with_capacity(n),
            notes: Vec::with_capacity(n),
            contacts: Vec::with_capacity(n),
            rate_minor: Vec::with_capacity(n),
            rate_currency: Vec::with_capacity(n),
            rate_unit: Vec::with_capacity(n),
            budget_minor: Vec::with_capacity(n),
            budget_currency: Vec::with_capacity(n),
            country_code: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, input: &ClientInput) -> AppResult<()> {
        let pricing = input.pricing.as_ref();
        let (rate_minor, rate_currency, rate_unit) = rate_columns(pricing.and_then(|p| p.default_rate));
        let (budget_minor, budget_currency) = money_columns(pricing.and_then(|p| p.budget));
        self.id.push(Uuid::now_v7());
        self.name.push(input.name.clone());
        self.company.push(input.company.clone());
        self.address.push(input.address.clone());
        self.company_number.push(input.company_number.clone());
        self.vat_number.push(input.vat_number.clone());
        self.notes.push(input.notes.clone());
        self.contacts.push(contacts_json(&input.contacts)?);
        self.rate_minor.push(rate_minor);
        self.rate_currency.push(rate_currency);
        self.rate_unit.push(rate_unit);
        self.budget_minor.push(budget_minor);
        self.budget_currency.push(budget_currency);
        self.country_code.push(input.country_code.clone());
        Ok(())
    }
}

/// Applies the input; pricing is left alone when the input carries none. Returns the labels of
/// the fields that changed (for the timeline).
pub async fn update(
    db: &mut PgConnection,
    business_id: BusinessId,
    id: ClientId,
    input: &ClientInput,
) -> AppResult<Vec<String>> {
    let before = get(&mut *db, business_id, id).await?;
    let (default_rate, budget) = match &input.pricing {
        Some(p) => (p.default_rate, p.budget),
        None => (before.default_rate, before.budget),
    };
    let (rate_minor, rate_currency, rate_unit) = rate_columns(default_rate);
    let (budget_minor, budget_currency) = money_columns(budget);
    sqlx::query!(
        "update clients set name = $3, company = $4, address = $5, company_number = $6, vat_number = $7, notes = $8,
                contacts = $9, default_rate_minor = $10, default_rate_currency = $11, default_rate_unit = $12,
                budget_minor = $13, budget_currency = $14, country_code = $15
         where business_id = $1 and id = $2",
        business_id.0,
        id.0,
        input.name,
        input.company,
        input.address,
        input.company_number,
        input.vat_number,
        input.notes,
        contacts_json(&input.contacts)?,
        rate_minor,
        rate_currency as Option<String>,
        rate_unit,
        budget_minor,
        budget_currency as Option<String>,
        input.country_code
    )
    .execute(&mut *db)
    .await
    .on_constraint("clients_business_name_key", |_| duplicate_name())?;
    Ok(changed_fields(&before, input, default_rate, budget))
}

/// Archives or restores; false when it already was in that state.
pub async fn set_archived(
    db: &mut PgConnection,
    business_id: BusinessId,
    id: ClientId,
    archived: bool,
) -> AppResult<bool> {
    let changed = sqlx::query_scalar!(
        "update clients set archived_at = case when $3 then now() else null end
         where business_id = $1 and id = $2 and (archived_at is null) = $3 returning id",
        business_id.0,
        id.0,
        archived
    )
    .fetch_optional(&mut *db)
    .await?;
    if changed.is_some() {
        return Ok(true);
    }
    is_archived(&mut *db, business_id, id).await.map(|_| false)
}

pub async fn is_archived(db: impl PgExecutor<'_>, business_id: BusinessId, id: ClientId) -> AppResult<bool> {
    sqlx::query_scalar!(
        "select archived_at is not null as \"archived!\" from clients where business_id = $1 and id = $2",
        business_id.0,
        id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

//! Client, timeline and per-member rate SQL.

use crate::clients::form::ClientInput;
use crate::clients::{Client, ClientSummary, Contact, EventKind, MemberRate, TimelineEntry};
use crate::error::{AppError, AppResult};
use crate::money::{Money, Rate};
use crate::server::db::{like_pattern, money, money_columns, rate, rate_columns};
use crate::server::errors::{internal, ResultExt};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

fn duplicate_name() -> AppError {
    AppError::field("name", "A client with this name already exists.")
}

fn contacts_json(contacts: &[Contact]) -> AppResult<serde_json::Value> {
    serde_json::to_value(contacts).map_err(|e| internal("contacts did not serialize", e))
}

pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    search: &str,
    include_archived: bool,
) -> AppResult<Vec<ClientSummary>> {
    let pattern = like_pattern(search);
    let rows = sqlx::query!(
        r#"select id, name, company, contacts, archived_at,
                  default_rate_minor, default_rate_currency, default_rate_unit
           from clients
           where business_id = $1 and ($2 or archived_at is null)
             and ($3 = '%%' or name ilike $3 or company ilike $3 or vat_number ilike $3 or contacts::text ilike $3)
           order by lower(name), id
           limit 1000"#,
        business_id,
        include_archived,
        pattern
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let contacts: Vec<Contact> = serde_json::from_value(r.contacts).unwrap_or_default();
            ClientSummary {
                id: r.id,
                name: r.name,
                company: r.company,
                primary_contact: contacts.first().map(|c| c.name.clone()),
                default_rate: rate(r.default_rate_minor, r.default_rate_currency, r.default_rate_unit),
                archived: r.archived_at.is_some(),
            }
        })
        .collect())
}

pub async fn get(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> AppResult<Client> {
    let r = sqlx::query!(
        "select id, name, company, address, company_number, vat_number, notes, contacts,
                default_rate_minor, default_rate_currency, default_rate_unit, budget_minor, budget_currency,
                archived_at, created_at
         from clients where business_id = $1 and id = $2",
        business_id,
        id
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Client {
        id: r.id,
        name: r.name,
        company: r.company,
        address: r.address,
        company_number: r.company_number,
        vat_number: r.vat_number,
        notes: r.notes,
        contacts: serde_json::from_value(r.contacts).map_err(|e| internal("stored contacts are malformed", e))?,
        default_rate: rate(r.default_rate_minor, r.default_rate_currency, r.default_rate_unit),
        budget: money(r.budget_minor, r.budget_currency),
        archived_at: r.archived_at,
        created_at: r.created_at,
    })
}

/// Inserts a client; a name already taken (case-insensitively) is a field error.
pub async fn insert(db: &mut PgConnection, business_id: Uuid, actor: Uuid, input: &ClientInput) -> AppResult<Uuid> {
    insert_unless_named(db, business_id, actor, input).await?.ok_or_else(duplicate_name)
}

/// Inserts a client unless one with the same name exists (`None`). `on conflict do nothing` keeps
/// the transaction usable, so an import can skip a row and carry on.
pub async fn insert_unless_named(
    db: &mut PgConnection,
    business_id: Uuid,
    actor: Uuid,
    input: &ClientInput,
) -> AppResult<Option<Uuid>> {
    let pricing = input.pricing.as_ref();
    let (rate_minor, rate_currency, rate_unit) = rate_columns(pricing.and_then(|p| p.default_rate));
    let (budget_minor, budget_currency) = money_columns(pricing.and_then(|p| p.budget));
    Ok(sqlx::query_scalar!(
        "insert into clients (id, business_id, name, company, address, company_number, vat_number, notes, contacts,
                              default_rate_minor, default_rate_currency, default_rate_unit, budget_minor, budget_currency,
                              created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         on conflict (business_id, (lower(btrim(name)))) do nothing
         returning id",
        Uuid::now_v7(),
        business_id,
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
        actor
    )
    .fetch_optional(db)
    .await?)
}

/// Applies the input; pricing is left alone when the input carries none. Returns the labels of
/// the fields that changed (for the timeline).
pub async fn update(db: &mut PgConnection, business_id: Uuid, id: Uuid, input: &ClientInput) -> AppResult<Vec<String>> {
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
                budget_minor = $13, budget_currency = $14
         where business_id = $1 and id = $2",
        business_id,
        id,
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
        budget_currency as Option<String>
    )
    .execute(&mut *db)
    .await
    .on_constraint("clients_business_name_key", |_| duplicate_name())?;
    let mut changed = Vec::new();
    let mut note = |differs: bool, label: &str| {
        if differs {
            changed.push(label.to_owned());
        }
    };
    note(before.name != input.name, "name");
    note(before.company != input.company, "company");
    note(before.address != input.address, "address");
    note(before.company_number != input.company_number, "company number");
    note(before.vat_number != input.vat_number, "VAT number");
    note(before.notes != input.notes, "notes");
    note(before.contacts != input.contacts, "contacts");
    note(before.default_rate != default_rate, "default rate");
    note(before.budget != budget, "budget");
    Ok(changed)
}

/// Archives or restores; false when it already was in that state.
pub async fn set_archived(db: &mut PgConnection, business_id: Uuid, id: Uuid, archived: bool) -> AppResult<bool> {
    let changed = sqlx::query_scalar!(
        "update clients set archived_at = case when $3 then now() else null end
         where business_id = $1 and id = $2 and (archived_at is null) = $3 returning id",
        business_id,
        id,
        archived
    )
    .fetch_optional(&mut *db)
    .await?;
    if changed.is_some() {
        return Ok(true);
    }
    is_archived(&mut *db, business_id, id).await.map(|_| false)
}

pub async fn is_archived(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> AppResult<bool> {
    sqlx::query_scalar!(
        "select archived_at is not null as \"archived!\" from clients where business_id = $1 and id = $2",
        business_id,
        id
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

/// Appends to a client's timeline with the business's next sequence number (the update takes the
/// business row's lock, so numbers are gap-free and ordered under concurrency).
pub async fn add_event(
    db: &mut PgConnection,
    business_id: Uuid,
    client_id: Uuid,
    kind: EventKind,
    body: &str,
    payload: serde_json::Value,
    actor: Option<Uuid>,
) -> AppResult<i64> {
    let seq = sqlx::query_scalar!(
        "with next as (update businesses set timeline_seq = timeline_seq + 1 where id = $1 returning timeline_seq)
         insert into timeline_entries (id, business_id, seq, client_id, kind, body, payload, actor_id)
         select $2, $1, next.timeline_seq, $3, $4, $5, $6, $7 from next
         returning seq",
        business_id,
        Uuid::now_v7(),
        client_id,
        kind.as_str(),
        body,
        payload,
        actor
    )
    .fetch_one(db)
    .await
    .on_constraint("timeline_entries_client_fkey", |_| AppError::NotFound)?;
    Ok(seq)
}

/// Newest first.
pub async fn timeline(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    client_id: Uuid,
    limit: i64,
) -> AppResult<Vec<TimelineEntry>> {
    let rows = sqlx::query!(
        r#"select t.seq, t.kind, t.body, t.payload, a.name as "actor?", t.created_at
           from timeline_entries t left join accounts a on a.id = t.actor_id
           where t.business_id = $1 and t.client_id = $2
           order by t.seq desc limit $3"#,
        business_id,
        client_id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let kind = EventKind::parse(&r.kind)?;
            let fields =
                r.payload.get("fields").and_then(|f| serde_json::from_value(f.clone()).ok()).unwrap_or_default();
            Some(TimelineEntry { seq: r.seq, kind, body: r.body, fields, actor: r.actor, at: r.created_at })
        })
        .collect())
}

pub async fn member_rates(db: impl PgExecutor<'_>, business_id: Uuid, client_id: Uuid) -> AppResult<Vec<MemberRate>> {
    let rows = sqlx::query!(
        r#"select r.user_id, a.name, a.email::text as "email!",
                  r.bill_rate_minor, r.bill_rate_currency, r.bill_rate_unit,
                  r.cost_minor, r.cost_currency, r.cost_unit, r.budget_minor, r.budget_currency
           from team_rates r join accounts a on a.id = r.user_id
           where r.business_id = $1 and r.client_id = $2
           order by lower(a.name), r.user_id"#,
        business_id,
        client_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MemberRate {
            user_id: r.user_id,
            name: r.name,
            email: r.email,
            bill_rate: rate(r.bill_rate_minor, r.bill_rate_currency, r.bill_rate_unit),
            cost: rate(r.cost_minor, r.cost_currency, r.cost_unit),
            budget: money(r.budget_minor, r.budget_currency),
        })
        .collect())
}

/// Creates or replaces a member's rates for a client. `cost: None` leaves the stored internal cost
/// untouched (callers who may not see costs cannot change them either).
pub async fn upsert_member_rate(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    client_id: Uuid,
    user_id: Uuid,
    bill: Option<Rate>,
    cost: Option<Option<Rate>>,
    budget: Option<Money>,
) -> AppResult<()> {
    let (bill_minor, bill_currency, bill_unit) = rate_columns(bill);
    // Without a cost (None), the new row's cost columns are null and an existing row keeps its own.
    let keep_cost = cost.is_none();
    let (cost_minor, cost_currency, cost_unit) = rate_columns(cost.flatten());
    let (budget_minor, budget_currency) = money_columns(budget);
    sqlx::query!(
        "insert into team_rates (business_id, client_id, user_id, bill_rate_minor, bill_rate_currency, bill_rate_unit,
                                 cost_minor, cost_currency, cost_unit, budget_minor, budget_currency)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (business_id, client_id, user_id) do update set
           bill_rate_minor = excluded.bill_rate_minor, bill_rate_currency = excluded.bill_rate_currency,
           bill_rate_unit = excluded.bill_rate_unit,
           cost_minor = case when $12::bool then team_rates.cost_minor else excluded.cost_minor end,
           cost_currency = case when $12 then team_rates.cost_currency else excluded.cost_currency end,
           cost_unit = case when $12 then team_rates.cost_unit else excluded.cost_unit end,
           budget_minor = excluded.budget_minor, budget_currency = excluded.budget_currency",
        business_id,
        client_id,
        user_id,
        bill_minor,
        bill_currency as Option<String>,
        bill_unit,
        cost_minor,
        cost_currency as Option<String>,
        cost_unit,
        budget_minor,
        budget_currency as Option<String>,
        keep_cost
    )
    .execute(db)
    .await
    .on_constraint("team_rates_membership_fkey", |_| AppError::field("user_id", "That person isn't on your team."))
    .map(|_| ())
}

pub async fn delete_member_rate(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    client_id: Uuid,
    user_id: Uuid,
) -> AppResult<()> {
    let deleted = sqlx::query!(
        "delete from team_rates where business_id = $1 and client_id = $2 and user_id = $3",
        business_id,
        client_id,
        user_id
    )
    .execute(db)
    .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

//! Tenancy in the schema itself: every table holding business data has a `business_id` that
//! references its business, and every reference to another business table goes through a
//! composite key with `business_id`, so a row can never point into another business even if a query
//! forgot its filter. Every `*_id` column is a foreign key.

use sqlx::PgPool;

/// Tables that belong to no single business, and why.
const GLOBAL_TABLES: &[&str] = &[
    "_sqlx_migrations",  // the migrator's bookkeeping
    "accounts",          // a person, member of any number of businesses
    "businesses",        // the tenants themselves
    "sessions",          // an account's sign-ins, across its businesses
    "fx_rates",          // published ECB reference rates, the same for everyone
    "oauth_clients",     // an MCP client's registration; members of any business may connect it
    "instance_settings", // the instance's own settings (update checks), one row
];

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn every_business_table_is_keyed_by_its_business(pool: PgPool) {
    let tables: Vec<(String, bool, bool)> = sqlx::query_as(
        "select c.relname,
                exists(select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'business_id'
                       and not a.attisdropped and a.attnotnull),
                -- To businesses itself, or through a composite key to a parent that does.
                exists(select 1 from pg_constraint f
                       where f.conrelid = c.oid and f.contype = 'f'
                         and f.conkey[1] = (select attnum from pg_attribute where attrelid = c.oid and attname = 'business_id'))
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1",
    )
    .fetch_all(&pool)
    .await
    .expect("tables");
    assert!(tables.len() > 10, "the schema has its tables: {tables:?}");
    let mut problems = Vec::new();
    for (table, has_business_id, references_business) in &tables {
        if GLOBAL_TABLES.contains(&table.as_str()) {
            continue;
        }
        if !has_business_id {
            problems.push(format!("{table}: no `business_id not null` (or list it in GLOBAL_TABLES with why)"));
        } else if !references_business {
            problems.push(format!("{table}: business_id references neither businesses nor a parent row"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn references_between_business_tables_carry_the_business(pool: PgPool) {
    // Foreign keys into a table that has a business_id, with their columns.
    let keys: Vec<(String, String, String, Vec<String>)> = sqlx::query_as(
        "select con.conname, t.relname, r.relname,
                (select array_agg(a.attname::text order by k.ord)
                 from unnest(con.conkey) with ordinality k(attnum, ord)
                 join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum)
         from pg_constraint con
         join pg_class t on t.oid = con.conrelid
         join pg_class r on r.oid = con.confrelid
         where con.contype = 'f'
           and exists(select 1 from pg_attribute a where a.attrelid = r.oid and a.attname = 'business_id')
         order by 2, 1",
    )
    .fetch_all(&pool)
    .await
    .expect("foreign keys");
    assert!(keys.len() >= 10, "the business tables reference each other: {keys:?}");
    let single: Vec<String> = keys
        .iter()
        .filter(|(_, _, _, columns)| columns.first().map(String::as_str) != Some("business_id") || columns.len() < 2)
        .map(|(name, table, target, columns)| format!("{name}: {table}({}) -> {target}", columns.join(", ")))
        .collect();
    assert!(single.is_empty(), "references that could cross businesses:\n{}", single.join("\n"));

    // And no id column is left without a foreign key.
    let loose: Vec<(String, String)> = sqlx::query_as(
        "select c.relname::text, a.attname::text
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid
         where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
           and a.attname like '%\\_id' and not exists (
               select 1 from pg_constraint con where con.conrelid = c.oid and con.contype = 'f' and a.attnum = any(con.conkey))
         order by 1, 2",
    )
    .fetch_all(&pool)
    .await
    .expect("columns");
    // Named `*_id` by a standard, and not a reference: the identifier an OAuth client sends (RFC 7591).
    let identifiers = [("oauth_clients", "client_id")];
    let loose: Vec<_> = loose.into_iter().filter(|(t, c)| !identifiers.contains(&(t.as_str(), c.as_str()))).collect();
    assert!(loose.is_empty(), "id columns without a foreign key: {loose:?}");
}

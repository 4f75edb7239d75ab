-- Clients (with contacts, rates, budgets and an activity timeline), per-member client rates,
-- projects and tasks. Money is bigint minor units beside a char(3) currency, never floats.
-- References from one tenant table to another go through (business_id, id) so a row can never
-- point into another business. Naming rule: clients < projects < tasks < team_rates < timeline_entries.

create table clients (
  id                    uuid primary key default uuid_generate_v7(),
  business_id           uuid not null,
  name                  text not null,
  company               text not null default '',
  address               text not null default '',
  company_number        text not null default '',
  vat_number            text not null default '',
  notes                 text not null default '',
  contacts              jsonb not null default '[]',
  default_rate_minor    bigint,
  default_rate_currency char(3),
  default_rate_unit     text,
  budget_minor          bigint,
  budget_currency       char(3),
  archived_at           timestamptz,
  created_by            uuid,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  constraint clients_business_id_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint clients_created_by_fkey foreign key (created_by) references accounts (id) on delete set null,
  constraint clients_business_id_id_key unique (business_id, id),
  constraint clients_name_check check (length(btrim(name)) between 1 and 200),
  constraint clients_contacts_check check (jsonb_typeof(contacts) = 'array'),
  constraint clients_default_rate_check check (
    (default_rate_minor is null) = (default_rate_currency is null)
    and (default_rate_minor is null) = (default_rate_unit is null)
    and (default_rate_minor is null or default_rate_minor between 0 and 1000000000000000)
    and (default_rate_currency is null or default_rate_currency ~ '^[A-Z]{3}$')
    and (default_rate_unit is null or default_rate_unit in ('hour', 'day'))),
  constraint clients_budget_check check (
    (budget_minor is null) = (budget_currency is null)
    and (budget_minor is null or budget_minor between 0 and 1000000000000000)
    and (budget_currency is null or budget_currency ~ '^[A-Z]{3}$'))
);
select trigger_updated_at('clients');
-- One client per name (case-insensitive, trimmed): what makes a re-run CSV import skip, not duplicate.
create unique index clients_business_name_key on clients (business_id, lower(btrim(name)));
create index clients_business_active_idx on clients (business_id, (archived_at is null), lower(name));

create table projects (
  id                    uuid primary key default uuid_generate_v7(),
  business_id           uuid not null,
  client_id             uuid not null,
  name                  text not null,
  status                text not null default 'active',
  due_date              date,
  default_rate_minor    bigint,
  default_rate_currency char(3),
  default_rate_unit     text,
  budget_minor          bigint,
  budget_currency       char(3),
  created_by            uuid,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  constraint projects_client_fkey foreign key (business_id, client_id) references clients (business_id, id) on delete restrict,
  constraint projects_created_by_fkey foreign key (created_by) references accounts (id) on delete set null,
  constraint projects_business_id_id_key unique (business_id, id),
  constraint projects_name_check check (length(btrim(name)) between 1 and 200),
  constraint projects_status_check check (status in ('active', 'on_hold', 'completed')),
  constraint projects_default_rate_check check (
    (default_rate_minor is null) = (default_rate_currency is null)
    and (default_rate_minor is null) = (default_rate_unit is null)
    and (default_rate_minor is null or default_rate_minor between 0 and 1000000000000000)
    and (default_rate_currency is null or default_rate_currency ~ '^[A-Z]{3}$')
    and (default_rate_unit is null or default_rate_unit in ('hour', 'day'))),
  constraint projects_budget_check check (
    (budget_minor is null) = (budget_currency is null)
    and (budget_minor is null or budget_minor between 0 and 1000000000000000)
    and (budget_currency is null or budget_currency ~ '^[A-Z]{3}$'))
);
select trigger_updated_at('projects');
create index projects_business_client_idx on projects (business_id, client_id);
create index projects_business_name_idx on projects (business_id, lower(name));

create table tasks (
  id               uuid primary key default uuid_generate_v7(),
  business_id      uuid not null,
  project_id       uuid not null,
  title            text not null,
  status           text not null default 'todo',
  estimate_minutes integer,
  created_by       uuid,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  constraint tasks_project_fkey foreign key (business_id, project_id) references projects (business_id, id) on delete cascade,
  constraint tasks_created_by_fkey foreign key (created_by) references accounts (id) on delete set null,
  constraint tasks_business_id_id_key unique (business_id, id),
  constraint tasks_title_check check (length(btrim(title)) between 1 and 300),
  constraint tasks_status_check check (status in ('todo', 'in_progress', 'in_review', 'done')),
  constraint tasks_estimate_check check (estimate_minutes is null or estimate_minutes between 0 and 60000)
);
select trigger_updated_at('tasks');
create index tasks_business_project_idx on tasks (business_id, project_id, status);

-- A member's rates for one client: what they bill, what they cost, their budget.
create table team_rates (
  business_id        uuid not null,
  client_id          uuid not null,
  user_id            uuid not null,
  bill_rate_minor    bigint,
  bill_rate_currency char(3),
  bill_rate_unit     text,
  cost_minor         bigint,
  cost_currency      char(3),
  cost_unit          text,
  budget_minor       bigint,
  budget_currency    char(3),
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint team_rates_pkey primary key (business_id, client_id, user_id),
  constraint team_rates_client_fkey foreign key (business_id, client_id) references clients (business_id, id) on delete cascade,
  constraint team_rates_membership_fkey foreign key (business_id, user_id)
    references memberships (business_id, user_id) on delete cascade,
  constraint team_rates_bill_check check (
    (bill_rate_minor is null) = (bill_rate_currency is null) and (bill_rate_minor is null) = (bill_rate_unit is null)
    and (bill_rate_minor is null or bill_rate_minor between 0 and 1000000000000000)
    and (bill_rate_unit is null or bill_rate_unit in ('hour', 'day'))),
  constraint team_rates_cost_check check (
    (cost_minor is null) = (cost_currency is null) and (cost_minor is null) = (cost_unit is null)
    and (cost_minor is null or cost_minor between 0 and 1000000000000000)
    and (cost_unit is null or cost_unit in ('hour', 'day'))),
  constraint team_rates_budget_check check (
    (budget_minor is null) = (budget_currency is null)
    and (budget_minor is null or budget_minor between 0 and 1000000000000000))
);
select trigger_updated_at('team_rates');

-- A client's activity: notes and lifecycle events, ordered by a gap-free per-business sequence
-- (businesses.timeline_seq hands out the numbers).
alter table businesses add column timeline_seq bigint not null default 0;

create table timeline_entries (
  id          uuid primary key default uuid_generate_v7(),
  business_id uuid not null,
  seq         bigint not null,
  client_id   uuid not null,
  kind        text not null,
  body        text not null default '',
  payload     jsonb not null default '{}',
  actor_id    uuid,
  created_at  timestamptz not null default now(),
  constraint timeline_entries_client_fkey foreign key (business_id, client_id) references clients (business_id, id) on delete cascade,
  constraint timeline_entries_actor_fkey foreign key (actor_id) references accounts (id) on delete set null,
  constraint timeline_entries_business_seq_key unique (business_id, seq),
  constraint timeline_entries_kind_check check (kind in (
    'note', 'client_created', 'client_updated', 'client_archived', 'client_restored',
    'invoice_issued', 'invoice_paid', 'invoice_voided', 'recurring_generated')),
  constraint timeline_entries_note_check check (kind <> 'note' or length(body) between 1 and 10000)
);
create index timeline_entries_client_idx on timeline_entries (business_id, client_id, seq desc);

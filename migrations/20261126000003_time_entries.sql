-- Time tracking: timer and manual entries against tasks, with the rate and internal cost resolved
-- once at creation and frozen on the entry. Calendar days (timesheets) follow the business's time
-- zone; instants are timestamptz.

alter table businesses
  add column timezone text not null default 'UTC',
  add column forgotten_timer_hours integer not null default 10,
  add constraint businesses_forgotten_timer_hours_check check (forgotten_timer_hours between 1 and 168),
  add constraint businesses_timezone_check check (length(timezone) between 1 and 64);

create table time_entries (
  id               uuid primary key default uuid_generate_v7(),
  business_id      uuid not null,
  user_id          uuid not null,
  task_id          uuid not null,
  source           text not null,
  started_at       timestamptz not null,
  ended_at         timestamptz,
  duration_seconds bigint,
  billable         boolean not null default true,
  note             text not null default '',
  -- Effective hourly rate and internal cost, frozen at creation; null = unpriced.
  rate_minor       bigint,
  rate_currency    char(3),
  rate_source      text,
  cost_minor       bigint,
  cost_currency    char(3),
  -- Set when the entry is billed on an invoice line (the invoices migration adds the foreign key).
  invoice_line_id  uuid,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  constraint time_entries_task_fkey foreign key (business_id, task_id) references tasks (business_id, id) on delete cascade,
  constraint time_entries_user_fkey foreign key (user_id) references accounts (id) on delete restrict,
  constraint time_entries_business_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint time_entries_source_check check (source in ('timer', 'manual')),
  constraint time_entries_running_check check ((ended_at is null) = (duration_seconds is null)),
  constraint time_entries_duration_check check (duration_seconds is null or duration_seconds between 1 and 604800),
  constraint time_entries_order_check check (ended_at is null or ended_at >= started_at),
  constraint time_entries_note_check check (length(note) <= 1000),
  constraint time_entries_rate_check check (
    (rate_minor is null) = (rate_currency is null) and (rate_minor is null) = (rate_source is null)
    and (rate_minor is null or rate_minor between 0 and 1000000000000000)
    and (rate_source is null or rate_source in ('manual', 'member', 'project', 'client'))),
  constraint time_entries_cost_check check (
    (cost_minor is null) = (cost_currency is null) and (cost_minor is null or cost_minor between 0 and 1000000000000000))
);
select trigger_updated_at('time_entries');
-- The one-running-timer rule lives in the database, not only in code.
create unique index time_entries_one_running_key on time_entries (business_id, user_id) where ended_at is null;
create index time_entries_user_started_idx on time_entries (business_id, user_id, started_at);
create index time_entries_task_idx on time_entries (business_id, task_id);

-- Recurring invoices (PRODUCT §3.10): a schedule of fixed lines that becomes one invoice per
-- occurrence. Named recurring_* so it sorts before sales_invoices, which points at it (naming rule in
-- the accounts migration); its lines are recurring_schedules_lines for the same reason.

create table recurring_schedules (
  id                uuid primary key default uuid_generate_v7(),
  business_id       uuid not null,
  client_id         uuid not null,
  project_id        uuid,
  name              text not null,
  currency          currency_code not null,
  tax_treatment     text not null,
  frequency         text not null,
  interval_count    integer not null default 1,
  -- Day of the month for monthly, quarterly and yearly schedules (clamped to short months).
  anchor_day        integer not null,
  start_date        date not null,
  end_date          date,
  occurrence_limit  integer,
  net_terms_days    integer not null default 0,
  auto_issue        boolean not null default false,
  status            text not null default 'active',
  notes             text not null default '',
  -- Invoices made so far. The next one falls on the cadence's occurrence number
  -- generated_count + cadence_offset (0-based), on next_run_on (null once none is left): the
  -- offset skips the occurrences before a start in the past or a pause, and restarts the count
  -- when the cadence changes, without counting against the occurrence limit.
  generated_count   integer not null default 0,
  cadence_offset    integer not null default 0,
  next_run_on       date,
  last_run_at       timestamptz,
  last_error        text,
  created_by        uuid,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  constraint recurring_schedules_business_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint recurring_schedules_client_fkey foreign key (business_id, client_id) references clients (business_id, id) on delete restrict,
  constraint recurring_schedules_project_fkey foreign key (business_id, project_id) references projects (business_id, id) on delete restrict,
  constraint recurring_schedules_created_by_fkey foreign key (created_by) references accounts (id) on delete set null,
  constraint recurring_schedules_business_id_id_key unique (business_id, id),
  constraint recurring_schedules_name_check check (length(btrim(name)) between 1 and 200),
  constraint recurring_schedules_tax_treatment_check check (tax_treatment in ('standard', 'zero_rated', 'reverse_charge')),
  constraint recurring_schedules_frequency_check check (frequency in ('weekly', 'monthly', 'quarterly', 'yearly')),
  constraint recurring_schedules_interval_check check (interval_count between 1 and 52),
  constraint recurring_schedules_anchor_day_check check (anchor_day between 1 and 31),
  constraint recurring_schedules_end_date_check check (end_date is null or end_date >= start_date),
  constraint recurring_schedules_limit_check check (occurrence_limit is null or occurrence_limit between 1 and 1000),
  constraint recurring_schedules_net_terms_check check (net_terms_days between 0 and 365),
  constraint recurring_schedules_status_check check (status in ('active', 'paused', 'ended')),
  constraint recurring_schedules_notes_check check (length(notes) <= 2000),
  constraint recurring_schedules_generated_check check (generated_count >= 0 and generated_count + cadence_offset >= 0),
  constraint recurring_schedules_last_error_check check (length(coalesce(last_error, '')) <= 1000)
);
select trigger_updated_at('recurring_schedules');
create index recurring_schedules_business_idx on recurring_schedules (business_id, created_at desc);
-- The runner's sweep: active schedules by due date, across businesses.
create index recurring_schedules_due_idx on recurring_schedules (next_run_on) where status = 'active';

create table recurring_schedules_lines (
  business_id  uuid not null,
  schedule_id  uuid not null,
  position     integer not null,
  description  text not null,
  amount_minor minor_units not null,
  constraint recurring_schedules_lines_pkey primary key (schedule_id, position),
  constraint recurring_schedules_lines_schedule_fkey foreign key (business_id, schedule_id)
    references recurring_schedules (business_id, id) on delete cascade,
  constraint recurring_schedules_lines_position_check check (position between 1 and 50),
  constraint recurring_schedules_lines_description_check check (length(btrim(description)) between 1 and 500),
  constraint recurring_schedules_lines_amount_check check (amount_minor >= 0)
);

-- Which of its schedule's invoices this is (1 = the first): unique, so one occurrence makes one
-- invoice even when two sweeps race. Deleting a schedule keeps its invoices.
alter table sales_invoices
  add column schedule_id uuid,
  add column schedule_occurrence integer,
  add constraint sales_invoices_schedule_fkey foreign key (business_id, schedule_id)
    references recurring_schedules (business_id, id) on delete set null (schedule_id),
  add constraint sales_invoices_schedule_occurrence_key unique (schedule_id, schedule_occurrence),
  add constraint sales_invoices_schedule_occurrence_check check (
    schedule_occurrence is null or schedule_occurrence >= 1);
create index sales_invoices_schedule_idx on sales_invoices (schedule_id) where schedule_id is not null;

-- Invoices (PRODUCT §3.9): drafts, lines from tracked time or fixed amounts, gap-free numbers.
-- Naming rule (see the accounts migration): invoices reference projects, so the tables are named
-- sales_* to sort after them; time_entries (which point at lines) sorts after sales_lines.

alter table businesses
  -- Decimal string ("21", "7.7"); null until set. Required before a standard-VAT invoice.
  add column vat_rate_percent text,
  add column vat_number text not null default '',
  -- Due date default for new invoices: issue date + this many days.
  add column payment_terms_days integer not null default 14,
  add constraint businesses_vat_rate_percent_check
    check (vat_rate_percent is null or vat_rate_percent ~ '^[0-9]{1,3}(\.[0-9]{1,4})?$'),
  add constraint businesses_vat_number_check check (length(vat_number) <= 50),
  add constraint businesses_payment_terms_days_check check (payment_terms_days between 0 and 365);

create table sales_invoices (
  id                 uuid primary key default uuid_generate_v7(),
  business_id        uuid not null,
  client_id          uuid not null,
  project_id         uuid,
  status             text not null default 'draft',
  -- Assigned at issue: "2026-0001" from (number_year, number_seq).
  number             text,
  number_year        integer,
  number_seq         integer,
  currency           currency_code not null,
  issue_date         date not null,
  due_date           date not null,
  tax_treatment      text not null,
  tax_rate_percent   text not null default '0',
  tax_note           text not null default '',
  subtotal_minor     minor_units not null default 0,
  tax_minor          minor_units not null default 0,
  total_minor        minor_units not null default 0,
  notes              text not null default '',
  period_start       date,
  period_end         date,
  issued_at          timestamptz,
  paid_on            date,
  paid_at            timestamptz,
  voided_at          timestamptz,
  void_reason        text,
  created_by         uuid,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint sales_invoices_business_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint sales_invoices_client_fkey foreign key (business_id, client_id) references clients (business_id, id) on delete restrict,
  constraint sales_invoices_project_fkey foreign key (business_id, project_id) references projects (business_id, id) on delete restrict,
  constraint sales_invoices_created_by_fkey foreign key (created_by) references accounts (id) on delete set null,
  constraint sales_invoices_business_id_id_key unique (business_id, id),
  constraint sales_invoices_number_key unique (business_id, number),
  constraint sales_invoices_status_check check (status in ('draft', 'sent', 'paid', 'void')),
  constraint sales_invoices_tax_treatment_check check (tax_treatment in ('standard', 'zero_rated', 'reverse_charge')),
  constraint sales_invoices_tax_rate_check check (tax_rate_percent ~ '^[0-9]{1,3}(\.[0-9]{1,4})?$'),
  constraint sales_invoices_number_check check (
    (status = 'draft') = (number is null)
    and (number is null) = (number_year is null) and (number is null) = (number_seq is null)
    and (number_seq is null or number_seq >= 1)
    -- lpad truncates: past 9999 the number is as long as it needs to be.
    and (number is null or number = number_year::text || '-' || lpad(number_seq::text, greatest(4, length(number_seq::text)), '0'))),
  constraint sales_invoices_dates_check check (due_date >= issue_date),
  constraint sales_invoices_period_check check (
    (period_start is null) = (period_end is null) and (period_end is null or period_end >= period_start)),
  constraint sales_invoices_totals_check check (
    subtotal_minor >= 0 and tax_minor >= 0 and total_minor = subtotal_minor + tax_minor),
  constraint sales_invoices_notes_check check (length(notes) <= 2000),
  constraint sales_invoices_paid_check check ((status = 'paid') = (paid_on is not null)),
  constraint sales_invoices_void_check check (
    (status = 'void') = (void_reason is not null) and length(coalesce(void_reason, '')) <= 500)
);
select trigger_updated_at('sales_invoices');
create index sales_invoices_business_list_idx on sales_invoices (business_id, issue_date desc, id desc);
create index sales_invoices_client_idx on sales_invoices (business_id, client_id);
create index sales_invoices_project_idx on sales_invoices (business_id, project_id) where project_id is not null;

create table sales_lines (
  id                 uuid primary key default uuid_generate_v7(),
  business_id        uuid not null,
  invoice_id         uuid not null,
  position           integer not null,
  description        text not null,
  -- Hours as a decimal string (up to 6 places) and the hourly price, for lines from time; null
  -- for fixed lines and for lines whose amount was edited.
  quantity           text,
  unit_price_minor   minor_units,
  total_minor        minor_units not null,
  -- A line converted from another currency keeps what it was converted from, once, at which rate.
  source_currency    currency_code,
  source_total_minor minor_units,
  fx_rate            text,
  fx_source          text,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint sales_lines_invoice_fkey foreign key (business_id, invoice_id) references sales_invoices (business_id, id) on delete cascade,
  constraint sales_lines_business_id_id_key unique (business_id, id),
  constraint sales_lines_position_key unique (invoice_id, position) deferrable initially deferred,
  constraint sales_lines_description_check check (length(btrim(description)) between 1 and 500),
  constraint sales_lines_quantity_check check (quantity is null or quantity ~ '^[0-9]{1,9}(\.[0-9]{1,6})?$'),
  constraint sales_lines_amounts_check check (total_minor >= 0 and (unit_price_minor is null or unit_price_minor >= 0)),
  constraint sales_lines_fx_check check (
    (source_currency is null) = (source_total_minor is null)
    and (source_currency is null) = (fx_rate is null)
    and (source_currency is null) = (fx_source is null)
    and (fx_source is null or fx_source in ('ecb', 'manual'))
    and (source_total_minor is null or source_total_minor >= 0))
);
select trigger_updated_at('sales_lines');

-- One counter row per business and year, locked by the issuing transaction: numbers are handed out
-- in commit order, and a rolled-back issue hands its number back.
create table sales_numbers (
  business_id uuid not null,
  year        integer not null,
  next_number integer not null default 1,
  constraint sales_numbers_pkey primary key (business_id, year),
  constraint sales_numbers_business_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint sales_numbers_year_check check (year between 1900 and 9999),
  constraint sales_numbers_next_check check (next_number >= 1)
);

-- A billed entry points at its line; deleting the line (or its draft) releases the entry.
alter table time_entries
  add constraint time_entries_invoice_line_fkey foreign key (business_id, invoice_line_id)
    references sales_lines (business_id, id) on delete set null (invoice_line_id);
create index time_entries_invoice_line_idx on time_entries (invoice_line_id) where invoice_line_id is not null;
-- Generating lines scans a client's unbilled entries.
create index time_entries_unbilled_idx on time_entries (business_id, task_id) where invoice_line_id is null and ended_at is not null;

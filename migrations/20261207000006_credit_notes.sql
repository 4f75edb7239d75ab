-- Credit notes (issue 19): an issued invoice is corrected by a credit note with its own gap-free
-- sequence (CN-2026-0001), in full or for part of its lines. A credit note is issued as it is
-- created (it has no draft) and holds positive amounts: what it takes back from the invoice.
-- Naming rule (see the accounts migration): the tables are sales_notes* so that they sort after
-- sales_invoices and sales_lines, which they reference.

create table sales_notes (
  id                 uuid primary key default uuid_generate_v7(),
  business_id        uuid not null,
  invoice_id         uuid not null,
  number             text not null,
  number_year        integer not null,
  number_seq         integer not null,
  issue_date         date not null,
  reason             text not null,
  -- The invoice's currency and VAT, copied so the document reads the same if the invoice is
  -- ever shown differently.
  currency           currency_code not null,
  tax_rate_percent   text not null,
  subtotal_minor     minor_units not null,
  tax_minor          minor_units not null,
  total_minor        minor_units not null,
  created_by         uuid,
  created_at         timestamptz not null default now(),
  constraint sales_notes_business_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint sales_notes_invoice_fkey foreign key (business_id, invoice_id)
    references sales_invoices (business_id, id),
  constraint sales_notes_created_by_fkey foreign key (created_by) references accounts (id) on delete set null,
  constraint sales_notes_business_id_id_key unique (business_id, id),
  constraint sales_notes_number_key unique (business_id, number),
  constraint sales_notes_number_check check (
    number_seq >= 1
    and number = 'CN-' || number_year::text || '-' || lpad(number_seq::text, greatest(4, length(number_seq::text)), '0')),
  constraint sales_notes_reason_check check (length(btrim(reason)) between 1 and 500),
  constraint sales_notes_tax_rate_check check (tax_rate_percent ~ '^[0-9]{1,3}(\.[0-9]{1,4})?$'),
  constraint sales_notes_totals_check check (
    subtotal_minor > 0 and tax_minor >= 0 and total_minor = subtotal_minor + tax_minor)
);
create index sales_notes_invoice_idx on sales_notes (business_id, invoice_id);
create index sales_notes_issue_date_idx on sales_notes (business_id, issue_date);

create table sales_notes_lines (
  id                 uuid primary key default uuid_generate_v7(),
  business_id        uuid not null,
  credit_note_id     uuid not null,
  -- The invoice line it takes back (part of).
  invoice_line_id    uuid not null,
  position           integer not null,
  description        text not null,
  total_minor        minor_units not null,
  constraint sales_notes_lines_note_fkey foreign key (business_id, credit_note_id)
    references sales_notes (business_id, id) on delete cascade,
  constraint sales_notes_lines_invoice_line_fkey foreign key (business_id, invoice_line_id)
    references sales_lines (business_id, id),
  constraint sales_notes_lines_position_key unique (credit_note_id, position),
  constraint sales_notes_lines_description_check check (length(btrim(description)) between 1 and 500),
  constraint sales_notes_lines_amount_check check (total_minor > 0)
);
create index sales_notes_lines_invoice_line_idx on sales_notes_lines (business_id, invoice_line_id);

-- Like sales_numbers: one counter row per business and year, locked by the issuing transaction.
create table sales_notes_numbers (
  business_id uuid not null,
  year        integer not null,
  next_number integer not null default 1,
  constraint sales_notes_numbers_pkey primary key (business_id, year),
  constraint sales_notes_numbers_business_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint sales_notes_numbers_year_check check (year between 1900 and 9999),
  constraint sales_notes_numbers_next_check check (next_number >= 1)
);

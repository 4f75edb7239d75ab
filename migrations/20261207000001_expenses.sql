-- Expenses and their receipts (PRODUCT §3.11). Receipts are bytes in Postgres like everything else,
-- so pg_dump stays a complete backup. Named vendor_* because an expense points at invoice lines
-- (sales_lines) and tables may only reference names that sort before their own (accounts migration).

create table vendor_expenses (
  id               uuid primary key default uuid_generate_v7(),
  business_id      uuid not null,
  description      text not null,
  amount_minor     minor_units not null,
  currency         currency_code not null,
  incurred_on      date not null,
  vendor           text not null default '',
  -- Free text; the form suggests the business's earlier categories.
  category         text not null default '',
  notes            text not null default '',
  -- The client is the project's when there is a project; a billable expense needs a client.
  client_id        uuid,
  project_id       uuid,
  status           text not null default 'unpaid',
  paid_on          date,
  billable         boolean not null default false,
  -- Set while the expense is billed on an invoice line; deleting the line (or its draft) releases it.
  invoice_line_id  uuid,
  created_by       uuid,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  constraint vendor_expenses_business_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint vendor_expenses_client_fkey foreign key (business_id, client_id) references clients (business_id, id) on delete restrict,
  constraint vendor_expenses_project_fkey foreign key (business_id, project_id) references projects (business_id, id) on delete restrict,
  constraint vendor_expenses_invoice_line_fkey foreign key (business_id, invoice_line_id)
    references sales_lines (business_id, id) on delete set null (invoice_line_id),
  constraint vendor_expenses_created_by_fkey foreign key (created_by) references accounts (id) on delete set null,
  constraint vendor_expenses_business_id_id_key unique (business_id, id),
  constraint vendor_expenses_description_check check (length(btrim(description)) between 1 and 500),
  constraint vendor_expenses_amount_check check (amount_minor > 0),
  constraint vendor_expenses_vendor_check check (length(vendor) <= 200),
  constraint vendor_expenses_category_check check (length(category) <= 100),
  constraint vendor_expenses_notes_check check (length(notes) <= 2000),
  constraint vendor_expenses_status_check check (status in ('unpaid', 'paid')),
  constraint vendor_expenses_paid_check check ((status = 'paid') = (paid_on is not null)),
  constraint vendor_expenses_project_client_check check (project_id is null or client_id is not null),
  constraint vendor_expenses_billable_check check (not billable or client_id is not null),
  constraint vendor_expenses_billed_check check (invoice_line_id is null or billable)
);
select trigger_updated_at('vendor_expenses');
create index vendor_expenses_business_list_idx on vendor_expenses (business_id, incurred_on desc, id desc);
create index vendor_expenses_unbilled_idx on vendor_expenses (business_id, client_id)
  where billable and invoice_line_id is null;
create index vendor_expenses_invoice_line_idx on vendor_expenses (invoice_line_id) where invoice_line_id is not null;
create index vendor_expenses_project_idx on vendor_expenses (business_id, project_id) where project_id is not null;

create table vendor_receipts (
  expense_id   uuid primary key,
  business_id  uuid not null,
  -- As uploaded, cleaned of path parts and control characters; shown and offered on download.
  filename     text not null,
  -- Sniffed from the bytes, never taken from the upload.
  mime_type    text not null,
  size_bytes   integer not null,
  sha256       text not null,
  bytes        bytea not null,
  uploaded_by  uuid,
  uploaded_at  timestamptz not null default now(),
  constraint vendor_receipts_expense_fkey foreign key (business_id, expense_id)
    references vendor_expenses (business_id, id) on delete cascade,
  constraint vendor_receipts_uploaded_by_fkey foreign key (uploaded_by) references accounts (id) on delete set null,
  constraint vendor_receipts_filename_check check (length(filename) between 1 and 255),
  constraint vendor_receipts_mime_type_check
    check (mime_type in ('image/png', 'image/jpeg', 'image/webp', 'application/pdf')),
  constraint vendor_receipts_size_check check (size_bytes between 1 and 10485760 and octet_length(bytes) = size_bytes),
  constraint vendor_receipts_sha256_check check (sha256 ~ '^[0-9a-f]{64}$')
);
-- Images and PDFs are compressed already: store them out of line without trying again.
alter table vendor_receipts alter column bytes set storage external;
create index vendor_receipts_business_idx on vendor_receipts (business_id);

-- E-invoices (issue 19): EN 16931 needs the seller's and the buyer's country as ISO 3166 codes;
-- the free-form addresses stay as they are. A business opts in to Factur-X PDFs.
alter table businesses
  add column country_code text,
  add column einvoicing boolean not null default false,
  add constraint businesses_country_code_check check (country_code ~ '^[A-Z]{2}$');

alter table clients
  add column country_code text,
  add constraint clients_country_code_check check (country_code ~ '^[A-Z]{2}$');

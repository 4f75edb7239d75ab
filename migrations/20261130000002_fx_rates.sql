-- The European Central Bank's reference rates, one row per day and currency, quoted per euro as
-- the ECB prints them (an exact decimal string, never a float). Shared by every business: they
-- are public data. Conversion uses the latest day on or before an invoice's issue date.
create table fx_rates (
  rate_date  date not null,
  currency   char(3) not null,
  per_euro   text not null,
  fetched_at timestamptz not null default now(),
  constraint fx_rates_pkey primary key (rate_date, currency),
  constraint fx_rates_currency_check check (currency ~ '^[A-Z]{3}$' and currency <> 'EUR'),
  constraint fx_rates_per_euro_check check (per_euro ~ '^[0-9]{1,9}(\.[0-9]{1,9})?$' and per_euro !~ '^0+(\.0+)?$')
);

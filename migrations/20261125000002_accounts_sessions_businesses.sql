-- Accounts, sign-in sessions, businesses (tenants) and who belongs to which.
--
-- Naming rule for every migration: a table may only reference tables whose names sort before its
-- own (byte order). pg_dump writes table data in name order, so a plain dump then loads even into
-- a database whose schema already exists (the documented "restore onto a fresh instance" path).
-- That is why the people who sign in live in `accounts`, not `users`. A test enforces the rule.

create table accounts (
  id            uuid primary key default uuid_generate_v7(),
  email         citext not null,
  name          text not null,
  password_hash text not null,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  constraint accounts_email_key unique (email),
  constraint accounts_email_check check (length(email) between 3 and 254 and position('@' in email) > 1),
  constraint accounts_name_check check (length(btrim(name)) between 1 and 100)
);
select trigger_updated_at('accounts');

-- Only a SHA-256 of the session token is stored: a leaked table cannot be replayed as cookies.
create table sessions (
  id           uuid primary key default uuid_generate_v7(),
  user_id      uuid not null,
  token_hash   bytea not null,
  expires_at   timestamptz not null,
  refreshed_at timestamptz not null default now(),
  user_agent   text,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  constraint sessions_user_id_fkey foreign key (user_id) references accounts (id) on delete cascade,
  constraint sessions_token_hash_key unique (token_hash)
);
select trigger_updated_at('sessions');
create index sessions_user_id_idx on sessions (user_id);
create index sessions_expires_at_idx on sessions (expires_at);

create table businesses (
  id            uuid primary key default uuid_generate_v7(),
  name          text not null,
  currency      char(3) not null,
  address       text not null default '',
  hours_per_day integer not null default 8,
  created_by    uuid,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  constraint businesses_name_check check (length(btrim(name)) between 1 and 100),
  constraint businesses_currency_check check (currency ~ '^[A-Z]{3}$'),
  constraint businesses_hours_per_day_check check (hours_per_day between 1 and 24),
  constraint businesses_created_by_fkey foreign key (created_by) references accounts (id) on delete set null
);
select trigger_updated_at('businesses');

-- The role column holds the predefined role names; the roles issue adds custom roles beside it.
create table memberships (
  business_id uuid not null,
  user_id     uuid not null,
  role        text not null default 'member',
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  constraint memberships_pkey primary key (business_id, user_id),
  constraint memberships_business_id_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint memberships_user_id_fkey foreign key (user_id) references accounts (id) on delete cascade,
  constraint memberships_role_check
    check (role in ('owner', 'admin', 'manager', 'member', 'accountant', 'contractor', 'viewer', 'custom'))
);
select trigger_updated_at('memberships');
create index memberships_user_id_idx on memberships (user_id, created_at);

-- Absent row = the user's oldest membership is active. The composite key to memberships means a user
-- can only ever point at a business they belong to, and leaving it clears the choice.
create table user_active_business (
  user_id     uuid primary key,
  business_id uuid not null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  constraint user_active_business_membership_fkey foreign key (business_id, user_id)
    references memberships (business_id, user_id) on delete cascade
);
select trigger_updated_at('user_active_business');

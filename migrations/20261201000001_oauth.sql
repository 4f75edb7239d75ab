-- MCP access (PRODUCT §5, §6.3): the OAuth 2.1 clients that registered themselves, the grants a
-- member gave them (or a personal access token), short-lived authorization codes, and the tokens.
-- Codes and tokens are stored as SHA-256 hashes only: a leaked table cannot be replayed.

-- Public clients from RFC 7591 dynamic registration: no secret, PKCE proves possession.
create table oauth_clients (
  id            uuid primary key default uuid_generate_v7(),
  -- The public identifier handed to the client (random, URL-safe).
  client_id     text not null,
  name          text not null,
  redirect_uris text[] not null,
  client_uri    text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  constraint oauth_clients_client_id_key unique (client_id),
  constraint oauth_clients_name_check check (length(btrim(name)) between 1 and 200),
  constraint oauth_clients_redirect_uris_check check (cardinality(redirect_uris) between 1 and 10)
);
select trigger_updated_at('oauth_clients');

-- A code lives 10 minutes and is consumed by deleting it, so two exchanges cannot both win.
create table oauth_codes (
  code_hash      bytea primary key,
  client_id      uuid not null,
  business_id    uuid not null,
  user_id        uuid not null,
  redirect_uri   text not null,
  code_challenge text not null,
  resource       text not null,
  expires_at     timestamptz not null,
  created_at     timestamptz not null default now(),
  constraint oauth_codes_client_id_fkey foreign key (client_id) references oauth_clients (id) on delete cascade,
  constraint oauth_codes_membership_fkey foreign key (business_id, user_id)
    references memberships (business_id, user_id) on delete cascade
);
create index oauth_codes_expires_at_idx on oauth_codes (expires_at);

-- One member's permission for one client (or one personal access token) to act in one business.
-- It hangs off the membership: removing the member ends every token at once.
create table oauth_grants (
  id           uuid primary key default uuid_generate_v7(),
  business_id  uuid not null,
  user_id      uuid not null,
  -- Null for a personal access token.
  client_id    uuid,
  -- The client's name at consent, or the name given to the personal access token.
  name         text not null,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  constraint oauth_grants_membership_fkey foreign key (business_id, user_id)
    references memberships (business_id, user_id) on delete cascade,
  constraint oauth_grants_client_id_fkey foreign key (client_id) references oauth_clients (id) on delete cascade,
  constraint oauth_grants_business_id_id_key unique (business_id, id),
  constraint oauth_grants_name_check check (length(btrim(name)) between 1 and 200)
);
select trigger_updated_at('oauth_grants');
create index oauth_grants_business_id_idx on oauth_grants (business_id, user_id);

-- Access tokens expire within the hour; refresh tokens rotate: each is exchanged once, and a
-- second use of a rotated one revokes its grant (the whole family). Personal tokens never expire.
create table oauth_tokens (
  token_hash  bytea primary key,
  business_id uuid not null,
  grant_id    uuid not null,
  kind       text not null,
  expires_at timestamptz,
  rotated_at timestamptz,
  created_at timestamptz not null default now(),
  constraint oauth_tokens_grant_fkey foreign key (business_id, grant_id)
    references oauth_grants (business_id, id) on delete cascade,
  constraint oauth_tokens_kind_check check (kind in ('access', 'refresh', 'personal')),
  constraint oauth_tokens_expiry_check check ((kind = 'personal') = (expires_at is null))
);
create index oauth_tokens_grant_id_idx on oauth_tokens (grant_id);

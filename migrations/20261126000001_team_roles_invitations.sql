-- Team management: custom roles, per-member permission overrides and invitations.
-- Naming rule (see the accounts migration): referenced tables sort before referencing ones:
-- custom_roles < invitations < memberships < permission_overrides.

create table custom_roles (
  id          uuid primary key default uuid_generate_v7(),
  business_id uuid not null,
  name        text not null,
  -- Permission keys ('clients.view', …); unknown keys are ignored when read, so retiring a
  -- permission never breaks a role.
  permissions text[] not null default '{}',
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  constraint custom_roles_business_id_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint custom_roles_business_id_id_key unique (business_id, id),
  constraint custom_roles_name_check check (length(btrim(name)) between 1 and 60)
);
select trigger_updated_at('custom_roles');
create unique index custom_roles_business_name_key on custom_roles (business_id, lower(btrim(name)));

-- A custom role in use cannot be deleted: the foreign key restricts it, whatever the code does.
alter table memberships add column custom_role_id uuid;
alter table memberships
  add constraint memberships_custom_role_fkey foreign key (business_id, custom_role_id)
    references custom_roles (business_id, id) on delete restrict,
  add constraint memberships_custom_role_check check ((role = 'custom') = (custom_role_id is not null));
create index memberships_owner_idx on memberships (business_id) where role = 'owner';

create table permission_overrides (
  business_id uuid not null,
  user_id     uuid not null,
  permission  text not null,
  effect      text not null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  constraint permission_overrides_pkey primary key (business_id, user_id, permission),
  constraint permission_overrides_membership_fkey foreign key (business_id, user_id)
    references memberships (business_id, user_id) on delete cascade,
  constraint permission_overrides_effect_check check (effect in ('grant', 'deny')),
  constraint permission_overrides_permission_check check (permission ~ '^[a-z]+\.[a-zA-Z]+$')
);
select trigger_updated_at('permission_overrides');

-- The invitation link's token is an HMAC of the id (keyed by BETTER_AUTH_SECRET), so no token is
-- stored, a pending invitation's link can be shown again, and rotating the secret voids them all.
create table invitations (
  id             uuid primary key default uuid_generate_v7(),
  business_id    uuid not null,
  email          citext not null,
  role           text not null,
  custom_role_id uuid,
  status         text not null default 'pending',
  invited_by     uuid,
  expires_at     timestamptz not null,
  accepted_at    timestamptz,
  accepted_by    uuid,
  revoked_at     timestamptz,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  constraint invitations_business_id_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint invitations_invited_by_fkey foreign key (invited_by) references accounts (id) on delete set null,
  constraint invitations_accepted_by_fkey foreign key (accepted_by) references accounts (id) on delete set null,
  -- Past invitations keep their history when a custom role goes; pending ones block its deletion.
  constraint invitations_custom_role_fkey foreign key (business_id, custom_role_id)
    references custom_roles (business_id, id) on delete set null (custom_role_id),
  constraint invitations_role_check
    check (role in ('owner', 'admin', 'manager', 'member', 'accountant', 'contractor', 'viewer', 'custom')),
  constraint invitations_custom_role_check
    check (status <> 'pending' or (role = 'custom') = (custom_role_id is not null)),
  constraint invitations_status_check check (status in ('pending', 'accepted', 'revoked', 'expired')),
  constraint invitations_email_check check (length(email) between 3 and 254 and position('@' in email) > 1)
);
select trigger_updated_at('invitations');
create unique index invitations_pending_email_key on invitations (business_id, email) where status = 'pending';
create index invitations_business_idx on invitations (business_id, created_at);

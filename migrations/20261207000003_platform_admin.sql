-- Platform administration (PRODUCT §3.16): instance operators, granted from the command line
-- (`server grant-admin EMAIL`), who may suspend a business. A suspended business is read-only for
-- its members, cannot export, and its MCP tokens are refused until it is unsuspended.

alter table accounts
  add column platform_admin boolean not null default false;

alter table businesses
  add column suspended_at timestamptz,
  add column suspended_reason text,
  add constraint businesses_suspended_check check (
    (suspended_at is null) = (suspended_reason is null)
    and length(btrim(coalesce(suspended_reason, 'x'))) between 1 and 500);

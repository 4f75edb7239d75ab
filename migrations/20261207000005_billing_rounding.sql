-- Billing rounding (issue 19): how tracked time is rounded when it becomes invoice lines, as
-- `none` or `scope:direction:step:minimum` (minutes), e.g. `entry:up:15:0`. Time entries are never
-- changed by it. An invoice keeps the rule that was in force when its lines were first generated
-- from time (null until then), so changing the setting never changes an invoice already started.

create function billing_rounding_is_valid(rule text) returns boolean
  language sql immutable strict
  return case
    when rule ~ '^(entry|line):(up|down|nearest):(1|6|15|30):[0-9]{1,3}$' then split_part(rule, ':', 4)::int <= 480
    else rule = 'none'
  end;

alter table businesses
  add column billing_rounding text not null default 'none',
  add constraint businesses_billing_rounding_check check (billing_rounding_is_valid(billing_rounding));

alter table sales_invoices
  add column billing_rounding text,
  add constraint sales_invoices_billing_rounding_check check (billing_rounding_is_valid(billing_rounding));

-- Billing rounding per client (issue 19): a client's own rule, or null to follow the business's.
-- Same stored form as businesses.billing_rounding; an invoice still keeps the rule it was first
-- generated with.
alter table clients
  add column billing_rounding text,
  add constraint clients_billing_rounding_check check (billing_rounding_is_valid(billing_rounding));

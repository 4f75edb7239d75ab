-- Settings of the whole instance rather than of one business: one row (id = true). Update checks
-- (Settings → System) keep their switch and their last answer here, shared by every replica.

create table instance_settings (
  id              boolean primary key default true,
  update_checks   boolean not null default true,
  latest_version  text,
  checked_at      timestamptz,
  check_error     text,
  constraint instance_settings_single_row check (id),
  constraint instance_settings_latest_check check (length(coalesce(latest_version, '')) <= 100),
  constraint instance_settings_error_check check (length(coalesce(check_error, '')) <= 500)
);

-- Money columns for every table from here on: `minor_units` (integer minor units, within ±10^15,
-- the range the existing CHECK blocks allow) beside `currency_code` (ISO 4217, upper case). A
-- table states the types; the range and format rules live here once instead of in each CHECK.
create domain currency_code as char(3)
  constraint currency_code_format check (value ~ '^[A-Z]{3}$');

create domain minor_units as bigint
  constraint minor_units_range check (value between -1000000000000000 and 1000000000000000);

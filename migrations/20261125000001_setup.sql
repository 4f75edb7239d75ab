-- Helpers every later migration relies on.

-- Time-ordered UUIDs (RFC 9562 v7): index-friendly and leak no row counts. Rust generates them too
-- (uuid::Uuid::now_v7); this default serves SQL-only inserts (fixtures, manual fixes).
create function uuid_generate_v7() returns uuid
language sql volatile parallel safe as $$
  select encode(
    set_bit(
      set_bit(
        overlay(uuid_send(gen_random_uuid())
                placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                from 1 for 6),
        52, 1),
      53, 1),
    'hex')::uuid
$$;

-- Maintains updated_at on every table that opts in with trigger_updated_at('table').
create function set_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at = now();
  return new;
end;
$$;

create function trigger_updated_at(tablename regclass) returns void
language plpgsql as $$
begin
  execute format(
    'create trigger %I_set_updated_at before update on %s
       for each row when (old is distinct from new) execute function set_updated_at()',
    tablename::text, tablename);
end;
$$;

-- Case-insensitive text for e-mail addresses.
create extension if not exists citext;

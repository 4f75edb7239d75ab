# Shared by scripts/dev and scripts/test (sourced, not run). Finds or starts a PostgreSQL server and
# prints connection URLs for it.

log() { printf '\033[1;34m[clerq]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[clerq]\033[0m %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

PG_HOST=127.0.0.1
PG_PORT=${PG_PORT:-5432}
LOCAL_CLUSTER="$PWD/.data/postgres"

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }

# Starts the machine's PostgreSQL if it is down; without one, a project-local cluster in .data/.
start_postgres() {
  pg_ready && return 0
  local cluster
  cluster=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$cluster" ] && command -v pg_ctlcluster >/dev/null; then
    log "starting PostgreSQL $cluster"
    as_root pg_ctlcluster --skip-systemctl-redirect "$cluster" main start || true
  else
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bin" ] || die "PostgreSQL is not installed; run ./scripts/ensure-tools.sh"
    PG_PORT=54329
    pg_ready && return 0
    log "starting a project-local PostgreSQL in .data/postgres on port $PG_PORT"
    local run=()
    if [ "$(id -u)" = 0 ]; then run=(runuser -u postgres --); mkdir -p .data && chown postgres .data; fi
    if [ ! -f "$LOCAL_CLUSTER/PG_VERSION" ]; then
      "${run[@]}" "$bin/initdb" -D "$LOCAL_CLUSTER" -U postgres --auth=trust >/dev/null
    fi
    "${run[@]}" "$bin/pg_ctl" -D "$LOCAL_CLUSTER" -l "$LOCAL_CLUSTER.log" -w \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=$PG_HOST" start >/dev/null
  fi
  for _ in $(seq 1 30); do pg_ready && return 0; sleep 1; done
  die "PostgreSQL did not start on $PG_HOST:$PG_PORT"
}

# Sets PG_BASE_URL to a superuser URL without a database (`…@host:port`), using trust auth when the
# server allows it, else the password `postgres` (set once through the local socket).
resolve_pg_credentials() {
  for cred in postgres root; do
    if psql "postgres://$cred@$PG_HOST:$PG_PORT/postgres" -tAc 'select 1' >/dev/null 2>&1; then
      PG_BASE_URL="postgres://$cred@$PG_HOST:$PG_PORT"; return 0
    fi
  done
  if ! PGPASSWORD=postgres psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    log "setting a local password for the postgres role"
    as_root runuser -u postgres -- psql -p "$PG_PORT" -qc "alter user postgres password 'postgres'" >/dev/null
  fi
  PG_BASE_URL="postgres://postgres:postgres@$PG_HOST:$PG_PORT"
}

# Creates database $1 if it does not exist.
ensure_database() {
  local exists
  exists=$(psql "$PG_BASE_URL/postgres" -tAc "select 1 from pg_database where datname = '$1'")
  [ "$exists" = 1 ] || psql "$PG_BASE_URL/postgres" -qc "create database \"$1\"" >/dev/null
}

# Drops and recreates database $1.
fresh_database() {
  psql "$PG_BASE_URL/postgres" -qc "drop database if exists \"$1\" with (force)" >/dev/null
  psql "$PG_BASE_URL/postgres" -qc "create database \"$1\"" >/dev/null
}

# A strong random secret (base64 of 32 bytes).
random_secret() {
  if command -v openssl >/dev/null; then openssl rand -base64 32; else head -c 32 /dev/urandom | base64; fi
}

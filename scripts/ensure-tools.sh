#!/usr/bin/env bash
# Installs what building and testing Clerq needs, idempotently: each step is skipped when its tool is
# already present, so a machine that has everything pays only a few `command -v` calls.
# Versions and the two lock patches are the ones verified in shared/TOOLCHAIN.md.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml
SQLX_CLI_VERSION=0.9.0
# What to install: the Docker build needs only the compilers; the tests need everything.
want_browser=${CLERQ_NEED_BROWSER:-1}     # what only the tests use: Chromium, Playwright, poppler
want_postgres=${CLERQ_NEED_POSTGRES:-1}   # a local PostgreSQL server
want_sqlx_cli=${CLERQ_NEED_SQLX_CLI:-1}   # `cargo sqlx prepare --check`
want_compose=${CLERQ_NEED_COMPOSE:-1}     # `docker compose config` validation of docker-compose.yml

log() { printf '\033[1;34m[tools]\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}
# A crate's source from the registry, copied out so its lock file can be patched.
crate_source() {
  local name=$1 version=$2 dest=$3
  cargo info "$name@$version" >/dev/null 2>&1
  rm -rf "$dest"
  cp -r "$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$name-$version" | head -n 1)" "$dest"
}
# Fast release profile for tool installs (verified: halves the cargo-leptos build).
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v cargo-leptos >/dev/null || ! cargo-leptos --version | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION (first time only, ~13 min)"
  src=$(mktemp -d)/cargo-leptos
  crate_source cargo-leptos "$CARGO_LEPTOS_VERSION" "$src"
  # Its lock pins cargo-util-schemas 0.14.2, which needs rustc 1.96.
  (cd "$src" && cargo update -q -p cargo-util-schemas --precise 0.14.1 \
    && cargo install -q --path . --locked --features no_downloads)
fi

if ! command -v wasm-bindgen >/dev/null || ! wasm-bindgen --version | grep -q "$WASM_BINDGEN_VERSION"; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (first time only, ~6 min)"
  src=$(mktemp -d)/wasm-bindgen-cli
  crate_source wasm-bindgen-cli "$WASM_BINDGEN_VERSION" "$src"
  # Its lock pins webpki-roots 1.0.11, which this registry mirror does not serve.
  (cd "$src" && cargo update -q -p webpki-roots --precise 1.0.10 && cargo install -q --path . --locked)
fi

if [ "$want_sqlx_cli" = 1 ] && { ! command -v sqlx >/dev/null || ! sqlx --version | grep -q "$SQLX_CLI_VERSION"; }; then
  log "installing sqlx-cli $SQLX_CLI_VERSION"
  cargo install -q sqlx-cli --version "$SQLX_CLI_VERSION" --no-default-features --features postgres,rustls --locked
fi

if [ "$want_postgres" = 1 ] && ! command -v pg_ctlcluster >/dev/null && ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing PostgreSQL from apt"
  apt_install postgresql
fi

if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  log "installing Debian chromium for Playwright"
  apt_install chromium
fi

# The invoice PDF's golden tests read PDFs back with poppler (pdftotext, pdfinfo, pdftoppm).
if [ "$want_browser" = 1 ] && ! command -v pdftotext >/dev/null; then
  log "installing poppler-utils (PDF golden tests)"
  apt_install poppler-utils
fi

# No docker engine runs here, but the compose file is still validated: Debian's docker-compose
# (v1.29) when the `docker compose` plugin is absent.
if [ "$want_compose" = 1 ] && ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
  log "installing docker-compose (compose file validation)"
  apt_install docker-compose
fi

# wasm-opt comes from npm binaryen (Debian's 108 breaks the release wasm); cargo-leptos puts
# node_modules/.bin first on PATH because package.json sits in the project root.
if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci (root: binaryen)"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ "$want_browser" = 1 ]; then
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    log "npm ci (end2end: Playwright, no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# The e-invoice tests validate Clerq's XML and PDFs with the official XSDs and Schematron rules,
# run by Python packages from PyPI, in a virtualenv of their own.
if [ "${CLERQ_NEED_EINVOICE_CHECKS:-$want_browser}" = 1 ]; then
  venv=${CLERQ_EINVOICE_VENV:-$HOME/.cache/clerq/einvoice-venv}
  stamp="$venv/requirements.txt"
  if ! cmp -s scripts/einvoice-requirements.txt "$stamp"; then
    log "installing the e-invoice validators (factur-x, saxonche) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r scripts/einvoice-requirements.txt
    cp scripts/einvoice-requirements.txt "$stamp"
  fi
fi

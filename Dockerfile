# syntax=docker/dockerfile:1.7
# Clerq image: one builder compiles the wasm front end and the server with cargo-leptos; the
# runtime is a slim Debian with the binary, the site files and a non-root user.

FROM rust:1.95.0-bookworm AS builder
# Node/npm supply wasm-opt (npm binaryen 132): Debian's binaryen 108 silently breaks the release wasm.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Tools first, so their layer survives code changes. The script pins cargo-leptos 0.3.11 and
# wasm-bindgen-cli 0.2.130 (the lock-file patches they need on rustc 1.95 are inside it).
ENV CLERQ_NEED_BROWSER=0 CLERQ_NEED_POSTGRES=0 CLERQ_NEED_SQLX_CLI=0 CLERQ_NEED_COMPOSE=0
COPY scripts/ensure-tools.sh scripts/ensure-tools.sh
COPY package.json package-lock.json ./
RUN ./scripts/ensure-tools.sh
COPY . .
# Queries are checked against the committed .sqlx/ data: no database during the build.
ENV SQLX_OFFLINE=true
# --precompress writes .br and .gz beside the wasm, JS and CSS; the server sends those as they are.
# hash.txt names the hashed wasm, JS and CSS; the server reads it from its own directory.
# --split puts each group of pages in a wasm file of its own, loaded when first shown.
RUN cargo leptos build --release --precompress --split \
 && mkdir -p /out && cp target/release/server /out/server && cp target/release/hash.txt /out/hash.txt

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin clerq
WORKDIR /app
COPY --from=builder /out/server /out/hash.txt /app/
COPY --from=builder /src/target/site /app/site
ENV LEPTOS_OUTPUT_NAME=clerq \
    LEPTOS_SITE_ROOT=site \
    LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_ENV=PROD \
    LEPTOS_HASH_FILES=true \
    RUST_LOG=info
USER clerq
EXPOSE 3000
# `server healthcheck` calls health.ping on the local port: no curl in the image.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["/app/server", "healthcheck"]
ENTRYPOINT ["/app/server"]
CMD ["serve"]

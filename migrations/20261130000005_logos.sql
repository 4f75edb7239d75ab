-- Business logos (PRODUCT §3.2), in Postgres like everything else so pg_dump keeps them. What is
-- stored is never the upload: every logo is decoded and re-encoded as a PNG of at most 800 × 800
-- pixels (SVGs are rasterised), so nothing stored can run as active content.
create table logos (
  business_id  uuid primary key,
  png          bytea not null,
  width        integer not null,
  height       integer not null,
  -- Hex SHA-256 of `png`: the cache key in logo URLs.
  sha256       text not null,
  -- What was uploaded: image/png, image/jpeg, image/webp or image/svg+xml.
  source_type  text not null,
  updated_at   timestamptz not null default now(),
  constraint logos_business_id_fkey foreign key (business_id) references businesses (id) on delete cascade,
  constraint logos_png_check check (octet_length(png) between 8 and 4194304),
  constraint logos_width_check check (width between 1 and 800),
  constraint logos_height_check check (height between 1 and 800),
  constraint logos_sha256_check check (sha256 ~ '^[0-9a-f]{64}$'),
  constraint logos_source_type_check
    check (source_type in ('image/png', 'image/jpeg', 'image/webp', 'image/svg+xml'))
);

-- Hygie resource store (see docs/adr/0001-resource-store.md).
-- A resource version is opaque bytes (codec header + payload); search never reads payloads,
-- only the narrow index tables, which hold rows for the current, non-deleted version only.

create table resource (
    pk            bigserial primary key,
    res_type      text        not null,
    res_id        text        not null,
    version       integer     not null,
    deleted       boolean     not null,
    last_updated  timestamptz not null,
    -- patient compartment this resource belongs to, as a keyed digest of the Patient reference (never
    -- the id in clear); null for directory data. Selects the data key and is the future
    -- partitioning/distribution key.
    compartment   text,
    constraint resource_type_id_uq unique (res_type, res_id)
);
create index resource_type_updated_idx on resource (res_type, last_updated, pk) where not deleted;
-- default result order (insertion order): lets a first page stop after _count matches
create index resource_type_pk_idx on resource (res_type, pk) where not deleted;

create table resource_version (
    resource_pk   bigint      not null references resource (pk),
    version       integer     not null,
    res_type      text        not null,
    res_id        text        not null,
    last_updated  timestamptz not null,
    -- 'POST', 'PUT', 'PATCH' or 'DELETE': what produced the version, for history entries
    method        text        not null,
    deleted       boolean     not null,
    -- id of the data key that sealed the payload ('none' when the codec does not encrypt)
    key_id        text        not null,
    payload       bytea,
    primary key (resource_pk, version)
);
create index resource_version_updated_idx on resource_version (last_updated, resource_pk);
create index resource_version_type_updated_idx on resource_version (res_type, last_updated, resource_pk);

-- Every local reference held by the current version (not only those behind search parameters):
-- refusal of deletes that would leave dangling references. The target is a keyed digest of
-- "Type/id", so the table does not spell out who is linked to whom.
create table resource_link (
    source_pk    bigint not null references resource (pk),
    target_key   text   not null
);
create index resource_link_source_idx on resource_link (source_pk);
create index resource_link_target_idx on resource_link (target_key);

-- Search index tables: one row per extracted value, keyed by (res_type, param).
create table idx_token (
    resource_pk  bigint not null references resource (pk),
    res_type     text   not null,
    param        text   not null,
    system       text,
    code         text,
    text_norm    text
);
create index idx_token_value_idx on idx_token (res_type, param, code, system);
create index idx_token_text_idx on idx_token (res_type, param, text_norm text_pattern_ops);
create index idx_token_pk_idx on idx_token (resource_pk);

create table idx_string (
    resource_pk  bigint not null references resource (pk),
    res_type     text   not null,
    param        text   not null,
    value_norm   text   not null,
    value_exact  text   not null
);
create index idx_string_norm_idx on idx_string (res_type, param, value_norm text_pattern_ops);
create index idx_string_exact_idx on idx_string (res_type, param, value_exact);
create index idx_string_pk_idx on idx_string (resource_pk);

-- Dates as [low_ms, high_ms) epoch-millisecond ranges (precision-aware; open ends are min/max long).
create table idx_date (
    resource_pk  bigint not null references resource (pk),
    res_type     text   not null,
    param        text   not null,
    low_ms       bigint not null,
    high_ms      bigint not null
);
create index idx_date_low_idx on idx_date (res_type, param, low_ms);
create index idx_date_high_idx on idx_date (res_type, param, high_ms);
create index idx_date_pk_idx on idx_date (resource_pk);

create table idx_reference (
    resource_pk  bigint not null references resource (pk),
    res_type     text   not null,
    param        text   not null,
    target_type  text,
    target_id    text,
    -- absolute or canonical URL when the reference is not a local Type/id
    target_url   text
);
create index idx_reference_target_idx on idx_reference (res_type, param, target_id, target_type);
create index idx_reference_url_idx on idx_reference (res_type, param, target_url);
create index idx_reference_pk_idx on idx_reference (resource_pk);

create table idx_number (
    resource_pk  bigint  not null references resource (pk),
    res_type     text    not null,
    param        text    not null,
    value        numeric not null
);
create index idx_number_value_idx on idx_number (res_type, param, value);
create index idx_number_pk_idx on idx_number (resource_pk);

create table idx_quantity (
    resource_pk  bigint  not null references resource (pk),
    res_type     text    not null,
    param        text    not null,
    value        numeric not null,
    system       text,
    code         text,
    unit         text
);
create index idx_quantity_value_idx on idx_quantity (res_type, param, value);
create index idx_quantity_pk_idx on idx_quantity (resource_pk);

-- Positions (Location.position) for near searches: a bounding box on the index, then the exact distance.
create table idx_geo (
    resource_pk  bigint           not null references resource (pk),
    res_type     text             not null,
    param        text             not null,
    latitude     double precision not null,
    longitude    double precision not null
);
create index idx_geo_position_idx on idx_geo (res_type, param, latitude, longitude);
create index idx_geo_pk_idx on idx_geo (resource_pk);

-- Protected (sensitive) values: keyed HMAC digests only, one row per resource holding all of them
-- (see SensitivityPolicy and BlindIndexProtector). A digest is keyed per (type, parameter), so it
-- identifies its parameter by itself; a GIN index answers "holds this digest".
create table idx_blind (
    resource_pk  bigint  not null references resource (pk),
    res_type     text    not null,
    digests      bytea[] not null
);
create index idx_blind_digests_idx on idx_blind using gin (digests);
create unique index idx_blind_pk_idx on idx_blind (resource_pk);

create table idx_uri (
    resource_pk  bigint not null references resource (pk),
    res_type     text   not null,
    param        text   not null,
    uri          text   not null
);
create index idx_uri_value_idx on idx_uri (res_type, param, uri);
create index idx_uri_pk_idx on idx_uri (resource_pk);

-- Data keys, stored only wrapped (RFC 5649) by the operator's master key, whose id is kept beside.
-- One per patient compartment (crypto-shredding a patient = forgetting its wrapped key), one for
-- directory data, one for the blind index.
create table data_key (
    id            text        primary key,
    compartment   text        not null unique,
    kek_id        text        not null,
    wrapped       bytea,
    created_at    timestamptz not null default now(),
    destroyed_at  timestamptz
);
create index data_key_kek_idx on data_key (kek_id) where wrapped is not null;

-- Facts a server checks at startup (e.g. the storage mode a database was created with).
create table hygie_setting (
    name   text primary key,
    value  text not null
);

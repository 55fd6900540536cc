-- Document content (Binary data), outside the resource payload so that large files are stored and read
-- in bounded memory (docs/adr/0006-document-content.md): split into 1 MiB chunks, each sealed with
-- AES-256-GCM under the compartment's data key, its AAD binding content id, chunk number and whether it
-- is the last (no chunk can be moved, replayed or dropped unnoticed). Size and chunk count are clear
-- (the ciphertext length tells them anyway); the content hash lives in the encrypted Binary resource.
create table binary_content (
    content_id   text        primary key,
    key_id       text        not null,  -- data key sealing the chunks ('none' in plaintext mode)
    size         bigint      not null,
    chunk_count  integer     not null,
    created      timestamptz not null
);
create index binary_content_key_idx on binary_content (key_id);

create table binary_chunk (
    content_id   text    not null references binary_content (content_id) on delete cascade,
    chunk_no     integer not null,
    payload      bytea   not null,
    primary key (content_id, chunk_no)
);

-- Audit trail (docs/adr/0005-access-control-and-audit.md). AuditEvents are ordinary stored resources
-- (encrypted in their patient's compartment, searchable by that patient); this table chains them so
-- that changing, removing or reordering one is detectable. A row is added when the sealer chains an
-- AuditEvent, in the order it sees them committed: hash = sha256(prev_hash || res_id || payload_hash),
-- over the stored (encrypted) payload, so verifying needs no key and survives crypto-shredding.
create table audit_chain (
    seq           bigint      primary key,
    resource_pk   bigint      not null unique references resource (pk),
    res_id        text        not null,
    payload_hash  bytea       not null,
    prev_hash     bytea       not null,
    hash          bytea       not null,
    sealed_at     timestamptz not null
);

-- Append-only, as far as the database can say so (the chain detects what a superuser does anyway).
create function hygie_refuse_audit_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit records are append-only';
end $$;

create trigger audit_chain_append_only before update or delete on audit_chain
    for each row execute function hygie_refuse_audit_change();

-- An AuditEvent version never changes, except that crypto-shredding may erase its payload.
create function hygie_refuse_audit_event_change() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and new.payload is null and new.resource_pk = old.resource_pk and new.version = old.version then
        return new;
    end if;
    raise exception 'AuditEvent versions are append-only';
end $$;

create trigger audit_event_versions_append_only before update or delete on resource_version
    for each row when (old.res_type = 'AuditEvent') execute function hygie_refuse_audit_event_change();

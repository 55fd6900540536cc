-- The audit sealer's queue: each committed AuditEvent row waits here until it is chained, so sealing
-- costs what is pending, not a scan of every AuditEvent ever written (V5's anti-join grew with the
-- trail). Filled by a trigger in the writing transaction, so a late commit still gets queued.
create table audit_pending (
    resource_pk bigint primary key references resource (pk)
);

create function hygie_queue_audit_event() returns trigger language plpgsql as $$
begin
    insert into audit_pending (resource_pk) values (new.pk);
    return new;
end $$;

create trigger audit_event_queued after insert on resource
    for each row when (new.res_type = 'AuditEvent') execute function hygie_queue_audit_event();

insert into audit_pending (resource_pk)
select r.pk from resource r
where r.res_type = 'AuditEvent' and not exists (select 1 from audit_chain c where c.resource_pk = r.pk);

-- Slot availability projection (see docs/adr/0003-slot-availability-projection.md).
-- The free-slot query (status + a start window + the schedule's practitioner) crossed three
-- unselective index tables; one narrow row per live Slot answers it with one index range scan per
-- schedule. Rows are written and removed with the Slot's other index rows, in the same transaction.
create table slot_availability (
    resource_pk        bigint primary key references resource (pk),
    schedule_id    text,
    status_system  text,
    status         text,
    start_low      bigint,
    start_high     bigint,
    end_low        bigint,
    end_high       bigint,
    -- Slot.start and Slot.end are FHIR instants (second or millisecond precision), so a value covers
    -- at most one second; the search SQL relies on it to turn "ge"/"gt" into a bounded index range.
    constraint slot_availability_start_width check (start_high - start_low <= 1000),
    constraint slot_availability_end_width check (end_high - end_low <= 1000)
);
create index slot_availability_schedule_idx on slot_availability (schedule_id, status, start_low);
create index slot_availability_status_idx on slot_availability (status, start_low);

-- Slots stored before this version.
insert into slot_availability (resource_pk, schedule_id, status_system, status, start_low, start_high, end_low, end_high)
select r.pk,
       (select i.target_id from idx_reference i where i.resource_pk = r.pk and i.param = 'schedule' limit 1),
       t.system, t.code,
       s.low_ms, s.high_ms, e.low_ms, e.high_ms
from resource r
left join lateral (select system, code from idx_token i where i.resource_pk = r.pk and i.param = 'status' limit 1) t on true
left join lateral (select low_ms, high_ms from idx_date i where i.resource_pk = r.pk and i.param = 'start' limit 1) s on true
left join lateral (select low_ms, high_ms from idx_date i where i.resource_pk = r.pk and i.param = 'end' limit 1) e on true
where r.res_type = 'Slot' and not r.deleted;

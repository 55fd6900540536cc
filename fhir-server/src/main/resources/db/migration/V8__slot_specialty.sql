-- The free-slot query by specialty (ANS GAP / SAS: Slot?status=free&start=..&schedule.actor:PractitionerRole.specialty=..)
-- as one contiguous index range (see docs/adr/0008-slot-specialty-projection.md): one row per live Slot
-- and specialty of the PractitionerRoles its Schedule serves, copied from slot_availability. Kept in the
-- same transaction as the writes it depends on: a Slot's own, its Schedule's (actors) and those roles'
-- (specialties), which refresh every slot they reach.
create table slot_specialty (
    resource_pk    bigint not null references resource (pk),
    system         text,
    code           text not null,
    schedule_id    text,
    status_system  text,
    status         text,
    start_low      bigint,
    start_high     bigint,
    end_low        bigint,
    end_high       bigint
);
create index slot_specialty_range_idx on slot_specialty (code, status, start_low) include (system, start_high, resource_pk);
create index slot_specialty_slot_idx on slot_specialty (resource_pk);

-- Slots stored before this version.
insert into slot_specialty (resource_pk, system, code, schedule_id, status_system, status, start_low, start_high, end_low, end_high)
select distinct sa.resource_pk, t.system, t.code, sa.schedule_id, sa.status_system, sa.status, sa.start_low, sa.start_high, sa.end_low, sa.end_high
from slot_availability sa
join resource s on s.res_type = 'Schedule' and s.res_id = sa.schedule_id and not s.deleted
join idx_reference a on a.resource_pk = s.pk and a.param = 'actor' and a.target_type = 'PractitionerRole'
join resource pr on pr.res_type = 'PractitionerRole' and pr.res_id = a.target_id and not pr.deleted
join idx_token t on t.resource_pk = pr.pk and t.param = 'specialty' and t.code is not null;

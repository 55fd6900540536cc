-- Who reaches which patient, and in which compartment each version was written (docs/adr/0005).

-- A long statement on a large database must not be cut by the server's per-statement timeout.
set local statement_timeout = 0;

-- Each version keeps the compartment it was written in: a resource may move between compartments (a
-- document filed for the wrong patient, then corrected), and a caller restricted to one compartment reads
-- only the versions written in it.
alter table resource_version add column compartment text;
-- sealed versions name their compartment through their data key; plaintext ones take the resource's
update resource_version v set compartment = k.compartment
  from data_key k where k.id = v.key_id and k.compartment not like '~%';
update resource_version v set compartment = r.compartment
  from resource r where r.pk = v.resource_pk and v.key_id = 'none';
-- a deleted resource keeps the compartment it was deleted from (its id is not reused in another one)
update resource r set compartment = (select v.compartment from resource_version v
  where v.resource_pk = r.pk and not v.deleted order by v.version desc limit 1)
  where r.deleted and r.compartment is null;

-- Care relationships: a practitioner (or one of their roles) reaches a patient's record because the
-- patient, or the operator's own software, made an appointment with them; never because the practitioner
-- named the patient. Rows are written by the server in the transaction of the appointment that creates them.
create table care_relationship (
    grantee      text        not null, -- Practitioner/ID or PractitionerRole/ID
    compartment  text        not null, -- the patient's compartment (keyed digest, as resource.compartment)
    granted_at   timestamptz not null default now(),
    primary key (grantee, compartment)
);
create index care_relationship_compartment_idx on care_relationship (compartment);

-- Appointments stored before this version: who made them was not recorded, so each one counts as made by
-- the operator (the relationship it names is kept, as it was before).
insert into care_relationship (grantee, compartment)
select distinct i.target_type || '/' || i.target_id, r.compartment
  from resource r join idx_reference i on i.resource_pk = r.pk
 where r.res_type = 'Appointment' and not r.deleted and r.compartment is not null
   and i.param = 'actor' and i.target_type in ('Practitioner', 'PractitionerRole') and i.target_id is not null
on conflict do nothing;

-- Schedules are public directory data: one naming a patient would publish that patient's agenda.
do $$
begin
  if exists (select 1 from resource where res_type = 'Schedule' and not deleted and compartment is not null) then
    raise exception 'Hygie 0.2 publishes every Schedule; this database holds Schedules whose actor is a patient. '
      'Delete them (or remove the patient from their actors) with the previous version, then start this one.';
  end if;
end $$;

-- pgbench script: the statements one direct booking sends to PostgreSQL (POST Appointment, status
-- booked, one free slot of a Schedule without booking mode), in their order, with the server's part
-- taken away. Run by bench/booking-bench.sh on its database once the bookings are audited: what
-- PostgreSQL alone manages is a ceiling for the server's bookings/s on the same machine.
-- Taken from PostgreSQL's statement log of one booking (log_statement = all on the bench database),
-- 2026-11-30, once a slot's new status rewrites only the index tables it changes (ADR 0010: 20
-- statements, 33 before); when the store's statements change, take them again the same way.
-- The index deletes go as one pipeline, as the server sends them (one JDBC batch, one round trip).
-- Differences, all making the ceiling higher rather than lower: every statement is a prepared one
-- (the server plans the reservation statements and the literal index deletes at each execution), one
-- extra primary-key lookup picks the slot, and the payloads are not ciphertext (same size, ~300 bytes).
-- Needs: -D slots=N (rows of bench_replay_slot, filled by the caller).
\set n random(1, :slots)
\set a random(1, 1000000000000)
select pk as spk, res_id as sid, schedule_id as sched, start_low as s0, end_low as e0, schedule_link as slink, slot_link as alink
  from bench_replay_slot where n = :n \gset
begin;
select r.pk, r.res_type, r.res_id, r.version, r.deleted, r.last_updated, v.res_type, v.res_id, v.version, v.last_updated, v.method, v.deleted, v.key_id, v.payload from resource r cross join lateral (select * from resource_version v where v.resource_pk = r.pk and v.version = r.version offset 0) v where r.res_type = 'Slot' and r.res_id = :sid for update of r;
select r.pk, r.res_type, r.res_id, r.version, r.deleted, r.last_updated, v.res_type, v.res_id, v.version, v.last_updated, v.method, v.deleted, v.key_id, v.payload from resource r cross join lateral (select * from resource_version v where v.resource_pk = r.pk and v.version = r.version offset 0) v where r.res_type = 'Schedule' and r.res_id = :sched;
insert into slot_reservation (slot_id, appointment_id, hold_expires) values (:sid, 'replay-' || :a, null) on conflict (slot_id) do nothing;
update resource set version = version + 1, deleted = false, last_updated = now(), compartment = null where pk = :spk returning version as sv \gset
insert into resource_version (resource_pk, version, res_type, res_id, last_updated, method, deleted, key_id, payload) values (:spk, :sv, 'Slot', :sid, now(), 'PUT', false, 'dek-replay', convert_to(repeat(md5(:a::text), 9), 'UTF8'));
\startpipeline
delete from idx_token where resource_pk = :spk;
delete from slot_availability where resource_pk = :spk;
delete from slot_specialty where resource_pk = :spk;
\endpipeline
insert into idx_token (resource_pk, res_type, param, system, code, text_norm) values (:spk, 'Slot', 'status', 'http://hl7.org/fhir/slotstatus', 'busy', null);
insert into slot_availability (resource_pk, schedule_id, status_system, status, start_low, start_high, end_low, end_high) values (:spk, :sched, 'http://hl7.org/fhir/slotstatus', 'busy', :s0, :s0::bigint + 1000, :e0, :e0::bigint + 1000);
select pg_advisory_xact_lock_shared(1215910768, hashtext('Schedule/' || :sched));
insert into slot_specialty (resource_pk, system, code, schedule_id, status_system, status, start_low, start_high, end_low, end_high) select distinct sa.resource_pk, sp.system, sp.code, sa.schedule_id, sa.status_system, sa.status, sa.start_low, sa.start_high, sa.end_low, sa.end_high from slot_availability sa cross join lateral (select s.pk, s.deleted from resource s where s.res_type = 'Schedule' and s.res_id = sa.schedule_id offset 0) s cross join lateral (select a.target_id from idx_reference a where a.resource_pk = s.pk and a.param = 'actor' and a.target_type = 'PractitionerRole' offset 0) a cross join lateral (select pr.pk, pr.deleted from resource pr where pr.res_type = 'PractitionerRole' and pr.res_id = a.target_id offset 0) pr cross join lateral (select t.system, t.code from idx_token t where t.resource_pk = pr.pk and t.param = 'specialty' and t.code is not null offset 0) sp where sa.resource_pk = :spk and not s.deleted and not pr.deleted;
insert into resource (res_type, res_id, version, deleted, last_updated, compartment) values ('Appointment', 'replay-' || :a, 1, false, now(), null) returning pk as apk \gset
insert into resource_version (resource_pk, version, res_type, res_id, last_updated, method, deleted, key_id, payload) values (:apk, 1, 'Appointment', 'replay-' || :a, now(), 'POST', false, 'dek-replay', convert_to(repeat(md5(:a::text), 8), 'UTF8'));
insert into idx_token (resource_pk, res_type, param, system, code, text_norm) values (:apk, 'Appointment', 'part-status', 'http://hl7.org/fhir/participationstatus', 'accepted', null), (:apk, 'Appointment', 'status', 'http://hl7.org/fhir/appointmentstatus', 'booked', null);
insert into idx_date (resource_pk, res_type, param, low_ms, high_ms) values (:apk, 'Appointment', 'date', :s0, :s0::bigint + 1), (:apk, 'Appointment', 'end', :e0, :e0::bigint + 1);
insert into idx_reference (resource_pk, res_type, param, target_type, target_id, target_url) values (:apk, 'Appointment', 'slot', 'Slot', :sid, null);
insert into resource_link (source_pk, target_key) values (:apk, :alink);
select t.ty, t.id from unnest(array['Schedule', 'Slot'], array[:sched, :sid]) as t(ty, id) cross join lateral (select r.deleted from resource r where r.res_type = t.ty and r.res_id = t.id offset 0) r where not r.deleted;
commit;

-- pgbench script: the statements one direct booking sends to PostgreSQL (POST Appointment, status
-- booked, one free slot of a Schedule without booking mode), in their order, with the server's part
-- taken away. Run by bench/booking-bench.sh on its database once the bookings are audited: what
-- PostgreSQL alone manages is a ceiling for the server's bookings/s on the same machine.
-- Taken from PostgreSQL's statement log of one booking (log_statement = all on the bench database),
-- 2026-11-30, once a slot's new status updates its availability and specialty rows in place (ADR 0010:
-- 18 statements; 20 before, 33 before the incremental rewrite); when the store's statements change,
-- take them again the same way.
-- Differences, all making the ceiling higher rather than lower: every statement is a prepared one
-- planned once, one extra primary-key lookup picks the slot, and the payloads are not ciphertext (same
-- size, ~300 bytes). The server's statements are planned at each execution where it sends literals (the
-- index delete) and where PostgreSQL keeps choosing a custom plan (the final check that the referenced
-- resources are live, an unnest of two arrays): pg_stat_statements, 2026-11-30, 100 practitioners,
-- 16 clients, per booking: server 1,401 us executing + 271 us planning (175 for that check, 95 for
-- the delete), this replay 1,181 + 14.
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
delete from idx_token where resource_pk = :spk;
insert into idx_token (resource_pk, res_type, param, system, code, text_norm) values (:spk, 'Slot', 'status', 'http://hl7.org/fhir/slotstatus', 'busy', null);
update slot_availability set status_system = 'http://hl7.org/fhir/slotstatus', status = 'busy' where resource_pk = :spk;
select pg_advisory_xact_lock_shared(1215910768, hashtext('Schedule/' || :sched));
update slot_specialty set status_system = 'http://hl7.org/fhir/slotstatus', status = 'busy' where resource_pk = :spk;
insert into resource (res_type, res_id, version, deleted, last_updated, compartment) values ('Appointment', 'replay-' || :a, 1, false, now(), null) returning pk as apk \gset
insert into resource_version (resource_pk, version, res_type, res_id, last_updated, method, deleted, key_id, payload) values (:apk, 1, 'Appointment', 'replay-' || :a, now(), 'POST', false, 'dek-replay', convert_to(repeat(md5(:a::text), 8), 'UTF8'));
insert into idx_token (resource_pk, res_type, param, system, code, text_norm) values (:apk, 'Appointment', 'part-status', 'http://hl7.org/fhir/participationstatus', 'accepted', null), (:apk, 'Appointment', 'status', 'http://hl7.org/fhir/appointmentstatus', 'booked', null);
insert into idx_date (resource_pk, res_type, param, low_ms, high_ms) values (:apk, 'Appointment', 'date', :s0, :s0::bigint + 1), (:apk, 'Appointment', 'end', :e0, :e0::bigint + 1);
insert into idx_reference (resource_pk, res_type, param, target_type, target_id, target_url) values (:apk, 'Appointment', 'slot', 'Slot', :sid, null);
insert into resource_link (source_pk, target_key) values (:apk, :alink);
select t.ty, t.id from unnest(array['Schedule', 'Slot'], array[:sched, :sid]) as t(ty, id) cross join lateral (select r.deleted from resource r where r.res_type = t.ty and r.res_id = t.id offset 0) r where not r.deleted;
commit;

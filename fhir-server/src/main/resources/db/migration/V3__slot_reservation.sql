-- Active slot reservations (see docs/adr/0004-booking.md): the database's guarantee that a slot is
-- never held or booked by two appointments, whatever the number of server instances. A row exists
-- while an appointment in a reserving status (pending, booked, arrived, checked-in, fulfilled, noshow)
-- lists the slot; the primary key refuses a second one. Ids, not keys, so that a transaction may
-- reserve for an appointment it writes later in the same Bundle.
create table slot_reservation (
    slot_id         text        primary key,
    appointment_id  text        not null,
    -- set for a hold ($hold): after this instant the hold may be taken over or swept
    hold_expires    timestamptz
);
create index slot_reservation_appointment_idx on slot_reservation (appointment_id);
create index slot_reservation_expiry_idx on slot_reservation (hold_expires) where hold_expires is not null;

package org.hygie.fhir.booking;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.hygie.fhir.storage.jdbc.CustomPlans;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The slot_reservation table: at most one active reservation per slot, enforced by its primary key. The
 * table starts empty and fills as slots are booked, so its statements are planned at each execution
 * ({@link CustomPlans}): the plan made while it was empty scanned it whole at every booking (0.24 ms at
 * 5k rows, and growing).
 */
public final class SlotReservations {
    public record Reservation(String slotId, String appointmentId, Instant holdExpires) {
        boolean expiredAt(Instant now) {
            return holdExpires != null && !holdExpires.isAfter(now);
        }
    }

    private static final RowMapper<Reservation> ROW = (rs, n) -> {
        OffsetDateTime expires = rs.getObject(3, OffsetDateTime.class);
        return new Reservation(rs.getString(1), rs.getString(2), expires == null ? null : expires.toInstant());
    };

    private final JdbcTemplate jdbc;

    public SlotReservations(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Reservation> ofSlot(String slotId) {
        return jdbc.query(CustomPlans.of("select slot_id, appointment_id, hold_expires from slot_reservation where slot_id = ?", slotId),
                ROW).stream().findFirst();
    }

    public List<Reservation> ofAppointment(String appointmentId) {
        return jdbc.query(CustomPlans.of("select slot_id, appointment_id, hold_expires from slot_reservation where appointment_id = ?",
                appointmentId), ROW);
    }

    /** False when another appointment holds the slot (waiting for its transaction to end if it is in flight). */
    public boolean reserve(String slotId, String appointmentId, Instant holdExpires) {
        return jdbc.update("insert into slot_reservation (slot_id, appointment_id, hold_expires) values (?, ?, ?)"
                + " on conflict (slot_id) do nothing", slotId, appointmentId, timestamp(holdExpires)) == 1;
    }

    public void setHoldExpiry(String slotId, Instant holdExpires) {
        jdbc.update(CustomPlans.of("update slot_reservation set hold_expires = ? where slot_id = ?", timestamp(holdExpires), slotId));
    }

    public void release(String slotId, String appointmentId) {
        jdbc.update(CustomPlans.of("delete from slot_reservation where slot_id = ? and appointment_id = ?", slotId, appointmentId));
    }

    /** Appointments whose hold has expired, oldest first. */
    public List<String> expiredHolds(Instant now, int limit) {
        return jdbc.query(CustomPlans.of("select distinct appointment_id, min(hold_expires) from slot_reservation where hold_expires <= ?"
                + " group by appointment_id order by 2 limit ?", timestamp(now), limit), (rs, n) -> rs.getString(1));
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}

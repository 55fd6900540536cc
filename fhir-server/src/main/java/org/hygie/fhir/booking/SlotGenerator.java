package org.hygie.fhir.booking;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Slots from recurring weekly availability, evaluated in the practitioner's time zone: pure scheduling
 * math. Times are wall-clock times of that zone, so a 9:00 opening stays 9:00 across DST changes; a slot
 * whose local start does not exist (the spring-forward gap) is skipped, and one whose local start occurs
 * twice (the autumn overlap) is made once, at the earlier instant.
 */
public final class SlotGenerator {
    private SlotGenerator() {}

    /** {@code availableTime}: on these days, from {@code opens} to {@code closes} (allDay = the whole day). */
    public record Weekly(Set<DayOfWeek> days, LocalTime opens, LocalTime closes, boolean allDay) {}

    /** A half-open interval [start, end). */
    public record Interval(Instant start, Instant end) {
        boolean overlaps(Interval other) {
            return start.isBefore(other.end) && other.start.isBefore(end);
        }
    }

    /**
     * Every slot of {@code length}, separated by {@code buffer}, that fits in a weekly window on a day of
     * [{@code from}, {@code to}), outside the {@code unavailable} periods, ordered by start.
     */
    public static List<Interval> generate(List<Weekly> availability, List<Interval> unavailable, LocalDate from, LocalDate to,
                                          ZoneId zone, Duration length, Duration buffer) {
        if (length.isZero() || length.isNegative() || buffer.isNegative()) {
            throw new IllegalArgumentException("slot length must be positive and buffer not negative");
        }
        List<Interval> slots = new ArrayList<>();
        for (LocalDate day = from; day.isBefore(to); day = day.plusDays(1)) {
            for (Weekly window : availability) {
                if (window.days().contains(day.getDayOfWeek())) {
                    addWindow(slots, day, window, zone, length, buffer, unavailable);
                }
            }
        }
        slots.sort(Comparator.comparing(Interval::start));
        // two overlapping weekly windows must not give the same time twice
        List<Interval> distinct = new ArrayList<>();
        for (Interval slot : slots) {
            if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).overlaps(slot)) {
                distinct.add(slot);
            }
        }
        return distinct;
    }

    private static void addWindow(List<Interval> slots, LocalDate day, Weekly window, ZoneId zone, Duration length,
                                  Duration buffer, List<Interval> unavailable) {
        LocalDateTime opens = window.allDay() ? day.atStartOfDay() : day.atTime(window.opens());
        LocalDateTime closes = window.allDay() || window.closes() == null || window.closes().equals(LocalTime.MIDNIGHT)
                ? day.plusDays(1).atStartOfDay() : day.atTime(window.closes());
        for (LocalDateTime t = opens; !t.plus(length).isAfter(closes); t = t.plus(length).plus(buffer)) {
            List<ZoneOffset> offsets = zone.getRules().getValidOffsets(t);
            if (offsets.isEmpty()) {
                continue; // this wall-clock time does not exist today (spring forward)
            }
            // in an overlap the earlier instant is the one with the larger offset
            Instant start = t.toInstant(offsets.stream().max(Comparator.comparingInt(ZoneOffset::getTotalSeconds)).orElseThrow());
            Interval slot = new Interval(start, start.plus(length));
            if (unavailable.stream().noneMatch(slot::overlaps)) {
                slots.add(slot);
            }
        }
    }
}

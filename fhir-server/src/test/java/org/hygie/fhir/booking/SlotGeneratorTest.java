package org.hygie.fhir.booking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotGeneratorTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final SlotGenerator.Weekly MORNINGS = new SlotGenerator.Weekly(
            EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY),
            LocalTime.of(9, 0), LocalTime.of(12, 0), false);

    private static List<SlotGenerator.Interval> generate(List<SlotGenerator.Weekly> weekly, List<SlotGenerator.Interval> off,
                                                         String from, String to, int minutes, int buffer) {
        return SlotGenerator.generate(weekly, off, LocalDate.parse(from), LocalDate.parse(to), PARIS,
                Duration.ofMinutes(minutes), Duration.ofMinutes(buffer));
    }

    @Test
    void aWeekOfMorningsInFifteenMinuteSlots() {
        List<SlotGenerator.Interval> slots = generate(List.of(MORNINGS), List.of(), "2027-03-01", "2027-03-08", 15, 0);
        assertThat(slots).hasSize(5 * 12);
        assertThat(slots.get(0).start()).isEqualTo(Instant.parse("2027-03-01T08:00:00Z")); // 9:00 in Paris, winter
        assertThat(slots.get(11).end()).isEqualTo(Instant.parse("2027-03-01T11:00:00Z"));
    }

    @Test
    void buffersSeparateSlotsAndAPartialSlotIsNotMade() {
        List<SlotGenerator.Interval> slots = generate(List.of(MORNINGS), List.of(), "2027-03-01", "2027-03-02", 20, 5);
        // 9:00, 9:25, ... 11:30 (11:55 would end at 12:15)
        assertThat(slots).hasSize(7);
        assertThat(slots.get(1).start()).isEqualTo(Instant.parse("2027-03-01T08:25:00Z"));
        assertThat(slots.get(6).end()).isBeforeOrEqualTo(Instant.parse("2027-03-01T11:00:00Z"));
    }

    @Test
    void openingHoursStayWallClockAcrossTheSpringChange() {
        // last Sunday of March 2027 is the 28th: Friday 26th is UTC+1, Monday 29th is UTC+2
        List<SlotGenerator.Interval> slots = generate(List.of(MORNINGS), List.of(), "2027-03-26", "2027-03-30", 60, 0);
        assertThat(slots).extracting(SlotGenerator.Interval::start).containsExactly(
                Instant.parse("2027-03-26T08:00:00Z"), Instant.parse("2027-03-26T09:00:00Z"), Instant.parse("2027-03-26T10:00:00Z"),
                Instant.parse("2027-03-29T07:00:00Z"), Instant.parse("2027-03-29T08:00:00Z"), Instant.parse("2027-03-29T09:00:00Z"));
    }

    @Test
    void theNightOfTheSpringChangeSkipsTheMissingHour() {
        SlotGenerator.Weekly sundayNight = new SlotGenerator.Weekly(EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(1, 0), LocalTime.of(4, 0), false);
        List<SlotGenerator.Interval> slots = generate(List.of(sundayNight), List.of(), "2027-03-28", "2027-03-29", 60, 0);
        // 1:00 (UTC+1), 2:00 does not exist, 3:00 (UTC+2)
        assertThat(slots).extracting(SlotGenerator.Interval::start)
                .containsExactly(Instant.parse("2027-03-28T00:00:00Z"), Instant.parse("2027-03-28T01:00:00Z"));
    }

    @Test
    void theNightOfTheAutumnChangeMakesTheRepeatedHourOnce() {
        // last Sunday of October 2027 is the 31st: 2:00-3:00 happens twice
        SlotGenerator.Weekly sundayNight = new SlotGenerator.Weekly(EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(1, 0), LocalTime.of(4, 0), false);
        List<SlotGenerator.Interval> slots = generate(List.of(sundayNight), List.of(), "2027-10-31", "2027-11-01", 60, 0);
        assertThat(slots).extracting(SlotGenerator.Interval::start).containsExactly(
                Instant.parse("2027-10-30T23:00:00Z"), // 1:00 UTC+2
                Instant.parse("2027-10-31T00:00:00Z"), // 2:00, the first time (UTC+2)
                Instant.parse("2027-10-31T02:00:00Z")); // 3:00 UTC+1
        // and a weekday after the change is 9:00 at UTC+1 again
        assertThat(generate(List.of(MORNINGS), List.of(), "2027-11-01", "2027-11-02", 60, 0).get(0).start())
                .isEqualTo(Instant.parse("2027-11-01T08:00:00Z"));
    }

    @Test
    void notAvailablePeriodsAndOverlappingWindowsAreRespected() {
        SlotGenerator.Interval holiday = new SlotGenerator.Interval(Instant.parse("2027-03-02T00:00:00Z"), Instant.parse("2027-03-03T00:00:00Z"));
        SlotGenerator.Weekly overlapping = new SlotGenerator.Weekly(EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(11, 0), LocalTime.of(13, 0), false);
        List<SlotGenerator.Interval> slots = generate(List.of(MORNINGS, overlapping), List.of(holiday), "2027-03-01", "2027-03-03", 60, 0);
        // Monday 9, 10, 11 (once), 12; Tuesday is off
        assertThat(slots).extracting(SlotGenerator.Interval::start).containsExactly(
                Instant.parse("2027-03-01T08:00:00Z"), Instant.parse("2027-03-01T09:00:00Z"), Instant.parse("2027-03-01T10:00:00Z"),
                Instant.parse("2027-03-01T11:00:00Z"));
    }
}

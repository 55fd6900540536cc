package org.hygie.fhir.storage.index;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The half-open range of instants {@code [lowMs, highMs)} that a FHIR date, dateTime or instant denotes at
 * its precision: {@code 2024} covers the year, {@code 2024-03-01T10:00} covers one minute.
 * A value without a time zone is read as UTC, for indexing and searching alike, so the two always agree
 * whatever zone the server runs in.
 */
public record FhirDateRange(long lowMs, long highMs) {

    public static final long OPEN_LOW = Long.MIN_VALUE;
    public static final long OPEN_HIGH = Long.MAX_VALUE;

    private static final Pattern DATE = Pattern.compile(
            "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?"
                    + "(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

    /** Parses a FHIR date/dateTime/instant; empty when the text is not one. */
    public static Optional<FhirDateRange> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = DATE.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            int year = Integer.parseInt(m.group(1));
            if (m.group(2) == null) {
                LocalDate start = LocalDate.of(year, 1, 1);
                return Optional.of(ofDates(start, start.plusYears(1)));
            }
            int month = Integer.parseInt(m.group(2));
            if (m.group(3) == null) {
                LocalDate start = LocalDate.of(year, month, 1);
                return Optional.of(ofDates(start, start.plusMonths(1)));
            }
            LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                return Optional.of(ofDates(day, day.plusDays(1)));
            }
            ZoneOffset offset = m.group(8) == null ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
            LocalTime time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
            long widthMs = 60_000;
            if (m.group(6) != null) {
                time = time.withSecond(Integer.parseInt(m.group(6)));
                widthMs = 1_000;
                String fraction = m.group(7);
                if (fraction != null) {
                    time = time.withNano(Integer.parseInt((fraction + "000000000").substring(0, 9)));
                    // The index is in milliseconds: finer precision is kept to the millisecond.
                    widthMs = fraction.length() >= 3 ? 1 : (long) Math.pow(10, 3 - fraction.length());
                }
            }
            long low = LocalDateTime.of(day, time).toInstant(offset).toEpochMilli();
            long high = low + widthMs;
            return Optional.of(new FhirDateRange(low, high));
        } catch (RuntimeException invalidFieldValue) {
            return Optional.empty();
        }
    }

    private static FhirDateRange ofDates(LocalDate start, LocalDate endExclusive) {
        return new FhirDateRange(
                start.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
                endExclusive.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli());
    }
}

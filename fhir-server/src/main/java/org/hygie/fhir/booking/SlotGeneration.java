package org.hygie.fhir.booking;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.unprocessable;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * {@code Schedule/{id}/$generate-slots}: free Slots from the availability of the schedule's
 * PractitionerRole or HealthcareService actors ({@code availableTime}, {@code notAvailable}) over a date
 * range inside the planning horizon. Idempotent: a time already covered by a slot of the schedule (whatever
 * its status, booked ones included) is left alone, so re-running creates nothing new. Concurrent runs on
 * one schedule queue on its row lock.
 */
public final class SlotGeneration {
    /** Hygie's Schedule extension (HL7's timezone extension is for date and time elements, not for a Schedule). */
    public static String timezoneUrl() {
        return org.hygie.fhir.types.Canonicals.url("StructureDefinition/schedule-timezone");
    }
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/Paris");
    /** SMART Scheduling Links extensions a Schedule may carry for its slots (booking without a digital account). */
    private static final Set<String> COPIED_EXTENSIONS = Set.of(
            "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link",
            "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-phone");
    private static final int MAX_DAYS = 366;

    public record Result(int created, int kept, LocalDate from, LocalDate to, ZoneId zone) {}

    private final ResourceService service;
    private final SearchRequestParser parser;

    public SlotGeneration(ResourceService service, SearchRequestParser parser) {
        this.service = service;
        this.parser = parser;
    }

    public Result generate(String scheduleId, LocalDate from, LocalDate to, int slotMinutes, int bufferMinutes, String timeZone,
                           String serverBase) {
        if (slotMinutes <= 0 || bufferMinutes < 0) {
            throw badRequest("slot-minutes must be positive and buffer-minutes not negative", "slot-minutes");
        }
        return service.inTransaction(writes -> {
            ResourceStore.Key key = new ResourceStore.Key("Schedule", scheduleId);
            Schedule schedule = (Schedule) service.lockAndRead(key);
            ZoneId zone = zone(timeZone, schedule);
            Period horizon = schedule.getPlanningHorizon();
            LocalDate start = from != null ? from : horizon.hasStart() ? localDate(horizon.getStart(), zone) : null;
            LocalDate end = to != null ? to : horizon.hasEnd() ? localDate(horizon.getEnd(), zone).plusDays(1) : null;
            if (start == null || end == null) {
                throw badRequest("Give start and end, or a Schedule.planningHorizon to generate slots over", start == null ? "start" : "end");
            }
            if (horizon.hasStart() && start.isBefore(localDate(horizon.getStart(), zone))) {
                start = localDate(horizon.getStart(), zone);
            }
            if (horizon.hasEnd() && end.isAfter(localDate(horizon.getEnd(), zone).plusDays(1))) {
                end = localDate(horizon.getEnd(), zone).plusDays(1);
            }
            if (!end.isAfter(start) || start.plusDays(MAX_DAYS).isBefore(end)) {
                throw badRequest("The range to generate must be 1 to " + MAX_DAYS + " days (after the planning horizon is applied)", "end");
            }
            List<SlotGenerator.Weekly> weekly = new ArrayList<>();
            List<SlotGenerator.Interval> unavailable = new ArrayList<>();
            collectAvailability(schedule, weekly, unavailable);
            if (weekly.isEmpty()) {
                throw unprocessable(key + " has no PractitionerRole or HealthcareService actor with availableTime to generate slots from",
                        "Schedule.actor");
            }
            List<SlotGenerator.Interval> candidates = SlotGenerator.generate(weekly, unavailable, start, end, zone,
                    Duration.ofMinutes(slotMinutes), Duration.ofMinutes(bufferMinutes));
            List<SlotGenerator.Interval> existing = existingSlots(scheduleId, start, end, zone, serverBase);
            int created = 0;
            for (SlotGenerator.Interval candidate : candidates) {
                if (existing.stream().noneMatch(candidate::overlaps)) {
                    service.create(slot(schedule, scheduleId, candidate), null, serverBase, writes);
                    created++;
                }
            }
            return new Result(created, candidates.size() - created, start, end, zone);
        });
    }

    private void collectAvailability(Schedule schedule, List<SlotGenerator.Weekly> weekly, List<SlotGenerator.Interval> unavailable) {
        for (Reference actor : schedule.getActor()) {
            String type = actor.getReferenceElement().getResourceType();
            String id = actor.getReferenceElement().getIdPart();
            if (id == null || actor.getReferenceElement().isAbsolute()) {
                continue;
            }
            if ("PractitionerRole".equals(type)) {
                PractitionerRole role = (PractitionerRole) service.read(new ResourceStore.Key(type, id));
                role.getAvailableTime().forEach(t -> weekly.add(weekly(t.getDaysOfWeek().stream().map(d -> d.getValue().toCode()).toList(),
                        t.getAllDay(), t.getAvailableStartTime(), t.getAvailableEndTime())));
                role.getNotAvailable().forEach(n -> unavailable.add(interval(n.getDuring())));
            } else if ("HealthcareService".equals(type)) {
                HealthcareService hs = (HealthcareService) service.read(new ResourceStore.Key(type, id));
                hs.getAvailableTime().forEach(t -> weekly.add(weekly(t.getDaysOfWeek().stream().map(d -> d.getValue().toCode()).toList(),
                        t.getAllDay(), t.getAvailableStartTime(), t.getAvailableEndTime())));
                hs.getNotAvailable().forEach(n -> unavailable.add(interval(n.getDuring())));
            }
        }
    }

    private static SlotGenerator.Weekly weekly(List<String> days, boolean allDay, String opens, String closes) {
        Set<DayOfWeek> set = EnumSet.noneOf(DayOfWeek.class);
        for (String d : days) {
            set.add(switch (d) {
                case "mon" -> DayOfWeek.MONDAY;
                case "tue" -> DayOfWeek.TUESDAY;
                case "wed" -> DayOfWeek.WEDNESDAY;
                case "thu" -> DayOfWeek.THURSDAY;
                case "fri" -> DayOfWeek.FRIDAY;
                case "sat" -> DayOfWeek.SATURDAY;
                default -> DayOfWeek.SUNDAY;
            });
        }
        if (days.isEmpty()) {
            set = EnumSet.allOf(DayOfWeek.class); // no days given: every day
        }
        return new SlotGenerator.Weekly(set, opens == null ? LocalTime.MIDNIGHT : LocalTime.parse(opens),
                closes == null ? LocalTime.MIDNIGHT : LocalTime.parse(closes), allDay || (opens == null && closes == null));
    }

    private static SlotGenerator.Interval interval(Period during) {
        Instant start = during.hasStart() ? during.getStart().toInstant() : Instant.MIN;
        Instant end = during.hasEnd() ? during.getEnd().toInstant() : Instant.MAX;
        return new SlotGenerator.Interval(start, end);
    }

    /** The intervals of the schedule's live slots around [from, to), read page by page (keyset). */
    private List<SlotGenerator.Interval> existingSlots(String scheduleId, LocalDate from, LocalDate to, ZoneId zone, String serverBase) {
        Map<String, String[]> params = new LinkedHashMap<>();
        params.put("schedule", new String[] {"Schedule/" + scheduleId});
        params.put("start", new String[] {"ge" + new InstantType(Date.from(from.minusDays(1).atStartOfDay(zone).toInstant())).getValueAsString(),
                "lt" + new InstantType(Date.from(to.plusDays(1).atStartOfDay(zone).toInstant())).getValueAsString()});
        params.put("_count", new String[] {"1000"});
        List<SlotGenerator.Interval> intervals = new ArrayList<>();
        service.each(parser.parse("Slot", params, false, serverBase), r -> {
            Slot slot = (Slot) r;
            if (slot.hasStart() && slot.hasEnd()) {
                intervals.add(new SlotGenerator.Interval(slot.getStart().toInstant(), slot.getEnd().toInstant()));
            }
        });
        return intervals;
    }

    private static Slot slot(Schedule schedule, String scheduleId, SlotGenerator.Interval interval) {
        Slot slot = new Slot();
        slot.setSchedule(new Reference("Schedule/" + scheduleId));
        slot.setStatus(Slot.SlotStatus.FREE);
        slot.setStartElement(new InstantType(Date.from(interval.start())));
        slot.setEndElement(new InstantType(Date.from(interval.end())));
        slot.setServiceCategory(schedule.getServiceCategory());
        slot.setServiceType(schedule.getServiceType());
        slot.setSpecialty(schedule.getSpecialty());
        for (Extension e : schedule.getExtension()) {
            if (COPIED_EXTENSIONS.contains(e.getUrl())) {
                slot.addExtension(e.copy());
            }
        }
        return slot;
    }

    private static ZoneId zone(String timeZone, Schedule schedule) {
        String name = timeZone;
        if (name == null) {
            Extension ext = schedule.getExtensionByUrl(timezoneUrl());
            name = ext == null || ext.getValue() == null ? null : ext.getValue().primitiveValue();
        }
        if (name == null) {
            return DEFAULT_ZONE;
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw badRequest("Unknown time zone '" + name + "' (expected an IANA name such as Europe/Paris)", "time-zone");
        }
    }

    private static LocalDate localDate(Date date, ZoneId zone) {
        return date.toInstant().atZone(zone).toLocalDate();
    }
}

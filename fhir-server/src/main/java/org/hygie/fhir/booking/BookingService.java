package org.hygie.fhir.booking;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.unprocessable;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Appointment.ParticipationStatus;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * IHE ITI Scheduling over the store: $find proposes free slots as (unsaved) proposed Appointments whose
 * id names the slot ({@code find-<slot id>}); $hold and $book store Appointments, so the booking rules
 * ({@link BookingRules}) give them the same guarantees as a plain REST write.
 */
public final class BookingService {
    public static final String PROPOSAL_PREFIX = "find-";
    /** Enough schedules for any one $find; beyond it the criteria are too broad to be useful. */
    static final int MAX_SCHEDULES = 10_000;

    /** ITI-115 inputs; lists are ORed, different criteria ANDed. */
    /** {@code count} proposals from the {@code offset}-th (free slots by start time). */
    public record FindRequest(Date start, Date end, List<String> specialties, List<String> visitTypes, List<String> practitioners,
                              List<String> organizations, List<String> locations, List<String> locationStrings,
                              List<String> patients, int count, int offset) {}

    public record Proposals(List<Appointment> appointments, int total) {}

    private final ResourceService service;
    private final SearchRequestParser parser;
    private final Clock clock;
    private final Duration holdDuration;

    public BookingService(ResourceService service, SearchRequestParser parser, Clock clock, Duration holdDuration) {
        this.service = service;
        this.parser = parser;
        this.clock = clock;
        this.holdDuration = holdDuration;
    }

    public Proposals find(FindRequest request, String serverBase) {
        if (request.start() == null || request.end() == null) {
            throw badRequest("$find needs both start and end", request.start() == null ? "start" : "end");
        }
        if (!request.end().after(request.start())) {
            throw badRequest("$find end must be after start", "end");
        }
        // proposals naming a patient disclose nothing new, but a caller may only name a patient they reach
        // (and the audit trail of a patient must not fill with strangers' searches)
        for (String patient : request.patients()) {
            java.util.regex.Matcher local = org.hygie.fhir.storage.index.LocalReference.PATTERN.matcher(String.valueOf(patient));
            if (!local.matches() || !local.group(1).equals("Patient")) {
                throw badRequest("patient-reference must be a local reference to a Patient (Patient/id), not '" + patient + "'",
                        "patient-reference");
            }
            service.requireReadable(new ResourceStore.Key("Patient", local.group(2)));
        }
        Map<String, String[]> slotParams = new LinkedHashMap<>();
        slotParams.put("status", new String[] {"free"});
        slotParams.put("start", new String[] {"ge" + new InstantType(request.start()).getValueAsString()});
        slotParams.put("end", new String[] {"le" + new InstantType(request.end()).getValueAsString()});
        slotParams.put("_count", new String[] {Integer.toString(request.count())});
        slotParams.put("_offset", new String[] {Integer.toString(request.offset())});
        slotParams.put("_total", new String[] {"accurate"});
        slotParams.put("_sort", new String[] {"start"});
        if (!request.visitTypes().isEmpty()) {
            slotParams.put("service-type", new String[] {String.join(",", request.visitTypes())});
        }
        Set<String> schedules = schedules(request, serverBase);
        if (schedules != null) {
            if (schedules.isEmpty()) {
                return new Proposals(List.of(), 0);
            }
            slotParams.put("schedule", new String[] {String.join(",", schedules.stream().map(id -> "Schedule/" + id).toList())});
        }
        ResourceService.Found found = service.search(parser.parse("Slot", slotParams, false, serverBase));
        Map<String, Schedule> scheduleCache = new HashMap<>();
        List<Appointment> proposals = new ArrayList<>();
        for (IBaseResource resource : found.resources()) {
            Slot slot = (Slot) resource;
            Schedule schedule = scheduleCache.computeIfAbsent(slot.getSchedule().getReferenceElement().getIdPart(),
                    id -> (Schedule) service.read(new ResourceStore.Key("Schedule", id)));
            Appointment proposal = proposal(slot, schedule, request.patients());
            proposal.addRequestedPeriod(new Period().setStart(request.start()).setEnd(request.end()));
            proposals.add(proposal);
        }
        return new Proposals(proposals, found.total() == null ? proposals.size() : found.total());
    }

    /** The ids of the schedules every participant criterion admits; null when there is none (any schedule). */
    private Set<String> schedules(FindRequest r, String serverBase) {
        List<List<Map<String, String[]>>> criteria = new ArrayList<>();
        if (!r.specialties().isEmpty()) {
            String any = String.join(",", r.specialties());
            criteria.add(List.of(Map.of("specialty", new String[] {any}), Map.of("actor:PractitionerRole.specialty", new String[] {any})));
        }
        if (!r.practitioners().isEmpty()) {
            String any = String.join(",", r.practitioners());
            criteria.add(List.of(Map.of("actor", new String[] {any}), Map.of("actor:PractitionerRole.practitioner", new String[] {any})));
        }
        if (!r.organizations().isEmpty()) {
            String any = String.join(",", r.organizations());
            criteria.add(List.of(Map.of("actor:PractitionerRole.organization", new String[] {any}),
                    Map.of("actor:HealthcareService.organization", new String[] {any})));
        }
        if (!r.locations().isEmpty()) {
            String any = String.join(",", r.locations());
            criteria.add(List.of(Map.of("actor", new String[] {any}), Map.of("actor:PractitionerRole.location", new String[] {any})));
        }
        for (String place : r.locationStrings()) {
            criteria.add(List.of(Map.of("actor:Location.address", new String[] {place}),
                    Map.of("actor:PractitionerRole.location.address", new String[] {place})));
        }
        Set<String> admitted = null;
        for (List<Map<String, String[]>> alternatives : criteria) {
            Set<String> ids = new LinkedHashSet<>();
            for (Map<String, String[]> params : alternatives) {
                SearchQuery query = parser.parse("Schedule", params, false, serverBase).withPage(MAX_SCHEDULES + 1, 0);
                service.keys(query).forEach(k -> ids.add(k.id()));
            }
            if (ids.size() > MAX_SCHEDULES) {
                throw badRequest("$find criteria match more than " + MAX_SCHEDULES + " schedules; narrow them", null);
            }
            if (admitted == null) {
                admitted = ids;
            } else {
                admitted.retainAll(ids);
            }
        }
        return admitted;
    }

    /**
     * The proposal {@code Appointment/find-<slot>} that $find returned, read again (its fullUrl resolves): 404 once
     * the slot is no longer free.
     */
    public Appointment proposal(String proposalId) {
        String slotId = proposalId.substring(PROPOSAL_PREFIX.length());
        Slot slot = (Slot) service.read(new ResourceStore.Key("Slot", slotId));
        if (slot.getStatus() != Slot.SlotStatus.FREE) {
            throw org.hygie.fhir.error.FhirErrors.notFound("Appointment/" + proposalId + " is not proposed any more: Slot/" + slotId
                    + " is " + slot.getStatus().toCode() + "; search again with $find");
        }
        Schedule schedule = (Schedule) service.read(new ResourceStore.Key("Schedule", slot.getSchedule().getReferenceElement().getIdPart()));
        return proposal(slot, schedule, List.of());
    }

    /** What $find returns for a free slot: a proposed Appointment, not stored, whose id names the slot. */
    Appointment proposal(Slot slot, Schedule schedule, List<String> patients) {
        Appointment a = new Appointment();
        a.setId(PROPOSAL_PREFIX + slot.getIdElement().getIdPart());
        a.setStatus(AppointmentStatus.PROPOSED);
        a.setStart(slot.getStart());
        a.setEnd(slot.getEnd());
        a.addSlot(new Reference("Slot/" + slot.getIdElement().getIdPart()));
        a.setServiceType(slot.getServiceType());
        a.setSpecialty(slot.hasSpecialty() ? slot.getSpecialty() : schedule.getSpecialty());
        if (slot.hasAppointmentType()) {
            a.setAppointmentType(slot.getAppointmentType());
        }
        for (Reference actor : schedule.getActor()) {
            a.addParticipant().setActor(new Reference(actor.getReference()).setDisplay(actor.getDisplay()))
                    .setRequired(Appointment.ParticipantRequired.REQUIRED).setStatus(ParticipationStatus.NEEDSACTION);
        }
        for (String patient : patients) {
            a.addParticipant().setActor(new Reference(patient)).setRequired(Appointment.ParticipantRequired.REQUIRED)
                    .setStatus(ParticipationStatus.NEEDSACTION);
        }
        return a;
    }

    /** ITI-116: holds the slots of a $find proposal (or of a stored proposed appointment) as a pending appointment. */
    public Appointment hold(String appointmentReference, String serverBase) {
        return hold(appointmentReference, serverBase, null);
    }

    /** @param actingPatient the patient in the caller's context: added as participant when the appointment has none */
    public Appointment hold(String appointmentReference, String serverBase, String actingPatient) {
        return service.inTransaction(writes -> {
            Appointment appointment = resolve(appointmentReference, "appointment-reference");
            if (appointment.getStatus() != AppointmentStatus.PROPOSED) {
                throw unprocessable("Only a proposed appointment can be held; " + appointmentReference + " is "
                        + appointment.getStatus().toCode(), "appointment-reference");
            }
            appointment.setStatus(AppointmentStatus.PENDING);
            addPatient(appointment, actingPatient);
            appointment.addExtension(BookingRules.holdExpiresUrl(), new InstantType(Date.from(clock.instant().plus(holdDuration))));
            return (Appointment) store(appointment, writes);
        });
    }

    /**
     * ITI-117: books a proposal or a held/proposed appointment (by reference, or as a resource with status
     * pending or proposed), modifies a booked one (a resource with status booked) or cancels one (status
     * cancelled). {@code patients} are registered in the same transaction and added as participants;
     * {@code bookedBy} (an agent booking on the patient's behalf) is recorded on a new booking.
     */
    public Appointment book(String appointmentReference, Appointment resource, List<Patient> patients, String comment,
                            String bookedBy, String serverBase) {
        return book(appointmentReference, resource, patients, comment, bookedBy, serverBase, null);
    }

    /** @param actingPatient the patient in the caller's context: added as participant when the appointment has none */
    public Appointment book(String appointmentReference, Appointment resource, List<Patient> patients, String comment,
                            String bookedBy, String serverBase, String actingPatient) {
        if ((appointmentReference == null) == (resource == null)) {
            throw badRequest("$book takes exactly one of appointment-reference and appointment-resource", "appointment-reference");
        }
        return service.inTransaction(writes -> {
            Appointment appointment;
            if (resource != null) {
                appointment = resource;
                if (appointment.getStatus() == AppointmentStatus.PENDING || appointment.getStatus() == AppointmentStatus.PROPOSED) {
                    appointment.setStatus(AppointmentStatus.BOOKED);
                } else if (appointment.getStatus() != AppointmentStatus.BOOKED && appointment.getStatus() != AppointmentStatus.CANCELLED) {
                    throw unprocessable("$book takes an appointment-resource with status pending or proposed (book), booked (modify)"
                            + " or cancelled (cancel), not " + appointment.getStatus().toCode(), "appointment-resource.status");
                }
            } else {
                appointment = resolve(appointmentReference, "appointment-reference");
                if (appointment.getStatus() != AppointmentStatus.PENDING && appointment.getStatus() != AppointmentStatus.PROPOSED) {
                    throw unprocessable(appointmentReference + " is " + appointment.getStatus().toCode()
                            + "; only a proposed or held (pending) appointment can be booked", "appointment-reference");
                }
                appointment.setStatus(AppointmentStatus.BOOKED);
            }
            for (Patient patient : patients) {
                ResourceStore.Key key = service.create(patient, null, serverBase, writes).key();
                String ref = "Patient/" + key.id();
                if (appointment.getParticipant().stream().noneMatch(p -> ref.equals(p.getActor().getReference()))) {
                    appointment.addParticipant().setActor(new Reference(ref)).setStatus(ParticipationStatus.ACCEPTED);
                }
            }
            if (patients.isEmpty()) {
                addPatient(appointment, actingPatient);
            }
            if (comment != null) {
                appointment.setComment(comment);
            }
            if (bookedBy != null && appointment.getExtensionByUrl(BookingRules.bookedByUrl()) == null) {
                appointment.addExtension(BookingRules.bookedByUrl(), new Reference(bookedBy));
            }
            return (Appointment) store(appointment, writes);
        });
    }

    /** A patient booking for themselves: a proposal names no patient, the token does. */
    private static void addPatient(Appointment appointment, String patientId) {
        if (patientId != null && appointment.getParticipant().stream()
                .noneMatch(p -> p.getActor().getReference() != null && p.getActor().getReference().startsWith("Patient/"))) {
            appointment.addParticipant().setActor(new Reference("Patient/" + patientId)).setRequired(Appointment.ParticipantRequired.REQUIRED)
                    .setStatus(ParticipationStatus.ACCEPTED);
        }
    }

    /** A $find proposal rebuilt from its slot, or a stored appointment. */
    private Appointment resolve(String reference, String parameter) {
        String id = reference == null ? null : reference.substring(reference.lastIndexOf('/') + 1);
        if (id == null || id.isEmpty() || (reference.contains("/") && !reference.startsWith("Appointment/"))) {
            throw badRequest(parameter + " must reference an Appointment (Appointment/id), not '" + reference + "'", parameter);
        }
        if (id.startsWith(PROPOSAL_PREFIX)) {
            String slotId = id.substring(PROPOSAL_PREFIX.length());
            Slot slot = (Slot) service.lockAndRead(new ResourceStore.Key("Slot", slotId));
            Schedule schedule = (Schedule) service.read(new ResourceStore.Key("Schedule", slot.getSchedule().getReferenceElement().getIdPart()));
            return proposal(slot, schedule, List.of());
        }
        return (Appointment) service.lockAndRead(new ResourceStore.Key("Appointment", id));
    }

    private IBaseResource store(Appointment appointment, org.hygie.fhir.storage.WriteSet writes) {
        String id = appointment.getIdElement().getIdPart();
        if (id == null || id.startsWith(PROPOSAL_PREFIX)) {
            appointment.setId((String) null);
            if (!appointment.hasCreated()) {
                appointment.setCreated(Date.from(clock.instant()));
            }
            return service.createAs(new ResourceStore.Key("Appointment", UUID.randomUUID().toString()), appointment, writes).resource();
        }
        return service.update(new ResourceStore.Key("Appointment", id), appointment, null, writes).resource();
    }
}

package org.hygie.fhir.booking;

import static org.hygie.fhir.error.FhirErrors.conflict;
import static org.hygie.fhir.error.FhirErrors.forbidden;
import static org.hygie.fhir.error.FhirErrors.unprocessable;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.WriteRule;
import org.hygie.fhir.storage.WriteSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Appointment.ParticipationStatus;
import org.hl7.fhir.r4.model.AppointmentResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Slot.SlotStatus;

/**
 * The booking guarantees, as write rules every path obeys (REST create/update/patch/delete, transaction
 * entries, $hold, $book): status transitions and invariants; an appointment in a reserving status takes
 * its slots (one slot_reservation row each, whose primary key refuses a second taker, on any number of
 * server instances); the slots' status follows, in the same transaction; leaving a reserving status
 * gives them back. A Slot cannot be freed or deleted under a reservation.
 */
public final class BookingRules {
    /** Appointment extension: until when a $hold keeps the slots; then the hold may be taken over or swept. */
    public static String holdExpiresUrl() {
        return org.hygie.fhir.types.Canonicals.url("StructureDefinition/hold-expires");
    }

    static final String EXPIRED_HOLD_REASON = "hold expired";
    /**
     * Appointment extension (valueReference): who made the booking when it is not the patient (a
     * secretariat, a call-centre agent, a relative). Set when the appointment is created, then kept:
     * an update cannot change or drop it. An end user may only name themselves ({@link #mayClaim}).
     */
    public static String bookedByUrl() {
        return org.hygie.fhir.types.Canonicals.url("StructureDefinition/booked-by");
    }

    private static final Set<String> AGENT_TYPES = Set.of("Practitioner", "PractitionerRole", "RelatedPerson", "Organization", "Patient");
    /** Schedule extension (valueCode instant | on-request): on-request schedules take booking requests only. */
    public static String bookingModeUrl() {
        return org.hygie.fhir.types.Canonicals.url("StructureDefinition/booking-mode");
    }


    private final ResourceService service;
    private final SlotReservations reservations;
    private final Clock clock;

    private BookingRules(ResourceService service, SlotReservations reservations, Clock clock) {
        this.service = service;
        this.reservations = reservations;
        this.clock = clock;
    }

    /** Installs the Appointment and Slot rules on {@code service}. */
    public static BookingRules install(ResourceService service, SlotReservations reservations, Clock clock) {
        BookingRules rules = new BookingRules(service, reservations, clock);
        service.addRule(rules.new AppointmentRule());
        service.addRule(rules.new SlotRule());
        service.addRule(rules.new ResponseRule());
        service.addRule(new ScheduleRule());
        return rules;
    }

    private final class AppointmentRule implements WriteRule {
        @Override
        public String resourceType() {
            return "Appointment";
        }

        @Override
        public void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes) {
            if (next == null) { // a deleted appointment gives its slots back
                reservations.ofAppointment(key.id()).forEach(r -> release(r.slotId(), key.id(), writes));
                return;
            }
            Appointment before = (Appointment) previous.get();
            // a new (or deleted) appointment holds nothing: deleting one gave its slots back in the same transaction
            Map<String, SlotReservations.Reservation> held = before == null ? Map.of() : reservations.ofAppointment(key.id()).stream()
                    .collect(Collectors.toMap(SlotReservations.Reservation::slotId, Function.identity()));
            Appointment appointment = (Appointment) next;
            AppointmentStatus from = before == null ? null : before.getStatus();
            String refused = AppointmentStates.refusedTransition(from, appointment.getStatus());
            if (refused != null) {
                throw unprocessable(key + ": " + refused, "Appointment.status");
            }
            String patient = patientSide();
            if (patient != null) {
                patientsOwnChange(key, before, appointment, patient);
            }
            bookedBy(appointment, before);
            List<String> violations = AppointmentStates.invariantViolations(appointment);
            if (!violations.isEmpty()) {
                throw unprocessable(key + " breaks " + String.join("; ", violations), "Appointment");
            }
            AppointmentStatus status = appointment.getStatus();
            Set<String> wanted = AppointmentStates.reservesSlots(status) ? slotIds(appointment) : Set.of();
            Instant holdUntil = status == AppointmentStatus.PENDING ? holdExpiry(appointment) : null;
            if (holdUntil == null) {
                appointment.getExtension().removeIf(e -> holdExpiresUrl().equals(e.getUrl()));
            }
            for (String slotId : held.keySet()) {
                if (!wanted.contains(slotId)) {
                    release(slotId, key.id(), writes);
                }
            }
            // booked without the practitioner's say: a new appointment booked at once, or a patient confirming one
            // themselves (on an on-request schedule only the practitioner side confirms a request)
            boolean withoutPractitioner = AppointmentStates.confirmed(status)
                    && (from == null || (patient != null && !AppointmentStates.confirmed(from)));
            for (String slotId : wanted) {
                SlotReservations.Reservation mine = held.get(slotId);
                ResourceService.Locked slot;
                if (mine == null) {
                    slot = reserve(slotId, key, holdUntil, withoutPractitioner, writes);
                } else {
                    slot = lockSlot(new ResourceStore.Key("Slot", slotId)); // before its reservation, as in reserve()
                    refuseOnRequest(withoutPractitioner, (Slot) slot.resource());
                    if (!java.util.Objects.equals(mine.holdExpires(), holdUntil)) {
                        reservations.setHoldExpiry(slotId, holdUntil);
                    }
                }
                setSlotStatus(slot, AppointmentStates.slotStatus(status), writes);
            }
        }
    }

    private final class SlotRule implements WriteRule {
        @Override
        public String resourceType() {
            return "Slot";
        }

        @Override
        public void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes) {
            SlotStatus status = next == null ? null : ((Slot) next).getStatus();
            if (status == SlotStatus.BUSY || status == SlotStatus.BUSYTENTATIVE) {
                return; // what a reservation asks of its slot (a booking writes just that)
            }
            SlotReservations.Reservation r = reservations.ofSlot(key.id()).orElse(null);
            if (r == null) {
                return;
            }
            if (next == null) {
                throw conflict(key + " is reserved by Appointment/" + r.appointmentId() + "; cancel the appointment before deleting it", "Slot");
            }
            throw conflict(key + " is reserved by Appointment/" + r.appointmentId() + ": its status stays busy until the appointment"
                    + " is cancelled", "Slot.status");
        }
    }

    /** Takes the slot for the appointment (or refuses with a 409); returns the slot, locked. */
    private ResourceService.Locked reserve(String slotId, ResourceStore.Key appointment, Instant holdUntil, boolean withoutPractitioner,
                                           WriteSet writes) {
        ResourceStore.Key slotKey = new ResourceStore.Key("Slot", slotId);
        // the slot's row lock queues concurrent bookers of this slot; the reservation's primary key is the guarantee
        ResourceService.Locked locked = lockSlot(slotKey);
        Slot slot = (Slot) locked.resource();
        refuseOnRequest(withoutPractitioner, slot);
        // the usual case, a slot nobody holds, costs one statement; a refused insert says someone does
        if (!reservations.reserve(slotId, appointment.id(), holdUntil)) {
            SlotReservations.Reservation other = reservations.ofSlot(slotId).orElse(null);
            if (other != null && !other.expiredAt(clock.instant())) {
                throw conflict(slotKey + " is already " + (other.holdExpires() != null ? "held" : "booked") + " by another appointment",
                        "Appointment.slot");
            }
            if (other != null) {
                cancelExpiredHold(other.appointmentId(), writes);
                locked = lockSlot(slotKey); // the cancel freed it: a new version
                slot = (Slot) locked.resource();
            }
            if (!reservations.reserve(slotId, appointment.id(), holdUntil)) {
                throw conflict(slotKey + " was taken by another appointment meanwhile", "Appointment.slot");
            }
        }
        if (slot.getStatus() != SlotStatus.FREE) { // the reservation goes with the refused request's rollback
            throw conflict(slotKey + " cannot be booked: its status is " + slot.getStatus().toCode(), "Appointment.slot");
        }
        return locked;
    }

    private void refuseOnRequest(boolean withoutPractitioner, Slot slot) {
        if (withoutPractitioner && onRequest(slot)) {
            throw unprocessable(slot.getSchedule().getReference() + " takes booking requests: send the appointment as pending,"
                    + " with its reason; the practitioner answers with an AppointmentResponse", "Appointment.status");
        }
    }

    /** The patient of a patient-facing token (a patient booking for themselves), or null. */
    private static String patientSide() {
        org.hygie.fhir.security.Caller caller = org.hygie.fhir.security.CurrentCaller.requester();
        return caller == null || caller.practitionerId() != null ? null : caller.patientId();
    }

    /**
     * A patient changes only their own side of an appointment: not the statuses that record the visit, and not
     * the answers of the other participants (a practitioner's acceptance is the practitioner's to give).
     */
    private static void patientsOwnChange(ResourceStore.Key key, Appointment before, Appointment next, String patientId) {
        String refused = AppointmentStates.refusedForPatient(before == null ? null : before.getStatus(), next.getStatus());
        if (refused != null) {
            throw forbidden(key + ": " + refused);
        }
        String self = "Patient/" + patientId;
        Map<String, ParticipationStatus> answered = new java.util.HashMap<>();
        if (before != null) {
            before.getParticipant().forEach(p -> answered.put(String.valueOf(p.getActor().getReference()), p.getStatus()));
        }
        boolean request = next.getStatus() == AppointmentStatus.PENDING || next.getStatus() == AppointmentStatus.PROPOSED;
        for (Appointment.AppointmentParticipantComponent p : next.getParticipant()) {
            String actor = String.valueOf(p.getActor().getReference());
            if (actor.equals(self)) {
                continue;
            }
            boolean changed = before != null ? answered.get(actor) != p.getStatus()
                    : request && p.getStatus() == ParticipationStatus.ACCEPTED;
            if (changed) {
                throw forbidden(key + ": a patient records only their own answer; the participation status of " + actor
                        + " is theirs to give (with an AppointmentResponse)");
            }
        }
    }

    /** Schedules are published: one whose actor is a patient (or their relative) would publish that person's agenda. */
    private static final class ScheduleRule implements WriteRule {
        @Override
        public String resourceType() {
            return "Schedule";
        }

        @Override
        public void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes) {
            if (next == null) {
                return;
            }
            List<Reference> actors = ((Schedule) next).getActor();
            for (int i = 0; i < actors.size(); i++) {
                String type = actors.get(i).getReferenceElement().getResourceType();
                if ("Patient".equals(type) || "RelatedPerson".equals(type)) {
                    throw unprocessable("Schedule.actor[" + i + "] is a " + type + ": Schedules and their Slots are public directory"
                            + " data in Hygie, for practitioners, roles, services, locations and devices", "Schedule.actor[" + i + "]");
                }
            }
        }
    }

    private boolean onRequest(Slot slot) {
        String scheduleId = slot.getSchedule().getReferenceElement().getIdPart();
        if (scheduleId == null) {
            return false;
        }
        Schedule schedule = (Schedule) service.read(new ResourceStore.Key("Schedule", scheduleId));
        Extension mode = schedule.getExtensionByUrl(bookingModeUrl());
        return mode != null && mode.getValue() != null && "on-request".equals(mode.getValue().primitiveValue());
    }

    /**
     * A participant's answer moves the appointment: accepted by every required participant books it;
     * declined by a required one cancels it (its slots freed, the comment as reason); tentative (with a
     * proposed start/end in the response) leaves it waiting. Only a new response acts.
     */
    private final class ResponseRule implements WriteRule {
        @Override
        public String resourceType() {
            return "AppointmentResponse";
        }

        @Override
        public void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes) {
            if (next == null || previous.get() != null) {
                return;
            }
            AppointmentResponse response = (AppointmentResponse) next;
            ResourceStore.Key appointmentKey = localKey(response.getAppointment(), "Appointment", "AppointmentResponse.appointment");
            // a dangling reference is left to referential integrity, which refuses it with its own message
            ResourceService.Locked locked = service.lockLive(appointmentKey).orElse(null);
            if (locked == null) {
                return;
            }
            Appointment appointment = ((Appointment) locked.resource()).copy();
            String actor = response.getActor().getReference();
            if (actor == null) {
                throw unprocessable("AppointmentResponse.actor says who answers: it is required to act on " + appointmentKey,
                        "AppointmentResponse.actor");
            }
            if (!mayClaim(actor)) {
                throw forbidden("AppointmentResponse.actor is the one answering: the user of the token, not " + actor);
            }
            Appointment.AppointmentParticipantComponent participant = appointment.getParticipant().stream()
                    .filter(p -> actor.equals(p.getActor().getReference())).findFirst()
                    .orElseGet(() -> openSeat(appointment, response));
            if (participant == null) {
                throw unprocessable("AppointmentResponse.actor (" + actor + ") is not a participant of " + appointmentKey
                        + ", nor fills a participant of its type that has no actor yet", "AppointmentResponse.actor");
            }
            ParticipationStatus answer = ParticipationStatus.fromCode(response.getParticipantStatus().toCode());
            participant.setStatus(answer);
            AppointmentStatus status = appointment.getStatus();
            boolean waiting = status == AppointmentStatus.PENDING || status == AppointmentStatus.PROPOSED;
            if (answer == ParticipationStatus.DECLINED && participant.getRequired() != Appointment.ParticipantRequired.INFORMATIONONLY
                    && (waiting || status == AppointmentStatus.BOOKED)) {
                appointment.setStatus(AppointmentStatus.CANCELLED);
                appointment.setCancelationReason(new CodeableConcept().setText(response.hasComment() ? response.getComment() : "declined"));
            } else if (answer == ParticipationStatus.ACCEPTED && waiting && appointment.getParticipant().stream()
                    .filter(p -> p.getRequired() != Appointment.ParticipantRequired.INFORMATIONONLY)
                    .allMatch(p -> p.getStatus() == ParticipationStatus.ACCEPTED)) {
                appointment.setStatus(AppointmentStatus.BOOKED);
            }
            service.rewrite(locked, appointment, writes);
        }
    }

    /**
     * The participant a response's actor fills when the appointment names no one in that place yet (R4's
     * request/response flow: "any attending practitioner", type ATND and no actor): the only one without an actor
     * whose type matches the response's participantType (or the only one without an actor, when the response
     * gives no type). It then names the actor.
     */
    private static Appointment.AppointmentParticipantComponent openSeat(Appointment appointment, AppointmentResponse response) {
        List<Appointment.AppointmentParticipantComponent> open = appointment.getParticipant().stream()
                .filter(p -> !p.getActor().hasReference())
                .filter(p -> !response.hasParticipantType() || p.getType().stream().anyMatch(t -> response.getParticipantType().stream()
                        .anyMatch(r -> r.getCoding().stream().anyMatch(c -> t.getCoding().stream().anyMatch(c::equalsShallow)))))
                .toList();
        if (open.size() != 1) {
            return null;
        }
        open.get(0).setActor(new Reference(response.getActor().getReference()).setDisplay(response.getActor().getDisplay()));
        return open.get(0);
    }

    /** The booked-by extension: a local reference to an agent, fixed once the appointment exists. */
    private static void bookedBy(Appointment next, Appointment before) {
        Extension now = next.getExtensionByUrl(bookedByUrl());
        Extension then = before == null ? null : before.getExtensionByUrl(bookedByUrl());
        if (then != null) {
            if (now == null || !then.getValue().equalsDeep(now.getValue())) {
                throw unprocessable("Who booked an appointment is recorded once: the booked-by extension cannot be changed or removed",
                        "Appointment.extension('" + bookedByUrl() + "')");
            }
            return;
        }
        if (now != null && (!(now.getValue() instanceof Reference ref) || ref.getReference() == null || ref.getReferenceElement().isAbsolute()
                || ref.getReferenceElement().getResourceType() == null || !AGENT_TYPES.contains(ref.getReferenceElement().getResourceType())
                || ref.getReferenceElement().getIdPart() == null)) {
            throw unprocessable("booked-by must be a local reference to a Practitioner, PractitionerRole, RelatedPerson, Organization"
                    + " or Patient", "Appointment.extension('" + bookedByUrl() + "')");
        }
        if (now != null && !mayClaim(((Reference) now.getValue()).getReference())) {
            throw forbidden("booked-by names someone else than the user of the token (" + ((Reference) now.getValue()).getReference() + ")");
        }
    }

    /**
     * An end user (a token with fhirUser or a patient context) may only record themselves (or, for a
     * practitioner, one of their roles) as the one who booked or answered; system clients record whom they act for.
     */
    private static boolean mayClaim(String bookedBy) {
        org.hygie.fhir.security.Caller caller = org.hygie.fhir.security.CurrentCaller.requester();
        if (caller == null || (caller.practitionerId() == null && caller.patientId() == null)) {
            return true;
        }
        if (caller.practitionerId() != null) {
            return bookedBy.equals("Practitioner/" + caller.practitionerId())
                    || caller.roleIds().stream().anyMatch(role -> bookedBy.equals("PractitionerRole/" + role));
        }
        return bookedBy.equals("Patient/" + caller.patientId());
    }

    private static ResourceStore.Key localKey(Reference ref, String type, String path) {
        String id = ref.getReferenceElement().getIdPart();
        if (!type.equals(ref.getReferenceElement().getResourceType()) || id == null || ref.getReferenceElement().isAbsolute()) {
            throw unprocessable(path + " must be a local reference to a " + type + ", not '" + ref.getReference() + "'", path);
        }
        return new ResourceStore.Key(type, id);
    }

    private ResourceService.Locked lockSlot(ResourceStore.Key slotKey) {
        return service.lockLive(slotKey).orElseThrow(
                () -> unprocessable("Appointment.slot refers to " + slotKey + ", which does not exist", "Appointment.slot"));
    }

    private void release(String slotId, String appointmentId, WriteSet writes) {
        ResourceStore.Key slotKey = new ResourceStore.Key("Slot", slotId);
        // the slot's lock first, as a booker takes them (slot, then reservation): the other order deadlocks with a
        // booker whose insert waits for this transaction's delete of the reservation
        ResourceService.Locked slot = service.lockLive(slotKey).orElse(null);
        reservations.release(slotId, appointmentId);
        if (slot == null) {
            return; // nothing left to free
        }
        SlotStatus status = ((Slot) slot.resource()).getStatus();
        if (status == SlotStatus.BUSY || status == SlotStatus.BUSYTENTATIVE) {
            setSlotStatus(slot, SlotStatus.FREE, writes);
        }
    }

    private void setSlotStatus(ResourceService.Locked slot, SlotStatus status, WriteSet writes) {
        if (((Slot) slot.resource()).getStatus() != status) {
            Slot next = ((Slot) slot.resource()).copy(); // the locked version stays as read: its index is what the store replaces
            next.setStatus(status);
            service.rewrite(slot, next, writes);
        }
    }

    /** Cancels a pending appointment whose hold has expired, giving its slots back (same transaction). */
    void cancelExpiredHold(String appointmentId, WriteSet writes) {
        // slots first, then the appointment: the order in which a booking meeting the expired hold takes
        // them, so the sweeper and bookers queue instead of deadlocking
        reservations.ofAppointment(appointmentId).stream().map(SlotReservations.Reservation::slotId).sorted()
                .forEach(slotId -> service.lock(new ResourceStore.Key("Slot", slotId)));
        ResourceStore.Key key = new ResourceStore.Key("Appointment", appointmentId);
        Appointment held = (Appointment) service.lockAndRead(key);
        Instant expires = holdExpiry(held);
        if (held.getStatus() != AppointmentStatus.PENDING || expires == null || expires.isAfter(clock.instant())) {
            return; // booked or renewed meanwhile
        }
        held.setStatus(AppointmentStatus.CANCELLED);
        held.setCancelationReason(new CodeableConcept().setText(EXPIRED_HOLD_REASON));
        service.update(key, held, null, writes);
    }

    static Set<String> slotIds(Appointment appointment) {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < appointment.getSlot().size(); i++) {
            Reference ref = appointment.getSlot().get(i);
            String type = ref.getReferenceElement().getResourceType();
            String id = ref.getReferenceElement().getIdPart();
            if (!"Slot".equals(type) || id == null || ref.getReferenceElement().isAbsolute()) {
                throw unprocessable("Appointment.slot[" + i + "] must be a local reference to a Slot (Slot/id), not '"
                        + ref.getReference() + "'", "Appointment.slot[" + i + "]");
            }
            ids.add(id);
        }
        return ids;
    }

    static Instant holdExpiry(Appointment appointment) {
        Extension ext = appointment.getExtensionByUrl(holdExpiresUrl());
        return ext != null && ext.getValue() instanceof InstantType t && t.getValue() != null ? t.getValue().toInstant() : null;
    }
}

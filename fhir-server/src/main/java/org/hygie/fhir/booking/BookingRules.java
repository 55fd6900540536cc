package org.hygie.fhir.booking;

import static org.hygie.fhir.error.FhirErrors.conflict;
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
     * an update cannot change or drop it. An end user may only name themselves ({@link CallerClaims#mayClaim}).
     */
    public static String bookedByUrl() {
        return org.hygie.fhir.types.Canonicals.url("StructureDefinition/booked-by");
    }

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
        service.addRule(new AppointmentResponseRule(service));
        service.addRule(new ScheduleActorRule());
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
            String patient = CallerClaims.patientSide();
            if (patient != null) {
                CallerClaims.patientsOwnChange(key, before, appointment, patient);
            }
            CallerClaims.bookedBy(appointment, before);
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

    private boolean onRequest(Slot slot) {
        String scheduleId = slot.getSchedule().getReferenceElement().getIdPart();
        if (scheduleId == null) {
            return false;
        }
        Schedule schedule = (Schedule) service.read(new ResourceStore.Key("Schedule", scheduleId));
        Extension mode = schedule.getExtensionByUrl(bookingModeUrl());
        return mode != null && mode.getValue() != null && "on-request".equals(mode.getValue().primitiveValue());
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

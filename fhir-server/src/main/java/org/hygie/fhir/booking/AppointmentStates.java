package org.hygie.fhir.booking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Slot.SlotStatus;

/**
 * The Appointment status state machine and the R4 invariants app-2, app-3, app-4: pure functions.
 * R4 defines no normative machine; this is the one derived from its typical flows and IHE/Argonaut.
 */
public final class AppointmentStates {
    private static final Map<AppointmentStatus, Set<AppointmentStatus>> NEXT = Map.of(
            AppointmentStatus.PROPOSED, Set.of(AppointmentStatus.PENDING, AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED),
            AppointmentStatus.PENDING, Set.of(AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED),
            AppointmentStatus.WAITLIST, Set.of(AppointmentStatus.PROPOSED, AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED),
            AppointmentStatus.BOOKED, Set.of(AppointmentStatus.ARRIVED, AppointmentStatus.CHECKEDIN, AppointmentStatus.FULFILLED,
                    AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED),
            AppointmentStatus.ARRIVED, Set.of(AppointmentStatus.CHECKEDIN, AppointmentStatus.FULFILLED, AppointmentStatus.CANCELLED),
            AppointmentStatus.CHECKEDIN, Set.of(AppointmentStatus.FULFILLED, AppointmentStatus.CANCELLED));
    private static final Set<AppointmentStatus> INITIAL =
            Set.of(AppointmentStatus.PROPOSED, AppointmentStatus.PENDING, AppointmentStatus.BOOKED, AppointmentStatus.WAITLIST);
    /** Statuses in which the appointment's slots stay taken (a no-show or a fulfilled visit used its time). */
    private static final Set<AppointmentStatus> RESERVING = Set.of(AppointmentStatus.PENDING, AppointmentStatus.BOOKED,
            AppointmentStatus.ARRIVED, AppointmentStatus.CHECKEDIN, AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW);

    private AppointmentStates() {}

    /** Why {@code from -> to} is not allowed, or null when it is. {@code from} null: a new appointment. */
    public static String refusedTransition(AppointmentStatus from, AppointmentStatus to) {
        if (to == null || to == AppointmentStatus.NULL) {
            return "Appointment.status is required";
        }
        if (from == null) {
            return INITIAL.contains(to) ? null
                    : "a new appointment cannot start as '" + to.toCode() + "' (allowed: proposed, pending, booked, waitlist)";
        }
        if (from == to || to == AppointmentStatus.ENTEREDINERROR) {
            return null;
        }
        Set<AppointmentStatus> allowed = NEXT.getOrDefault(from, Set.of());
        return allowed.contains(to) ? null
                : "status transition " + from.toCode() + " -> " + to.toCode() + " is not allowed"
                        + (allowed.isEmpty() ? " ('" + from.toCode() + "' is final)" : "");
    }

    /** Statuses that say what happened at the visit: the practitioner side records them, never the patient. */
    private static final Set<AppointmentStatus> RECORDED_BY_PRACTITIONER = Set.of(AppointmentStatus.ARRIVED,
            AppointmentStatus.CHECKEDIN, AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW, AppointmentStatus.ENTEREDINERROR);

    /**
     * Why a patient may not move their own appointment {@code from -> to} (null: they may). A patient books,
     * requests, confirms their own hold and cancels; what happened at the visit, and corrections, are the
     * practitioner side's. {@code from} null: a new appointment.
     */
    public static String refusedForPatient(AppointmentStatus from, AppointmentStatus to) {
        if (to == from || !RECORDED_BY_PRACTITIONER.contains(to)) {
            return null;
        }
        return "only the practitioner side sets an appointment to '" + to.toCode() + "'";
    }

    /** Booked or later (a visit under way or done): the slots are taken for good, not held for a request. */
    public static boolean confirmed(AppointmentStatus status) {
        return status != null && status != AppointmentStatus.PENDING && RESERVING.contains(status);
    }

    public static boolean reservesSlots(AppointmentStatus status) {
        return RESERVING.contains(status);
    }

    /** The status a reserved slot has while its appointment has {@code status}. */
    public static SlotStatus slotStatus(AppointmentStatus status) {
        return status == AppointmentStatus.PENDING ? SlotStatus.BUSYTENTATIVE : SlotStatus.BUSY;
    }

    /** Violations of the R4 invariants app-2, app-3 and app-4, each as "invariant: explanation". */
    public static List<String> invariantViolations(Appointment a) {
        List<String> problems = new ArrayList<>();
        if (a.hasStart() != a.hasEnd()) {
            problems.add("app-2: either start and end are both given or neither is");
        }
        AppointmentStatus status = a.getStatus();
        if (!(a.hasStart() && a.hasEnd()) && status != AppointmentStatus.PROPOSED && status != AppointmentStatus.CANCELLED
                && status != AppointmentStatus.WAITLIST) {
            problems.add("app-3: start and end are required unless the status is proposed, cancelled or waitlist");
        }
        if (a.hasCancelationReason() && status != AppointmentStatus.CANCELLED && status != AppointmentStatus.NOSHOW) {
            problems.add("app-4: cancelationReason is only allowed when the status is cancelled or noshow");
        }
        if (a.hasStart() && a.hasEnd() && !a.getEnd().after(a.getStart())) {
            problems.add("end must be after start");
        }
        return problems;
    }
}

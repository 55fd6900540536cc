package org.hygie.fhir.booking;

import static org.hygie.fhir.error.FhirErrors.forbidden;
import static org.hygie.fhir.error.FhirErrors.unprocessable;

import java.util.Map;
import java.util.Set;
import org.hygie.fhir.storage.ResourceStore;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Appointment.ParticipationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Reference;

/**
 * What an end user's token may claim on an appointment: a patient changes only their own side of it, and
 * anyone with a user context names only themselves (or, a practitioner, one of their roles) as who booked
 * or answered. System clients act for whom they say.
 */
final class CallerClaims {
    private static final Set<String> AGENT_TYPES = Set.of("Practitioner", "PractitionerRole", "RelatedPerson", "Organization", "Patient");

    private CallerClaims() {}

    /** The patient of a patient-facing token (a patient booking for themselves), or null. */
    static String patientSide() {
        org.hygie.fhir.security.Caller caller = org.hygie.fhir.security.CurrentCaller.requester();
        return caller == null || caller.practitionerId() != null ? null : caller.patientId();
    }

    /**
     * A patient changes only their own side of an appointment: not the statuses that record the visit, and not
     * the answers of the other participants (a practitioner's acceptance is the practitioner's to give).
     */
    static void patientsOwnChange(ResourceStore.Key key, Appointment before, Appointment next, String patientId) {
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

    /** The booked-by extension: a local reference to an agent, fixed once the appointment exists. */
    static void bookedBy(Appointment next, Appointment before) {
        Extension now = next.getExtensionByUrl(BookingRules.bookedByUrl());
        Extension then = before == null ? null : before.getExtensionByUrl(BookingRules.bookedByUrl());
        if (then != null) {
            if (now == null || !then.getValue().equalsDeep(now.getValue())) {
                throw unprocessable("Who booked an appointment is recorded once: the booked-by extension cannot be changed or removed",
                        "Appointment.extension('" + BookingRules.bookedByUrl() + "')");
            }
            return;
        }
        if (now != null && (!(now.getValue() instanceof Reference ref) || ref.getReference() == null || ref.getReferenceElement().isAbsolute()
                || ref.getReferenceElement().getResourceType() == null || !AGENT_TYPES.contains(ref.getReferenceElement().getResourceType())
                || ref.getReferenceElement().getIdPart() == null)) {
            throw unprocessable("booked-by must be a local reference to a Practitioner, PractitionerRole, RelatedPerson, Organization"
                    + " or Patient", "Appointment.extension('" + BookingRules.bookedByUrl() + "')");
        }
        if (now != null && !mayClaim(((Reference) now.getValue()).getReference())) {
            throw forbidden("booked-by names someone else than the user of the token (" + ((Reference) now.getValue()).getReference() + ")");
        }
    }

    /**
     * An end user (a token with fhirUser or a patient context) may only record themselves (or, for a
     * practitioner, one of their roles) as the one who booked or answered; system clients record whom they act for.
     */
    static boolean mayClaim(String bookedBy) {
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
}

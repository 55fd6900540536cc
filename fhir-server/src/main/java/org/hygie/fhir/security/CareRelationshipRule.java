package org.hygie.fhir.security;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.hygie.fhir.storage.CareRelationships;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.WriteRule;
import org.hygie.fhir.storage.WriteSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Appointment.ParticipationStatus;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Where a practitioner's reach to a patient comes from: an appointment that the patient, or the operator's
 * own software (a system client: portal, secretariat, regional booking platform), made or accepted with that
 * practitioner opens the patient's record to them, in the same transaction. What a practitioner writes on
 * their own opens nothing: naming a patient in a proposal does not make them theirs.
 */
final class CareRelationshipRule implements WriteRule {
    private final CareRelationships relationships;

    CareRelationshipRule(CareRelationships relationships) {
        this.relationships = relationships;
    }

    @Override
    public String resourceType() {
        return "Appointment";
    }

    @Override
    public void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes) {
        Caller caller = CurrentCaller.requester();
        if (next == null || caller == null || caller.practitionerId() != null) {
            return; // a delete, the server on its own (an expired hold), or the practitioner side
        }
        Appointment appointment = (Appointment) next;
        if (appointment.getStatus() == AppointmentStatus.CANCELLED || appointment.getStatus() == AppointmentStatus.ENTEREDINERROR) {
            return;
        }
        Set<String> carers = new LinkedHashSet<>();
        Set<String> patients = new LinkedHashSet<>();
        for (Appointment.AppointmentParticipantComponent participant : appointment.getParticipant()) {
            IIdType actor = participant.getActor().getReferenceElement();
            if (actor.getIdPart() == null || actor.isAbsolute()) {
                continue;
            }
            String type = actor.getResourceType();
            if ("Practitioner".equals(type) || "PractitionerRole".equals(type)) {
                carers.add(type + "/" + actor.getIdPart());
            } else if ("Patient".equals(type) && participant.getStatus() != ParticipationStatus.DECLINED) {
                patients.add(actor.getIdPart());
            }
        }
        if (caller.patientId() != null) {
            // the patient themselves, booking or answering: only their own record, and only once they said yes
            if (patients.contains(caller.patientId()) && saidYes(appointment, caller.patientId())) {
                relationships.open(caller.patientId(), carers);
            }
            return;
        }
        patients.forEach(patient -> relationships.open(patient, carers));
    }

    private static boolean saidYes(Appointment appointment, String patientId) {
        return appointment.getParticipant().stream()
                .filter(p -> ("Patient/" + patientId).equals(p.getActor().getReference()))
                .anyMatch(p -> p.getStatus() == ParticipationStatus.ACCEPTED || p.getStatus() == ParticipationStatus.TENTATIVE);
    }
}

package org.hygie.fhir.booking;

import static org.hygie.fhir.error.FhirErrors.forbidden;
import static org.hygie.fhir.error.FhirErrors.unprocessable;

import java.util.List;
import java.util.function.Supplier;
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
import org.hl7.fhir.r4.model.Reference;

/**
 * A participant's answer moves the appointment: accepted by every required participant books it;
 * declined by a required one cancels it (its slots freed, the comment as reason); tentative (with a
 * proposed start/end in the response) leaves it waiting. Only a new response acts.
 */
final class AppointmentResponseRule implements WriteRule {
    private final ResourceService service;

    AppointmentResponseRule(ResourceService service) {
        this.service = service;
    }

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
        if (!CallerClaims.mayClaim(actor)) {
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

    private static ResourceStore.Key localKey(Reference ref, String type, String path) {
        String id = ref.getReferenceElement().getIdPart();
        if (!type.equals(ref.getReferenceElement().getResourceType()) || id == null || ref.getReferenceElement().isAbsolute()) {
            throw unprocessable(path + " must be a local reference to a " + type + ", not '" + ref.getReference() + "'", path);
        }
        return new ResourceStore.Key(type, id);
    }
}

package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request-mode booking: on an on-request schedule the patient sends a request with its reason and
 * urgency; the practitioner answers with an AppointmentResponse, and the appointment and slot follow.
 */
class TriageHttpTest extends HttpTestBase {
    private String practitioner;
    private String patient;
    private String schedule;

    @BeforeEach
    void agenda() {
        practitioner = created(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Triage\"}]}"));
        patient = created(http("POST", "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Demande\"}]}"));
        schedule = created(http("POST", "Schedule", "{\"resourceType\":\"Schedule\",\"actor\":[{\"reference\":\"Practitioner/" + practitioner + "\"}],"
                + "\"extension\":[{\"url\":\"https://fhir.hygie.health/StructureDefinition/booking-mode\",\"valueCode\":\"on-request\"}]}"));
    }

    @Test
    void anOnRequestScheduleTakesRequestsThatThePractitionerAccepts() {
        String slot = slot();
        assertThat(assertOutcome(http("POST", "Appointment", appointment("booked", slot)), 422).getIssueFirstRep().getDiagnostics())
                .contains("takes booking requests");
        assertThat(slotStatus(slot)).isEqualTo("free");

        String request = created(http("POST", "Appointment", appointment("pending", slot)));
        assertThat(slotStatus(slot)).isEqualTo("busy-tentative");
        Appointment stored = parse(Appointment.class, http("GET", "Appointment/" + request, null));
        assertThat(stored.getComment()).isEqualTo("Douleur thoracique depuis deux jours");
        assertThat(stored.getPriority()).isEqualTo(2);
        assertThat(stored.getExtensionByUrl("https://fhir.hygie.health/StructureDefinition/hold-expires")).isNull();

        assertThat(http("POST", "AppointmentResponse", response(request, "accepted", "Venez à jeun", null)).statusCode()).isEqualTo(201);
        Appointment booked = parse(Appointment.class, http("GET", "Appointment/" + request, null));
        assertThat(booked.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(slotStatus(slot)).isEqualTo("busy");
        Bundle withAnswers = parse(Bundle.class, http("GET", "Appointment?_id=" + request + "&_revinclude=AppointmentResponse:appointment", null));
        assertThat(withAnswers.getEntry()).hasSize(2);
    }

    @Test
    void aDeclineCancelsWithItsReasonAndFreesTheSlot() {
        String slot = slot();
        String request = created(http("POST", "Appointment", appointment("pending", slot)));
        assertThat(http("POST", "AppointmentResponse", response(request, "declined", "Consultez les urgences", null)).statusCode()).isEqualTo(201);
        Appointment cancelled = parse(Appointment.class, http("GET", "Appointment/" + request, null));
        assertThat(cancelled.getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        assertThat(cancelled.getCancelationReason().getText()).isEqualTo("Consultez les urgences");
        assertThat(slotStatus(slot)).isEqualTo("free");
    }

    @Test
    void aTentativeAnswerProposesAnotherTimeAndWaits() {
        String slot = slot();
        String request = created(http("POST", "Appointment", appointment("pending", slot)));
        assertThat(http("POST", "AppointmentResponse", response(request, "tentative", "Plutôt jeudi",
                ",\"start\":\"2027-03-04T08:00:00Z\",\"end\":\"2027-03-04T08:15:00Z\"")).statusCode()).isEqualTo(201);
        Appointment waiting = parse(Appointment.class, http("GET", "Appointment/" + request, null));
        assertThat(waiting.getStatus()).isEqualTo(Appointment.AppointmentStatus.PENDING);
        assertThat(waiting.getParticipant()).anySatisfy(p -> assertThat(p.getStatus()).isEqualTo(Appointment.ParticipationStatus.TENTATIVE));
        assertThat(parse(Bundle.class, http("GET", "AppointmentResponse?appointment=Appointment/" + request, null)).getTotal()).isEqualTo(1);
    }

    @Test
    void anAnswerFromSomeoneElseIsRefusedAndChangesNothing() {
        String slot = slot();
        String request = created(http("POST", "Appointment", appointment("pending", slot)));
        String stranger = created(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\"}"));
        String body = response(request, "accepted", null, null).replace("Practitioner/" + practitioner, "Practitioner/" + stranger);
        assertThat(assertOutcome(http("POST", "AppointmentResponse", body), 422).getIssueFirstRep().getDiagnostics())
                .contains("is not a participant");
        assertThat(parse(Appointment.class, http("GET", "Appointment/" + request, null)).getStatus())
                .isEqualTo(Appointment.AppointmentStatus.PENDING);
        assertThat(parse(Bundle.class, http("GET", "AppointmentResponse?appointment=Appointment/" + request, null)).getTotal()).isZero();
    }

    private String appointment(String status, String slot) {
        return "{\"resourceType\":\"Appointment\",\"status\":\"" + status + "\",\"priority\":2,"
                + "\"reasonCode\":[{\"text\":\"douleur thoracique\"}],\"comment\":\"Douleur thoracique depuis deux jours\","
                + "\"start\":\"2027-03-02T08:00:00Z\",\"end\":\"2027-03-02T08:15:00Z\",\"slot\":[{\"reference\":\"Slot/" + slot + "\"}],"
                + "\"participant\":[{\"actor\":{\"reference\":\"Patient/" + patient + "\"},\"status\":\"accepted\"},"
                + "{\"actor\":{\"reference\":\"Practitioner/" + practitioner + "\"},\"status\":\"needs-action\"}]}";
    }

    private String response(String appointment, String answer, String comment, String extra) {
        return "{\"resourceType\":\"AppointmentResponse\",\"appointment\":{\"reference\":\"Appointment/" + appointment + "\"},"
                + "\"actor\":{\"reference\":\"Practitioner/" + practitioner + "\"},\"participantStatus\":\"" + answer + "\""
                + (comment == null ? "" : ",\"comment\":\"" + comment + "\"") + (extra == null ? "" : extra) + "}";
    }

    private String slot() {
        return created(http("POST", "Slot", "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/" + schedule + "\"},"
                + "\"status\":\"free\",\"start\":\"2027-03-02T08:00:00Z\",\"end\":\"2027-03-02T08:15:00Z\"}"));
    }

    private String slotStatus(String slot) {
        return parse(Slot.class, http("GET", "Slot/" + slot, null)).getStatus().toCode();
    }
}

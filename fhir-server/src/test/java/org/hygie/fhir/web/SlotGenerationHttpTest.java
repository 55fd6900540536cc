package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

/** Schedule/{id}/$generate-slots over HTTP: from a PractitionerRole's availability, idempotent, DST-correct. */
class SlotGenerationHttpTest extends HttpTestBase {

    private String scheduleWithMornings() {
        String role = created(http("POST", "PractitionerRole", "{\"resourceType\":\"PractitionerRole\",\"availableTime\":["
                + "{\"daysOfWeek\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"],\"availableStartTime\":\"09:00:00\",\"availableEndTime\":\"12:00:00\"}],"
                + "\"notAvailable\":[{\"description\":\"congrès\",\"during\":{\"start\":\"2027-03-31T00:00:00+02:00\",\"end\":\"2027-04-01T00:00:00+02:00\"}}]}"));
        return created(http("POST", "Schedule", "{\"resourceType\":\"Schedule\",\"actor\":[{\"reference\":\"PractitionerRole/" + role + "\"}],"
                + "\"extension\":[{\"url\":\"http://fhir-registry.smarthealthit.org/StructureDefinition/booking-phone\",\"valueString\":\"+33 1 23 45 67 89\"}]}"));
    }

    private Parameters generate(String schedule, String start, String end) {
        HttpResponse<String> r = http("POST", "Schedule/" + schedule + "/$generate-slots", "{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"start\",\"valueDate\":\"" + start + "\"},{\"name\":\"end\",\"valueDate\":\"" + end + "\"},"
                + "{\"name\":\"slot-minutes\",\"valueInteger\":30}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return parse(Parameters.class, r);
    }

    @Test
    void generatesAcrossTheSpringChangeAndIsIdempotent() {
        String schedule = scheduleWithMornings();
        // Friday 26 March to Thursday 1 April 2027 (exclusive): Fri, Mon, Tue, Wed(off) = 3 working days
        Parameters first = generate(schedule, "2027-03-26", "2027-04-01");
        assertThat(((IntegerType) first.getParameter("created").getValue()).getValue()).isEqualTo(3 * 6);
        Bundle slots = parse(Bundle.class, http("GET", "Slot?schedule=Schedule/" + schedule + "&_sort=start&_count=100", null));
        assertThat(slots.getTotal()).isEqualTo(18);
        Slot friday = (Slot) slots.getEntry().get(0).getResource();
        Slot monday = (Slot) slots.getEntry().get(6).getResource();
        assertThat(friday.getStartElement().getValueAsString()).startsWith("2027-03-26T08:00:00"); // 9:00 UTC+1
        assertThat(monday.getStart().toInstant().toString()).isEqualTo("2027-03-29T07:00:00Z"); // 9:00 UTC+2
        assertThat(friday.getExtensionByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/booking-phone")).isNotNull();

        // book one, then regenerate over a wider range: nothing duplicated, the booked slot untouched
        String booked = friday.getIdElement().getIdPart();
        assertThat(http("POST", "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"start\":\""
                + friday.getStartElement().getValueAsString() + "\",\"end\":\"" + friday.getEndElement().getValueAsString()
                + "\",\"slot\":[{\"reference\":\"Slot/" + booked + "\"}],\"participant\":[{\"actor\":{\"display\":\"P\"},\"status\":\"accepted\"}]}")
                .statusCode()).isEqualTo(201);
        Parameters again = generate(schedule, "2027-03-26", "2027-04-02");
        assertThat(((IntegerType) again.getParameter("created").getValue()).getValue()).isEqualTo(6); // Thursday 1 April only
        assertThat(((IntegerType) again.getParameter("kept").getValue()).getValue()).isEqualTo(18);
        assertThat(parse(Bundle.class, http("GET", "Slot?schedule=Schedule/" + schedule + "&_summary=count", null)).getTotal()).isEqualTo(24);
        assertThat(parse(Slot.class, http("GET", "Slot/" + booked, null)).getStatus()).isEqualTo(Slot.SlotStatus.BUSY);
    }

    @Test
    void autumnChangeKeepsWallClockHours() {
        String schedule = scheduleWithMornings();
        generate(schedule, "2027-10-29", "2027-11-02"); // Friday 29 Oct (UTC+2), Monday 1 Nov (UTC+1)
        Bundle slots = parse(Bundle.class, http("GET", "Slot?schedule=Schedule/" + schedule + "&_sort=start&_count=100", null));
        assertThat(slots.getTotal()).isEqualTo(12);
        assertThat(((Slot) slots.getEntry().get(0).getResource()).getStart().toInstant().toString()).isEqualTo("2027-10-29T07:00:00Z");
        assertThat(((Slot) slots.getEntry().get(6).getResource()).getStart().toInstant().toString()).isEqualTo("2027-11-01T08:00:00Z");
    }

    @Test
    void badInputIs4xx() {
        String schedule = scheduleWithMornings();
        assertOutcome(http("POST", "Schedule/" + schedule + "/$generate-slots", "{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"start\",\"valueDate\":\"2027-03-01\"},{\"name\":\"end\",\"valueDate\":\"2027-03-08\"},"
                + "{\"name\":\"time-zone\",\"valueCode\":\"Mars/Olympus\"}]}"), 400);
        assertOutcome(http("POST", "Schedule/" + schedule + "/$generate-slots", "{\"resourceType\":\"Parameters\"}"), 400);
        String bare = created(http("POST", "Schedule", "{\"resourceType\":\"Schedule\",\"actor\":[{\"display\":\"nobody\"}]}"));
        assertOutcome(http("POST", "Schedule/" + bare + "/$generate-slots", "{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"start\",\"valueDate\":\"2027-03-01\"},{\"name\":\"end\",\"valueDate\":\"2027-03-08\"}]}"), 422);
        assertOutcome(http("POST", "Schedule/unknown/$generate-slots", "{\"resourceType\":\"Parameters\"}"), 404);
    }
}

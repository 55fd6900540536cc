package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/**
 * What outside clients and testers met first: $validate that reports instead of refusing, R4's DELETE of
 * nothing, self links as sent, read-only published definitions, system and compartment searches, $find
 * paged and readable, expansions R4 accepts, practitioners' identifiers unique, free-slot pages not cut.
 */
class InteroperabilityHttpTest extends HttpTestBase {

    @Test
    void validateReportsABadCodeAsAnIssueOfA200() {
        HttpResponse<String> answer = http("POST", "Patient/$validate", "{\"resourceType\":\"Patient\",\"gender\":\"xyz\"}");
        OperationOutcome outcome = parse(OperationOutcome.class, answer);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(outcome.getIssue()).anySatisfy(i -> {
            assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
            assertThat(i.getExpression()).extracting(Object::toString).contains("Patient.gender");
        });
        // in a Parameters, and with a profile
        HttpResponse<String> wrapped = http("POST", "Patient/$validate?profile=https://fhir.hygie.health/StructureDefinition/hygie-patient",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":{\"resourceType\":\"Patient\"}}]}");
        assertThat(wrapped.statusCode()).as(wrapped.body()).isEqualTo(200);
        assertThat(parse(OperationOutcome.class, wrapped).getIssueFirstRep().getDiagnostics()).isEqualTo("No issues detected");
        assertOutcome(http("POST", "Patient/$validate", "{\"resourceType\":\"Practitioner\"}"), 400);
        assertOutcome(http("POST", "Patient/$validate", "not json"), 400);
    }

    @Test
    void deletingWhatDoesNotExistChangesNothingAndSaysSo() {
        HttpResponse<String> answer = http("DELETE", "Patient/never-was", null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(parse(OperationOutcome.class, answer).getIssueFirstRep().getDiagnostics()).contains("nothing was deleted");
        assertThat(http("GET", "Patient/never-was", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theSelfLinkIsTheRequestAsSent() {
        String sent = base() + "/Practitioner?name=Selfish";
        Bundle bundle = parse(Bundle.class, http("GET", sent, null));
        assertThat(bundle.getLink("self").getUrl()).isEqualTo(sent);
        assertThat(bundle.getLink("first").getUrl()).contains("_count=");
    }

    @Test
    void publishedDefinitionsAreReadOnlyAndStillUsed() {
        assertOutcome(http("DELETE", "ValueSet/specialties", null), 405);
        assertOutcome(http("DELETE", "StructureDefinition/hygie-patient", null), 405);
        String unchanged = http("GET", "StructureDefinition/hygie-patient", null).body();
        assertOutcome(http("PUT", "StructureDefinition/hygie-patient", unchanged), 405);
        assertOutcome(http("POST", "CapabilityStatement", "{\"resourceType\":\"CapabilityStatement\",\"status\":\"draft\"}"), 405);
        assertOutcome(http("PATCH", "CodeSystem/visit-types", "[]", "Content-Type", "application/json-patch+json"), 405);
        assertThat(http("GET", "StructureDefinition/hygie-patient", null).statusCode()).isEqualTo(200);
        assertThat(http("GET", "ValueSet/specialties", null).statusCode()).isEqualTo(200);
        // the validator still has them: a malformed INS is refused
        assertOutcome(http("POST", "Patient", "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:1.2.250.1.213.1.4.10\","
                + "\"value\":\"123\"}]}"), 422);
        assertThat(http("GET", "OperationDefinition/Appointment-find", null).statusCode()).isEqualTo(200);
    }

    @Test
    void systemAndCompartmentSearches() {
        String patient = created(http("POST", "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Compartment\"}]}"));
        String other = created(http("POST", "Patient", "{\"resourceType\":\"Patient\"}"));
        String mine = created(http("POST", "Appointment", appointment(patient)));
        created(http("POST", "Appointment", appointment(other)));
        Bundle inCompartment = parse(Bundle.class, http("GET", "Patient/" + patient + "/Appointment", null));
        assertThat(inCompartment.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(mine);
        assertThat(parse(Bundle.class, http("GET", "Patient/" + patient + "/Appointment?status=booked", null)).getTotal()).isZero();
        Bundle system = parse(Bundle.class, http("GET", "?_type=Patient,Appointment&_id=" + patient + "," + mine, null));
        assertThat(system.getTotal()).isEqualTo(2);
        assertThat(system.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient", "Appointment");
        Bundle paged = parse(Bundle.class, http("GET", "?_type=Patient,Appointment&_id=" + patient + "," + mine + "&_count=1", null));
        assertThat(paged.getEntry()).hasSize(1);
        Bundle second = parse(Bundle.class, http("GET", paged.getLink("next").getUrl(), null));
        assertThat(second.getEntryFirstRep().getResource().fhirType()).isEqualTo("Appointment");
        assertThat(second.getLink("previous")).isNotNull();
        assertOutcome(http("GET", "?_type=Nothing", null), 400);
    }

    @Test
    void findIsPagedReadableAndAnswersGet() {
        String schedule = created(http("POST", "Schedule", "{\"resourceType\":\"Schedule\",\"actor\":[{\"display\":\"Paged\"}]}"));
        for (int i = 0; i < 25; i++) {
            created(http("POST", "Slot", "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/" + schedule + "\"},"
                    + "\"status\":\"free\",\"start\":\"2031-01-06T" + String.format("%02d", 8 + i / 4) + ":" + String.format("%02d", (i % 4) * 15)
                    + ":00Z\",\"end\":\"2031-01-06T" + String.format("%02d", 8 + i / 4) + ":" + String.format("%02d", (i % 4) * 15 + 14) + ":00Z\"}"));
        }
        String find = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"start\",\"valueDateTime\":\"2031-01-06T00:00:00Z\"},"
                + "{\"name\":\"end\",\"valueDateTime\":\"2031-01-07T00:00:00Z\"}]}";
        Bundle first = parse(Bundle.class, http("POST", "Appointment/$find?_count=10", find));
        assertThat(first.getTotal()).isEqualTo(25);
        assertThat(first.getEntry()).hasSize(10);
        assertThat(first.getLink("self")).isNotNull();
        Bundle second = parse(Bundle.class, http("GET", first.getLink("next").getUrl(), null));
        assertThat(second.getEntry()).hasSize(10);
        assertThat(second.getEntryFirstRep().getResource().getIdElement().getIdPart())
                .isNotEqualTo(first.getEntryFirstRep().getResource().getIdElement().getIdPart());
        assertThat(second.getLink("previous")).isNotNull();
        Bundle last = parse(Bundle.class, http("GET", second.getLink("next").getUrl(), null));
        assertThat(last.getEntry()).hasSize(5);
        assertThat(last.getLink("next")).isNull();
        // GET with the inputs as parameters
        assertThat(parse(Bundle.class, http("GET", "Appointment/$find?start=2031-01-06T00:00:00Z&end=2031-01-07T00:00:00Z&_count=1", null))
                .getTotal()).isEqualTo(25);
        // a proposal's fullUrl resolves while its slot is free
        String fullUrl = first.getEntryFirstRep().getFullUrl();
        assertThat(http("GET", fullUrl, null).statusCode()).isEqualTo(200);
        String proposal = first.getEntryFirstRep().getResource().getIdElement().getIdPart();
        assertThat(http("POST", "Appointment/$hold", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"appointment-reference\","
                + "\"valueReference\":{\"reference\":\"Appointment/" + proposal + "\"}}]}").statusCode()).isEqualTo(200);
        assertOutcome(http("GET", fullUrl, null), 404);
    }

    @Test
    void anExpansionCarriesWhatR4Requires() {
        ValueSet expanded = parse(ValueSet.class, http("GET", "ValueSet/$expand?url=https://fhir.hygie.health/ValueSet/specialties", null));
        assertThat(expanded.hasStatus()).isTrue();
        assertThat(expanded.getExpansion().hasTimestamp()).isTrue();
        assertThat(expanded.getUrl()).isEqualTo("https://fhir.hygie.health/ValueSet/specialties");
    }

    @Test
    void aPractitionersIdentifierNamesOnePractitioner() {
        String rpps = "8" + org.hygie.fhir.testsupport.TestIdentifiers.rpps();
        String body = "{\"resourceType\":\"Practitioner\",\"identifier\":[{\"system\":\"urn:oid:1.2.250.1.71.4.2.1\",\"value\":\"" + rpps + "\"}]}";
        String first = created(http("POST", "Practitioner", body));
        assertThat(assertOutcome(http("POST", "Practitioner", body), 409).getIssueFirstRep().getDiagnostics()).contains("Practitioner/" + first);
        // an update of the same one keeps it
        assertThat(http("PUT", "Practitioner/" + first, body.replace("{\"resourceType\":\"Practitioner\",",
                "{\"resourceType\":\"Practitioner\",\"id\":\"" + first + "\",")).statusCode()).isEqualTo(200);
        // every IDNPS form FR Core defines: 8+RPPS, 0+ADELI, 3+FINESS/internal id (regulators, a structure's staff)
        for (String idnps : List.of("0" + "75" + "1234567", "3" + "750000001" + "/REG-42")) {
            assertThat(http("POST", "Practitioner", body.replace(rpps, idnps)).statusCode()).as(idnps).isEqualTo(201);
        }
        assertOutcome(http("POST", "Practitioner", body.replace(rpps, "9" + rpps)), 422);
    }

    @Test
    void aFreeSlotSearchWithIncludesIsNotCutAtTheDefaultPage() {
        String schedule = created(http("POST", "Schedule", "{\"resourceType\":\"Schedule\",\"actor\":[{\"display\":\"Busy day\"}]}"));
        for (int i = 0; i < 30; i++) {
            created(http("POST", "Slot", "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/" + schedule + "\"},"
                    + "\"status\":\"free\",\"start\":\"2031-02-03T08:" + String.format("%02d", i) + ":00Z\",\"end\":\"2031-02-03T08:"
                    + String.format("%02d", i) + ":50Z\"}"));
        }
        Bundle all = parse(Bundle.class, http("GET", "Slot?schedule=Schedule/" + schedule + "&status=free&_include=Slot:schedule", null));
        assertThat(all.getEntry()).filteredOn(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH).hasSize(30);
        assertThat(parse(Bundle.class, http("GET", "Slot?schedule=Schedule/" + schedule + "&status=free", null)).getEntry()).hasSize(20);
    }

    private static String appointment(String patient) {
        return "{\"resourceType\":\"Appointment\",\"status\":\"proposed\",\"participant\":[{\"actor\":{\"reference\":\"Patient/" + patient
                + "\"},\"status\":\"needs-action\"}]}";
    }
}

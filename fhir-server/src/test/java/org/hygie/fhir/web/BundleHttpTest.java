package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

class BundleHttpTest extends HttpTestBase {

    /** An appointment entry placed before the patient it references through urn:uuid, plus a conditional reference. */
    private static String transaction(String ins, String practitionerIdentifier, String patientFamily) {
        return """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"fullUrl":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a",
                   "resource":{"resourceType":"Appointment","status":"booked",
                     "start":"2026-06-01T09:00:00+02:00","end":"2026-06-01T09:20:00+02:00",
                     "participant":[{"actor":{"reference":"urn:uuid:88f151c0-a954-468a-88ec-3a8c5b2c3d2f"},"status":"accepted"},
                                    {"actor":{"reference":"Practitioner?identifier=https://rpps.esante.gouv.fr|%s"},"status":"accepted"}]},
                   "request":{"method":"POST","url":"Appointment"}},
                  {"fullUrl":"urn:uuid:88f151c0-a954-468a-88ec-3a8c5b2c3d2f",
                   "resource":{"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.10","value":"%s"}],
                     "name":[{"family":"%s"}]},
                   "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=urn:oid:1.2.250.1.213.1.4.10|%s"}}
                ]}""".formatted(practitionerIdentifier, ins, patientFamily, ins);
    }

    private String practitioner() {
        String rpps = org.hygie.fhir.testsupport.TestIdentifiers.rpps();
        http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\",\"identifier\":[{\"system\":\"https://rpps.esante.gouv.fr\",\"value\":\"" + rpps + "\"}]}");
        return rpps;
    }

    @Test
    void transactionResolvesReferencesBetweenEntriesInAnyOrder() {
        String ins = org.hygie.fhir.testsupport.TestIdentifiers.ins();
        HttpResponse<String> response = http("POST", "", transaction(ins, practitioner(), "Transac"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle result = parse(Bundle.class, response);
        assertThat(result.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(result.getEntry()).extracting(e -> e.getResponse().getStatus()).containsExactly("201 Created", "201 Created");
        assertThat(result.getEntry()).allSatisfy(e -> {
            assertThat(e.getResponse().getLocation()).matches("(Appointment|Patient)/[0-9a-f\\-]{36}/_history/1");
            assertThat(e.getResponse().getEtag()).isEqualTo("W/\"1\"");
        });
        String appointmentPath = result.getEntry().get(0).getResponse().getLocation().replace("/_history/1", "");
        String patientPath = result.getEntry().get(1).getResponse().getLocation().replace("/_history/1", "");
        Appointment appointment = parse(Appointment.class, http("GET", appointmentPath, null));
        assertThat(appointment.getParticipant().get(0).getActor().getReference()).isEqualTo(patientPath);
        assertThat(appointment.getParticipant().get(1).getActor().getReference()).startsWith("Practitioner/");

        // Replaying it: the conditional create matches the existing patient (200), the appointment is new.
        Bundle replay = parse(Bundle.class, http("POST", "", transaction(ins, practitioner(), "Transac")));
        assertThat(replay.getEntry()).extracting(e -> e.getResponse().getStatus()).containsExactly("201 Created", "200 OK");
        assertThat(replay.getEntry().get(1).getResponse().getLocation()).startsWith(patientPath);
    }

    @Test
    void aFailingEntryRollsTheWholeTransactionBack() {
        int before = parse(Bundle.class, http("GET", "_history?_count=0", null)).getTotal();
        String failing = transaction(org.hygie.fhir.testsupport.TestIdentifiers.ins(), "no-such-rpps", "Rollback");
        HttpResponse<String> response = http("POST", "", failing);
        assertOutcome(response, 422);
        assertThat(response.body()).contains("Bundle.entry[0]");
        assertThat(parse(Bundle.class, http("GET", "_history?_count=0", null)).getTotal()).isEqualTo(before);
        assertThat(parse(Bundle.class, http("GET", "Patient?family:exact=Rollback", null)).getTotal()).isZero();
    }

    @Test
    void transactionWithUpdateDeletePatchAndRead() {
        String id = "tx-" + UUID.randomUUID();
        http("PUT", "Organization/" + id, "{\"resourceType\":\"Organization\",\"id\":\"" + id + "\",\"name\":\"Avant\"}");
        String doomed = http("POST", "Location", "{\"resourceType\":\"Location\",\"name\":\"Doomed\"}").headers()
                .firstValue("Location").orElseThrow().replaceAll(".*/(Location/[^/]+)/_history.*", "$1");
        String bundle = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"request":{"method":"GET","url":"Organization/%1$s"}},
                  {"resource":{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"add"},
                      {"name":"path","valueString":"Organization"},{"name":"name","valueString":"active"},{"name":"value","valueBoolean":true}]}]},
                   "request":{"method":"PATCH","url":"Organization/%1$s"}},
                  {"request":{"method":"DELETE","url":"%2$s"}},
                  {"resource":{"resourceType":"Location","name":"Nouveau","managingOrganization":{"reference":"Organization/%1$s"}},
                   "request":{"method":"PUT","url":"Location/loc-%1$s"}}
                ]}""".formatted(id, doomed);
        HttpResponse<String> response = http("POST", "", bundle, "Prefer", "return=representation");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle result = parse(Bundle.class, response);
        assertThat(result.getEntry()).extracting(e -> e.getResponse().getStatus())
                .containsExactly("200 OK", "200 OK", "204 No Content", "201 Created");
        assertThat(http("GET", doomed, null).statusCode()).isEqualTo(410);
        assertThat(http("GET", "Organization/" + id, null).body()).contains("\"active\":true");
    }

    @Test
    void batchEntriesSucceedOrFailOnTheirOwn() {
        String bundle = """
                {"resourceType":"Bundle","type":"batch","entry":[
                  {"resource":{"resourceType":"Practitioner","name":[{"family":"Batch"}]},"request":{"method":"POST","url":"Practitioner"}},
                  {"request":{"method":"GET","url":"Practitioner/does-not-exist"}},
                  {"resource":{"resourceType":"Appointment","status":"booked","participant":[{"actor":{"reference":"Patient/nope"},"status":"accepted"}]},
                   "request":{"method":"POST","url":"Appointment"}},
                  {"request":{"method":"GET","url":"Practitioner?family=batch"}}
                ]}""";
        Bundle result = parse(Bundle.class, http("POST", "", bundle));
        assertThat(result.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
        assertThat(result.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3))
                .containsExactly("201", "404", "422", "200");
        assertThat(result.getEntry().get(1).getResponse().getOutcome()).isNotNull();
        assertThat(((Bundle) result.getEntry().get(3).getResource()).getTotal()).isGreaterThanOrEqualTo(1);
    }
}

package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.Test;

class CrudHttpTest extends HttpTestBase {

    @Test
    void createReadUpdateVreadDeleteHistoryWithTheGenericClient() {
        Patient patient = new Patient();
        patient.addName().setFamily("Lefèvre").addGiven("Anaïs");
        MethodOutcome created = client.create().resource(patient).execute();
        IdType id = (IdType) created.getId();
        assertThat(created.getCreated()).isTrue();
        assertThat(id.getVersionIdPart()).isEqualTo("1");

        Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Lefèvre");

        read.getNameFirstRep().setFamily("Lefèvre-Martin");
        MethodOutcome updated = client.update().resource(read).execute();
        assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

        Patient v1 = client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute();
        assertThat(v1.getNameFirstRep().getFamily()).isEqualTo("Lefèvre");

        client.delete().resourceById("Patient", id.getIdPart()).execute();
        assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id.getIdPart()).execute())
                .isInstanceOf(ResourceGoneException.class);

        Bundle history = client.history().onInstance(id.toUnqualifiedVersionless()).returnBundle(Bundle.class).execute();
        assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
        assertThat(history.getTotal()).isEqualTo(3);
        assertThat(history.getEntry()).extracting(e -> e.getRequest().getMethod())
                .containsExactly(Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.POST);
        assertThat(history.getEntry().get(0).hasResource()).isFalse();
    }

    @Test
    void headersOfAWrite() {
        HttpResponse<String> created = http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Bernard\"}]}");
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches(base() + "/Practitioner/[0-9a-f\\-]{36}/_history/1");
        assertThat(created.headers().firstValue("ETag")).contains("W/\"1\"");
        assertThat(created.headers().firstValue("Last-Modified")).isPresent();
        String path = location.substring(base().length() + 1, location.indexOf("/_history"));

        HttpResponse<String> read = http("GET", path, null);
        assertThat(read.headers().firstValue("ETag")).contains("W/\"1\"");
        HttpResponse<String> notModified = http("GET", path, null, "If-None-Match", "W/\"1\"");
        assertThat(notModified.statusCode()).isEqualTo(304);
    }

    @Test
    void preferReturn() {
        String body = "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Petit\"}]}";
        HttpResponse<String> minimal = http("POST", "Practitioner", body, "Prefer", "return=minimal");
        assertThat(minimal.statusCode()).isEqualTo(201);
        assertThat(minimal.body()).isEmpty();
        HttpResponse<String> representation = http("POST", "Practitioner", body, "Prefer", "return=representation");
        assertThat(parse(Practitioner.class, representation).getMeta().getVersionId()).isEqualTo("1");
        HttpResponse<String> outcome = http("POST", "Practitioner", body, "Prefer", "return=OperationOutcome");
        assertThat(outcome.body()).contains("\"resourceType\":\"OperationOutcome\"");
    }

    @Test
    void formatsAndRenderingParameters() {
        HttpResponse<String> created = http("POST", "Patient",
                "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/><name><family value=\"Xml\"/></name><birthDate value=\"1990-01-01\"/></Patient>",
                "Content-Type", "application/fhir+xml");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        String path = location.substring(base().length() + 1, location.indexOf("/_history"));

        assertThat(http("GET", path + "?_format=xml", null).body()).startsWith("<Patient xmlns=\"http://hl7.org/fhir\">");
        assertThat(http("GET", path, null, "Accept", "application/fhir+xml").body()).startsWith("<Patient");
        assertThat(http("GET", path + "?_pretty=true", null).body()).contains("\n  ");
        assertThat(http("GET", path + "?_elements=birthDate", null).body()).contains("birthDate").doesNotContain("Xml");
        assertThat(http("GET", path + "?_summary=true", null).body()).contains("birthDate");
        assertThat(http("GET", "Patient?_summary=count&family=xml", null).body()).contains("\"total\":1").doesNotContain("\"entry\"");
        assertThat(http("GET", "Patient?family=xml&_elements=active", null).body()).contains("\"active\":true").doesNotContain("birthDate");
    }

    @Test
    void updateAsCreateWithAClientAssignedId() {
        HttpResponse<String> response = http("PUT", "Organization/org-hygie-1",
                "{\"resourceType\":\"Organization\",\"id\":\"org-hygie-1\",\"name\":\"Centre de santé\"}");
        assertThat(response.statusCode()).isEqualTo(201);
        HttpResponse<String> again = http("PUT", "Organization/org-hygie-1",
                "{\"resourceType\":\"Organization\",\"id\":\"org-hygie-1\",\"name\":\"Centre de santé municipal\"}");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("ETag")).contains("W/\"2\"");
    }

    @Test
    void systemAndTypeHistory() {
        http("POST", "Location", "{\"resourceType\":\"Location\",\"name\":\"Cabinet\"}");
        Bundle typeHistory = client.history().onType("Location").returnBundle(Bundle.class).execute();
        assertThat(typeHistory.getEntry()).isNotEmpty().allMatch(e -> e.getFullUrl().contains("/Location/"));
        Bundle system = client.history().onServer().returnBundle(Bundle.class).count(2).execute();
        assertThat(system.getEntry()).hasSize(2);
        assertThat(system.getLink("next")).isNotNull();
    }
}

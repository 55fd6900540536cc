package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class ConditionalAndPatchHttpTest extends HttpTestBase {
    private static final String INS = "urn:oid:1.2.250.1.213.1.4.10";

    private static String patient(String value, String family) {
        return "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + INS + "\",\"value\":\"" + value
                + "\"}],\"name\":[{\"family\":\"" + family + "\"}]}";
    }

    @Test
    void conditionalCreateWithIfNoneExist() {
        String value = org.hygie.fhir.testsupport.TestIdentifiers.ins();
        HttpResponse<String> first = http("POST", "Patient", patient(value, "Once"), "If-None-Exist", "identifier=" + INS + "|" + value);
        assertThat(first.statusCode()).isEqualTo(201);
        HttpResponse<String> second = http("POST", "Patient", patient(value, "Twice"), "If-None-Exist", "identifier=" + INS + "|" + value);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        Bundle all = parse(Bundle.class, http("GET", "Patient?identifier=" + INS + "%7C" + value, null));
        assertThat(all.getTotal()).isEqualTo(1);
    }

    @Test
    void conditionalUpdateAndDeleteByIdentifier() {
        String value = org.hygie.fhir.testsupport.TestIdentifiers.ins();
        String url = "Patient?identifier=" + INS + "%7C" + value;
        HttpResponse<String> created = http("PUT", url, patient(value, "Conditional"));
        assertThat(created.statusCode()).isEqualTo(201);
        HttpResponse<String> updated = http("PUT", url, patient(value, "Conditional2"));
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(updated.headers().firstValue("ETag")).contains("W/\"2\"");
        HttpResponse<String> deleted = http("DELETE", url, null);
        assertThat(deleted.statusCode()).isIn(200, 204);
        assertThat(parse(Bundle.class, http("GET", url, null)).getTotal()).isZero();
        HttpResponse<String> nothing = http("DELETE", url, null);
        assertThat(nothing.statusCode()).isIn(200, 204);
    }

    @Test
    void jsonPatchWithIfMatch() {
        String location = http("POST", "Patient", patient(org.hygie.fhir.testsupport.TestIdentifiers.ins(), "Avant")).headers().firstValue("Location").orElseThrow();
        String path = location.substring(base().length() + 1, location.indexOf("/_history"));
        HttpResponse<String> patched = http("PATCH", path,
                "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Après\"},{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]",
                "Content-Type", "application/json-patch+json", "If-Match", "W/\"1\"", "Prefer", "return=representation");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        Patient result = parse(Patient.class, patched);
        assertThat(result.getNameFirstRep().getFamily()).isEqualTo("Après");
        assertThat(result.getActive()).isTrue();
        assertThat(result.getMeta().getVersionId()).isEqualTo("2");
        HttpResponse<String> stale = http("PATCH", path, "[{\"op\":\"add\",\"path\":\"/active\",\"value\":false}]",
                "Content-Type", "application/json-patch+json", "If-Match", "W/\"1\"");
        assertOutcome(stale, 412);
        HttpResponse<String> changesId = http("PATCH", path, "[{\"op\":\"replace\",\"path\":\"/id\",\"value\":\"hijack\"}]",
                "Content-Type", "application/json-patch+json");
        assertOutcome(changesId, 422);
    }

    @Test
    void fhirPathPatch() {
        String location = http("POST", "Patient", patient(org.hygie.fhir.testsupport.TestIdentifiers.ins(), "Chemin")).headers().firstValue("Location").orElseThrow();
        String path = location.substring(base().length() + 1, location.indexOf("/_history"));
        String parameters = """
                {"resourceType":"Parameters","parameter":[
                  {"name":"operation","part":[{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},
                                              {"name":"name","valueString":"birthDate"},{"name":"value","valueDate":"1990-02-03"}]},
                  {"name":"operation","part":[{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.name[0].family"},
                                              {"name":"value","valueString":"Sentier"}]},
                  {"name":"operation","part":[{"name":"type","valueCode":"insert"},{"name":"path","valueString":"Patient.name"},
                                              {"name":"index","valueInteger":0},
                                              {"name":"value","part":[{"name":"family","valueString":"Premier"}]}]},
                  {"name":"operation","part":[{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.identifier"}]}
                ]}""";
        HttpResponse<String> patched = http("PATCH", path, parameters, "Prefer", "return=representation");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        Patient result = parse(Patient.class, patched);
        assertThat(result.getBirthDateElement().getValueAsString()).isEqualTo("1990-02-03");
        assertThat(result.getName()).extracting(n -> n.getFamily()).containsExactly("Premier", "Sentier");
        assertThat(result.getIdentifier()).isEmpty();

        String move = """
                {"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"move"},
                  {"name":"path","valueString":"Patient.name"},{"name":"source","valueInteger":1},{"name":"destination","valueInteger":0}]}]}""";
        Patient moved = parse(Patient.class, http("PATCH", path, move, "Prefer", "return=representation"));
        assertThat(moved.getName()).extracting(n -> n.getFamily()).containsExactly("Sentier", "Premier");

        String badPath = """
                {"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"replace"},
                  {"name":"path","valueString":"Patient.name.where("},{"name":"value","valueString":"x"}]}]}""";
        assertOutcome(http("PATCH", path, badPath), 400);
        assertThat(parse(Patient.class, http("GET", path, null)).getMeta().getVersionId()).isEqualTo("3");
    }
}

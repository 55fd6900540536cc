package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The error table: each client mistake gets its 4xx and an OperationOutcome, never a 500 or a stack trace,
 * and leaves the database exactly as it was (the system history does not grow).
 */
class ErrorsHttpTest extends HttpTestBase {
    private static final String PATIENT = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Erreur\"}]}";
    private String patientId;
    private String deletedId;

    @BeforeEach
    void fixtures() {
        patientId = idOf(http("POST", "Patient", PATIENT));
        deletedId = idOf(http("POST", "Patient", PATIENT));
        assertThat(http("DELETE", "Patient/" + deletedId, null).statusCode()).isIn(200, 204);
    }

    private static String idOf(HttpResponse<String> created) {
        String location = created.headers().firstValue("Location").orElseThrow();
        return location.replaceAll(".*/Patient/([^/]+)/_history/.*", "$1");
    }

    record Case(String name, String method, String path, String body, int status, String[] headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("unparseable JSON", "POST", "Patient", "{\"resourceType\":\"Patient\",", 400),
                c("not JSON at all", "POST", "Patient", "hello", 400),
                c("unknown element", "POST", "Patient", "{\"resourceType\":\"Patient\",\"colour\":\"blue\"}", 400),
                c("wrong resource type", "POST", "Patient", "{\"resourceType\":\"Practitioner\"}", 400),
                c("body id differs from URL id", "PUT", "Patient/{id}", "{\"resourceType\":\"Patient\",\"id\":\"other\"}", 400),
                c("update without id in body", "PUT", "Patient/{id}", "{\"resourceType\":\"Patient\"}", 400),
                c("invalid id", "PUT", "Patient/not_valid!", "{\"resourceType\":\"Patient\",\"id\":\"not_valid!\"}", 400),
                c("invalid date value", "POST", "Patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"tomorrow\"}", 400),
                c("dangling reference", "POST", "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"proposed\",\"participant\":[{\"actor\":{\"reference\":\"Patient/missing\"},\"status\":\"accepted\"}]}", 422),
                c("unsupported resource type", "POST", "Observation", "{\"resourceType\":\"Observation\"}", 404),
                c("read unknown", "GET", "Patient/unknown-id", null, 404),
                c("vread unknown version", "GET", "Patient/{id}/_history/99", null, 404),
                c("read deleted", "GET", "Patient/{deleted}", null, 410),
                c("stale If-Match", "PUT", "Patient/{id}", "{\"resourceType\":\"Patient\",\"id\":\"{id}\"}", 412, "If-Match", "W/\"9\""),
                c("malformed If-Match", "PUT", "Patient/{id}", "{\"resourceType\":\"Patient\",\"id\":\"{id}\"}", 400, "If-Match", "soon"),
                c("unknown search parameter", "GET", "Patient?colour=blue", null, 400),
                c("bad search value", "GET", "Patient?birthdate=someday", null, 400),
                c("chain through a non-reference", "GET", "Patient?family.name=x", null, 400),
                c("chain to no type with that parameter", "GET", "Appointment?actor.nosuch=x", null, 400),
                c("negative _count", "GET", "Patient?_count=-5", null, 400),
                c("bad _since", "GET", "Patient/_history?_since=yesterday", null, 400),
                c("unsupported media type", "POST", "Patient", "name=x", 415, "Content-Type", "text/plain"),
                c("bundle of the wrong type", "POST", "", "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}", 400),
                c("JSON Patch that does not apply", "PATCH", "Patient/{id}", "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"}]", 422, "Content-Type", "application/json-patch+json"),
                c("malformed JSON Patch", "PATCH", "Patient/{id}", "{\"op\":\"add\"}", 400, "Content-Type", "application/json-patch+json"),
                c("patch of a deleted resource", "PATCH", "Patient/{deleted}", "[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]", 410, "Content-Type", "application/json-patch+json"),
                c("delete of a referenced resource", "DELETE", "Patient/{referenced}", null, 409),
                c("SQL-looking search value", "GET", "Patient?family=x'%3B%20drop%20table%20resource%3B--", null, 200));
    }

    private static Arguments c(String name, String method, String path, String body, int status, String... headers) {
        return Arguments.of(new Case(name, method, path, body, status, headers));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void clientMistakesAre4xxWithAnOutcomeAndChangeNothing(Case c) {
        String referenced = idOf(http("POST", "Patient", PATIENT));
        http("POST", "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"proposed\",\"participant\":[{\"actor\":{\"reference\":\"Patient/"
                + referenced + "\"},\"status\":\"accepted\"}]}");
        int versionsBefore = systemHistoryTotal();

        String path = c.path().replace("{id}", patientId).replace("{deleted}", deletedId).replace("{referenced}", referenced);
        String body = c.body() == null ? null : c.body().replace("{id}", patientId);
        HttpResponse<String> response = http(c.method(), path, body, c.headers());

        if (c.status() == 200) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        } else {
            OperationOutcome outcome = assertOutcome(response, c.status());
            assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
            assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank();
        }
        assertThat(systemHistoryTotal()).as("database unchanged").isEqualTo(versionsBefore);
    }

    @Test
    void bodiesOverTheLimitAre413() {
        String big = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + "x".repeat((int) MAX_REQUEST_BYTES) + "\"}]}";
        int before = systemHistoryTotal();
        assertOutcome(http("POST", "Patient", big), 413);
        assertThat(systemHistoryTotal()).isEqualTo(before);
    }

    @Test
    void errorsNameWhereTheProblemIs() {
        OperationOutcome unknownParam = assertOutcome(http("GET", "Patient?colour=blue", null), 400);
        assertThat(unknownParam.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("colour");
        OperationOutcome dangling = assertOutcome(http("POST", "Appointment",
                "{\"resourceType\":\"Appointment\",\"status\":\"proposed\",\"participant\":[{\"actor\":{\"reference\":\"Patient/missing\"},\"status\":\"accepted\"}]}"), 422);
        assertThat(dangling.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("participant.actor");
    }

    @Test
    void aStrayContentTypeOnABodilessRequestIsIgnored() {
        assertThat(http("GET", "Patient?_count=1", null, "Content-Type", "text/html").statusCode()).isEqualTo(200);
        assertThat(http("GET", "Patient/" + patientId, null, "Content-Type", "text/html").statusCode()).isEqualTo(200);
    }

    @Test
    void lenientHandlingIgnoresUnknownParameters() {
        HttpResponse<String> response = http("GET", "Patient?colour=blue&_count=1", null, "Prefer", "handling=lenient");
        assertThat(response.statusCode()).isEqualTo(200);
    }

    private int systemHistoryTotal() {
        return parse(Bundle.class, http("GET", "_history?_count=0", null)).getTotal();
    }
}

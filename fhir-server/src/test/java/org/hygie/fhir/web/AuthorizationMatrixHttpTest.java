package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hygie.fhir.security.DevIssuer;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Who may do what, as a table: each row is a caller, a request, the expected status and, for searches,
 * exactly which resources match (so a leak through a filter, a total, an include or a chain fails the row).
 */
class AuthorizationMatrixHttpTest extends HttpTestBase {

    /** Its own server and database: the rows list exact match sets. */
    @org.springframework.test.context.DynamicPropertySource
    static void ownServer(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("hygie.search.default-page-size", () -> "50");
    }

    private final Map<String, String> ids = new LinkedHashMap<>();
    private final Map<String, String> tokens = new LinkedHashMap<>();

    /**
     * One row: {@code matches} null = status only; otherwise the ids of the search's matches, exactly.
     * {@code audits}: how many AuditEvents the request must leave (one per patient whose data it disclosed or changed).
     */
    private record Row(String caller, String method, String path, String body, int status, Set<String> matches, int audits) {
        Row audits(int expected) {
            return new Row(caller, method, path, body, status, matches, expected);
        }
    }

    @TestFactory
    Stream<DynamicTest> matrix() throws Exception {
        seed();
        List<Row> rows = new ArrayList<>();
        // anonymous: the public directory only
        rows.add(row("anonymous", "GET", "Practitioner", 200, "X", "Y"));
        rows.add(row("anonymous", "GET", "Slot", 200, "SLX", "SLY"));
        rows.add(row("anonymous", "GET", "Organization", 200, "O"));
        rows.add(row("anonymous", "GET", "Practitioner/{X}/_history", 200));
        rows.add(row("anonymous", "GET", "metadata", 200));
        rows.add(row("anonymous", "GET", ".well-known/smart-configuration", 200));
        rows.add(row("anonymous", "GET", "Patient", 401));
        rows.add(row("anonymous", "GET", "Patient/{A}", 401));
        rows.add(row("anonymous", "GET", "Appointment/{AA}", 401));
        rows.add(row("anonymous", "GET", "DocumentReference?patient=Patient/{A}", 401));
        rows.add(row("anonymous", "GET", "_history", 401));
        rows.add(row("anonymous", "GET", "PractitionerRole?_has:Appointment:actor:patient=Patient/{A}", 200));
        rows.add(row("anonymous", "POST", "Appointment", appointment("{A}", "{RX}"), 401));
        // invalid tokens are refused even for public data
        rows.add(row("expired", "GET", "Practitioner", 401));
        rows.add(row("forged", "GET", "Practitioner", 401));
        rows.add(row("wrongAudience", "GET", "Practitioner", 401));
        // patient A: their compartment, and the public directory
        rows.add(row("A", "GET", "Patient", 200, "A").audits(1));
        rows.add(row("A", "GET", "Patient/{A}", 200).audits(1));
        rows.add(row("A", "GET", "Patient/{B}", 404));
        rows.add(row("A", "GET", "Appointment", 200, "AA").audits(1));
        rows.add(row("A", "GET", "Appointment?_summary=count", 200));
        rows.add(row("A", "GET", "Appointment/{AB}", 404));
        rows.add(row("A", "GET", "Appointment/{AB}/_history", 404));
        rows.add(row("A", "GET", "Appointment/{AA}/_history", 200).audits(1));
        rows.add(row("A", "GET", "Appointment?_include=Appointment:patient&_include=Appointment:actor", 200, "AA", "+A", "+RX").audits(1));
        rows.add(row("A", "GET", "Patient?_revinclude=Appointment:patient", 200, "A", "+AA").audits(1));
        rows.add(row("A", "GET", "Appointment?patient=Patient/{B}", 200));
        rows.add(row("A", "GET", "PractitionerRole?_has:Appointment:actor:patient=Patient/{B}", 200));
        rows.add(row("A", "GET", "PractitionerRole?_has:Appointment:actor:patient=Patient/{A}", 200, "RX"));
        rows.add(row("A", "GET", "Appointment?patient.name=Bernard", 200));
        rows.add(row("A", "GET", "DocumentReference", 200, "DA").audits(1));
        rows.add(row("A", "GET", "Organization", 200, "O"));
        rows.add(row("A", "GET", "Appointment/_history", 403));
        rows.add(row("A", "GET", "_history", 403));
        rows.add(row("A", "PUT", "Practitioner/{X}", "{\"resourceType\":\"Practitioner\",\"id\":\"{X}\"}", 403));
        // out of reach: as for an id that does not exist, nothing is deleted (R4: 200 when there is nothing to delete)
        rows.add(row("A", "DELETE", "Appointment/{AB}", null, 200));
        // another patient is out of A's reach: named in A's write, it answers as a patient that does not exist
        rows.add(row("A", "POST", "Appointment", appointment("{B}", "{RY}"), 422));
        rows.add(row("A", "POST", "", transaction(appointment("{B}", "{RY}")), 422));
        rows.add(row("A", "GET", "Slot", 200, "SLX", "SLY"));
        // patient A with a narrower token
        rows.add(row("slotsOnly", "GET", "Appointment", 403));
        rows.add(row("slotsOnly", "GET", "Slot", 200, "SLX", "SLY"));
        // practitioner X: their roles' appointments, those patients, their documents, their schedules
        rows.add(row("X", "GET", "Appointment", 200, "AA").audits(1));
        rows.add(row("X", "GET", "Appointment/{AB}", 404));
        rows.add(row("X", "GET", "Patient", 200, "A").audits(1));
        rows.add(row("X", "GET", "Patient/{B}", 404));
        rows.add(row("X", "GET", "DocumentReference", 200, "DA").audits(1));
        rows.add(row("X", "GET", "Appointment?_include=Appointment:patient", 200, "AA", "+A").audits(1));
        rows.add(row("X", "PUT", "Schedule/{SY}", schedule("{SY}", "{RY}"), 404));
        rows.add(row("X", "POST", "Slot", slot("{SY}"), 403));
        rows.add(row("X", "POST", "List", "{\"resourceType\":\"List\",\"status\":\"current\",\"mode\":\"working\"}", 403));
        // practitioner Y: nothing of X's
        rows.add(row("Y", "GET", "DocumentReference", 200));
        rows.add(row("Y", "GET", "DocumentReference/{DA}", 404));
        rows.add(row("Y", "GET", "Patient", 200, "B").audits(1));
        rows.add(row("Y", "GET", "Appointment?_summary=count", 200));
        // system clients: what the scopes say
        rows.add(row("portal", "GET", "Appointment", 200, "AA", "AB").audits(2));
        rows.add(row("portal", "GET", "Appointment/_history", 200).audits(2));
        rows.add(row("portal", "POST", "Appointment", appointment("{A}", "{RX}"), 403));
        rows.add(row("portalOfA", "GET", "Appointment", 200, "AA").audits(1));
        rows.add(row("portalOfA", "GET", "Appointment/{AB}", 404));
        rows.add(row("portalOfA", "GET", "Patient", 403));
        // writes that succeed (last: they change what the rows above see)
        rows.add(row("X", "PUT", "Schedule/{SX}", schedule("{SX}", "{RX}"), 200));
        rows.add(row("X", "POST", "Slot", slot("{SX}"), 201));
        rows.add(row("A", "POST", "Appointment", appointment("{A}", "{RX}"), 201).audits(1));
        rows.add(row("A", "POST", "Appointment/$hold", hold("{SLX}"), 200).audits(1));
        // who booked is the token's user, not what the client claims
        rows.add(row("A", "POST", "Appointment", bookedBy(appointment("{A}", "{RX}"), "Practitioner/{X}"), 403));
        rows.add(row("X", "POST", "Appointment", bookedBy(appointment("{A}", "{RX}"), "PractitionerRole/{RX}"), 201).audits(1));
        rows.add(row("anonymous", "POST", "Appointment/$hold", hold("{SLY}"), 401));
        // operations: $find and the feed are public; slot generation only on one's own schedule
        rows.add(row("anonymous", "POST", "Appointment/$find", FIND, 200));
        rows.add(row("anonymous", "GET", "$bulk-publish", 200));
        rows.add(row("Y", "POST", "Schedule/{SX}/$generate-slots", GENERATE, 403));
        rows.add(row("A", "POST", "Schedule/{SX}/$generate-slots", GENERATE, 403));
        rows.add(row("X", "POST", "Schedule/{SX}/$generate-slots", GENERATE, 200));
        return rows.stream().map(r -> DynamicTest.dynamicTest(r.caller() + " " + r.method() + " " + r.path() + " -> " + r.status(),
                () -> check(r)));
    }

    private static final String FIND = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"start\",\"valueDateTime\":"
            + "\"2027-01-05T00:00:00Z\"},{\"name\":\"end\",\"valueDateTime\":\"2027-01-06T00:00:00Z\"}]}";
    private static final String GENERATE = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"start\",\"valueDate\":"
            + "\"2027-03-01\"},{\"name\":\"end\",\"valueDate\":\"2027-03-02\"}]}";

    private void check(Row row) {
        int auditsBefore = auditCount();
        String path = fill(row.path());
        String body = row.body() == null ? null : fill(row.body());
        String auth = tokens.containsKey(row.caller()) ? "Bearer " + tokens.get(row.caller()) : "none";
        HttpResponse<String> response = http(row.method(), path, body, "Authorization", auth);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(row.status());
        assertThat(response.body()).doesNotContain("\tat ");
        if (row.status() == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
        }
        if (row.status() >= 400) {
            assertOutcome(response, row.status());
        }
        if (row.matches() != null) {
            Bundle bundle = parse(Bundle.class, response);
            Set<String> found = new TreeSet<>();
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                String id = e.getResource().getIdElement().getIdPart();
                found.add((e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE ? "+" : "") + name(id));
            }
            assertThat(found).as(path).isEqualTo(new TreeSet<>(row.matches()));
            if (bundle.hasTotal()) {
                assertThat(bundle.getTotal()).isEqualTo((int) row.matches().stream().filter(m -> !m.startsWith("+")).count());
            }
        }
        assertThat(auditCount() - auditsBefore).as("AuditEvents left by " + path).isEqualTo(row.audits());
        if (path.endsWith("_summary=count") && row.status() == 200) {
            // each of A and Y takes part in exactly one appointment
            assertThat(parse(Bundle.class, response).getTotal()).isEqualTo(1);
        }
    }

    private int auditCount() {
        return parse(Bundle.class, http("GET", "AuditEvent?_summary=count", null)).getTotal();
    }

    private void seed() throws Exception {
        ids.put("X", created(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Xavier\"}]}")));
        ids.put("Y", created(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Yvon\"}]}")));
        ids.put("O", created(http("POST", "Organization", "{\"resourceType\":\"Organization\",\"name\":\"Cabinet\"}")));
        ids.put("RX", created(http("POST", "PractitionerRole", fill("{\"resourceType\":\"PractitionerRole\",\"practitioner\":{\"reference\":\"Practitioner/{X}\"},"
                + "\"availableTime\":[{\"daysOfWeek\":[\"mon\"],\"availableStartTime\":\"09:00:00\",\"availableEndTime\":\"10:00:00\"}]}"))));
        ids.put("RY", created(http("POST", "PractitionerRole", fill("{\"resourceType\":\"PractitionerRole\",\"practitioner\":{\"reference\":\"Practitioner/{Y}\"}}"))));
        ids.put("SX", created(http("POST", "Schedule", fill(schedule(null, "{RX}")))));
        ids.put("SY", created(http("POST", "Schedule", fill(schedule(null, "{RY}")))));
        ids.put("SLX", created(http("POST", "Slot", fill(slot("{SX}")))));
        ids.put("SLY", created(http("POST", "Slot", fill(slot("{SY}")))));
        ids.put("A", created(http("POST", "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Alain\"}]}")));
        ids.put("B", created(http("POST", "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Bernard\"}]}")));
        ids.put("AA", created(http("POST", "Appointment", fill(appointment("{A}", "{RX}")))));
        ids.put("AB", created(http("POST", "Appointment", fill(appointment("{B}", "{RY}")))));
        ids.put("DA", created(http("POST", "DocumentReference", fill("{\"resourceType\":\"DocumentReference\",\"status\":\"current\","
                + "\"subject\":{\"reference\":\"Patient/{A}\"},\"author\":[{\"reference\":\"Practitioner/{X}\"}],"
                + "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"Qm9uam91cg==\"}}]}"))));
        tokens.put("A", token("patient/*.cruds", ids.get("A"), null));
        tokens.put("slotsOnly", token("patient/Slot.rs", ids.get("A"), null));
        tokens.put("X", token("user/*.cruds openid fhirUser", null, ids.get("X")));
        tokens.put("Y", token("user/*.cruds", null, ids.get("Y")));
        tokens.put("portal", token("system/*.rs", null, null));
        tokens.put("portalOfA", token("system/Appointment.rs?patient=Patient/" + ids.get("A"), null, null));
        DevIssuer dev = DevIssuer.open(dataDir);
        tokens.put("expired", dev.sign("hygie", "c", "system/*.rs", null, null, Duration.ofMinutes(-10)));
        tokens.put("wrongAudience", dev.sign("another-server", "c", "system/*.rs", null, null, Duration.ofHours(1)));
        tokens.put("forged", DevIssuer.open(Files.createTempDirectory("forger")).sign("hygie", "c", "system/*.rs", null, null, Duration.ofHours(1)));
    }

    private static Row row(String caller, String method, String path, int status, String... matches) {
        boolean search = status == 200 && method.equals("GET") && (path.contains("?") || isSearch(path)) && !path.contains("_summary");
        return new Row(caller, method, path, null, status, search ? Set.of(matches) : null, 0);
    }

    private static Row row(String caller, String method, String path, String body, int status) {
        return new Row(caller, method, path, body, status, null, 0);
    }

    /** A plain GET of a type (no id) is a search whose matches the row lists. */
    private static boolean isSearch(String path) {
        return path.matches("[A-Z][A-Za-z]+") ;
    }

    private String name(String id) {
        return ids.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey).findFirst().orElse(id);
    }

    private String fill(String text) {
        String out = text;
        for (Map.Entry<String, String> e : ids.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    private static String appointment(String patient, String role) {
        return "{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"start\":\"2027-01-04T09:00:00Z\",\"end\":\"2027-01-04T09:20:00Z\","
                + "\"participant\":[{\"actor\":{\"reference\":\"Patient/" + patient + "\"},\"status\":\"accepted\"},"
                + "{\"actor\":{\"reference\":\"PractitionerRole/" + role + "\"},\"status\":\"accepted\"}]}";
    }

    private static String bookedBy(String appointment, String who) {
        return appointment.replace("{\"resourceType\":\"Appointment\",", "{\"resourceType\":\"Appointment\",\"extension\":[{\"url\":"
                + "\"https://fhir.hygie.health/StructureDefinition/booked-by\",\"valueReference\":{\"reference\":\"" + who + "\"}}],");
    }

    private static String schedule(String id, String role) {
        return "{\"resourceType\":\"Schedule\"," + (id == null ? "" : "\"id\":\"" + id + "\",")
                + "\"actor\":[{\"reference\":\"PractitionerRole/" + role + "\"}]}";
    }

    private static String slot(String schedule) {
        return "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/" + schedule + "\"},\"status\":\"free\","
                + "\"start\":\"2027-01-05T09:00:00Z\",\"end\":\"2027-01-05T09:20:00Z\"}";
    }

    private static String transaction(String resource) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + resource
                + ",\"request\":{\"method\":\"POST\",\"url\":\"Appointment\"}}]}";
    }

    private static String hold(String slot) {
        return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"appointment-reference\","
                + "\"valueReference\":{\"reference\":\"Appointment/find-" + slot + "\"}}]}";
    }
}

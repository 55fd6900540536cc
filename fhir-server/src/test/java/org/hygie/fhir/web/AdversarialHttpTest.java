package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hygie.fhir.security.DevIssuer;
import org.hygie.fhir.testsupport.TestIdentifiers;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The penetration test's attacks, and other shapes of each, as a table: attack x caller -> expected status,
 * AuditEvents left, and bytes of patient B's data leaked (always 0: every secret of B's is a marker string,
 * looked for in the whole response, headers included). The callers: anonymous, patients A and B's neighbour
 * A, practitioner X (A's, through A's own booking), practitioner Y (B's, through the operator's booking) and
 * practitioner Z (nobody's). Rows that read come before rows that write; the writes are checked afterwards.
 */
class AdversarialHttpTest extends HttpTestBase {
    private static final String SECRET_FAMILY = "Secretbernard";
    private static final String SECRET_PHONE = "+33611223344";
    private static final String SECRET_COMMENT = "SECRET-COMMENT-B";
    private static final String SECRET_DOC = "SECRET-DOC-B";
    private static final String SECRET_BINARY = "SECRET-BINARY-B";

    /** B, B's practitioner and the operator's software may see B's data: the control rows. */
    private static final Set<String> ENTITLED_TO_B = Set.of("B", "Y", "system");

    private final Map<String, String> ids = new LinkedHashMap<>();
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final List<String> secrets = new ArrayList<>();

    /**
     * @param matches null: status only; else the ids the search must return, exactly (no leak through a join)
     */
    private record Attack(String finding, String caller, String method, String path, String body, String contentType, int status,
                          int audits, Set<String> matches) {
        Attack matching(String... expected) {
            return new Attack(finding, caller, method, path, body, contentType, status, audits, Set.of(expected));
        }

        Attack audits(int expected) {
            return new Attack(finding, caller, method, path, body, contentType, status, expected, matches);
        }

        /** Sent with an If-Match naming a version (whose answer must not tell the current one). */
        Attack withIfMatch() {
            return new Attack(finding, caller, method, "IFMATCH:" + path, body, contentType, status, audits, matches);
        }
    }

    private static Attack attack(String finding, String caller, String method, String path, int status) {
        return new Attack(finding, caller, method, path, null, null, status, 0, null);
    }

    private static Attack attack(String finding, String caller, String method, String path, String body, String contentType, int status) {
        return new Attack(finding, caller, method, path, body, contentType, status, 0, null);
    }

    @TestFactory
    Stream<DynamicTest> attacks() {
        seed();
        String copyIns = "[{\"op\":\"copy\",\"from\":\"/identifier/0/value\",\"path\":\"/gender\"}]";
        String testComment = "[{\"op\":\"test\",\"path\":\"/comment\",\"value\":\"" + SECRET_COMMENT + "\"}]";
        String testDescription = "[{\"op\":\"test\",\"path\":\"/description\",\"value\":\"x\"}]";
        String testTitle = "[{\"op\":\"test\",\"path\":\"/title\",\"value\":\"x\"}]";
        String fhirPathPatch = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":[{\"name\":\"type\","
                + "\"valueCode\":\"replace\"},{\"name\":\"path\",\"valueString\":\"Patient.telecom.value.substring(0, 1000).toInteger()\"},"
                + "{\"name\":\"value\",\"valueString\":\"x\"}]}]}";
        String jsonPatch = "application/json-patch+json";
        List<Attack> rows = new ArrayList<>();

        // 1. stored data is touched only once the caller is known to reach it; out of reach answers as missing
        rows.add(attack("1 patch", "anonymous", "PATCH", "Patient/{B}", copyIns, jsonPatch, 401));
        rows.add(attack("1 patch", "A", "PATCH", "Patient/{B}", copyIns, jsonPatch, 404));
        rows.add(attack("1 patch", "Z", "PATCH", "Patient/{B}", copyIns, jsonPatch, 404));
        rows.add(attack("1 patch test", "A", "PATCH", "Appointment/{AB}", testComment, jsonPatch, 404));
        rows.add(attack("1 patch test", "X", "PATCH", "Appointment/{AB}", testComment, jsonPatch, 404));
        rows.add(attack("1 patch test", "A", "PATCH", "DocumentReference/{DB}", testDescription, jsonPatch, 404));
        rows.add(attack("1 patch in a batch", "A", "POST", "", batchPatch("Patient/{B}", copyIns), JSON, 200));
        rows.add(attack("1 patch in a transaction", "A", "POST", "", transactionPatch("Patient/{B}", copyIns), JSON, 404));
        rows.add(attack("1 FHIRPath patch", "A", "PATCH", "Patient/{B}", fhirPathPatch, JSON, 404));
        rows.add(attack("1 FHIRPath patch", "anonymous", "PATCH", "Patient/{B}", fhirPathPatch, JSON, 401));
        rows.add(attack("1 deleted id", "anonymous", "PATCH", "List/{DD}", testTitle, jsonPatch, 401));
        rows.add(attack("1 deleted id", "A", "PATCH", "List/{DD}", testTitle, jsonPatch, 404));
        rows.add(attack("1 unknown id", "A", "PATCH", "List/never-was", testTitle, jsonPatch, 404));
        rows.add(attack("1 deleted id", "A", "GET", "List/{DD}", 404));
        rows.add(attack("1 deleted id", "A", "GET", "List/{DD}/_history", 404));
        rows.add(attack("1 deleted id", "A", "DELETE", "List/{DD}", 200)); // nothing to delete, as for any id out of reach
        rows.add(attack("1 out of reach", "A", "DELETE", "Patient/{B}", 200));
        rows.add(attack("1 unknown id", "anonymous", "DELETE", "Patient/never-was", 401));
        rows.add(attack("1 unknown id", "anonymous", "GET", "Patient/never-was/_history", 401));
        rows.add(attack("1 If-Match oracle", "A", "PUT", "Patient/{B}", patient("{B}", "Alias"), JSON, 404).withIfMatch());
        rows.add(attack("1 If-Match oracle", "A", "PUT", "Binary/{BB}", "bytes", "application/pdf", 404).withIfMatch());
        rows.add(attack("1 If-Match oracle", "A", "PATCH", "Patient/{B}", copyIns, jsonPatch, 404).withIfMatch());
        rows.add(attack("1 conditional patch", "A", "PATCH", "Patient?identifier=urn:oid:1.2.250.1.213.1.4.10%7C{INS_B}", copyIns,
                jsonPatch, 404));
        // no match for A (B is out of reach): a create, of a Patient outside A's compartment, refused whether B exists or not
        rows.add(attack("1 conditional update", "A", "PUT", "Patient?identifier=urn:oid:1.2.250.1.213.1.4.10%7C{INS_B}",
                patient(null, "Alias").replace("\"INS\"", "\"" + TestIdentifiers.ins() + "\""), JSON, 403));
        rows.add(attack("1 vread", "A", "GET", "Patient/{B}/_history/1", 404));

        // 2. joins (chains, _has) see only what a search of the joined type by the same caller would
        rows.add(attack("2 _has practitioner", "anonymous", "GET", "Practitioner?_has:Appointment:practitioner:patient=Patient/{B}", 200).matching());
        rows.add(attack("2 _has role", "anonymous", "GET", "PractitionerRole?_has:Appointment:actor:patient=Patient/{B}", 200).matching());
        rows.add(attack("2 _has slot", "anonymous", "GET", "Slot?_has:Appointment:slot:patient=Patient/{B}", 200).matching());
        rows.add(attack("2 _has nested", "anonymous", "GET", "Schedule?_has:Slot:schedule:_has:Appointment:slot:patient=Patient/{B}", 200)
                .matching());
        rows.add(attack("2 _has reason", "anonymous", "GET", "Slot?_has:Appointment:slot:reason-code=acute", 200).matching());
        rows.add(attack("2 _has location", "anonymous", "GET", "Location?_has:Appointment:location:patient=Patient/{B}", 200).matching());
        rows.add(attack("2 chain to a patient", "anonymous", "GET", "Slot?schedule.actor=Patient/{B}", 200).matching());
        rows.add(attack("2 _has slot", "A", "GET", "Slot?_has:Appointment:slot:patient=Patient/{B}", 200).matching());
        rows.add(attack("2 _has reason", "A", "GET", "Slot?_has:Appointment:slot:reason-code=acute", 200).matching());
        rows.add(attack("2 _has slot", "Z", "GET", "Slot?_has:Appointment:slot:patient=Patient/{B}", 200).matching());
        rows.add(attack("2 _has reason", "Z", "GET", "PractitionerRole?_has:Appointment:actor:reason-code=acute", 200).matching());
        rows.add(attack("2 _has comment", "X", "GET", "Practitioner?_has:Appointment:practitioner:patient=Patient/{B}", 200).matching());
        rows.add(attack("2 chain", "Z", "GET", "Appointment?slot.schedule=Schedule/{SY}", 200).matching());
        // the same joins by callers who may see B's appointment do find it: the rows above are not empty by accident
        rows.add(attack("2 control", "system", "GET", "Slot?_has:Appointment:slot:patient=Patient/{B}", 200).matching("SLB"));
        rows.add(attack("2 control", "Y", "GET", "Slot?_has:Appointment:slot:reason-code=acute", 200).matching("SLB"));
        rows.add(attack("2 control", "B", "GET", "PractitionerRole?_has:Appointment:actor:patient=Patient/{B}", 200).matching("RY"));

        // 3. one request cannot take the database down: bounded chains, _has, includes, values, parameters
        rows.add(attack("3 chain depth", "anonymous", "GET", "Location?" + "partof.".repeat(6) + "name=x", 400));
        rows.add(attack("3 chain depth", "anonymous", "GET", "Location?" + "partof.".repeat(500) + "name=x", 400));
        rows.add(attack("3 _has depth", "anonymous", "GET",
                "Practitioner?_has:PractitionerRole:practitioner:_has:Schedule:actor:_has:Slot:schedule:status=free", 400));
        rows.add(attack("3 includes", "anonymous", "GET", "Practitioner?" + "_include=Practitioner:*&".repeat(11) + "name=x", 400));
        rows.add(attack("3 values", "anonymous", "GET", "Practitioner?name=" + "x,".repeat(200) + "x", 400));
        rows.add(attack("3 parameters", "anonymous", "GET", "Practitioner?" + "name=x&".repeat(41) + "_count=1", 400));

        // 4. a patient writes only about themselves: another patient is out of reach, answered as missing
        rows.add(attack("4 co-participant", "A", "POST", "Appointment", appointment("booked", "{SLX2}", "Patient/{B}", "PractitionerRole/{RZ}"),
                JSON, 422));
        rows.add(attack("4 co-participant", "A", "POST", "", transaction("Appointment",
                appointment("booked", "{SLX2}", "Patient/{B}", "PractitionerRole/{RZ}")), JSON, 422));
        rows.add(attack("4 missing participant", "A", "POST", "Appointment", appointment("booked", "{SLX2}", "Patient/never-was",
                "PractitionerRole/{RZ}"), JSON, 422));
        rows.add(attack("4 related", "A", "POST", "DocumentReference", document("{A}", "\"context\":{\"related\":[{\"reference\":\"Patient/{B}\"}]},"),
                JSON, 422));
        rows.add(attack("4 list of another's", "A", "POST", "List", "{\"resourceType\":\"List\",\"status\":\"current\",\"mode\":\"working\","
                + "\"subject\":{\"reference\":\"Patient/{A}\"},\"entry\":[{\"item\":{\"reference\":\"DocumentReference/{DB}\"}}]}", JSON, 422));
        rows.add(attack("4 reach after", "Z", "GET", "Patient/{B}", 404));

        // 5. reach comes from relationships the patient or the operator made, not from a practitioner's word
        rows.add(attack("5 proposal", "Z", "POST", "Appointment", appointment("proposed", null, "Patient/{B}", "PractitionerRole/{RZ}"),
                JSON, 422));
        rows.add(attack("5 reach after", "Z", "GET", "Patient/{B}", 404));
        rows.add(attack("5 reach after", "Z", "GET", "Patient?_id={B}", 200).matching());
        rows.add(attack("5 control", "Y", "GET", "Patient/{B}", 200).audits(1));
        rows.add(attack("5 control", "X", "GET", "Patient/{A}", 200).audits(1));
        rows.add(attack("5 control", "X", "POST", "Appointment", appointment("proposed", null, "Patient/{A}", "PractitionerRole/{RX}"),
                JSON, 201).audits(1));
        rows.add(attack("5 deleted id reused", "A", "PUT", "List/{DD}", list("{A}", "\"id\":\"{DD}\","), JSON, 404));
        rows.add(attack("5 deleted id reused", "system", "PUT", "List/{DD}", list("{A}", "\"id\":\"{DD}\","), JSON, 409));
        rows.add(attack("5 moved version", "A", "GET", "List/{DM}/_history/1", 404));
        rows.add(attack("5 moved version", "A", "GET", "List/{DM}/_history", 200).audits(1));
        rows.add(attack("5 audit of a search", "Y", "GET", "Patient?identifier=urn:oid:1.2.250.1.213.1.4.10%7C{INS_A},"
                + "urn:oid:1.2.250.1.213.1.4.10%7C{INS_B}", 200).matching("B").audits(1));
        rows.add(attack("5 triage", "A", "PUT", "Appointment/{REQ}", appointmentAs("{REQ}", "booked", "{SQ1}", "accepted", "needs-action"),
                JSON, 422));
        rows.add(attack("5 triage", "A", "POST", "AppointmentResponse", response("{REQ}", "PractitionerRole/{RX}", "accepted"), JSON, 403));
        rows.add(attack("5 triage", "A", "POST", "Appointment", appointmentAs(null, "pending", "{SQ2}", "accepted", "accepted"), JSON, 403));
        rows.add(attack("5 triage", "A", "POST", "AppointmentResponse", response("{REQ}", "Patient/{A}", "accepted"), JSON, 201).audits(1));
        rows.add(attack("5 workflow", "A", "PUT", "Appointment/{AA}", appointmentAs("{AA}", "fulfilled", "{SLX1}", "accepted", "accepted"),
                JSON, 403));
        rows.add(attack("5 workflow", "A", "PUT", "Appointment/{AA}", appointmentAs("{AA}", "arrived", "{SLX1}", "accepted", "accepted"),
                JSON, 403));
        rows.add(attack("5 workflow", "A", "PUT", "Appointment/{AA}", appointmentAs("{AA}", "noshow", "{SLX1}", "accepted", "accepted"),
                JSON, 403));

        // 7. the rest
        rows.add(attack("7 patient's schedule", "system", "POST", "Schedule", "{\"resourceType\":\"Schedule\",\"actor\":[{\"reference\":"
                + "\"Patient/{B}\"}]}", JSON, 422));
        rows.add(attack("7 $find naming a patient", "anonymous", "POST", "Appointment/$find", find("Patient/{B}"), JSON, 401));
        rows.add(attack("7 $find naming a patient", "A", "POST", "Appointment/$find", find("Patient/{B}"), JSON, 404));
        rows.add(attack("7 booked-by without reference", "system", "POST", "Appointment", appointmentAs(null, "booked", "{SLX3}", "accepted",
                "accepted").replace("{\"resourceType\":\"Appointment\",", "{\"resourceType\":\"Appointment\",\"extension\":[{\"url\":"
                + "\"https://fhir.hygie.health/StructureDefinition/booked-by\",\"valueReference\":{\"display\":\"Secretariat\"}}],"),
                JSON, 422));
        rows.add(attack("7 FHIRPath replace, wrong type", "system", "PATCH", "Patient/{A}", "{\"resourceType\":\"Parameters\",\"parameter\":"
                + "[{\"name\":\"operation\",\"part\":[{\"name\":\"type\",\"valueCode\":\"replace\"},{\"name\":\"path\",\"valueString\":"
                + "\"Patient.birthDate\"},{\"name\":\"value\",\"valueBoolean\":true}]}]}", JSON, 422));
        rows.add(attack("7 no id", "system", "PATCH", "Patient", copyIns, jsonPatch, 400));
        rows.add(attack("7 no id", "system", "PATCH", "Patient/", copyIns, jsonPatch, 400));
        rows.add(attack("7 no id", "system", "DELETE", "Patient", 400));
        rows.add(attack("7 foreign fhirUser", "foreignUser", "GET", "Patient/{B}", 401));
        rows.add(attack("7 clock skew", "expired45s", "GET", "Practitioner", 401));
        return Stream.concat(rows.stream().map(r -> DynamicTest.dynamicTest(r.finding() + ": " + r.caller() + " " + r.method() + " "
                + abbreviated(r.path()) + " -> " + r.status(), () -> check(r))), Stream.of(DynamicTest.dynamicTest("afterwards", this::afterwards)));
    }

    /** What the attacks above must have left as it was, and what only the legitimate rows changed. */
    private void afterwards() {
        // the patient's own answer does not confirm a request: the practitioner side does
        assertThat(parse(org.hl7.fhir.r4.model.Appointment.class, http("GET", fill("Appointment/{REQ}"), null)).getStatus().toCode())
                .isEqualTo("pending");
        assertThat(parse(org.hl7.fhir.r4.model.Slot.class, http("GET", fill("Slot/{SQ1}"), null)).getStatus().toCode()).isEqualTo("busy-tentative");
        assertThat(parse(org.hl7.fhir.r4.model.Appointment.class, http("GET", fill("Appointment/{AA}"), null)).getStatus().toCode())
                .isEqualTo("booked");
        assertThat(parse(org.hl7.fhir.r4.model.Slot.class, http("GET", fill("Slot/{SQ2}"), null)).getStatus().toCode()).isEqualTo("free");
        assertThat(parse(org.hl7.fhir.r4.model.Slot.class, http("GET", fill("Slot/{SLX2}"), null)).getStatus().toCode()).isEqualTo("free");
        // nothing of B's was changed by the patches that were refused
        org.hl7.fhir.r4.model.Patient b = parse(org.hl7.fhir.r4.model.Patient.class, http("GET", fill("Patient/{B}"), null));
        assertThat(b.getMeta().getVersionId()).isEqualTo("1");
        assertThat(b.hasGender()).isFalse();
        // the moved document: A sees only the version written in A's record
        Bundle history = parse(Bundle.class, http("GET", fill("List/{DM}/_history"), null, "Authorization", "Bearer " + tokens.get("A")));
        assertThat(history.getEntry()).hasSize(1);
        assertThat(history.getTotal()).isEqualTo(1);
        // B's trail records Y's search with the other patient's identifier hidden
        List<String> queries = queriesInTrailOf(ids.get("B"));
        assertThat(queries).isNotEmpty().noneMatch(q -> q.contains(ids.get("INS_A")));
        assertThat(queriesInTrailOf(ids.get("A"))).noneMatch(q -> q.contains(ids.get("INS_B")));
    }

    private void check(Attack attack) {
        int auditsBefore = auditCount();
        String path = fill(attack.path());
        String auth = attack.caller().equals("anonymous") ? "none" : "Bearer " + tokens.get(attack.caller());
        List<String> headers = new ArrayList<>(List.of("Authorization", auth));
        if (attack.contentType() != null) {
            headers.addAll(List.of("Content-Type", attack.contentType()));
        }
        if (attack.path().startsWith("IFMATCH:")) {
            path = fill(attack.path().substring("IFMATCH:".length()));
            headers.addAll(List.of("If-Match", "W/\"9\""));
        }
        HttpResponse<String> response = http(attack.method(), path, attack.body() == null ? null : fill(attack.body()),
                headers.toArray(String[]::new));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(attack.status());
        assertThat(response.body()).doesNotContain("\tat ");
        if (!ENTITLED_TO_B.contains(attack.caller())) {
            String everything = response.headers().map() + response.body();
            for (String secret : secrets) {
                if (!(path + " " + (attack.body() == null ? "" : fill(attack.body()))).contains(secret)) { // not what the caller sent
                    assertThat(everything).as("B's data in the answer to " + attack).doesNotContain(secret);
                }
            }
        }
        assertThat(response.headers().firstValue("X-Powered-By")).isEmpty();
        if (attack.matches() != null) {
            Set<String> found = new TreeSet<>();
            parse(Bundle.class, response).getEntry().forEach(e -> found.add(name(e.getResource().getIdElement().getIdPart())));
            assertThat(found).as(path).isEqualTo(new TreeSet<>(attack.matches()));
        }
        assertThat(auditCount() - auditsBefore).as("AuditEvents left by " + path).isEqualTo(attack.audits());
    }

    private void seed() {
        ids.put("INS_A", TestIdentifiers.ins());
        ids.put("INS_B", TestIdentifiers.ins());
        for (String p : List.of("X", "Y", "Z")) {
            ids.put(p, created(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Dr" + p + "\"}]}")));
            ids.put("R" + p, created(http("POST", "PractitionerRole", fill("{\"resourceType\":\"PractitionerRole\",\"practitioner\":"
                    + "{\"reference\":\"Practitioner/{" + p + "}\"}}"))));
        }
        ids.put("L", created(http("POST", "Location", "{\"resourceType\":\"Location\",\"name\":\"Cabinet\"}")));
        ids.put("SX", created(http("POST", "Schedule", fill("{\"resourceType\":\"Schedule\",\"actor\":[{\"reference\":\"PractitionerRole/{RX}\"}]}"))));
        ids.put("SY", created(http("POST", "Schedule", fill("{\"resourceType\":\"Schedule\",\"actor\":[{\"reference\":\"PractitionerRole/{RY}\"}]}"))));
        ids.put("SQ", created(http("POST", "Schedule", fill("{\"resourceType\":\"Schedule\",\"actor\":[{\"reference\":\"PractitionerRole/{RX}\"}],"
                + "\"extension\":[{\"url\":\"https://fhir.hygie.health/StructureDefinition/booking-mode\",\"valueCode\":\"on-request\"}]}"))));
        for (String[] slot : new String[][] {{"SLX1", "SX", "08"}, {"SLX2", "SX", "09"}, {"SLX3", "SX", "10"}, {"SLB", "SY", "08"},
                {"SQ1", "SQ", "11"}, {"SQ2", "SQ", "12"}}) {
            ids.put(slot[0], created(http("POST", "Slot", fill("{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/{" + slot[1] + "}\"},"
                    + "\"status\":\"free\",\"start\":\"2027-02-01T" + slot[2] + ":00:00Z\",\"end\":\"2027-02-01T" + slot[2] + ":20:00Z\"}"))));
        }
        ids.put("A", created(http("POST", "Patient", fill(patient(null, "Alain").replace("\"INS\"", "\"{INS_A}\"")
                .replace(SECRET_PHONE, "+33600000001")))));
        ids.put("B", created(http("POST", "Patient", fill(patient(null, SECRET_FAMILY).replace("\"INS\"", "\"{INS_B}\"")))));
        // B's appointment, booked by the operator's software (a system client): it opens B's record to Y
        ids.put("AB", created(http("POST", "Appointment", fill(appointmentAs(null, "booked", "{SLB}", "accepted", "accepted")
                .replace("Patient/{A}", "Patient/{B}").replace("PractitionerRole/{RX}", "PractitionerRole/{RY}")
                .replace("\"participant\":[", "\"comment\":\"" + SECRET_COMMENT + "\",\"reasonCode\":[{\"coding\":[{\"system\":\"urn:test\","
                        + "\"code\":\"acute\"}]}],\"participant\":[{\"actor\":{\"reference\":\"Practitioner/{Y}\"},\"status\":\"accepted\"},"
                        + "{\"actor\":{\"reference\":\"Location/{L}\"},\"status\":\"accepted\"},")))));
        ids.put("DB", created(http("POST", "DocumentReference", fill(document("{B}", "\"description\":\"" + SECRET_DOC + "\",")))));
        ids.put("BB", created(http("POST", "Binary", SECRET_BINARY, "Content-Type", "application/pdf",
                "X-Security-Context", fill("Patient/{B}"))));
        // documents are never deleted nor moved (MHD): a List of B's is, then its id is tried again
        ids.put("DD", created(http("POST", "List", fill(list("{B}", "")))));
        assertThat(http("DELETE", fill("List/{DD}"), null).statusCode()).isEqualTo(200);
        // a document filed in B's record, then moved to A's: its first version stays B's
        ids.put("DM", created(http("POST", "List", fill(list("{B}", "\"title\":\"" + SECRET_DOC + " first\",")))));
        assertThat(http("PUT", fill("List/{DM}"), fill(list("{A}", "\"id\":\"{DM}\",\"title\":\"moved\","))).statusCode())
                .isEqualTo(200);
        tokens.put("system", systemToken);
        tokens.put("A", token("patient/*.cruds", ids.get("A"), null));
        tokens.put("B", token("patient/*.cruds", ids.get("B"), null));
        for (String p : List.of("X", "Y", "Z")) {
            tokens.put(p, token("user/*.cruds", null, ids.get(p)));
        }
        DevIssuer dev = DevIssuer.open(dataDir);
        tokens.put("foreignUser", dev.sign("hygie", "app", "user/*.rs", null, null, Duration.ofHours(1),
                c -> c.claim("fhirUser", "https://elsewhere.test/fhir/Patient/" + ids.get("B"))));
        tokens.put("expired45s", dev.sign("hygie", "app", "system/*.rs", null, null, Duration.ofSeconds(-45)));
        // A books with X (A's own token: this opens A's record to X), and sends X a request
        ids.put("AA", created(http("POST", "Appointment", fill(appointmentAs(null, "booked", "{SLX1}", "accepted", "accepted")),
                "Authorization", "Bearer " + tokens.get("A"))));
        ids.put("REQ", created(http("POST", "Appointment", fill(appointmentAs(null, "pending", "{SQ1}", "accepted", "needs-action")),
                "Authorization", "Bearer " + tokens.get("A"))));
        secrets.addAll(List.of(SECRET_FAMILY, SECRET_PHONE, SECRET_COMMENT, SECRET_DOC, SECRET_BINARY, ids.get("INS_B"),
                Base64.getEncoder().encodeToString(SECRET_DOC.getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString(SECRET_BINARY.getBytes(StandardCharsets.UTF_8))));
    }

    private int auditCount() {
        return parse(Bundle.class, http("GET", "AuditEvent?_summary=count", null)).getTotal();
    }

    private String fill(String text) {
        String out = text;
        for (Map.Entry<String, String> e : ids.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    private String name(String id) {
        return ids.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey).findFirst().orElse(id);
    }

    private static String abbreviated(String path) {
        return path.length() <= 90 ? path : path.substring(0, 90) + "...";
    }

    private static String patient(String id, String family) {
        return "{\"resourceType\":\"Patient\"," + (id == null ? "" : "\"id\":\"" + id + "\",")
                + "\"identifier\":[{\"system\":\"urn:oid:1.2.250.1.213.1.4.10\",\"value\":\"INS\"}],"
                + "\"name\":[{\"family\":\"" + family + "\"}],\"telecom\":[{\"system\":\"phone\",\"value\":\"" + SECRET_PHONE + "\"}]}";
    }

    private static String document(String patient, String extra) {
        return "{\"resourceType\":\"DocumentReference\"," + extra + "\"status\":\"current\",\"subject\":{\"reference\":\"Patient/" + patient
                + "\"},\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\""
                + Base64.getEncoder().encodeToString(SECRET_DOC.getBytes(StandardCharsets.UTF_8)) + "\"}}]}";
    }

    private static String list(String patient, String extra) {
        return "{\"resourceType\":\"List\"," + extra + "\"status\":\"current\",\"mode\":\"working\",\"subject\":{\"reference\":\"Patient/"
                + patient + "\"}}";
    }

    /** An appointment of patient A with role RX (or other participants). */
    private static String appointment(String status, String slot, String... participants) {
        StringBuilder p = new StringBuilder();
        for (String participant : participants) {
            p.append(p.length() == 0 ? "" : ",").append("{\"actor\":{\"reference\":\"").append(participant).append("\"},\"status\":\"accepted\"}");
        }
        return "{\"resourceType\":\"Appointment\",\"status\":\"" + status + "\","
                + (slot == null ? "" : "\"slot\":[{\"reference\":\"Slot/" + slot + "\"}],\"start\":\"2027-02-01T09:00:00Z\",\"end\":\"2027-02-01T09:20:00Z\",")
                + "\"participant\":[{\"actor\":{\"reference\":\"Patient/{A}\"},\"status\":\"accepted\"}," + p + "]}";
    }

    private static String appointmentAs(String id, String status, String slot, String patientStatus, String practitionerStatus) {
        return "{\"resourceType\":\"Appointment\"," + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"status\":\"" + status + "\","
                + "\"slot\":[{\"reference\":\"Slot/" + slot + "\"}],\"start\":\"2027-02-01T08:00:00Z\",\"end\":\"2027-02-01T08:20:00Z\","
                + "\"participant\":[{\"actor\":{\"reference\":\"Patient/{A}\"},\"status\":\"" + patientStatus + "\"},"
                + "{\"actor\":{\"reference\":\"PractitionerRole/{RX}\"},\"status\":\"" + practitionerStatus + "\"}]}";
    }

    private static String response(String appointment, String actor, String answer) {
        return "{\"resourceType\":\"AppointmentResponse\",\"appointment\":{\"reference\":\"Appointment/" + appointment + "\"},"
                + "\"actor\":{\"reference\":\"" + actor + "\"},\"participantStatus\":\"" + answer + "\"}";
    }

    private static String find(String patient) {
        return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"start\",\"valueDateTime\":\"2027-02-01T00:00:00Z\"},"
                + "{\"name\":\"end\",\"valueDateTime\":\"2027-02-02T00:00:00Z\"},{\"name\":\"patient-reference\",\"valueReference\":"
                + "{\"reference\":\"" + patient + "\"}}]}";
    }

    private static String transaction(String type, String resource) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + resource
                + ",\"request\":{\"method\":\"POST\",\"url\":\"" + type + "\"}}]}";
    }

    private static String batchPatch(String url, String patch) {
        return patchBundle("batch", url, patch);
    }

    private static String transactionPatch(String url, String patch) {
        return patchBundle("transaction", url, patch);
    }

    private static String patchBundle(String type, String url, String patch) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[{\"resource\":{\"resourceType\":\"Binary\","
                + "\"contentType\":\"application/json-patch+json\",\"data\":\""
                + Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)) + "\"},"
                + "\"request\":{\"method\":\"PATCH\",\"url\":\"" + url + "\"}}]}";
    }

    /** B's trail: what each AuditEvent's query entity recorded, decoded. */
    List<String> queriesInTrailOf(String patientId) {
        Bundle events = parse(Bundle.class, http("GET", "AuditEvent?patient=Patient/" + patientId + "&_count=1000", null));
        List<String> queries = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : events.getEntry()) {
            for (AuditEvent.AuditEventEntityComponent entity : ((AuditEvent) e.getResource()).getEntity()) {
                if (entity.hasQuery()) {
                    queries.add(new String(entity.getQuery(), StandardCharsets.UTF_8));
                }
            }
        }
        return queries;
    }
}

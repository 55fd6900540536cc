package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.junit.jupiter.api.Test;

/**
 * The CapabilityStatement, walked claim by claim: every interaction it declares for a type is done on a
 * resource of that type and answers, every interaction it does not declare is refused (405), every
 * declared _include and _revinclude answers, and the system-level interactions answer. A claim the server
 * refuses, or a refusal the statement does not admit, fails the walk.
 */
class CapabilityWalkHttpTest extends HttpTestBase {
    private static final String TAG_PATCH = "[{\"op\":\"add\",\"path\":\"/meta/tag\",\"value\":[{\"system\":\"urn:test\",\"code\":\"walk\"}]}]";
    private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete");

    private final Map<String, String> ids = new LinkedHashMap<>();

    @Test
    void everyDeclaredClaimAnswersAndEveryOtherIsRefused() {
        seed();
        CapabilityStatement cs = parse(CapabilityStatement.class, http("GET", "metadata", null));
        List<String> walked = new ArrayList<>();
        for (CapabilityStatementRestResourceComponent r : cs.getRestFirstRep().getResource()) {
            String type = r.getType();
            String id = ids.get(type);
            assertThat(id).as("a " + type + " to walk").isNotNull();
            Set<String> declared = new java.util.HashSet<>();
            r.getInteraction().forEach(i -> declared.add(i.getCode().toCode()));
            for (String interaction : List.of("read", "vread", "history-instance", "history-type", "search-type", "update", "patch",
                    "create", "delete")) {
                HttpResponse<String> answer = perform(type, id, interaction, declared.contains(interaction));
                if (declared.contains(interaction)) {
                    assertThat(answer.statusCode()).as(type + " " + interaction + " is declared: " + answer.body()).isBetween(200, 201);
                } else {
                    assertThat(interaction).as(type + ": only writes may be left out").isIn(WRITES);
                    assertOutcome(answer, 405);
                }
                walked.add(type + " " + interaction);
            }
            for (var include : r.getSearchInclude()) {
                HttpResponse<String> answer = http("GET", type + "?_include=" + include.getValue() + "&_count=1", null);
                assertThat(answer.statusCode()).as(type + " _include=" + include.getValue() + ": " + answer.body()).isEqualTo(200);
                walked.add(type + " _include " + include.getValue());
            }
            for (var include : r.getSearchRevInclude()) {
                HttpResponse<String> answer = http("GET", type + "?_revinclude=" + include.getValue() + "&_count=1", null);
                assertThat(answer.statusCode()).as(type + " _revinclude=" + include.getValue() + ": " + answer.body()).isEqualTo(200);
                walked.add(type + " _revinclude " + include.getValue());
            }
        }
        for (var interaction : cs.getRestFirstRep().getInteraction()) {
            String code = interaction.getCode().toCode();
            HttpResponse<String> answer = switch (code) {
                case "transaction", "batch" -> http("POST", "", "{\"resourceType\":\"Bundle\",\"type\":\"" + code + "\",\"entry\":[{\"request\":"
                        + "{\"method\":\"GET\",\"url\":\"Patient/" + ids.get("Patient") + "\"}}]}");
                case "history-system" -> http("GET", "_history?_count=1", null);
                case "search-system" -> http("GET", "?_type=Patient,Practitioner&_id=" + ids.get("Patient"), null);
                default -> throw new AssertionError("a system interaction the walk does not know: " + code);
            };
            assertThat(answer.statusCode()).as(code + ": " + answer.body()).isEqualTo(200);
            walked.add("system " + code);
        }
        assertThat(parse(Bundle.class, http("GET", "?_type=Patient,Practitioner&_id=" + ids.get("Patient"), null)).getTotal()).isEqualTo(1);
        int claims = cs.getRestFirstRep().getInteraction().size();
        for (CapabilityStatementRestResourceComponent r : cs.getRestFirstRep().getResource()) {
            claims += 9 + r.getSearchInclude().size() + r.getSearchRevInclude().size();
        }
        assertThat(walked).hasSize(claims).hasSizeGreaterThan(300);
        assertThat(cs.getRestFirstRep().getSecurity().getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
    }

    /** {@code declared}: the interaction is claimed, so a create or delete works on a resource of its own. */
    private HttpResponse<String> perform(String type, String id, String interaction, boolean declared) {
        String path = type + "/" + id;
        return switch (interaction) {
            case "read" -> http("GET", path, null);
            case "vread" -> http("GET", path + "/_history/1", null);
            case "history-instance" -> http("GET", path + "/_history", null);
            case "history-type" -> http("GET", type + "/_history?_count=1", null);
            case "search-type" -> http("GET", type + "?_id=" + id, null);
            case "update" -> http("PUT", path, http("GET", path, null, "Accept", JSON).body());
            case "patch" -> http("PATCH", path, TAG_PATCH, "Content-Type", "application/json-patch+json");
            case "create" -> http("POST", type, sample(type).replace("\"id\":\"" + id + "\",", ""));
            case "delete" -> http("DELETE", declared ? type + "/" + created(http("POST", type, sample(type))) : path, null);
            default -> throw new AssertionError(interaction);
        };
    }

    /** One resource of each type the server holds; the server-written ones are found, not made. */
    private void seed() {
        for (String type : List.of("Patient", "Practitioner", "PractitionerRole", "Organization", "Location", "HealthcareService", "Schedule",
                "Slot", "Appointment", "AppointmentResponse", "DocumentReference", "Binary", "List")) {
            ids.put(type, created(http("POST", type, sample(type))));
        }
        ids.put("AuditEvent", parse(Bundle.class, http("GET", "AuditEvent?_count=1", null)).getEntryFirstRep().getResource().getIdElement().getIdPart());
        ids.put("StructureDefinition", "hygie-patient");
        ids.put("SearchParameter", "Slot-end");
        ids.put("OperationDefinition", "Appointment-find");
        ids.put("CodeSystem", "visit-types");
        ids.put("ValueSet", "specialties");
        ids.put("CapabilityStatement", "hygie-server");
    }

    private String sample(String type) {
        String patient = ids.getOrDefault("Patient", "none");
        return switch (type) {
            case "Patient", "Practitioner" -> "{\"resourceType\":\"" + type + "\",\"name\":[{\"family\":\"Walk\"}]}";
            case "PractitionerRole" -> "{\"resourceType\":\"PractitionerRole\",\"practitioner\":{\"reference\":\"Practitioner/"
                    + ids.get("Practitioner") + "\"}}";
            case "Organization", "Location", "HealthcareService" -> "{\"resourceType\":\"" + type + "\",\"name\":\"Walk\"}";
            case "Schedule" -> "{\"resourceType\":\"Schedule\",\"actor\":[{\"reference\":\"PractitionerRole/" + ids.get("PractitionerRole") + "\"}]}";
            case "Slot" -> "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/" + ids.get("Schedule") + "\"},\"status\":\"free\","
                    + "\"start\":\"2027-05-03T08:00:00Z\",\"end\":\"2027-05-03T08:20:00Z\"}";
            case "Appointment" -> "{\"resourceType\":\"Appointment\",\"status\":\"proposed\",\"participant\":[{\"actor\":{\"reference\":"
                    + "\"Patient/" + patient + "\"},\"status\":\"needs-action\"}]}";
            case "AppointmentResponse" -> "{\"resourceType\":\"AppointmentResponse\",\"appointment\":{\"reference\":\"Appointment/"
                    + ids.get("Appointment") + "\"},\"actor\":{\"reference\":\"Patient/" + patient + "\"},\"participantStatus\":\"tentative\"}";
            case "DocumentReference" -> "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"subject\":{\"reference\":\"Patient/"
                    + patient + "\"},\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"aGk=\"}}]}";
            case "Binary" -> "{\"resourceType\":\"Binary\",\"contentType\":\"text/plain\",\"data\":\"aGk=\",\"securityContext\":{\"reference\":"
                    + "\"Patient/" + patient + "\"}}";
            case "List" -> "{\"resourceType\":\"List\",\"status\":\"current\",\"mode\":\"working\",\"subject\":{\"reference\":\"Patient/"
                    + patient + "\"}}";
            case "AuditEvent" -> "{\"resourceType\":\"AuditEvent\",\"type\":{\"code\":\"rest\"},\"recorded\":\"2026-01-01T00:00:00Z\","
                    + "\"agent\":[{\"requestor\":true}],\"source\":{\"observer\":{\"display\":\"x\"}}}";
            default -> "{\"resourceType\":\"" + type + "\",\"id\":\"" + ids.get(type) + "\",\"status\":\"draft\"}"; // conformance
        };
    }
}

package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hygie.fhir.types.ResourceTypes;
import org.junit.jupiter.api.Test;

/** What /metadata claims, walked: every declared search parameter answers, undeclared ones do not. */
class CapabilityStatementHttpTest extends HttpTestBase {

    @Test
    void everyClaimedSearchParameterAnswersAndOthersAreRefused() {
        CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
        assertThat(cs.getRestFirstRep().getResource()).extracting(CapabilityStatementRestResourceComponent::getType)
                .containsExactlyInAnyOrderElementsOf(ResourceTypes.ALL);
        int checked = 0;
        for (CapabilityStatementRestResourceComponent resource : cs.getRestFirstRep().getResource()) {
            for (var param : resource.getSearchParam()) {
                HttpResponse<String> response = http("GET", resource.getType() + "?" + param.getName() + ":missing=false&_count=1", null);
                assertThat(response.statusCode()).as(resource.getType() + "?" + param.getName() + " -> " + response.body()).isEqualTo(200);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100);
        var patient = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
        assertThat(patient.getSearchParam()).filteredOn(p -> p.getName().equals("birthdate")).first()
                .satisfies(p -> assertThat(p.getDocumentation()).contains("Protected"));
        var slot = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Slot")).findFirst().orElseThrow();
        assertThat(slot.getSearchParam()).filteredOn(p -> p.getName().equals("end")).first()
                .satisfies(p -> assertThat(p.getDefinition()).isEqualTo("https://fhir.hygie.health/SearchParameter/Slot-end"));
        // Slot values are public, but for the SAS guide's service-type-reference, which may point anywhere (a patient's value is kept protected)
        assertThat(slot.getSearchParam()).filteredOn(p -> !p.getName().equals("service-type-reference"))
                .allSatisfy(p -> assertThat(p.hasDocumentation()).isFalse());
        assertThat(slot.getSearchParam()).filteredOn(p -> p.getName().equals("service-type-reference")).first()
                .satisfies(p -> assertThat(p.getDefinition()).isEqualTo("https://interop.esante.gouv.fr/ig/fhir/sas/SearchParameter/cptsslot-sp-servicetype"));
        assertOutcome(http("GET", "Patient?phonetic=x", null), 400);
        assertThat(http("GET", "Location?near=45%7C4%7C10%7Ckm", null).statusCode()).isEqualTo(200);
        assertOutcome(http("GET", "Location?near=north%7C4", null), 400);
        assertOutcome(http("GET", "Location?_sort=near", null), 400);
    }

    /**
     * Every declared operation is published in ig/ (an OperationDefinition with that canonical URL,
     * code, level and resource), or is one of the specification's own, and answers: a call without its inputs is a 4xx OperationOutcome, never
     * a 404 "unknown operation" nor a 5xx.
     */
    @Test
    void everyDeclaredOperationIsPublishedAndAnswers() throws Exception {
        CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
        java.util.Map<String, OperationDefinition> published = new java.util.HashMap<>();
        var resolver = new org.springframework.core.io.support.PathMatchingResourcePatternResolver();
        for (var file : resolver.getResources("classpath*:hygie-ig/package/OperationDefinition-*.json")) {
            try (var in = file.getInputStream()) {
                OperationDefinition od = FHIR.newJsonParser().parseResource(OperationDefinition.class, in);
                published.put(od.getUrl(), od);
            }
        }
        java.util.List<String[]> declared = new java.util.ArrayList<>(); // type (or null), name, definition
        cs.getRestFirstRep().getOperation().forEach(o -> declared.add(new String[] {null, o.getName(), o.getDefinition()}));
        for (CapabilityStatementRestResourceComponent r : cs.getRestFirstRep().getResource()) {
            r.getOperation().forEach(o -> declared.add(new String[] {r.getType(), o.getName(), o.getDefinition()}));
        }
        assertThat(declared).extracting(d -> d[1]).filteredOn(name -> !name.equals("validate"))
                .containsExactlyInAnyOrder("find", "hold", "book", "generate-slots", "bulk-publish", "lookup", "validate-code", "expand",
                        "validate-code");
        assertThat(declared).filteredOn(d -> d[1].equals("validate")).hasSize(cs.getRestFirstRep().getResource().size());
        for (String[] d : declared) {
            if (d[2].startsWith("http://hl7.org/fhir/OperationDefinition/")) {
                // the specification's own operations: Resource-validate on every type, the terminology ones on theirs
                assertThat(d[2]).endsWith(d[1].equals("validate") ? "/Resource-validate" : "/" + d[0] + "-" + d[1]);
                String path = d[0] + "/$" + d[1];
                HttpResponse<String> response = http("POST", path, "{\"resourceType\":\"Parameters\"}");
                assertThat(response.statusCode()).as(path + " -> " + response.body()).isBetween(400, 499);
                continue;
            }
            OperationDefinition od = published.get(d[2]);
            assertThat(od).as("ig/ publishes " + d[2]).isNotNull();
            assertThat(od.getCode()).isEqualTo(d[1]);
            assertThat(od.getSystem()).isEqualTo(d[0] == null);
            if (d[0] != null) {
                assertThat(od.getResource()).extracting(org.hl7.fhir.r4.model.CodeType::getValue).containsExactly(d[0]);
            }
            String path = d[0] == null ? "$" + d[1] + "?_type=Nothing" : od.getInstance() ? d[0] + "/unknown/$" + d[1] : d[0] + "/$" + d[1];
            HttpResponse<String> response = d[0] == null ? http("GET", path, null) : http("POST", path, "{\"resourceType\":\"Parameters\"}");
            assertThat(response.statusCode()).as(path + " -> " + response.body()).isBetween(400, 499);
            assertThat(assertOutcome(response, response.statusCode()).getIssueFirstRep().getDiagnostics())
                    .as(path).doesNotContain("Invalid request: The FHIR endpoint on this server does not know how to handle");
        }
    }

    /**
     * ig/ publishes the CapabilityStatement Hygie claims (kind capability, the software's, not one
     * deployment's): it must be what the server generates from what is registered. After a change, run
     * {@code mvn -pl fhir-server test -Dtest=CapabilityStatementHttpTest -Dhygie.ig.write-capabilities=true}.
     */
    @Test
    void theImplementationGuidePublishesTheCapabilityStatementTheServerGenerates() throws Exception {
        CapabilityStatement served = client.capabilities().ofType(CapabilityStatement.class).execute();
        served.setId("hygie-server");
        served.setUrl("https://fhir.hygie.health/CapabilityStatement/hygie-server");
        served.setVersion("0.1.0").setName("HygieServer").setTitle("Hygie FHIR server").setPublisher("Hygie")
                .setDescription("What every Hygie server supports: the resource types, interactions, search parameters,"
                        + " operations and profiles it registers (each deployment's /metadata says the same, with its own base URL).");
        served.setKind(CapabilityStatement.CapabilityStatementKind.CAPABILITY);
        served.setDateElement(new org.hl7.fhir.r4.model.DateTimeType("2026-11-29")); // the package version's date, not the server start
        served.setImplementation(null);
        served.getSoftware().setVersionElement(null);
        served.setMeta(null);
        org.hygie.fhir.testsupport.IgPackageFiles.assertUpToDate("CapabilityStatement-hygie-server.json",
                FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(served) + "\n", "hygie.ig.write-capabilities");
    }

    @Test
    void healthIsUp() {
        HttpResponse<String> health = http("GET", "http://localhost:" + port + "/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
    }
}

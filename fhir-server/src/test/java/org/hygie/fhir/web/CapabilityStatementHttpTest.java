package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hygie.fhir.config.ResourceTypes;
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
            assertThat(resource.getInteraction()).hasSize(9);
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
                .satisfies(p -> assertThat(p.getDefinition()).isEqualTo("https://hygie.example.org/fhir/SearchParameter/Slot-end"));
        assertThat(slot.getSearchParam()).allSatisfy(p -> assertThat(p.hasDocumentation()).isFalse());
        assertOutcome(http("GET", "Patient?phonetic=x", null), 400);
        assertThat(http("GET", "Location?near=45%7C4%7C10%7Ckm", null).statusCode()).isEqualTo(200);
        assertOutcome(http("GET", "Location?near=north%7C4", null), 400);
        assertOutcome(http("GET", "Location?_sort=near", null), 400);
    }

    @Test
    void healthIsUp() {
        HttpResponse<String> health = http("GET", "http://localhost:" + port + "/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
    }
}

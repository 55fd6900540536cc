package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The official R4 examples of the types Hygie holds, stored by id (PUT) in an order where references
 * between them can resolve. Those whose references all point to stored resources round-trip unchanged;
 * those referencing resources that are not here (Endpoint, Condition, Organization/f001...) are refused
 * with a 422 naming the reference, as referential integrity requires.
 */
class SpecExamplesHttpTest extends HttpTestBase {
    private static final String DIR = "fixtures/hl7-r4-examples/";
    private static final Set<String> ACCEPTED = Set.of(
            "Location/hl7", "Location/ukp", "Practitioner/example", "Practitioner/f001", "Practitioner/f002",
            "Practitioner/f003", "Practitioner/f004", "Practitioner/f005", "Practitioner/f006", "Practitioner/f007",
            "Practitioner/f201", "Practitioner/f202", "Practitioner/f203", "Practitioner/f204",
            "Practitioner/xcda-author", "Practitioner/xcda1");

    @Test
    void examplesRoundTripOrAreRefusedForDanglingReferences() throws IOException {
        List<String> files = new ArrayList<>(List.of(read("index.txt").split("\\R")));
        files.removeIf(f -> !f.endsWith(".json"));
        files.sort((a, b) -> Boolean.compare(!a.startsWith("Practitioner-"), !b.startsWith("Practitioner-")));
        List<String> accepted = new ArrayList<>();
        for (String file : files) {
            String json = read(file);
            Resource example = (Resource) FHIR.newJsonParser().parseResource(json);
            String path = example.fhirType() + "/" + example.getIdElement().getIdPart();
            HttpResponse<String> response = http("PUT", path, json);
            if (response.statusCode() == 201) {
                accepted.add(path);
                Resource stored = (Resource) FHIR.newJsonParser().parseResource(http("GET", path, null).body());
                stored.setMeta(example.getMeta());
                stored.setIdElement(example.getIdElement());
                assertThat(stored.equalsDeep(example)).as(path + " round-trips unchanged").isTrue();
            } else {
                assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(422);
                assertThat(response.body()).as(path).contains("Reference '");
            }
        }
        assertThat(accepted).containsExactlyInAnyOrderElementsOf(ACCEPTED);
    }

    private static String read(String name) throws IOException {
        try (InputStream in = SpecExamplesHttpTest.class.getClassLoader().getResourceAsStream(DIR + name)) {
            assertThat(in).as(DIR + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

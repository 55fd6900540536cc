package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The open availability feed, fed with the SMART Scheduling Links examples. */
class BulkPublishHttpTest extends HttpTestBase {
    private static final String DIR = "fixtures/smart-scheduling-links/";
    private static final List<String> FILES = List.of("locations.ndjson", "schedules.ndjson", "slots-2021-W09.ndjson",
            "slots-2021-W10.ndjson", "slots-2021-W11.ndjson", "slots-2021-W12.ndjson", "slots-2021-W13.ndjson");

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        registry.add("hygie.search.default-page-size", () -> 20); // a context of its own: the feed counts everything
    }

    @Test
    void republishesTheSmartExamplesWithoutPatientDataAndCaches() throws IOException {
        int published = 0;
        for (String file : FILES) {
            for (String line : read(file).split("\\R")) {
                if (!line.isBlank()) {
                    String type = line.replaceAll("^\\{\"resourceType\":\"([A-Za-z]+)\".*", "$1");
                    String id = line.replaceAll(".*?\"id\":\"([^\"]+)\".*", "$1");
                    HttpResponse<String> put = http("PUT", type + "/" + id, line);
                    assertThat(put.statusCode()).as(type + "/" + id + ": " + put.body()).isIn(200, 201);
                    published++;
                }
            }
        }
        // a patient's own agenda must not reach the open feed
        String patient = http("POST", "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Privé\"}]}")
                .headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+)/_history.*", "$1");
        http("PUT", "Schedule/private", "{\"resourceType\":\"Schedule\",\"id\":\"private\",\"actor\":[{\"reference\":\"Patient/" + patient + "\"}]}");
        http("PUT", "Slot/private", "{\"resourceType\":\"Slot\",\"id\":\"private\",\"schedule\":{\"reference\":\"Schedule/private\"},"
                + "\"status\":\"busy\",\"start\":\"2021-03-01T10:00:00Z\",\"end\":\"2021-03-01T10:15:00Z\"}");

        HttpResponse<String> manifest = http("GET", "$bulk-publish", null);
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(manifest.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=");
        assertThat(manifest.body()).contains("\"transactionTime\"", "\"type\":\"Location\"", "$bulk-publish?_type=Slot");

        int fed = 0;
        for (String type : List.of("Location", "Schedule", "Slot")) {
            HttpResponse<String> file = http("GET", "$bulk-publish?_type=" + type, null);
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+ndjson");
            Set<String> lines = Arrays.stream(file.body().split("\n")).filter(l -> !l.isBlank()).collect(Collectors.toSet());
            assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("{\"resourceType\":\"" + type + "\""));
            assertThat(file.body()).doesNotContain("private").doesNotContain(patient);
            fed += lines.size();
        }
        assertThat(fed).isEqualTo(published);
        assertThat(http("GET", "$bulk-publish?_type=Slot", null).body()).contains("booking-deep-link");

        String etag = manifest.headers().firstValue("ETag").orElseThrow();
        assertThat(http("GET", "$bulk-publish", null, "If-None-Match", etag).statusCode()).isEqualTo(304);
        String since = java.time.Instant.now().toString();
        http("PUT", "Slot/20", read("slots-2021-W09.ndjson").split("\\R")[0].replace("\"free\"", "\"busy\""));
        assertThat(http("GET", "$bulk-publish", null, "If-None-Match", etag).statusCode()).isEqualTo(200);

        HttpResponse<String> changed = http("GET", "$bulk-publish?_type=Slot&_since=" + since, null);
        assertThat(changed.body().split("\n")).hasSize(1);
        assertThat(changed.body()).contains("\"id\":\"20\"", "\"busy\"");

        assertOutcome(http("GET", "$bulk-publish?_type=Patient", null), 400);
        assertOutcome(http("GET", "$bulk-publish?_since=yesterday", null), 400);
    }

    private static String read(String name) throws IOException {
        try (InputStream in = BulkPublishHttpTest.class.getClassLoader().getResourceAsStream(DIR + name)) {
            assertThat(in).as(DIR + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

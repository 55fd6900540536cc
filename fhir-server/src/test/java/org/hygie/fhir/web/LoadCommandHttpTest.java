package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hygie.fhir.load.LoadCommand;
import org.hygie.testdata.DirectoryGenerator;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/** {@code load <dir>}: the generator's output and NDJSON go in through the API; failures are reported. */
class LoadCommandHttpTest extends HttpTestBase {

    @Test
    void loadsGeneratedBundlesAndNdjsonAndReportsFailures() throws Exception {
        Path dir = Files.createTempDirectory("hygie-load");
        DirectoryGenerator.main(new String[] {dir.toString(), "3", "1", "42", "4"});
        Files.writeString(dir.resolve("zz-locations.ndjson"),
                "{\"resourceType\":\"Location\",\"id\":\"load-test\",\"name\":\"Cabinet\"}\n{\"resourceType\":\"Location\",\"name\":\"Annexe\"}\n");
        int practitioners = count("Practitioner");
        int slots = count("Slot");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = LoadCommand.run(new String[] {"load", dir.toString(), "--url=" + base(), "--parallel=2", "--token=" + systemToken},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));

        String summary = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(summary).isZero();
        assertThat(summary).contains("0 failure(s)").contains("loaded 3 files");
        assertThat(count("Practitioner")).isEqualTo(practitioners + 3);
        assertThat(count("Slot")).isGreaterThan(slots + 100);
        assertThat(http("GET", "Location/load-test", null).statusCode()).isEqualTo(200);

        Files.writeString(dir.resolve("zzz-broken.json"), "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + "{\"resourceType\":\"Slot\",\"status\":\"free\",\"schedule\":{\"reference\":\"Schedule/nowhere\"},"
                + "\"start\":\"2027-03-01T08:00:00Z\",\"end\":\"2027-03-01T08:15:00Z\"},\"request\":{\"method\":\"POST\",\"url\":\"Slot\"}}]}");
        out.reset();
        int again = LoadCommand.run(new String[] {"load", dir.toString(), "--url=" + base(), "--token=" + systemToken},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertThat(again).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("zzz-broken.json: HTTP 422").contains("Schedule/nowhere");
        assertThat(LoadCommand.run(new String[] {"load"}, new PrintStream(new ByteArrayOutputStream()), System.err)).isEqualTo(2);
    }

    private int count(String type) {
        return parse(Bundle.class, http("GET", type + "?_summary=count", null)).getTotal();
    }
}

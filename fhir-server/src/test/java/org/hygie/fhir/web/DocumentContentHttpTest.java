package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.hygie.fhir.testsupport.DatabaseBytes;
import org.hl7.fhir.r4.model.Binary;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Document content over HTTP: JSON and raw, chunked and encrypted at rest, ranges, limits, access and audit. */
class DocumentContentHttpTest extends HttpTestBase {
    private static final HttpClient RAW = HttpClient.newHttpClient();
    private static final long MAX = 5_000_000;

    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;

    private String patientA;
    private String patientB;

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("hygie.documents.max-bytes", () -> MAX);
        registry.add("hygie.documents.max-inline-bytes", () -> 1_500_000);
    }

    @BeforeEach
    void patients() {
        patientA = created(http("POST", "Patient", "{\"resourceType\":\"Patient\"}"));
        patientB = created(http("POST", "Patient", "{\"resourceType\":\"Patient\"}"));
    }

    @Test
    void jsonBinaryRoundTripsAndIsNotStoredInClear() {
        String marker = "CONFIDENTIEL-compte-rendu-" + patientA;
        String id = created(http("POST", "Binary", "{\"resourceType\":\"Binary\",\"contentType\":\"text/plain\",\"securityContext\":"
                + "{\"reference\":\"Patient/" + patientA + "\"},\"data\":\"" + Base64.getEncoder().encodeToString(marker.getBytes(StandardCharsets.UTF_8)) + "\"}"));
        Binary read = parse(Binary.class, http("GET", "Binary/" + id, null, "Accept", JSON));
        assertThat(new String(read.getData(), StandardCharsets.UTF_8)).isEqualTo(marker);
        assertThat(read.getMeta().getExtension()).isEmpty();
        HttpResponse<byte[]> raw = raw("GET", "Binary/" + id, null, "Accept", "text/plain");
        assertThat(new String(raw.body(), StandardCharsets.UTF_8)).isEqualTo(marker);
        assertThat(DatabaseBytes.find(dataSource, List.of(marker))).isEmpty();
    }

    @Test
    void rawUploadAndRetrieveAcrossChunksWithRanges() {
        byte[] document = new byte[3_500_000]; // crosses three 1 MiB chunk boundaries
        new Random(7).nextBytes(document);
        HttpResponse<byte[]> stored = raw("POST", "Binary", document, "Content-Type", "application/pdf", "X-Security-Context", "Patient/" + patientA);
        assertThat(stored.statusCode()).as(new String(stored.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        String id = stored.headers().firstValue("Location").orElseThrow().replaceAll(".*/Binary/([^/]+)/_history.*", "$1");

        HttpResponse<byte[]> whole = raw("GET", "Binary/" + id, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(whole.body()).isEqualTo(document);

        HttpResponse<byte[]> slice = raw("GET", "Binary/" + id, null, "Range", "bytes=1048570-1048585");
        assertThat(slice.statusCode()).isEqualTo(206);
        assertThat(slice.headers().firstValue("Content-Range")).hasValue("bytes 1048570-1048585/3500000");
        assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(document, 1048570, 1048586));
        assertThat(raw("GET", "Binary/" + id, null, "Range", "bytes=-10").body()).isEqualTo(Arrays.copyOfRange(document, 3_499_990, 3_500_000));
        HttpResponse<byte[]> unsatisfiable = raw("GET", "Binary/" + id, null, "Range", "bytes=4000000-");
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.headers().firstValue("Content-Range")).hasValue("bytes */3500000");

        assertThat(raw("GET", "Binary/" + id, null, "Accept", "image/png").statusCode()).isEqualTo(406);
        // too large for FHIR JSON (max-inline-bytes): a 406 that says how to get it
        assertOutcome(http("GET", "Binary/" + id, null, "Accept", JSON), 406);
    }

    @Test
    void aDocumentAboveTheLimitIsRefusedAndLeavesNothing() {
        int before = jdbc.queryForObject("select count(*) from binary_content", Integer.class);
        int chunksBefore = jdbc.queryForObject("select count(*) from binary_chunk", Integer.class);
        HttpResponse<byte[]> tooLarge = raw("POST", "Binary", new byte[(int) MAX + 1], "Content-Type", "application/pdf",
                "X-Security-Context", "Patient/" + patientA);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(new String(tooLarge.body(), StandardCharsets.UTF_8)).contains("OperationOutcome").contains("hygie.documents.max-bytes");
        // streamed without a Content-Length (chunked): refused while reading, the transaction rolled back
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(base() + "/Binary"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[(int) MAX + 1])))
                .header("Content-Type", "application/pdf").header("X-Security-Context", "Patient/" + patientA)
                .header("Authorization", "Bearer " + systemToken).build();
        try {
            assertThat(RAW.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(413);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(jdbc.queryForObject("select count(*) from binary_content", Integer.class)).isEqualTo(before);
        assertThat(jdbc.queryForObject("select count(*) from binary_chunk", Integer.class)).isEqualTo(chunksBefore);
    }

    @Test
    void onlyThePatientsReachAndEachRetrievalIsAudited() {
        String id = created(http("POST", "Binary", "{\"resourceType\":\"Binary\",\"contentType\":\"text/plain\",\"securityContext\":"
                + "{\"reference\":\"Patient/" + patientA + "\"},\"data\":\"aGVsbG8=\"}"));
        String asA = "Bearer " + token("patient/*.rs", patientA, null);
        String asB = "Bearer " + token("patient/*.rs", patientB, null);
        int audits = auditCount(patientA);
        assertThat(raw("GET", "Binary/" + id, null, "Authorization", asA).statusCode()).isEqualTo(200);
        assertThat(auditCount(patientA)).isEqualTo(audits + 1);
        assertThat(raw("GET", "Binary/" + id, null, "Authorization", asB).statusCode()).isEqualTo(404);
        assertThat(raw("GET", "Binary/" + id, null, "Authorization", "none").statusCode()).isEqualTo(401);
        assertThat(auditCount(patientA)).isEqualTo(audits + 1);
        // a patient app cannot file a document in someone else's record: that record is out of its reach, as if missing
        assertThat(raw("POST", "Binary", "x".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain", "X-Security-Context",
                "Patient/" + patientA, "Authorization", "Bearer " + token("patient/*.cruds", patientB, null)).statusCode()).isEqualTo(422);
        // deleted: 410
        assertThat(http("DELETE", "Binary/" + id, null).statusCode()).isIn(200, 204);
        assertThat(raw("GET", "Binary/" + id, null).statusCode()).isEqualTo(410);
    }

    @Test
    void theContentExtensionIsTheServersOwn() {
        assertOutcome(http("POST", "Binary", "{\"resourceType\":\"Binary\",\"contentType\":\"text/plain\",\"meta\":{\"extension\":[{\"url\":"
                + "\"https://fhir.hygie.health/StructureDefinition/binary-content\",\"extension\":[{\"url\":\"id\",\"valueString\":\"x\"}]}]}}"), 422);
    }

    private int auditCount(String patientId) {
        return parse(org.hl7.fhir.r4.model.Bundle.class, http("GET", "AuditEvent?patient=Patient/" + patientId + "&_summary=count", null)).getTotal();
    }

    /** Raw bytes in and out, with the system token unless an Authorization header is given ("none": anonymous). */
    private HttpResponse<byte[]> raw(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        boolean auth = false;
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equals("Authorization")) {
                auth = true;
                if (headers[i + 1].equals("none")) {
                    continue;
                }
            }
            request.header(headers[i], headers[i + 1]);
        }
        if (!auth) {
            request.header("Authorization", "Bearer " + systemToken);
        }
        try {
            return RAW.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

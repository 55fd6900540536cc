package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real server on a random port, on the embedded default (its own PostgreSQL under a temporary
 * hygie.data-dir), reached over real HTTP with HAPI's generic client or plain java.net.http.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class HttpTestBase {
    protected static final FhirContext FHIR = FhirContext.forR4Cached();
    protected static final String JSON = "application/fhir+json";
    protected static final long MAX_REQUEST_BYTES = 2_000_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;
    protected IGenericClient client;

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) throws IOException {
        Path dataDir = Files.createTempDirectory("hygie-http-test");
        registry.add("hygie.data-dir", dataDir::toString);
        registry.add("hygie.max-request-bytes", () -> MAX_REQUEST_BYTES);
    }

    @BeforeEach
    void client() {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = FHIR.newRestfulGenericClient(base());
    }

    protected String base() {
        return "http://localhost:" + port + "/fhir";
    }

    protected HttpResponse<String> http(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base() + "/" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", JSON);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asserts the status and that the body is an OperationOutcome (never a stack trace), returning it. */
    protected OperationOutcome assertOutcome(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("\tat ").doesNotContain("Exception:");
        return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    }

    /** Asserts a 201 and returns the id of the created resource, from its Location. */
    protected static String created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.headers().firstValue("Location").orElseThrow().replaceAll(".*/[A-Za-z]+/([^/]+)/_history.*", "$1");
    }

    protected <T extends org.hl7.fhir.instance.model.api.IBaseResource> T parse(Class<T> type, HttpResponse<String> response) {
        return FHIR.newJsonParser().parseResource(type, response.body());
    }
}

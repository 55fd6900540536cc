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
// tests send hundreds of requests a second with one token: the limiter is off here and has its own test
// (SecurityEdgesHttpTest, whose dynamic properties take precedence over these)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"hygie.security.rate-limit.requests-per-second=0",
        "hygie.database.embedded-durable=false"})
abstract class HttpTestBase {
    protected static final FhirContext FHIR = FhirContext.forR4Cached();
    protected static final String JSON = "application/fhir+json";
    protected static final long MAX_REQUEST_BYTES = 2_000_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;
    @org.springframework.beans.factory.annotation.Value("${hygie.data-dir}")
    protected Path dataDir;
    protected IGenericClient client;
    /** A system client's token with every permission: what most tests call with (authorization has its own tests). */
    protected String systemToken;

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) throws IOException {
        Path dataDir = Files.createTempDirectory("hygie-http-test");
        registry.add("hygie.data-dir", dataDir::toString);
        registry.add("hygie.max-request-bytes", () -> MAX_REQUEST_BYTES);
        registry.add("hygie.security.dev-issuer", () -> "true");
    }

    @BeforeEach
    void client() {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = FHIR.newRestfulGenericClient(base());
        systemToken = token("system/*.cruds", null, null);
        client.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(systemToken));
    }

    /** A token from the server's dev issuer (the same key the token command uses). */
    protected String token(String scope, String patientId, String practitionerId) {
        return token("test-client", scope, patientId, practitionerId);
    }

    /** As {@link #token(String, String, String)}, for another OAuth client (a rate-limit bucket of its own). */
    protected String token(String clientId, String scope, String patientId, String practitionerId) {
        return org.hygie.fhir.security.DevIssuer.open(dataDir).sign("hygie", clientId, scope, patientId, practitionerId,
                java.time.Duration.ofHours(1));
    }

    protected String base() {
        return "http://localhost:" + port + "/fhir";
    }

    /**
     * A request with the system token, unless {@code headers} carry their own Authorization (the value
     * {@code none} sends none: an anonymous request).
     */
    protected HttpResponse<String> http(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base() + "/" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", JSON);
        }
        String authorization = "Bearer " + systemToken;
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization")) {
                authorization = headers[i + 1];
            } else {
                request.setHeader(headers[i], headers[i + 1]);
            }
        }
        if (!authorization.equals("none")) {
            request.setHeader("Authorization", authorization);
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

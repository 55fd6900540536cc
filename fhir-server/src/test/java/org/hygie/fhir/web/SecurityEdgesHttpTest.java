package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.hygie.fhir.security.TokenCommand;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The token command, SMART discovery, security headers, CORS and the per-client rate limit, over HTTP. */
class SecurityEdgesHttpTest extends HttpTestBase {

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("hygie.security.rate-limit.requests-per-second", () -> "1");
        registry.add("hygie.security.rate-limit.burst", () -> "30");
        registry.add("hygie.security.cors-allowed-origins", () -> "https://app.example.org");
        registry.add("hygie.security.smart.token-endpoint", () -> "https://auth.example.org/token");
    }

    @Test
    void theTokenCommandPrintsATokenTheServerTrusts() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = TokenCommand.run(new String[] {"token", "--scope", "patient/*.rs", "--patient", "Patient/p1",
                "--hygie.data-dir=" + dataDir}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(exit).isZero();
        String token = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        // a patient token reads its own compartment (empty here) and is refused beyond its scopes
        assertThat(http("GET", "Appointment", null, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        assertOutcome(http("POST", "Appointment", "{\"resourceType\":\"Appointment\"}", "Authorization", "Bearer " + token), 403);
        assertThat(TokenCommand.run(new String[] {"token"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())))
                .isEqualTo(2);
        assertThat(TokenCommand.run(new String[] {"token", "--scope", "user/*.rs", "--practitioner", "Patient/x"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
    }

    @Test
    void malformedAuthorizationIsA401() {
        HttpResponse<String> basic = http("GET", "Practitioner", null, "Authorization", "Basic dXNlcjpwYXNz");
        assertOutcome(basic, 401);
        assertThat(basic.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_request"));
        assertOutcome(http("GET", "Practitioner", null, "Authorization", "Bearer not-a-jwt"), 401);
    }

    @Test
    void smartConfigurationIsPublishedAsJson() {
        HttpResponse<String> config = http("GET", ".well-known/smart-configuration", null, "Authorization", "none");
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(config.body()).contains("\"token_endpoint\" : \"https://auth.example.org/token\"").contains("permission-v2")
                .contains("\"S256\"").doesNotContain("plain");
    }

    @Test
    void responsesCarrySecurityHeadersAndCorsOnlyForAllowedOrigins() {
        HttpResponse<String> response = http("GET", "metadata", null, "Origin", "https://app.example.org");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("private, no-store");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.org");
        HttpResponse<String> other = http("GET", "metadata", null, "Origin", "https://evil.example.com");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void aClientBeyondItsRateGetsA429() {
        String token = token("system/*.rs", null, null);
        int throttled = 0;
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> response = http("GET", "Practitioner?_count=1", null, "Authorization", "Bearer " + token);
            if (response.statusCode() == 429) {
                throttled++;
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertOutcome(response, 429);
            }
        }
        assertThat(throttled).isGreaterThan(0);
    }
}

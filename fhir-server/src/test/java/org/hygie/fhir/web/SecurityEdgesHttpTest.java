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

/**
 * The token command, SMART discovery, security headers, CORS, the per-caller rate limit, the limit on refused
 * tokens, slow bodies and unauthenticated uploads, over HTTP.
 */
class SecurityEdgesHttpTest extends HttpTestBase {

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("hygie.security.rate-limit.requests-per-second", () -> "1");
        registry.add("hygie.security.rate-limit.burst", () -> "30");
        registry.add("hygie.security.cors-allowed-origins", () -> "https://app.example.org");
        registry.add("hygie.security.smart.token-endpoint", () -> "https://auth.example.org/token");
        registry.add("hygie.request-body.grace", () -> "1s");
    }

    @org.springframework.beans.factory.annotation.Autowired
    javax.sql.DataSource dataSource;

    /** Each test calls as a client of its own: this server's rate limit is low, and a bucket is per client. */
    @org.junit.jupiter.api.BeforeEach
    void ownClient() {
        systemToken = token("edges-" + java.util.UUID.randomUUID(), "system/*.cruds", null, null);
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
        // a token endpoint but no authorization endpoint: Backend Services, and no user launch advertised
        assertThat(config.body()).contains("\"token_endpoint\" : \"https://auth.example.org/token\"").contains("permission-v2")
                .contains("client_credentials").contains("client-confidential-asymmetric")
                .doesNotContain("launch-standalone").doesNotContain("authorization_code").doesNotContain("plain");
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
        String token = token("greedy-client", "system/*.rs", null, null); // a bucket of its own: the other tests keep theirs
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

    @Test
    void eachUserOfAnAppHasTheirOwnAllowance() {
        String first = token("shared-app", "user/*.rs", null, "busy-user");
        String second = token("shared-app", "user/*.rs", null, "other-user");
        int throttled = 0;
        for (int i = 0; i < 45; i++) {
            throttled += http("GET", "Practitioner?_count=1", null, "Authorization", "Bearer " + first).statusCode() == 429 ? 1 : 0;
        }
        assertThat(throttled).isGreaterThan(0);
        // the same app (client id), another user: untouched by the first one's requests
        assertThat(http("GET", "Practitioner?_count=1", null, "Authorization", "Bearer " + second).statusCode()).isEqualTo(200);
    }

    @Test
    void refusedTokensAreLimitedPerAddress() throws Exception {
        String forged = org.hygie.fhir.security.DevIssuer.open(java.nio.file.Files.createTempDirectory("forger"))
                .sign("hygie", "c", "system/*.rs", null, null, java.time.Duration.ofHours(1));
        String valid = token("edges-valid", "system/*.rs", null, null);
        assertThat(statusFrom("127.0.0.2", valid)).isEqualTo(200); // verified once: known from now on
        int throttled = 0;
        for (int i = 0; i < 40; i++) {
            int status = statusFrom("127.0.0.2", forged);
            assertThat(status).isIn(401, 429);
            throttled += status == 429 ? 1 : 0;
        }
        assertThat(throttled).as("refused tokens beyond the allowance are not checked").isGreaterThan(0);
        // a token already verified is still served from that address; other addresses are not affected
        assertThat(statusFrom("127.0.0.2", valid)).isEqualTo(200);
        assertThat(http("GET", "Practitioner", null).statusCode()).isEqualTo(200);
    }

    /** One GET sent from {@code address} (all of 127/8 is loopback): its refused tokens count apart from the other tests'. */
    private int statusFrom(String address, String token) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port, java.net.InetAddress.getByName(address), 0)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /fhir/Practitioner?_count=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return Integer.parseInt(statusLine(socket).split(" ")[1]);
        }
    }

    @Test
    void aBodyThatTricklesInEndsWithA408() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + systemToken
                    + "\r\nContent-Type: application/fhir+json\r\nContent-Length: 5000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            String answer = null;
            for (int i = 0; i < 40 && answer == null; i++) {
                try {
                    out.write('{');
                    out.flush();
                } catch (java.io.IOException closed) {
                    break; // the server closed the connection after answering
                }
                Thread.sleep(200);
                if (socket.getInputStream().available() > 0) {
                    answer = statusLine(socket);
                }
            }
            if (answer == null) {
                answer = statusLine(socket);
            }
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(8));
        }
    }

    @Test
    void anUploadIsAuthorisedBeforeItsBodyIsRead() throws Exception {
        // 50 MB announced, 1 KB sent: the answer comes at once, before the rest (which never comes)
        assertThat(uploadStatus(null, null)).startsWith("HTTP/1.1 401");
        String patient = created(http("POST", "Patient", "{\"resourceType\":\"Patient\"}"));
        String other = created(http("POST", "Patient", "{\"resourceType\":\"Patient\"}"));
        assertThat(uploadStatus(token("patient/*.cruds", patient, null), "Patient/" + other)).startsWith("HTTP/1.1 422");
        assertThat(uploadStatus(token("patient/Patient.rs", patient, null), "Patient/" + patient)).startsWith("HTTP/1.1 403");
    }

    private String uploadStatus(String token, String securityContext) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /fhir/Binary HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/pdf\r\nContent-Length: 52428800\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + (securityContext == null ? "" : "X-Security-Context: " + securityContext + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1024]);
            out.flush();
            return statusLine(socket);
        }
    }

    private static String statusLine(java.net.Socket socket) throws java.io.IOException {
        return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void everyResponseCarriesTheHeadersAndNoBanner() {
        HttpResponse<String> health = http("GET", "http://localhost:" + port + "/actuator/health", null, "Authorization", "none");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(health.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        HttpResponse<String> metadata = http("GET", "metadata", null);
        assertThat(metadata.headers().firstValue("X-Powered-By")).isEmpty();
        String binary = created(http("POST", "Binary", "<html><script>alert(1)</script></html>", "Content-Type", "text/html"));
        HttpResponse<String> raw = http("GET", "Binary/" + binary, null, "Accept", "*/*");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Content-Disposition")).hasValue("attachment");
        assertThat(raw.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("sandbox"));
        assertThat(raw.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void everyDatabaseSessionIsBounded() {
        org.springframework.jdbc.core.JdbcTemplate jdbc = new org.springframework.jdbc.core.JdbcTemplate(dataSource);
        assertThat(jdbc.queryForObject("show statement_timeout", String.class)).isEqualTo("30s");
        assertThat(jdbc.queryForObject("show work_mem", String.class)).isEqualTo("8MB");
    }
}

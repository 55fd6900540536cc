package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.hygie.fhir.config.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A database that goes away is a 503 with a transient OperationOutcome, never a 500 or a stack trace. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class DatabaseOutageHttpTest {
    private static EmbeddedDatabase database;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) throws IOException {
        database = new EmbeddedDatabase(Files.createTempDirectory("hygie-outage"));
        registry.add("spring.datasource.url", () -> database.jdbcUrlWithCredentials("postgres"));
        registry.add("spring.datasource.hikari.connection-timeout", () -> "2000");
        String dataDir = Files.createTempDirectory("hygie-outage-data").toString();
        registry.add("hygie.data-dir", () -> dataDir);
        registry.add("hygie.security.dev-issuer", () -> "true");
        token = org.hygie.fhir.security.DevIssuer.open(java.nio.file.Path.of(dataDir))
                .sign("hygie", "test", "system/*.rs", null, null, java.time.Duration.ofHours(1));
    }

    private static String token;

    @AfterAll
    static void stop() throws IOException {
        database.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/" + path))
                        .header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUnreachableDatabaseIsA503() throws Exception {
        assertThat(get("Patient?_count=1").statusCode()).isEqualTo(200);
        database.close();
        HttpResponse<String> during = get("Patient?_count=1");
        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(during.body()).contains("\"code\":\"transient\"").contains("The database is unavailable")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }
}

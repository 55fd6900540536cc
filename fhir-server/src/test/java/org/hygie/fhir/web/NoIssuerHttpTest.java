package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.hygie.fhir.HygieApplication;
import org.hygie.fhir.security.DevIssuer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Secure by default: with no issuer configured, public data is served and everything else is a 401. */
class NoIssuerHttpTest {

    @Test
    void onlyPublicDataIsServed() throws Exception {
        Path dataDir = Files.createTempDirectory("hygie-no-issuer");
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(HygieApplication.class)
                .run("--server.port=0", "--hygie.data-dir=" + dataDir, "--logging.level.root=WARN")) {
            String base = "http://localhost:" + ((WebServerApplicationContext) server).getWebServer().getPort() + "/fhir/";
            // a token from the dev key of the same data dir: this server does not trust it
            String devToken = DevIssuer.open(dataDir).sign("hygie", "c", "system/*.cruds", null, null, Duration.ofHours(1));
            assertThat(status(base + "metadata", null)).isEqualTo(200);
            assertThat(status(base + "Practitioner", null)).isEqualTo(200);
            assertThat(status(base + "Patient", null)).isEqualTo(401);
            assertThat(status(base + "Practitioner", devToken)).isEqualTo(401);
        }
    }

    private static int status(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}

package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Secure by default: with no issuer configured, public data is served and everything else is a 401. */
class NoIssuerHttpTest extends HttpTestBase {

    @DynamicPropertySource
    static void noIssuer(DynamicPropertyRegistry registry) {
        registry.add("hygie.security.dev-issuer", () -> "false");
    }

    @Test
    void onlyPublicDataIsServed() {
        assertThat(http("GET", "metadata", null, "Authorization", "none").statusCode()).isEqualTo(200);
        assertThat(http("GET", "Practitioner", null, "Authorization", "none").statusCode()).isEqualTo(200);
        assertOutcome(http("GET", "Patient", null, "Authorization", "none"), 401);
        assertOutcome(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\"}", "Authorization", "none"), 401);
        // the dev key exists under the data dir, but this server does not trust it
        assertOutcome(http("GET", "Practitioner", null), 401);
    }
}

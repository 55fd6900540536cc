package org.hygie.fhir.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issuers configured the two production ways: a JWKS URL (fetched over HTTP) and a PEM public key file. */
class TokenVerifierTest {
    private static final String ISSUER = "https://idp.example.org/realms/sante";

    @Test
    void acceptsTokensSignedWithKeysFromAJwksUrl() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        try {
            TokenVerifier verifier = new TokenVerifier(List.of(new TokenVerifier.Issuer(ISSUER,
                    "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks", null, "hygie")), Duration.ofSeconds(30));
            Caller caller = verifier.verify(sign(key, "hygie", Instant.now().plusSeconds(300), "user/Appointment.cruds openid",
                    "https://fhir.example.org/fhir/Practitioner/p-42"));
            assertThat(caller.practitionerId()).isEqualTo("p-42");
            assertThat(caller.clientId()).isEqualTo("portal-app");
            assertThat(caller.scopes()).extracting(Object::toString).containsExactly("user/Appointment.cruds");
            assertThatThrownBy(() -> verifier.verify(sign(key, "someone-else", Instant.now().plusSeconds(300), "user/*.rs", null)))
                    .isInstanceOf(TokenVerifier.InvalidTokenException.class).hasMessageContaining("aud");
            assertThatThrownBy(() -> verifier.verify(sign(key, "hygie", Instant.now().minusSeconds(120), "user/*.rs", null)))
                    .isInstanceOf(TokenVerifier.InvalidTokenException.class).hasMessageContaining("xpired");
            RSAKey other = new RSAKeyGenerator(2048).keyID("k1").generate();
            assertThatThrownBy(() -> verifier.verify(sign(other, "hygie", Instant.now().plusSeconds(300), "user/*.rs", null)))
                    .isInstanceOf(TokenVerifier.InvalidTokenException.class);
        } finally {
            jwks.stop(0);
        }
    }

    @Test
    void acceptsTokensSignedWithAPemPublicKeyFile() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        Path pem = Files.createTempFile("issuer", ".pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.toRSAPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        TokenVerifier verifier = new TokenVerifier(List.of(new TokenVerifier.Issuer(ISSUER, null, pem, "hygie")), Duration.ofSeconds(30));
        Caller caller = verifier.verify(sign(key, "hygie", Instant.now().plusSeconds(300), "system/Slot.rs system/Appointment.rs", null));
        assertThat(caller.practitionerId()).isNull();
        assertThat(caller.scopes()).hasSize(2);
        assertThatThrownBy(() -> verifier.verify("eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0."))
                .isInstanceOf(TokenVerifier.InvalidTokenException.class);
    }

    /** Identity providers always send a kid: a PEM key (which names none) answers it, or the kid it is configured with. */
    @Test
    void aPemKeyAcceptsTheKidOfRealIdentityProviders() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("idp-2026-key").generate();
        Path pem = Files.createTempFile("issuer", ".pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.toRSAPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        String token = sign(key, "hygie", Instant.now().plusSeconds(300), "system/Slot.rs", null);
        TokenVerifier anyKid = new TokenVerifier(List.of(new TokenVerifier.Issuer(ISSUER, null, pem, "hygie")), Duration.ofSeconds(30));
        assertThat(anyKid.verify(token).scopes()).hasSize(1);
        TokenVerifier sameKid = new TokenVerifier(List.of(new TokenVerifier.Issuer(ISSUER, null, pem, "hygie", "idp-2026-key")),
                Duration.ofSeconds(30));
        assertThat(sameKid.verify(token).scopes()).hasSize(1);
        TokenVerifier otherKid = new TokenVerifier(List.of(new TokenVerifier.Issuer(ISSUER, null, pem, "hygie", "rotated-away")),
                Duration.ofSeconds(30));
        assertThatThrownBy(() -> otherKid.verify(token)).isInstanceOf(TokenVerifier.InvalidTokenException.class);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("idp-2026-key").generate();
        assertThatThrownBy(() -> anyKid.verify(sign(stranger, "hygie", Instant.now().plusSeconds(300), "system/Slot.rs", null)))
                .isInstanceOf(TokenVerifier.InvalidTokenException.class);
    }

    /** An absolute fhirUser keeps its base, which the server then compares with its own. */
    @Test
    void anAbsoluteFhirUserKeepsItsBase() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
        TokenVerifier verifier = TokenVerifier.ofKeys(ISSUER, new JWKSet(key.toPublicJWK()), "hygie", Duration.ofSeconds(30), List.of());
        Caller absolute = verifier.verify(sign(key, "hygie", Instant.now().plusSeconds(300), "user/*.rs", "https://other.example/fhir/Patient/p1"));
        assertThat(absolute.patientId()).isEqualTo("p1");
        assertThat(absolute.fhirUserBase()).isEqualTo("https://other.example/fhir");
        Caller relative = verifier.verify(sign(key, "hygie", Instant.now().plusSeconds(300), "user/*.rs", "Patient/p1"));
        assertThat(relative.fhirUserBase()).isNull();
        assertThatThrownBy(() -> verifier.verify(sign(key, "hygie", Instant.now().plusSeconds(300), "user/*.rs", "urn:x:Patient/p1")))
                .isInstanceOf(TokenVerifier.InvalidTokenException.class);
    }

    private static String sign(RSAKey key, String audience, Instant expires, String scope, String fhirUser) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(audience).subject("user-1")
                .claim("azp", "portal-app").claim("scope", scope).issueTime(Date.from(Instant.now().minusSeconds(600)))
                .expirationTime(Date.from(expires));
        if (fhirUser != null) {
            claims.claim("fhirUser", fhirUser);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}

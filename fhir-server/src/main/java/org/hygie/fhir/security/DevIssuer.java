package org.hygie.fhir.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.hygie.fhir.error.ConfigurationProblem;

/**
 * The development token issuer: an ES384 key pair kept under {@code hygie.data-dir/dev-issuer/}, created on
 * first use. The {@code token} command signs with it; a server started with
 * {@code hygie.security.dev-issuer=true} trusts it. Never for production (the prod profile refuses it).
 */
public final class DevIssuer {
    /** The {@code iss} of dev tokens. */
    public static final String ISSUER = "urn:hygie:dev-issuer";

    private final ECKey key;

    private DevIssuer(ECKey key) {
        this.key = key;
    }

    public static boolean exists(Path dataDir) {
        return Files.exists(keyFile(dataDir));
    }

    private static Path keyFile(Path dataDir) {
        return dataDir.resolve("dev-issuer").resolve("signing-key.jwk.json");
    }

    /** The data dir's dev key, created (owner-only file) if there is none yet; safe when two processes race. */
    public static DevIssuer open(Path dataDir) {
        Path file = keyFile(dataDir);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                ECKey fresh = new ECKeyGenerator(Curve.P_384).keyID("hygie-dev-" + UUID.randomUUID()).generate();
                Path temp = Files.createTempFile(file.getParent(), "key", ".tmp");
                try {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // best effort outside POSIX file systems
                }
                Files.writeString(temp, fresh.toJSONString(), StandardCharsets.UTF_8);
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                    Files.deleteIfExists(temp);
                }
            }
            return new DevIssuer(ECKey.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the dev issuer key under " + file.getParent(), e);
        } catch (ParseException | JOSEException e) {
            throw new ConfigurationProblem("The dev issuer key " + file + " is unreadable; delete it to get a new one", e);
        }
    }

    /** The public half, for verification. */
    public ECKey publicKey() {
        return key.toPublicJWK();
    }

    /**
     * A signed access token.
     *
     * @param patientId      launch context patient (claim {@code patient}), or null
     * @param practitionerId the user, as fhirUser Practitioner/ID, or null
     */
    public String sign(String audience, String clientId, String scope, String patientId, String practitionerId, Duration ttl) {
        return sign(audience, clientId, scope, patientId, practitionerId, ttl, claims -> claims);
    }

    /** As {@link #sign}, with {@code extra} applied to the claims last (tests of tokens an identity provider might send). */
    public String sign(String audience, String clientId, String scope, String patientId, String practitionerId, Duration ttl,
                       java.util.function.UnaryOperator<JWTClaimsSet.Builder> extra) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .subject(practitionerId != null ? "Practitioner/" + practitionerId : patientId != null ? "Patient/" + patientId : clientId)
                .claim("client_id", clientId)
                .claim("scope", scope)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        if (patientId != null) {
            claims.claim("patient", patientId);
        }
        if (practitionerId != null) {
            claims.claim("fhirUser", "Practitioner/" + practitionerId);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                extra.apply(claims).build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign with the dev issuer key", e);
        }
        return jwt.serialize();
    }
}

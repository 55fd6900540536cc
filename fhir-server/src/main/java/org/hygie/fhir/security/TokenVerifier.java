package org.hygie.fhir.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hygie.fhir.error.ConfigurationProblem;

/**
 * Validates bearer JWTs against the configured issuers: signature (keys from the issuer's JWKS URL, cached
 * and refreshed by Nimbus, or from a PEM public key file), issuer, audience, expiry and not-before with a
 * clock-skew allowance; then reads the SMART claims ({@code scope}, {@code patient}, {@code fhirUser}).
 */
public final class TokenVerifier {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    /** fhirUser: a Patient or Practitioner reference, relative or absolute (then group 1 is its FHIR base URL). */
    private static final Pattern RESOURCE_REF = Pattern.compile("(?:(https?://[^\\s]+)/)?(Patient|Practitioner)/([A-Za-z0-9\\-.]{1,64})");

    /** Thrown for any token that is not accepted; the message is safe to return to the client. */
    public static final class InvalidTokenException extends Exception {
        InvalidTokenException(String message) {
            super(message);
        }
    }

    /**
     * One trusted issuer: its {@code iss}, where its keys are, and the audience its tokens must name.
     * {@code keyId}: the {@code kid} of a PEM key; without it the PEM key answers whatever {@code kid} a token names.
     */
    public record Issuer(String issuer, String jwksUri, Path publicKeyFile, String audience, String keyId) {
        public Issuer(String issuer, String jwksUri, Path publicKeyFile, String audience) {
            this(issuer, jwksUri, publicKeyFile, audience, null);
        }
    }

    private final Map<String, DefaultJWTProcessor<SecurityContext>> processors = new HashMap<>();
    /**
     * Tokens already verified, until they expire (at most a minute): a signature check costs about a
     * millisecond of CPU (ES384), and an app sends the same token with every request.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, Verified> verified = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();
    private final Duration clockSkew;

    private record Verified(Caller caller, java.time.Instant expires) {}

    public TokenVerifier(List<Issuer> issuers, Duration clockSkew) {
        this.clockSkew = clockSkew;
        for (Issuer issuer : issuers) {
            processors.put(issuer.issuer(), processor(issuer.issuer(), keys(issuer), issuer.audience(), clockSkew));
        }
    }

    /** Checks signature against {@code keys}, then iss, aud, exp/nbf/iat with the skew allowance. */
    private static DefaultJWTProcessor<SecurityContext> processor(String issuer, JWKSource<SecurityContext> keys, String audience,
                                                                  Duration clockSkew) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp", "iat"));
        claims.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    private static JWKSource<SecurityContext> keys(Issuer issuer) {
        if (issuer.jwksUri() != null && !issuer.jwksUri().isBlank()) {
            try {
                return JWKSourceBuilder.create(URI.create(issuer.jwksUri()).toURL()).retrying(true).build();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new ConfigurationProblem("hygie.security.issuers: bad jwks-uri for " + issuer.issuer(), e);
            }
        }
        if (issuer.publicKeyFile() == null) {
            throw new ConfigurationProblem("hygie.security.issuers: " + issuer.issuer() + " needs a jwks-uri or a public-key-file");
        }
        try {
            JWK key = pemPublicKey(Files.readString(issuer.publicKeyFile()));
            if (issuer.keyId() != null && !issuer.keyId().isBlank()) {
                return new ImmutableJWKSet<>(new JWKSet(withKeyId(key, issuer.keyId())));
            }
            // identity providers put a kid in every token's header; a PEM file names none, so its one key answers any
            return (selector, context) -> List.of(key);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the public key file of issuer " + issuer.issuer(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigurationProblem("The public key file of issuer " + issuer.issuer()
                    + " is not a PEM 'PUBLIC KEY' (RSA or EC, SubjectPublicKeyInfo)", e);
        }
    }

    private static JWK withKeyId(JWK key, String keyId) {
        return key instanceof com.nimbusds.jose.jwk.RSAKey rsa ? new com.nimbusds.jose.jwk.RSAKey.Builder(rsa).keyID(keyId).build()
                : new com.nimbusds.jose.jwk.ECKey.Builder((com.nimbusds.jose.jwk.ECKey) key).keyID(keyId).build();
    }

    /** A PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"), RSA or EC, as a JWK. */
    static JWK pemPublicKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        X509EncodedKeySpec spec = new X509EncodedKeySpec(java.util.Base64.getDecoder().decode(base64));
        java.security.PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (java.security.spec.InvalidKeySpecException notRsa) {
            key = KeyFactory.getInstance("EC").generatePublic(spec);
        }
        if (key instanceof RSAPublicKey rsa) {
            return new com.nimbusds.jose.jwk.RSAKey.Builder(rsa).build();
        }
        ECPublicKey ec = (ECPublicKey) key;
        return new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams()), ec).build();
    }

    /** Static keys (the dev issuer). */
    public static TokenVerifier ofKeys(String issuer, JWKSet keys, String audience, Duration clockSkew, List<Issuer> others) {
        TokenVerifier verifier = new TokenVerifier(others, clockSkew);
        verifier.processors.put(issuer, processor(issuer, new ImmutableJWKSet<>(keys), audience, clockSkew));
        return verifier;
    }

    /** The caller of a token verified before and not expired yet: no signature to check. */
    public java.util.Optional<Caller> alreadyVerified(String token) {
        Verified known = verified.getIfPresent(token);
        return known != null && java.time.Instant.now().isBefore(known.expires().plus(clockSkew))
                ? java.util.Optional.of(known.caller()) : java.util.Optional.empty();
    }

    public Caller verify(String token) throws InvalidTokenException {
        java.util.Optional<Caller> known = alreadyVerified(token);
        if (known.isPresent()) {
            return known.get();
        }
        String issuer;
        try {
            issuer = SignedJWT.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw new InvalidTokenException("The bearer token is not a signed JWT");
        }
        DefaultJWTProcessor<SecurityContext> processor = issuer == null ? null : processors.get(issuer);
        if (processor == null) {
            throw new InvalidTokenException("The bearer token's issuer is not trusted by this server");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (BadJOSEException e) {
            if (DevIssuer.ISSUER.equals(issuer) && String.valueOf(e.getMessage()).contains("no matching key")) {
                throw new InvalidTokenException("The bearer token was refused: it is signed with another dev key than this server's"
                        + " (was the token command run with another --hygie.data-dir than the server?)");
            }
            // Nimbus' messages name the failed check (expired, audience, signature) and carry no claim values
            throw new InvalidTokenException("The bearer token was refused: " + e.getMessage());
        } catch (ParseException | JOSEException e) {
            throw new InvalidTokenException("The bearer token could not be verified");
        }
        Caller caller = caller(claims);
        verified.put(token, new Verified(caller, claims.getExpirationTime().toInstant()));
        return caller;
    }

    private static Caller caller(JWTClaimsSet claims) throws InvalidTokenException {
        try {
            List<SmartScope> scopes = new ArrayList<>();
            String scope = claims.getStringClaim("scope");
            if (scope == null && claims.getStringListClaim("scp") != null) {
                scope = String.join(" ", claims.getStringListClaim("scp"));
            }
            if (scope != null) {
                for (String s : scope.trim().split("\\s+")) {
                    SmartScope.parse(s).ifPresent(scopes::add);
                }
            }
            String clientId = first(claims.getStringClaim("client_id"), claims.getStringClaim("azp"), claims.getSubject());
            if (clientId == null) {
                throw new InvalidTokenException("The bearer token names no client (client_id, azp or sub)");
            }
            String patient = claims.getStringClaim("patient");
            String practitioner = null;
            String fhirUser = claims.getStringClaim("fhirUser");
            String fhirUserBase = null;
            if (fhirUser != null) {
                Matcher m = RESOURCE_REF.matcher(fhirUser);
                if (!m.matches()) {
                    throw new InvalidTokenException("fhirUser must be a Patient or Practitioner reference");
                }
                fhirUserBase = m.group(1);
                if (m.group(2).equals("Practitioner")) {
                    practitioner = m.group(3);
                } else if (patient == null) {
                    patient = m.group(3);
                }
            }
            if (patient != null && !patient.matches("[A-Za-z0-9\\-.]{1,64}")) {
                throw new InvalidTokenException("The patient claim must be a Patient id");
            }
            return new Caller(clientId, claims.getSubject(), patient, practitioner, List.copyOf(scopes), List.of(), claims.getJWTID(),
                    fhirUserBase);
        } catch (ParseException e) {
            throw new InvalidTokenException("The bearer token has a malformed claim: " + e.getMessage());
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}

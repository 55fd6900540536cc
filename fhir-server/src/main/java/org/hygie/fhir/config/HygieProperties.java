package org.hygie.fhir.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Hygie's own settings ({@code hygie.*}); the database is configured with the standard
 * {@code spring.datasource.*} properties.
 *
 * @param dataDir         where the embedded database (and, later, dev keys) live when no datasource is configured
 * @param maxRequestBytes request bodies above this size are refused with 413
 * @param search          page sizes of search and history results
 * @param crypto          encryption at rest
 * @param booking         holds ($hold) and their expiry
 * @param security        bearer tokens, trusted issuers, rate limits, CORS
 * @param database        per-statement bounds, and whether the embedded database may serve production
 */
@ConfigurationProperties("hygie")
public record HygieProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("16777216") long maxRequestBytes,
        @DefaultValue Search search,
        @DefaultValue Crypto crypto,
        @DefaultValue Booking booking,
        @DefaultValue Security security,
        @DefaultValue Audit audit,
        @DefaultValue Documents documents,
        @DefaultValue Validation validation,
        @DefaultValue Database database,
        @DefaultValue RequestBody requestBody,
        @DefaultValue Conformance conformance) {

    /** Resolved once: every message that names a file under it names the same absolute place, whatever the working directory. */
    public HygieProperties {
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    /**
     * @param canonicalBase the base of every canonical Hygie defines (default {@link org.hygie.fhir.types.Canonicals#DEFAULT_BASE}):
     *                      an operator republishing the implementation guide under its own domain sets it before any data is stored
     */
    public record Conformance(String canonicalBase) {}

    /**
     * @param grace             how long a request body may take before its rate counts
     * @param minBytesPerSecond the average rate a body must keep after that, or the request ends with 408
     */
    public record RequestBody(@DefaultValue("10s") Duration grace, @DefaultValue("2048") long minBytesPerSecond) {}

    /**
     * @param enabled validate what clients write against the base spec and the ig/ profiles (off: a dev setting, warned)
     * @param failOn  ERROR: only errors refuse a write; WARNING: warnings too (strict)
     */
    public record Validation(@DefaultValue("true") boolean enabled,
                             @DefaultValue("ERROR") FailOn failOn) {
        /** Which issues refuse a write: errors only, or warnings too. */
        public enum FailOn { ERROR, WARNING }
    }

    /**
     * @param maxBytes       largest document content accepted (413 above)
     * @param maxInlineBytes largest content put inline in FHIR JSON/XML responses (Binary.data); larger ones are served raw only
     */
    public record Documents(@DefaultValue("67108864") long maxBytes, @DefaultValue("16777216") long maxInlineBytes) {}

    /** @param sealInterval how often new AuditEvents are added to the hash chain */
    public record Audit(@DefaultValue("5s") Duration sealInterval) {}

    /**
     * @param issuers       trusted OAuth 2.0 / OpenID issuers; none (and no dev issuer): only public reads are served
     * @param audience      the {@code aud} tokens must carry unless an issuer sets its own
     * @param clockSkew     tolerance on exp / nbf / iat
     * @param devIssuer     trust the dev key under data-dir (the {@code token} command); refused in the prod profile
     * @param rateLimit     per-client token bucket (requests per second and burst); 0 turns it off
     * @param corsAllowedOrigins browser origins allowed to call the API (none by default)
     * @param smart         the authorization server's endpoints, published in .well-known/smart-configuration
     * @param fhirUserBases FHIR base URLs that are this server's, beside the one a request arrives at (behind a proxy):
     *                      a token whose absolute fhirUser names another base is refused
     */
    public record Security(@DefaultValue List<Issuer> issuers, @DefaultValue("hygie") String audience,
                           @DefaultValue("30s") Duration clockSkew, @DefaultValue("false") boolean devIssuer,
                           @DefaultValue RateLimit rateLimit, @DefaultValue List<String> corsAllowedOrigins,
                           @DefaultValue Smart smart, @DefaultValue List<String> fhirUserBases) {}

    public record Smart(String issuer, String authorizationEndpoint, String tokenEndpoint, String jwksUri) {}

    /**
     * One trusted issuer: {@code iss}, and its keys from a JWKS URL or a PEM public key file (offline setups);
     * {@code keyId}: the kid of that PEM key (without it, the key answers any kid).
     */
    public record Issuer(String issuer, String jwksUri, Path publicKeyFile, String audience, String keyId) {}

    /**
     * @param requestsPerSecond      per caller (client and user), 0 turns the limit off (logged)
     * @param failedAuthPerSecond    refused tokens per network address, beyond a burst of {@code failedAuthBurst}:
     *                               then the address gets 429 without its tokens being checked
     */
    public record RateLimit(@DefaultValue("200") double requestsPerSecond, @DefaultValue("400") int burst,
                            @DefaultValue("2") double failedAuthPerSecond, @DefaultValue("20") int failedAuthBurst) {}

    /**
     * @param holdDuration  how long a $hold keeps its slots (IHE ITI-116 leaves it to the server)
     * @param sweepInterval how often expired holds are cancelled and their slots freed
     */
    public record Booking(@DefaultValue("10m") Duration holdDuration, @DefaultValue("15s") Duration sweepInterval) {}

    /**
     * Page sizes, and the bounds on what one search may cost ({@link org.hygie.fhir.storage.search.SearchLimits}).
     */
    public record Search(@DefaultValue("20") int defaultPageSize, @DefaultValue("1000") int maxPageSize,
                         @DefaultValue("4") int maxChainDepth, @DefaultValue("2") int maxHasDepth, @DefaultValue("10") int maxIncludes,
                         @DefaultValue("200") int maxValuesPerParameter, @DefaultValue("40") int maxParameters) {
        public org.hygie.fhir.storage.search.SearchLimits limits() {
            return new org.hygie.fhir.storage.search.SearchLimits(maxChainDepth, maxHasDepth, maxIncludes, maxValuesPerParameter, maxParameters);
        }
    }

    /**
     * @param statementTimeout   longest a statement of the server may run (0: no limit); a client's search cannot hold the database
     * @param workMem            PostgreSQL work_mem of the server's sessions: memory per sort or hash before it spills to disk
     * @param embeddedProduction run the prod profile on the embedded PostgreSQL: a single-node production, explicitly chosen
     * @param embeddedDurable    false: the embedded PostgreSQL does not flush commits (tests only; warned, refused in prod)
     */
    public record Database(@DefaultValue("30s") Duration statementTimeout, @DefaultValue("8MB") String workMem,
                           @DefaultValue("false") boolean embeddedProduction, @DefaultValue("true") boolean embeddedDurable) {}

    /**
     * @param mode                    {@code encrypted} (default) or {@code plaintext} (benchmarks only; refused in prod)
     * @param masterKeyFile           the operator's master key: 32 random bytes, base64
     * @param previousMasterKeyFiles  older master keys, needed while a rotation re-wraps data keys
     * @param keystore                or: an AES secret-key entry in a PKCS#12 keystore
     * @param provider                JCA provider for AES-GCM; empty = the JDK's (AES-NI)
     * @param maintenance             set by the key commands only (see {@code CryptoSettings#forMaintenance})
     */
    public record Crypto(@DefaultValue("encrypted") String mode, Path masterKeyFile,
                         @DefaultValue List<Path> previousMasterKeyFiles, @DefaultValue Keystore keystore,
                         String provider, @DefaultValue("10000") int dataKeyCacheSize,
                         @DefaultValue("10m") Duration dataKeyCacheTtl, @DefaultValue("false") boolean maintenance) {}

    /** The password is best given as the environment variable HYGIE_CRYPTO_KEYSTORE_PASSWORD. */
    public record Keystore(Path path, @DefaultValue("hygie-master") String alias, String password) {}
}

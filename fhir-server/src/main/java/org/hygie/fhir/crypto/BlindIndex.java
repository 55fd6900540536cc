package org.hygie.fhir.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed, deterministic digests of index values: HMAC-SHA256 truncated to {@value #DIGEST_BYTES} bytes,
 * under a key derived (HKDF) from the index master key for each (resource type, parameter), so equal
 * values of different parameters never share a digest. Equality is all they reveal; frequency of a
 * low-cardinality value (a gender) is therefore still visible to whoever holds the database.
 */
public class BlindIndex {
    public static final int DIGEST_BYTES = 16;

    private final byte[] indexMasterKey;
    private final Map<String, SecretKeySpec> keys = new ConcurrentHashMap<>();
    /** Mac.getInstance costs more than the HMAC of a short value: one initialized Mac per key and thread. */
    private final ThreadLocal<Map<String, Mac>> macs = ThreadLocal.withInitial(java.util.HashMap::new);

    public BlindIndex(byte[] indexMasterKey) {
        this.indexMasterKey = indexMasterKey.clone();
    }

    /** @param kind separates the forms of one value (prefix, exact, system|code ...) */
    public String digest(String type, String param, String kind, String value) {
        String name = type + "|" + param;
        try {
            Mac mac = macs.get().get(name);
            if (mac == null) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(keys.computeIfAbsent(name,
                        k -> new SecretKeySpec(Hkdf.derive(indexMasterKey, "hygie/blind-index/v1|" + k), "HmacSHA256")));
                macs.get().put(name, mac);
            }
            mac.update(kind.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            byte[] full = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(full, DIGEST_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}

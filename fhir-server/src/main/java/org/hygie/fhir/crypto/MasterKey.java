package org.hygie.fhir.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The operator's key-encryption key (KEK). Never stored in the database; only its id is, next to the
 * data keys it wrapped. The id is a truncated SHA-256 of the key: it names the key without revealing it.
 */
public record MasterKey(String id, SecretKey key) {

    public static MasterKey of(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("A master key is 32 bytes (AES-256), got " + raw.length);
        }
        try {
            byte[] fingerprint = MessageDigest.getInstance("SHA-256").digest(raw);
            return new MasterKey("kek-" + HexFormat.of().formatHex(fingerprint, 0, 8), new SecretKeySpec(raw, "AES"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + "]"; // never the key material
    }
}

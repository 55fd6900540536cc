package org.hygie.fhir.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869, Bouncy Castle): derives per-purpose keys from one secret. */
public final class Hkdf {
    private Hkdf() {}

    public static byte[] derive(byte[] inputKey, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(inputKey, salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }

    public static byte[] derive(byte[] inputKey, String info) {
        return derive(inputKey, null, info.getBytes(StandardCharsets.UTF_8), 32);
    }
}

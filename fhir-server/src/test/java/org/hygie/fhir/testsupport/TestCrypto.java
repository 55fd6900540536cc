package org.hygie.fhir.testsupport;

import java.security.SecureRandom;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.crypto.MasterKey;

/** Crypto settings for tests: a fresh random master key per JVM, as an operator's would be. */
public final class TestCrypto {
    private static final MasterKey MASTER_KEY = randomMasterKey();

    private TestCrypto() {}

    public static MasterKey randomMasterKey() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return MasterKey.of(raw);
    }

    public static CryptoSettings encrypted() {
        return CryptoSettings.encrypted(MASTER_KEY);
    }
}

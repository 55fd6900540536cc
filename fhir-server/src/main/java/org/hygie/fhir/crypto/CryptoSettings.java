package org.hygie.fhir.crypto;

import java.time.Duration;
import java.util.List;

/**
 * How payloads and index values are protected. {@code PLAINTEXT} exists only to measure the cost of
 * encryption in benchmarks: it is refused in the prod profile and warned about at every start.
 */
public record CryptoSettings(Mode mode, MasterKey masterKey, List<MasterKey> previousMasterKeys, String provider,
                             int dataKeyCacheSize, Duration dataKeyCacheTtl, boolean maintenance) {

    public enum Mode { ENCRYPTED, PLAINTEXT }

    public static CryptoSettings encrypted(MasterKey masterKey) {
        return new CryptoSettings(Mode.ENCRYPTED, masterKey, List.of(), null, 10_000, Duration.ofMinutes(10), false);
    }

    public static CryptoSettings plaintext() {
        return new CryptoSettings(Mode.PLAINTEXT, null, List.of(), null, 0, Duration.ZERO, false);
    }

    /** For the key commands: open a database whose index key rotation is unfinished, to finish it. */
    public CryptoSettings forMaintenance() {
        return new CryptoSettings(mode, masterKey, previousMasterKeys, provider, dataKeyCacheSize, dataKeyCacheTtl, true);
    }
}

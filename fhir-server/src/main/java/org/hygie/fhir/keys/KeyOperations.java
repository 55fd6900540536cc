package org.hygie.fhir.keys;

import java.util.Map;
import java.util.function.IntConsumer;
import org.hygie.fhir.crypto.DataKeys;
import org.hygie.fhir.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations on the keys: master key rotation (re-wrap data keys, online and resumable) and
 * crypto-shredding of a patient. Each is logged (what and how many, never data or keys).
 */
public class KeyOperations {
    private static final Logger log = LoggerFactory.getLogger(KeyOperations.class);
    private static final int BATCH = 500;

    private final Storage storage;

    public KeyOperations(Storage storage) {
        this.storage = storage;
    }

    private DataKeys dataKeys() {
        if (storage.dataKeys() == null) {
            throw new IllegalStateException("Key operations need hygie.crypto.mode=encrypted");
        }
        return storage.dataKeys();
    }

    /** Live data keys per master key id. */
    public Map<String, Integer> status() {
        return storage.transactions().execute(s -> dataKeys().countByMasterKey());
    }

    /**
     * Re-wraps every data key under the current master key, a batch per transaction, so that servers
     * keep running (they must know the old key as a previous key until this ends). Returns the count.
     */
    public int rotateMasterKey(IntConsumer progress) {
        DataKeys keys = dataKeys();
        int total = 0;
        while (true) {
            Integer done = storage.transactions().execute(s -> keys.rewrapBatch(BATCH));
            if (done == null || done == 0) {
                break;
            }
            total += done;
            progress.accept(total);
        }
        log.info("Master key rotation: {} data keys now wrapped by {}", total, keys.currentMasterKey().id());
        return total;
    }

    /**
     * Crypto-shredding: destroys the patient's data key. Every resource of the compartment then reads as
     * gone (410), its index rows and links are removed and its payloads dropped; what a backup still holds
     * can no longer be decrypted. Returns how many stored versions were erased.
     */
    public int shredPatient(String patientId) {
        DataKeys keys = dataKeys();
        String compartment = storage.protector().compartmentKey(patientId);
        int erased = storage.transactions().execute(s -> {
            String keyId = keys.idOf(compartment).orElse(null);
            if (keyId == null) {
                return 0;
            }
            int versions = storage.store().erase(compartment, keyId);
            keys.destroy(compartment);
            return versions;
        });
        log.info("Crypto-shredding of compartment {}: data key destroyed, {} stored versions erased", compartment, erased);
        return erased;
    }
}

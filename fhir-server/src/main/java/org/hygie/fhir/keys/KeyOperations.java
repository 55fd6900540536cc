package org.hygie.fhir.keys;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntConsumer;
import org.hygie.fhir.crypto.BlindIndex;
import org.hygie.fhir.crypto.BlindIndexProtector;
import org.hygie.fhir.crypto.DataKeys;
import org.hygie.fhir.error.ConfigurationProblem;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.config.Storage;
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
            throw new ConfigurationProblem("Key operations need hygie.crypto.mode=encrypted: this database is in plaintext mode and has no keys");
        }
        return storage.dataKeys();
    }

    /** Records a key operation in the audit trail, in the caller's transaction. */
    private void audit(String description, String shreddedPatientId) {
        storage.service().inTransaction(writes -> storage.service().createAs(new ResourceStore.Key("AuditEvent", UUID.randomUUID().toString()),
                org.hygie.fhir.audit.AuditEvents.keyOperation(description, shreddedPatientId, System.getProperty("user.name", "unknown"),
                        java.time.Instant.now()), writes));
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
        int rewrapped = total;
        storage.transactions().executeWithoutResult(s -> audit("Master key rotation: " + rewrapped + " data keys re-wrapped by "
                + keys.currentMasterKey().id(), null));
        return total;
    }

    /**
     * Index key rotation: a new blind-index key, and every live resource's digests, links and compartment
     * names rebuilt with it (data keys follow their compartment's new name). Offline: servers must be
     * stopped, and refuse to start until it is finished. Resumable: progress is kept in the database, a
     * rerun carries on. The old index key is destroyed at the end. Returns how many resources were re-indexed.
     */
    public int rotateIndexKey(IntConsumer progress) {
        DataKeys keys = dataKeys();
        var settings = storage.settings();
        String pending = storage.transactions().execute(s -> settings.get(Storage.INDEX_KEY_PENDING).orElseGet(() -> {
            String name = DataKeys.BLIND_INDEX + "@" + UUID.randomUUID();
            keys.forCompartment(name);
            settings.put(Storage.INDEX_KEY_PENDING, name);
            settings.put(Storage.INDEX_ROTATION_PROGRESS, "0");
            return name;
        }));
        byte[] newKey = storage.transactions().execute(s -> keys.forCompartment(pending).key().getEncoded());
        IndexProtector target = new BlindIndexProtector(new BlindIndex(newKey), storage.registry());
        int done = 0;
        while (true) {
            Integer batch = storage.transactions().execute(s -> {
                long after = Long.parseLong(settings.get(Storage.INDEX_ROTATION_PROGRESS).orElse("0"));
                List<ResourceStore.Head> heads = storage.store().liveAfter(after, BATCH);
                for (ResourceStore.Head head : heads) {
                    String[] compartment = storage.service().reindex(head, target);
                    if (compartment != null && !compartment[0].equals(compartment[1])) {
                        keys.renameCompartment(compartment[0], compartment[1]);
                        storage.store().renameCompartment(compartment[0], compartment[1]);
                    }
                    settings.put(Storage.INDEX_ROTATION_PROGRESS, Long.toString(head.pk()));
                }
                return heads.size();
            });
            if (batch == null || batch == 0) {
                break;
            }
            done += batch;
            progress.accept(done);
        }
        storage.transactions().executeWithoutResult(s -> {
            String old = settings.get(Storage.INDEX_KEY).orElse(DataKeys.BLIND_INDEX);
            settings.put(Storage.INDEX_KEY, pending);
            settings.delete(Storage.INDEX_KEY_PENDING);
            settings.delete(Storage.INDEX_ROTATION_PROGRESS);
            keys.destroy(old);
        });
        int reindexed = done;
        storage.transactions().executeWithoutResult(s -> audit("Blind-index key rotation: " + reindexed + " resources re-indexed", null));
        log.info("Index key rotation: {} resources re-indexed under a new blind-index key", done);
        return done;
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
            audit("Crypto-shredding of a patient: data key destroyed, " + versions + " stored versions erased", patientId);
            return versions;
        });
        log.info("Crypto-shredding of compartment {}: data key destroyed, {} stored versions erased", compartment, erased);
        return erased;
    }
}

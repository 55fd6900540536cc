package org.hygie.fhir.crypto;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.hygie.fhir.error.ConfigurationProblem;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Data keys (DEKs): one per patient compartment, one for directory data, one for the blind index. Each is
 * generated here, wrapped by the master key (RFC 5649) and stored only wrapped. Unwrapped keys are cached
 * in a bounded, expiring cache; a key created inside a transaction is cached only once it commits, so a
 * rolled-back key is never used.
 */
public class DataKeys {
    public static final String DIRECTORY = "~directory";
    public static final String BLIND_INDEX = "~blind-index";

    public record DataKey(String id, SecretKey key) {
        @Override
        public String toString() {
            return "DataKey[" + id + "]";
        }
    }

    private final DataKeyStore store;
    private final MasterKey current;
    private final Map<String, MasterKey> masterKeys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, DataKey> byCompartment;
    private final Cache<String, DataKey> byId;

    public DataKeys(DataKeyStore store, MasterKey current, List<MasterKey> previous, int cacheSize, Duration ttl) {
        this.store = store;
        this.current = current;
        masterKeys.put(current.id(), current);
        previous.forEach(k -> masterKeys.putIfAbsent(k.id(), k));
        this.byCompartment = Caffeine.newBuilder().maximumSize(cacheSize).expireAfterAccess(ttl).build();
        this.byId = Caffeine.newBuilder().maximumSize(cacheSize).expireAfterAccess(ttl).build();
    }

    public MasterKey currentMasterKey() {
        return current;
    }

    /** The compartment's key, created (and wrapped) on first use. */
    public DataKey forCompartment(String compartment) {
        DataKey cached = byCompartment.getIfPresent(compartment);
        if (cached != null) {
            return cached;
        }
        DataKeyStore.WrappedKey stored = store.byCompartment(compartment).orElse(null);
        boolean createdNow = false;
        if (stored == null) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            DataKeyStore.WrappedKey fresh = new DataKeyStore.WrappedKey(
                    "dek-" + UUID.randomUUID(), compartment, current.id(), AesKeyWrap.wrap(current.key().getEncoded(), raw));
            stored = store.insertIfAbsent(fresh);
            createdNow = stored.id().equals(fresh.id());
        }
        DataKey key = unwrap(stored);
        if (createdNow && TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    remember(key, compartment);
                }
            });
        } else {
            remember(key, compartment);
        }
        return key;
    }

    /** The key a payload names; {@link ErasedException} when it was destroyed. */
    public SecretKey byId(String id) {
        DataKey cached = byId.getIfPresent(id);
        if (cached != null) {
            return cached.key();
        }
        DataKeyStore.WrappedKey stored = store.byId(id).orElseThrow(() -> new ErasedException("data key " + id + " does not exist"));
        DataKey key = unwrap(stored);
        byId.put(id, key);
        return key.key();
    }

    /**
     * Refuses to go on with a master key that cannot open the stored data keys: every KEK wrapping live
     * keys must be configured, and each must unwrap one of them.
     */
    public void verifyMasterKeys() {
        for (String kekId : store.countByKek().keySet()) {
            if (!masterKeys.containsKey(kekId)) {
                throw new ConfigurationProblem("This database's data keys are wrapped by master key " + kekId
                        + ", which is not configured (configured: " + masterKeys.keySet() + "): wrong master key? Set hygie.crypto.master-key-file"
                        + " to the key this database was made with (during a rotation, list the old one in"
                        + " hygie.crypto.previous-master-key-files)");
            }
            store.anyWrappedBy(kekId).ifPresent(this::unwrap);
        }
    }

    /**
     * Re-wraps up to {@code batch} data keys still wrapped by an older master key under the current one;
     * returns how many. Data is not re-encrypted. Run batch after batch (each in its own transaction)
     * until it returns 0: stopping half-way loses nothing, a rerun carries on.
     */
    public int rewrapBatch(int batch) {
        List<DataKeyStore.WrappedKey> keys = store.wrappedByOtherThan(current.id(), batch);
        for (DataKeyStore.WrappedKey k : keys) {
            byte[] raw = AesKeyWrap.unwrap(masterKey(k).key().getEncoded(), k.wrapped());
            store.rewrap(k.id(), k.kekId(), current.id(), AesKeyWrap.wrap(current.key().getEncoded(), raw));
        }
        return keys.size();
    }

    /** The id of the compartment's live key, without creating one. */
    public java.util.Optional<String> idOf(String compartment) {
        return store.byCompartment(compartment).filter(k -> k.wrapped() != null).map(DataKeyStore.WrappedKey::id);
    }

    /** Live data keys per master key id. */
    public Map<String, Integer> countByMasterKey() {
        return store.countByKek();
    }

    /** Index key rotation renames compartments: the key stays, its name changes. */
    public void renameCompartment(String from, String to) {
        if (from.equals(to)) {
            return;
        }
        store.renameCompartment(from, to);
        byCompartment.invalidate(from);
    }

    /** Crypto-shredding: the compartment's key is gone for good, and with it every payload it sealed. */
    public boolean destroy(String compartment) {
        DataKey cached = byCompartment.getIfPresent(compartment);
        boolean destroyed = store.destroy(compartment);
        byCompartment.invalidate(compartment);
        if (cached != null) {
            byId.invalidate(cached.id());
        }
        return destroyed;
    }

    private DataKey unwrap(DataKeyStore.WrappedKey stored) {
        if (stored.wrapped() == null) {
            throw new ErasedException("data key " + stored.id() + " was destroyed");
        }
        byte[] raw = AesKeyWrap.unwrap(masterKey(stored).key().getEncoded(), stored.wrapped());
        return new DataKey(stored.id(), new SecretKeySpec(raw, "AES"));
    }

    private MasterKey masterKey(DataKeyStore.WrappedKey stored) {
        MasterKey kek = masterKeys.get(stored.kekId());
        if (kek == null) {
            throw new IllegalStateException("data key " + stored.id() + " is wrapped by master key " + stored.kekId() + ", which is not configured");
        }
        return kek;
    }

    private void remember(DataKey key, String compartment) {
        byCompartment.put(compartment, key);
        byId.put(key.id(), key);
    }

    /** The data key of a payload was destroyed (crypto-shredding): the data is gone. */
    public static final class ErasedException extends org.hygie.fhir.storage.PayloadCodec.Erased {
        public ErasedException(String message) {
            super(message);
        }
    }
}

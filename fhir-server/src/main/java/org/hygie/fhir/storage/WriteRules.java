package org.hygie.fhir.storage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** The rules every write of a type obeys, whatever its path (see {@link WriteRule}), applied with the server's rights. */
final class WriteRules {
    private final Map<String, List<WriteRule>> byType = new ConcurrentHashMap<>();
    private final ResourceStore store;
    private final ResourceCodec codec;
    private final AccessGuard guard;

    WriteRules(ResourceStore store, ResourceCodec codec, AccessGuard guard) {
        this.store = store;
        this.codec = codec;
        this.guard = guard;
    }

    void add(WriteRule rule) {
        byType.computeIfAbsent(rule.resourceType(), t -> new CopyOnWriteArrayList<>()).add(rule);
    }

    /**
     * Before {@code next} (null: a delete) replaces the version {@code head} names; {@code prior} is that version
     * when the caller has it, else it is read only if a rule asks.
     */
    void apply(ResourceStore.Key key, ResourceStore.Head head, IBaseResource prior, IBaseResource next, WriteSet writes) {
        List<WriteRule> rules = byType.get(key.type());
        if (rules == null) {
            return;
        }
        IBaseResource[] read = {prior};
        Supplier<IBaseResource> previous = () -> {
            if (read[0] == null && head != null && !head.deleted()) {
                read[0] = codec.open(store.readVersion(key, head.version()).orElseThrow());
            }
            return read[0];
        };
        // what a rule writes or reads is the server's doing, not the caller's
        guard.control().asServer(() -> {
            for (WriteRule rule : rules) {
                rule.beforeWrite(key, previous, next, writes);
            }
            return null;
        });
    }
}

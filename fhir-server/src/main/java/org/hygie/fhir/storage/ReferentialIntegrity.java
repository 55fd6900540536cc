package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.conflict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.SearchParameterRegistry;

/**
 * Referential integrity of what a request or transaction wrote, checked once before commit against the
 * final state: every local reference to a type this server holds points to a live resource, and nothing
 * deleted is still referenced (unless the delete cascaded). References to types it does not hold
 * (Encounter, Condition, Endpoint...) are kept as written and not resolved: standard data that points to
 * the rest of a record loads, and such a reference is never followed (no include, chain or reach).
 */
final class ReferentialIntegrity {
    private final ResourceStore store;
    private final SearchParameterRegistry registry;
    private final IndexProtector protector;

    ReferentialIntegrity(ResourceStore store, SearchParameterRegistry registry, IndexProtector protector) {
        this.store = store;
        this.registry = registry;
        this.protector = protector;
    }

    void verify(WriteSet writes) {
        List<Map.Entry<ResourceStore.Key, String>> held = new ArrayList<>();
        writes.references.values().forEach(m -> m.entrySet().stream()
                // a reference to a type this server does not hold (Encounter, Condition...) is kept as written, unresolved
                .filter(ref -> ref.getKey().type().equals("urn") || registry.supportsType(ref.getKey().type()))
                .forEach(held::add));
        for (Map.Entry<ResourceStore.Key, String> ref : held) {
            ResourceStore.Key target = ref.getKey();
            if (target.type().equals("urn")) {
                throw StorageErrors.danglingReference(target.id(), ref.getValue(), "does not resolve to any entry of the request");
            }
        }
        Set<ResourceStore.Key> missing = store.missing(held.stream().map(Map.Entry::getKey).toList());
        for (Map.Entry<ResourceStore.Key, String> ref : held) {
            if (missing.contains(ref.getKey())) {
                throw StorageErrors.danglingReference(ref.getKey().toString(), ref.getValue(), "points to no existing resource");
            }
        }
        if (!writes.cascade) {
            for (ResourceStore.Key deleted : writes.deleted) {
                List<ResourceStore.Key> referrers = store.liveReferrers(protector.linkKey(deleted.type(), deleted.id()));
                if (!referrers.isEmpty()) {
                    throw conflict(deleted + " is still referenced by " + describe(referrers)
                            + "; delete or update those first, or delete with _cascade=delete", null);
                }
            }
        }
    }

    private static String describe(List<ResourceStore.Key> keys) {
        List<String> shown = keys.stream().limit(5).map(ResourceStore.Key::toString).toList();
        return String.join(", ", shown) + (keys.size() > 5 ? " and " + (keys.size() - 5) + " more" : "");
    }

}

package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.forbidden;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a transaction's writes must satisfy together before it commits: changes to patient data recorded
 * (audit), every held reference resolved (referential integrity), and a restricted caller's writes within
 * their reach, content and references alike.
 */
final class CommitChecks {
    private final ReferentialIntegrity integrity;
    private final AccessGuard guard;
    private final Searches searches;
    private final Predicate<String> heldType;
    private final Supplier<WriteAudit> audit;

    /** @param held whether the store holds a type (references to the others are kept unresolved) */
    CommitChecks(ReferentialIntegrity integrity, AccessGuard guard, Searches searches, Predicate<String> held, Supplier<WriteAudit> audit) {
        this.integrity = integrity;
        this.guard = guard;
        this.searches = searches;
        this.heldType = held;
        this.audit = audit;
    }

    void verify(WriteSet writes) {
        if (!writes.audited.isEmpty()) {
            List<WriteAudit.Written> written = List.copyOf(writes.audited);
            writes.audited.clear();
            guard.control().asServer(() -> {
                audit.get().record(written, writes);
                return null;
            });
        }
        integrity.verify(writes);
        verifyReach(writes);
        writes.restrictedWrites.forEach((key, restriction) -> {
            if (!writes.deleted.contains(key) && !guard.reachable(key, restriction, searches::unrestrictedKeys)) {
                throw forbidden("Your access does not allow writing " + key.type() + " with this content"
                        + " (it would fall outside the resources your token lets you write)");
            }
        });
    }

    /**
     * A restricted caller's writes point only to what they reach as the person they are (their own
     * compartment and the directory for a patient; their relationships for a practitioner): a reference to
     * anything else is refused exactly like one to a resource that does not exist, so it neither reveals
     * that it exists nor ties the caller's data to another patient's (which would block its deletion).
     */
    private void verifyReach(WriteSet writes) {
        for (ResourceStore.Key written : writes.restrictedWrites.keySet()) {
            Map<ResourceStore.Key, String> held = writes.references.getOrDefault(written, Map.of());
            for (Map.Entry<ResourceStore.Key, String> ref : held.entrySet()) {
                ResourceStore.Key target = ref.getKey();
                if (!heldType.test(target.type())) {
                    continue; // a type not held: never resolved, so it reaches nothing
                }
                if (!guard.reachable(target, guard.control().reach(target.type()), searches::unrestrictedKeys)) {
                    throw StorageErrors.danglingReference(target.toString(), ref.getValue(), "points to no existing resource");
                }
            }
        }
    }
}

package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.forbidden;
import static org.hygie.fhir.error.FhirErrors.gone;
import static org.hygie.fhir.error.FhirErrors.notFound;

import java.util.List;
import java.util.Set;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a caller may read of the store: read, vread, history and search, each within the caller's reach
 * (a restricted caller's search is filtered by the store, and anything out of reach reads as unknown);
 * reads under a row lock for rules that write in the caller's transaction; and what a write may touch,
 * decided before its body is read. {@link ResourceService} adds the writes. Every method runs in one
 * read-only transaction, or in the caller's.
 */
public class ResourceReads {
    /** A page of matches, their total when counted, what _include/_revinclude added, and whether more follow. */
    public record Found(List<IBaseResource> resources, Integer total, List<IBaseResource> included, boolean more) {}

    /** A history entry: the resource is null for a deletion. */
    public record HistoryEntry(ResourceStore.Version version, IBaseResource resource) {}

    /**
     * A live resource's current version read under its row lock ({@link #lockLive}), for a rule that writes
     * a changed copy of it in the same transaction ({@link #rewrite}). The resource must stay as read.
     */
    public record Locked(ResourceStore.Head head, IBaseResource resource) {}

    protected final ResourceStore store;
    protected final ResourceCodec codec;
    protected final SearchParameterRegistry registry;
    protected final IndexProtector protector;
    protected final Searches searches;
    protected final AccessGuard guard;
    protected final TransactionTemplate readTx;

    ResourceReads(ResourceStore store, ResourceCodec codec, SearchParameterRegistry registry, IndexProtector protector,
                  Searches searches, AccessGuard guard, TransactionTemplate tx) {
        this.store = store;
        this.codec = codec;
        this.registry = registry;
        this.protector = protector;
        this.searches = searches;
        this.guard = guard;
        this.readTx = new TransactionTemplate(tx.getTransactionManager());
        this.readTx.setReadOnly(true);
    }

    public IBaseResource read(ResourceStore.Key key) {
        return readTx.execute(status -> readCurrent(key));
    }

    protected IBaseResource readCurrent(ResourceStore.Key key) {
        supportedType(key.type());
        checkReadable(key);
        ResourceStore.Current current = store.current(key).orElseThrow(() -> notFound(key + " is not known"));
        if (current.head().deleted()) {
            throw gone(key + " was deleted (version " + current.head().version() + ")");
        }
        return codec.open(current.version());
    }

    public IBaseResource vread(ResourceStore.Key key, int version) {
        return readTx.execute(status -> readVersion(key, version));
    }

    private IBaseResource readVersion(ResourceStore.Key key, int version) {
        supportedType(key.type());
        AccessControl.Restriction restriction = checkReadable(key);
        ResourceStore.Version stored = store.readVersion(key, version)
                .filter(v -> restriction.unrestricted() || inCurrentCompartment(key, v))
                .orElseThrow(() -> notFound(key + " has no version " + version));
        if (stored.deleted()) {
            throw gone("Version " + version + " of " + key + " is a deletion");
        }
        if (stored.payload() == null) {
            throw gone("Version " + version + " of " + key + " was erased");
        }
        return codec.open(stored);
    }

    /**
     * A restricted caller reads only what their search would find: anything else, even a deleted or unknown
     * resource, is a 404 (no 410 that would tell it existed).
     */
    protected AccessControl.Restriction checkReadable(ResourceStore.Key key) {
        AccessControl.Restriction restriction = guard.restriction(key.type(), AccessControl.Interaction.READ);
        guard.checkReachable(key, restriction, searches::unrestrictedKeys);
        return restriction;
    }

    /** 404 unless the caller may read {@code key} (401/403 if they may not read its type at all). */
    public void requireReadable(ResourceStore.Key key) {
        readTx.executeWithoutResult(status -> {
            supportedType(key.type());
            checkReadable(key);
            if (store.head(key).filter(h -> !h.deleted()).isEmpty()) {
                throw notFound(key + " is not known");
            }
        });
    }

    /**
     * Whether a version was written in the compartment the resource is in now: a restricted caller reaches a
     * resource through its current compartment, and sees none of the versions it had in another one.
     */
    private boolean inCurrentCompartment(ResourceStore.Key key, ResourceStore.Version version) {
        return store.head(key).map(h -> java.util.Objects.equals(h.compartment(), version.compartment())).orElse(false);
    }

    /** {@code query} limited to the compartment of {@code patientId} (a compartment search: [base]/Patient/id/Type). */
    public SearchQuery inCompartment(SearchQuery query, String patientId) {
        java.util.List<SearchQuery.Criterion> criteria = new java.util.ArrayList<>(query.criteria());
        criteria.add(guard.compartmentCriterion(query.resourceType(), protector.compartmentKey(patientId)));
        return query.withCriteria(List.copyOf(criteria));
    }

    public Found search(SearchQuery query) {
        return readTx.execute(status -> searches.find(query));
    }

    /**
     * Every resource the query matches, page after page (keyset paging, so memory stays bounded and
     * concurrent writes neither repeat nor skip a resource); the query must not sort.
     */
    public void each(SearchQuery query, java.util.function.Consumer<IBaseResource> action) {
        SearchQuery page = query;
        while (true) {
            Found found = search(page);
            found.resources().forEach(action);
            if (!found.more() || found.resources().isEmpty()) {
                return;
            }
            page = page.withAfter(found.resources().get(found.resources().size() - 1).getIdElement().getIdPart());
        }
    }

    /** The keys of every resource the query matches, up to its page size: no payload is read. */
    public List<ResourceStore.Key> keys(SearchQuery query) {
        return readTx.execute(status -> searches.keys(query));
    }

    /** The query as the store runs it: protected, and with chains through protected references resolved. */
    public SearchQuery asStored(SearchQuery query) {
        return readTx.execute(status -> searches.asStored(query));
    }

    public ResourceStore.Page<HistoryEntry> history(ResourceStore.HistoryQuery query) {
        return readTx.execute(status -> historyPage(query));
    }

    private ResourceStore.Page<HistoryEntry> historyPage(ResourceStore.HistoryQuery query) {
        if (query.type() != null) {
            supportedType(query.type());
        }
        if (query.id() != null) {
            ResourceStore.Key key = new ResourceStore.Key(query.type(), query.id());
            AccessControl.Restriction restriction = checkReadable(key); // before anything stored is looked at
            ResourceStore.Head head = store.head(key).orElseThrow(() -> notFound(key + " is not known"));
            if (!restriction.unrestricted()) {
                query = query.inCompartment(head.compartment()); // versions written in another compartment are not theirs
            }
        } else {
            // whole-type or whole-server history cannot be filtered by compartment (deletions carry no index)
            for (String type : query.type() != null ? Set.of(query.type()) : registry.resourceTypes()) {
                if (!guard.restriction(type, AccessControl.Interaction.SEARCH).unrestricted()) {
                    throw forbidden("History of " + (query.type() != null ? "a whole resource type" : "the whole server")
                            + " needs unrestricted access to " + type + "; read the history of a resource instead");
                }
            }
        }
        ResourceStore.Page<ResourceStore.Version> page = store.history(query);
        List<HistoryEntry> entries = page.items().stream()
                .map(v -> new HistoryEntry(v, v.deleted() || v.payload() == null ? null : codec.open(v)))
                .toList();
        return new ResourceStore.Page<>(entries, page.total());
    }

    protected String supportedType(String type) {
        if (!registry.supportsType(type)) {
            throw badRequest("Resource type " + type + " is not supported by this server", "resourceType");
        }
        return type;
    }

    /** Serializes the writers that take {@code name} until the caller's transaction ends, on every instance (see ResourceStore#lockName). */
    public void lockName(String name) {
        store.lockName(name);
    }

    /** Locks a resource's row until the caller's transaction ends (no-op when it does not exist): lock ordering. */
    public void lock(ResourceStore.Key key) {
        store.lockHead(key);
    }

    /** The current version, its row locked until the caller's transaction ends; empty if it does not exist or was deleted. */
    public java.util.Optional<Locked> lockLive(ResourceStore.Key key) {
        checkReadable(key);
        return store.lockCurrent(key).filter(c -> !c.head().deleted()).map(c -> new Locked(c.head(), codec.open(c.version())));
    }

    /** The current version, its row locked until the caller's transaction ends: for rules that rewrite others. */
    public IBaseResource lockAndRead(ResourceStore.Key key) {
        checkReadable(key);
        ResourceStore.Current current = store.lockCurrent(key).orElseThrow(() -> notFound(key + " is not known"));
        if (current.head().deleted()) {
            throw gone(key + " was deleted");
        }
        return codec.open(current.version());
    }

    /**
     * What a write decides before its body is read (a raw upload is streamed into storage as it arrives): 401/403
     * unless the caller may create ({@code id} null) or update the type, 404 if the resource to update is out of
     * their reach (or, for a restricted caller, does not exist), and 422 if a reference the write will hold is
     * out of their reach, exactly as for a missing one.
     */
    public void checkWritable(String type, String id, java.util.Collection<ResourceStore.Key> references) {
        readTx.executeWithoutResult(status -> {
            supportedType(type);
            AccessControl.Restriction restriction = guard.restriction(type,
                    id == null ? AccessControl.Interaction.CREATE : AccessControl.Interaction.UPDATE);
            if (restriction.unrestricted()) {
                return;
            }
            if (id != null) {
                ResourceStore.Key key = new ResourceStore.Key(type, id);
                guard.checkReachable(key, restriction, searches::unrestrictedKeys);
                if (store.head(key).filter(h -> !h.deleted()).isEmpty()) {
                    throw notFound(key + " is not known");
                }
            }
            for (ResourceStore.Key target : references) {
                if (registry.supportsType(target.type())
                        && !guard.reachable(target, guard.control().reach(target.type()), searches::unrestrictedKeys)) {
                    throw StorageErrors.danglingReference(target.toString(), type, "points to no existing resource");
                }
            }
        });
    }
}

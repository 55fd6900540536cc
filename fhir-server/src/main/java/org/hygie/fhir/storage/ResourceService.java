package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.conflict;
import static org.hygie.fhir.error.FhirErrors.forbidden;
import static org.hygie.fhir.error.FhirErrors.gone;
import static org.hygie.fhir.error.FhirErrors.notFound;
import static org.hygie.fhir.error.FhirErrors.preconditionFailed;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hygie.fhir.storage.PayloadCodec;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.LocalReference;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.hygie.fhir.types.ResourceTypes;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * FHIR REST semantics over the {@link ResourceStore}: server-assigned ids, versions, logical delete,
 * conditional interactions and referential integrity. Every public method runs in one database
 * transaction (joining the caller's when there is one, as a transaction Bundle does), so a failure
 * leaves no trace.
 */
public class ResourceService {
    private static final Pattern ID = LocalReference.ID;
    private static final int CASCADE_DEPTH_LIMIT = 32;

    public record Outcome(IBaseResource resource, ResourceStore.Key key, int version, Instant lastUpdated,
                          boolean created) {}

    /** A page of matches, their total when counted, what _include/_revinclude added, and whether more follow. */
    public record Found(List<IBaseResource> resources, Integer total, List<IBaseResource> included, boolean more) {}

    /** A history entry: the resource is null for a deletion. */
    public record HistoryEntry(ResourceStore.Version version, IBaseResource resource) {}

    /**
     * A live resource's current version read under its row lock ({@link #lockLive}), for a rule that writes
     * a changed copy of it in the same transaction ({@link #rewrite}). The resource must stay as read.
     */
    public record Locked(ResourceStore.Head head, IBaseResource resource) {}

    private final ResourceStore store;
    private final ResourceCodec codec;
    private final IndexExtractor extractor;
    private final SearchParameterRegistry registry;
    private final IndexProtector protector;
    private final ReferenceScanner references;
    private final ConditionalMatcher matcher;
    private final TransactionTemplate tx;
    private final TransactionTemplate readTx;
    private final Clock clock;
    private final ReferentialIntegrity integrity;
    private final Searches searches;
    private final Compartments compartments;
    private final AccessGuard guard;
    private volatile WriteAudit audit = WriteAudit.NONE;
    private volatile WriteValidation validation = WriteValidation.NONE;
    private final Map<String, List<WriteRule>> rules = new java.util.concurrent.ConcurrentHashMap<>();

    public ResourceService(ResourceStore store, ResourceCodec codec, IndexExtractor extractor, SearchParameterRegistry registry,
                           IndexProtector protector, ReferenceScanner references, ConditionalMatcher matcher,
                           Searches searches, AccessGuard guard, TransactionTemplate tx, Clock clock) {
        this.guard = guard;
        this.store = store;
        this.codec = codec;
        this.extractor = extractor;
        this.registry = registry;
        this.protector = protector;
        this.references = references;
        this.matcher = matcher;
        this.tx = tx;
        this.readTx = new TransactionTemplate(tx.getTransactionManager());
        this.readTx.setReadOnly(true);
        this.clock = clock;
        this.integrity = new ReferentialIntegrity(store, registry, protector);
        this.searches = searches;
        this.compartments = new Compartments(store, codec, extractor, registry);
    }

    /** Who may see and change what, from now on (the default, {@link AccessControl#ALL}, restricts nothing). */
    public void setAccessControl(AccessControl control) {
        guard.use(control);
    }

    /** Who checks what clients write (the default checks nothing). */
    public void setWriteValidation(WriteValidation newValidation) {
        this.validation = newValidation;
    }

    /** Who records changes to patient data (the default records nothing). */
    public void setWriteAudit(WriteAudit newAudit) {
        this.audit = newAudit;
    }

    /** The patient whose compartment a resource belongs to, or null (directory data). */
    public String patientOf(IBaseResource resource) {
        // directory data (most of what searches return) needs no index extraction to know it has no patient
        return compartments.mayHoldPatientData(resource.fhirType()) ? compartments.patientOf(resource, extractor.extract(resource)) : null;
    }

    public AccessControl accessControl() {
        return guard.control();
    }

    /** Adds a rule that every write of its resource type obeys (see {@link WriteRule}). */
    public void addRule(WriteRule rule) {
        rules.computeIfAbsent(rule.resourceType(), t -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(rule);
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

    /**
     * Writes {@code next} as the version after {@code locked} (a copy of it, changed): no second lock, and the
     * store rewrites only the index tables whose rows change, since the replaced version's are known. A
     * version written meanwhile in the same transaction makes it a 409, like a concurrent write.
     */
    public Outcome rewrite(Locked locked, IBaseResource next, WriteSet writes) {
        ResourceStore.Key key = new ResourceStore.Key(locked.head().type(), locked.head().id());
        if (!key.type().equals(next.fhirType()) || !key.id().equals(next.getIdElement().getIdPart())) {
            throw new IllegalArgumentException("a rewrite of " + key + " must keep its type and id");
        }
        return write(key, locked.head(), next, "PUT", writes, locked.resource());
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

    private void applyRules(ResourceStore.Key key, ResourceStore.Head head, IBaseResource prior, IBaseResource next, WriteSet writes) {
        List<WriteRule> typeRules = rules.get(key.type());
        if (typeRules == null) {
            return;
        }
        IBaseResource[] read = {prior};
        java.util.function.Supplier<IBaseResource> previous = () -> {
            if (read[0] == null && head != null && !head.deleted()) {
                read[0] = codec.open(store.readVersion(key, head.version()).orElseThrow());
            }
            return read[0];
        };
        // what a rule writes or reads is the server's doing, not the caller's
        guard.control().asServer(() -> {
            for (WriteRule rule : typeRules) {
                rule.beforeWrite(key, previous, next, writes);
            }
            return null;
        });
    }

    /** Runs {@code work} in one transaction and checks referential integrity of what it wrote before commit. */
    public <T> T inTransaction(Function<WriteSet, T> work) {
        return tx.execute(status -> {
            WriteSet writes = new WriteSet();
            T result = work.apply(writes);
            if (!writes.audited.isEmpty()) {
                List<WriteAudit.Written> written = List.copyOf(writes.audited);
                writes.audited.clear();
                guard.control().asServer(() -> {
                    audit.record(written, writes);
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
            return result;
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
                if (!registry.supportsType(target.type())) {
                    continue; // a type not held: never resolved, so it reaches nothing
                }
                if (!guard.reachable(target, guard.control().reach(target.type()), searches::unrestrictedKeys)) {
                    throw StorageErrors.danglingReference(target.toString(), ref.getValue(), "points to no existing resource");
                }
            }
        }
    }

    public Outcome create(IBaseResource resource, String ifNoneExist, String serverBase, WriteSet writes) {
        String type = supportedType(resource.fhirType());
        if (ifNoneExist != null) {
            List<ResourceStore.Key> matches = matcher.matches(type, ifNoneExist, serverBase, "If-None-Exist");
            if (matches.size() > 1) {
                throw preconditionFailed("If-None-Exist criteria match more than one " + type, "If-None-Exist");
            }
            if (matches.size() == 1) {
                ResourceStore.Head head = store.head(matches.get(0)).orElseThrow();
                return new Outcome(readCurrent(matches.get(0)), matches.get(0), head.version(), head.lastUpdated(), false);
            }
        }
        ResourceStore.Key key = new ResourceStore.Key(type, UUID.randomUUID().toString());
        return write(key, null, resource, "POST", writes, null);
    }

    public Outcome update(ResourceStore.Key key, IBaseResource resource, Integer ifMatch, WriteSet writes) {
        supportedType(key.type());
        if (!ID.matcher(key.id()).matches()) {
            throw badRequest("'" + key.id() + "' is not a valid resource id (1-64 of A-Z a-z 0-9 - .)", "id");
        }
        if (!key.type().equals(resource.fhirType())) {
            throw badRequest("Body is a " + resource.fhirType() + " but the URL is for " + key.type(), "resourceType");
        }
        String bodyId = resource.getIdElement().getIdPart();
        if (bodyId == null) {
            throw badRequest("The resource in an update must carry its id (" + key.id() + ")", resource.fhirType() + ".id");
        }
        if (!bodyId.equals(key.id())) {
            throw badRequest("Resource id '" + bodyId + "' in the body does not match '" + key.id() + "' in the URL",
                    resource.fhirType() + ".id");
        }
        AccessControl.Restriction restriction = guard.restriction(key.type(), AccessControl.Interaction.UPDATE);
        // a restricted caller changes only what it reaches, and never creates by update: then an id out of its
        // reach and one that does not exist answer alike (404), before anything stored is looked at
        guard.checkReachable(key, restriction, searches::unrestrictedKeys);
        ResourceStore.Head head = store.lockHead(key).orElse(null);
        if (!restriction.unrestricted() && (head == null || head.deleted())) {
            throw notFound(key + " is not known");
        }
        if (ifMatch != null && (head == null || head.deleted() || head.version() != ifMatch)) {
            throw preconditionFailed("If-Match version " + ifMatch + " of " + key + " is not current"
                    + (head == null ? " (no such resource)" : " (current version is " + head.version() + ")"), "If-Match");
        }
        return write(key, head, resource, "PUT", writes, null);
    }

    public Outcome conditionalUpdate(String type, String criteria, IBaseResource resource, String serverBase, WriteSet writes) {
        List<ResourceStore.Key> matches = matcher.matches(type, criteria, serverBase, "url");
        if (matches.size() > 1) {
            throw preconditionFailed("Conditional update criteria match more than one " + type, "url");
        }
        String bodyId = resource.getIdElement().getIdPart();
        if (matches.isEmpty()) {
            if (bodyId == null) {
                return write(new ResourceStore.Key(supportedType(type), UUID.randomUUID().toString()), null, resource, "PUT", writes, null);
            }
            ResourceStore.Key key = new ResourceStore.Key(type, bodyId);
            if (!guard.restriction(type, AccessControl.Interaction.UPDATE).unrestricted()) {
                return update(key, resource, null, writes); // 404 unless reachable: no probe of what exists
            }
            if (store.head(key).filter(h -> !h.deleted()).isPresent()) {
                throw conflict("No " + type + " matches the criteria, but " + key + " exists already", type + ".id");
            }
            return update(key, resource, null, writes);
        }
        ResourceStore.Key match = matches.get(0);
        if (bodyId == null) {
            resource.setId(match.id());
        }
        return update(match, resource, null, writes);
    }

    /**
     * Logical delete. Deleting a deleted resource, one that never existed or one out of the caller's reach
     * changes nothing and answers alike (R4: 200 or 204 when the resource does not exist): the outcome has
     * no key.
     */
    public Outcome delete(ResourceStore.Key key, boolean cascade, WriteSet writes) {
        return delete(key, cascade, writes, 0);
    }

    private Outcome delete(ResourceStore.Key key, boolean cascade, WriteSet writes, int depth) {
        supportedType(key.type());
        AccessControl.Restriction restriction = guard.restriction(key.type(), AccessControl.Interaction.DELETE);
        if (!guard.reachable(key, restriction, searches::unrestrictedKeys)) { // deleted ones included: as unknown
            return new Outcome(null, null, 0, null, false);
        }
        ResourceStore.Head head = store.lockHead(key).orElse(null);
        if (head == null) {
            return new Outcome(null, null, 0, null, false);
        }
        if (head.deleted()) { // deleting again changes nothing and answers the deletion that stands
            return new Outcome(null, key, head.version(), head.lastUpdated(), false);
        }
        if (cascade) {
            if (depth > CASCADE_DEPTH_LIMIT) {
                throw conflict("Cascading delete from " + key + " goes deeper than " + CASCADE_DEPTH_LIMIT + " levels", null);
            }
            writes.cascade = true;
        }
        applyRules(key, head, null, null, writes);
        if (audit != WriteAudit.NONE && !isAuditTrail(key.type()) && compartments.mayHoldPatientData(key.type())) {
            ResourceStore.Version previous = store.readVersion(key, head.version()).orElseThrow();
            String patientId = previous.payload() == null ? null : patientOf(codec.open(previous));
            if (patientId != null) {
                writes.audited.add(new WriteAudit.Written(key, head.version() + 1, "DELETE", patientId));
            }
        }
        Instant now = nextInstant(head);
        store.writeVersion(new ResourceStore.NewVersion(head, key.type(), key.id(), head.version() + 1, now, "DELETE", true,
                "none", null, head.compartment(), List.of(), Set.of(), null));
        writes.deleted.add(key);
        writes.references.remove(key);
        if (cascade) {
            for (ResourceStore.Key referrer : store.liveReferrers(protector.linkKey(key.type(), key.id()))) {
                delete(referrer, true, writes, depth + 1);
            }
        }
        return new Outcome(null, key, head.version() + 1, now, false);
    }

    /** Conditional delete: no match deletes nothing; several matches are refused (412). */
    public Outcome conditionalDelete(String type, String criteria, String serverBase, WriteSet writes) {
        List<ResourceStore.Key> matches = matcher.matches(type, criteria, serverBase, "url");
        if (matches.size() > 1) {
            throw preconditionFailed("Conditional delete criteria match more than one " + type, "url");
        }
        if (matches.isEmpty()) {
            return new Outcome(null, null, 0, null, false);
        }
        return delete(matches.get(0), false, writes);
    }

    /** Up to two resources matching conditional criteria (enough to tell none, one and several apart). */
    public List<ResourceStore.Key> matches(String type, String criteria, String serverBase) {
        return matcher.matches(supportedType(type), criteria, serverBase, "url");
    }

    /** Creates a resource under an id chosen beforehand (a transaction assigns ids before writing). */
    public Outcome createAs(ResourceStore.Key key, IBaseResource resource, WriteSet writes) {
        if (!key.type().equals(resource.fhirType())) {
            throw badRequest("Body is a " + resource.fhirType() + " but the request is for " + key.type(), "resourceType");
        }
        return write(key, null, resource, "POST", writes, null);
    }

    /** The one resource matching conditional criteria: 404 when none does, 412 when several do. */
    public ResourceStore.Key singleMatch(String type, String criteria, String serverBase) {
        List<ResourceStore.Key> matches = matcher.matches(supportedType(type), criteria, serverBase, "url");
        if (matches.isEmpty()) {
            throw notFound("No " + type + " matches " + criteria);
        }
        if (matches.size() > 1) {
            throw preconditionFailed("Criteria " + criteria + " match more than one " + type, "url");
        }
        return matches.get(0);
    }

    /** Stores a patched copy of the current version; {@code patch} must keep the resource's type and id. */
    public Outcome patch(ResourceStore.Key key, Integer ifMatch, Function<IBaseResource, IBaseResource> patch, WriteSet writes) {
        supportedType(key.type());
        // decided before anything stored is read: a patch reads what it changes, so the caller must reach it for
        // both; out of reach (deleted included) is a 404, exactly like a resource that does not exist
        AccessControl.Restriction update = guard.restriction(key.type(), AccessControl.Interaction.UPDATE);
        AccessControl.Restriction read = guard.restriction(key.type(), AccessControl.Interaction.READ);
        guard.checkReachable(key, update, searches::unrestrictedKeys);
        guard.checkReachable(key, read, searches::unrestrictedKeys);
        ResourceStore.Current locked = store.lockCurrent(key).orElseThrow(() -> notFound(key + " is not known"));
        ResourceStore.Head head = locked.head();
        if (head.deleted()) {
            throw gone(key + " was deleted");
        }
        if (ifMatch != null && head.version() != ifMatch) {
            throw preconditionFailed("If-Match version " + ifMatch + " of " + key + " is not current (current version is "
                    + head.version() + ")", "If-Match");
        }
        IBaseResource current = codec.open(locked.version());
        IBaseResource patched = patch.apply(current);
        if (!patched.fhirType().equals(key.type()) || !key.id().equals(patched.getIdElement().getIdPart())) {
            throw StorageErrors.patchChangedIdentity(key);
        }
        return write(key, head, patched, "PATCH", writes, null);
    }

    public IBaseResource read(ResourceStore.Key key) {
        return readTx.execute(status -> readCurrent(key));
    }

    private IBaseResource readCurrent(ResourceStore.Key key) {
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
    private AccessControl.Restriction checkReadable(ResourceStore.Key key) {
        AccessControl.Restriction restriction = guard.restriction(key.type(), AccessControl.Interaction.READ);
        guard.checkReachable(key, restriction, searches::unrestrictedKeys);
        return restriction;
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

    /**
     * Rebuilds the index rows, links and compartment of a resource's current version with {@code target}
     * (index key rotation); returns the compartment names before and after, or null outside a compartment.
     */
    public String[] reindex(ResourceStore.Head head, IndexProtector target) {
        IBaseResource resource = codec.open(store.readVersion(new ResourceStore.Key(head.type(), head.id()), head.version()).orElseThrow());
        List<IndexEntry> entries = extractor.extract(resource);
        String patientId = compartments.patientOf(resource, entries);
        Set<String> links = linkKeys(references.localReferences(resource), target);
        String compartment = target.compartmentKey(patientId);
        store.replaceIndex(head, target.protect(head.type(), entries), links, compartment);
        return patientId == null ? null : new String[] {protector.compartmentKey(patientId), compartment};
    }

    /** {@code prior}: the version {@code previous} names, as stored, when the caller has it (else null). */
    private Outcome write(ResourceStore.Key key, ResourceStore.Head previous, IBaseResource resource, String method, WriteSet writes,
                          IBaseResource prior) {
        AccessControl.Restriction restriction = guard.restriction(key.type(),
                method.equals("POST") ? AccessControl.Interaction.CREATE : AccessControl.Interaction.UPDATE);
        if (!restriction.unrestricted()) {
            writes.restrictedWrites.put(key, restriction); // the callers checked that it reaches what exists
        }
        int version = previous == null ? 1 : previous.version() + 1;
        Instant now = nextInstant(previous);
        resource.setId(new IdType(key.type(), key.id(), Integer.toString(version)));
        ((Resource) resource).getMeta().setVersionId(Integer.toString(version)).setLastUpdated(Date.from(now));
        if (guard.control().servesClient()) {
            validation.check(resource);
        }
        applyRules(key, previous, prior, resource, writes);
        List<IndexEntry> entries = extractor.extract(resource);
        String patientId = compartments.patientOf(resource, entries);
        String compartment = protector.compartmentKey(patientId);
        if (previous != null && previous.deleted() && !java.util.Objects.equals(previous.compartment(), compartment)) {
            throw conflict(key + " was deleted from another compartment; a deleted id is not reused for other data"
                    + " (create it with a new id)", key.type() + ".id");
        }
        if (patientId != null && !isAuditTrail(key.type())) {
            writes.audited.add(new WriteAudit.Written(key, version, method, patientId));
        }
        Map<ResourceStore.Key, String> held = heldReferences(key, resource);
        Set<String> links = linkKeys(held, protector);
        ResourceStore.Prior priorIndex = prior == null ? null
                : new ResourceStore.Prior(protector.protect(key.type(), extractor.extract(prior)), linkKeys(heldReferences(key, prior), protector));
        PayloadCodec.Sealed sealed = codec.seal(resource, key, version, compartment);
        try {
            store.writeVersion(new ResourceStore.NewVersion(previous, key.type(), key.id(), version, now, method, false,
                    sealed.keyId(), sealed.bytes(), compartment, protector.protect(key.type(), entries), links, priorIndex));
        } catch (DuplicateKeyException | OptimisticLockingFailureException raced) {
            throw conflict(key + " was written concurrently by another request; retry", null);
        }
        writes.references.put(key, held);
        writes.deleted.remove(key);
        boolean created = previous == null || previous.deleted();
        return new Outcome(resource, key, version, now, created);
    }

    /** The local references a version holds, for referential integrity. */
    private Map<ResourceStore.Key, String> heldReferences(ResourceStore.Key key, IBaseResource resource) {
        // an audit record names what was accessed, even once it is deleted: it neither blocks deletes nor needs its targets
        return isAuditTrail(key.type()) ? Map.of() : references.localReferences(resource);
    }

    /** The link keys of held references under {@code keys} (what blocks a referenced resource's delete). */
    private static Set<String> linkKeys(Map<ResourceStore.Key, String> held, IndexProtector keys) {
        Set<String> links = new HashSet<>();
        held.keySet().stream().filter(k -> !k.type().equals("urn")).forEach(k -> links.add(keys.linkKey(k.type(), k.id())));
        return links;
    }

    /** Now, at millisecond precision, strictly after the previous version so history order is total per resource. */
    private Instant nextInstant(ResourceStore.Head previous) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (previous != null && !now.isAfter(previous.lastUpdated())) {
            now = previous.lastUpdated().plusMillis(1);
        }
        return now;
    }

    /** The audit trail is written by the server, not audited itself, and names what it records without holding it. */
    private static boolean isAuditTrail(String type) {
        return ResourceTypes.kind(type) == ResourceTypes.Kind.AUDIT;
    }

    private String supportedType(String type) {
        if (!registry.supportsType(type)) {
            throw badRequest("Resource type " + type + " is not supported by this server", "resourceType");
        }
        return type;
    }
}

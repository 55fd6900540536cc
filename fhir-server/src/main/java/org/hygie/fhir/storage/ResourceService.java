package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.conflict;
import static org.hygie.fhir.error.FhirErrors.gone;
import static org.hygie.fhir.error.FhirErrors.notFound;
import static org.hygie.fhir.error.FhirErrors.preconditionFailed;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.LocalReference;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * FHIR REST semantics over the {@link ResourceStore}: server-assigned ids, versions, logical delete,
 * conditional interactions and referential integrity, over the reads of {@link ResourceReads}. Every public method runs in one database
 * transaction (joining the caller's when there is one, as a transaction Bundle does), so a failure
 * leaves no trace.
 */
public class ResourceService extends ResourceReads {
    private static final Pattern ID = LocalReference.ID;
    private static final int CASCADE_DEPTH_LIMIT = 32;

    public record Outcome(IBaseResource resource, ResourceStore.Key key, int version, Instant lastUpdated,
                          boolean created) {}

    private final ConditionalMatcher matcher;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Compartments compartments;
    private final VersionIndexes indexes;
    private final WriteRules rules;
    private final CommitChecks commitChecks;
    private volatile WriteAudit audit = WriteAudit.NONE;
    private volatile WriteValidation validation = WriteValidation.NONE;

    public ResourceService(ResourceStore store, ResourceCodec codec, IndexExtractor extractor, SearchParameterRegistry registry,
                           IndexProtector protector, ReferenceScanner references, ConditionalMatcher matcher,
                           Searches searches, AccessGuard guard, TransactionTemplate tx, Clock clock) {
        super(store, codec, registry, protector, searches, guard, tx);
        this.matcher = matcher;
        this.tx = tx;
        this.clock = clock;
        this.compartments = new Compartments(store, codec, extractor, registry);
        this.indexes = new VersionIndexes(extractor, compartments, references);
        this.rules = new WriteRules(store, codec, guard);
        this.commitChecks = new CommitChecks(new ReferentialIntegrity(store, registry, protector), guard, searches, registry::supportsType,
                () -> audit);
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
        return compartments.mayHoldPatientData(resource.fhirType()) ? indexes.patientOf(resource, indexes.entries(resource)) : null;
    }

    public AccessControl accessControl() {
        return guard.control();
    }

    /** Adds a rule that every write of its resource type obeys (see {@link WriteRule}). */
    public void addRule(WriteRule rule) {
        rules.add(rule);
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

    /** Runs {@code work} in one transaction and checks what it wrote before commit ({@link CommitChecks}). */
    public <T> T inTransaction(Function<WriteSet, T> work) {
        return tx.execute(status -> {
            WriteSet writes = new WriteSet();
            T result = work.apply(writes);
            commitChecks.verify(writes);
            return result;
        });
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
        rules.apply(key, head, null, null, writes);
        if (audit != WriteAudit.NONE && !VersionIndexes.isAuditTrail(key.type()) && compartments.mayHoldPatientData(key.type())) {
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

    /**
     * Rebuilds the index rows, links and compartment of a resource's current version with {@code target}
     * (index key rotation); returns the compartment names before and after, or null outside a compartment.
     */
    public String[] reindex(ResourceStore.Head head, IndexProtector target) {
        IBaseResource resource = codec.open(store.readVersion(new ResourceStore.Key(head.type(), head.id()), head.version()).orElseThrow());
        List<IndexEntry> entries = indexes.entries(resource);
        String patientId = indexes.patientOf(resource, entries);
        Set<String> links = VersionIndexes.links(indexes.held(new ResourceStore.Key(head.type(), head.id()), resource), target);
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
        rules.apply(key, previous, prior, resource, writes);
        List<IndexEntry> entries = indexes.entries(resource);
        String patientId = indexes.patientOf(resource, entries);
        String compartment = protector.compartmentKey(patientId);
        if (previous != null && previous.deleted() && !java.util.Objects.equals(previous.compartment(), compartment)) {
            throw conflict(key + " was deleted from another compartment; a deleted id is not reused for other data"
                    + " (create it with a new id)", key.type() + ".id");
        }
        if (patientId != null && !VersionIndexes.isAuditTrail(key.type())) {
            writes.audited.add(new WriteAudit.Written(key, version, method, patientId));
        }
        Map<ResourceStore.Key, String> held = indexes.held(key, resource);
        Set<String> links = VersionIndexes.links(held, protector);
        ResourceStore.Prior priorIndex = prior == null ? null : indexes.prior(key, prior, protector);
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

    /** Now, at millisecond precision, strictly after the previous version so history order is total per resource. */
    private Instant nextInstant(ResourceStore.Head previous) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (previous != null && !now.isAfter(previous.lastUpdated())) {
            now = previous.lastUpdated().plusMillis(1);
        }
        return now;
    }


}

package org.hygie.fhir.storage;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.search.SearchQuery;

/**
 * Durable, versioned storage of resources as opaque payloads plus their search index.
 *
 * <p>Semantics every implementation keeps (proved by the store contract tests):
 * <ul>
 *   <li>All calls join the caller's transaction; nothing here commits on its own.</li>
 *   <li>A resource that never existed has no {@link Head}; a deleted one has a head with
 *       {@code deleted = true} and its versions stay readable through {@link #readVersion}.</li>
 *   <li>{@link #writeVersion} appends a version; it never rewrites one. Index rows and links always
 *       describe the current version only, and a deleted resource has none.</li>
 *   <li>{@link #lockHead} serializes writers of one resource until the transaction ends, so version
 *       numbers are gap-free and a version check made under the lock holds at commit.</li>
 *   <li>Search and history read index rows and version metadata only, never payloads.</li>
 * </ul>
 */
public interface ResourceStore {

    record Key(String type, String id) {
        @Override
        public String toString() {
            return type + "/" + id;
        }
    }

    /**
     * The current state of a resource. {@code compartment} (protected, null for directory data) is kept when
     * the resource is deleted: a deleted id stays tied to the compartment it was in.
     */
    record Head(long pk, String type, String id, int version, boolean deleted, Instant lastUpdated, String compartment) {}

    /**
     * A version to append. {@code previous} is null for the first version. {@code payload} is null for a
     * delete. {@code links} are the link keys ({@code IndexProtector#linkKey}) of the local references the
     * version holds; {@code compartment} and {@code entries} are already protected.
     */
    record NewVersion(Head previous, String type, String id, int version, Instant lastUpdated, String method,
                      boolean deleted, String keyId, byte[] payload, String compartment,
                      List<IndexEntry> entries, Set<String> links, Prior prior) {}

    /**
     * The index of the version a write replaces ({@code previous}), when the writer has that version in
     * hand: protected entries and link keys, as they were written. The store may then rewrite only the
     * index tables whose rows differ; null means unknown, and every table is rewritten.
     */
    record Prior(List<IndexEntry> entries, Set<String> links) {}

    /**
     * A stored version: what history and reads return before the payload is opened. {@code compartment} is the
     * one the version was written in (a resource may move between compartments; each version keeps its own).
     */
    record Version(String type, String id, int version, Instant lastUpdated, String method, boolean deleted,
                   String keyId, byte[] payload, String compartment) {}

    /** A resource's head with its current version (for a deleted resource, the deletion). */
    record Current(Head head, Version version) {}

    record Page<T>(List<T> items, Integer total) {}

    /**
     * History filters: {@code type} and {@code id} may be null (system or type level). With {@code inCompartment},
     * only versions written in {@code compartment} (null: outside every compartment) are listed.
     */
    record HistoryQuery(String type, String id, Instant since, Instant atLow, Instant atHigh, int count, int offset,
                        boolean inCompartment, String compartment) {
        public HistoryQuery(String type, String id, Instant since, Instant atLow, Instant atHigh, int count, int offset) {
            this(type, id, since, atLow, atHigh, count, offset, false, null);
        }

        public HistoryQuery inCompartment(String only) {
            return new HistoryQuery(type, id, since, atLow, atHigh, count, offset, true, only);
        }
    }

    Optional<Head> head(Key key);

    /** As {@link #head}, holding a row lock on the resource until the transaction ends. */
    Optional<Head> lockHead(Key key);

    /** The head and its current version, read together. */
    Optional<Current> current(Key key);

    /** As {@link #current}, holding the row lock of {@link #lockHead}. */
    Optional<Current> lockCurrent(Key key);

    Head writeVersion(NewVersion version);

    Optional<Version> readVersion(Key key, int version);

    /** Current versions of non-deleted resources, in the order of {@code pks}. */
    List<Version> readCurrent(List<Long> pks);

    /** The keys of resources by primary key, in the order of {@code pks}: what a search matched, without payloads. */
    List<Key> keys(List<Long> pks);

    /** Primary keys of matching current resources, in result order, plus the total when asked for. */
    Page<Long> search(SearchQuery query);

    Page<Version> history(HistoryQuery query);

    /** Live resources whose current version holds a reference with this link key. */
    List<Key> liveReferrers(String linkKey);

    /** Live resources with a primary key above {@code afterPk}, in key order (re-indexing in batches). */
    List<Head> liveAfter(long afterPk, int limit);

    /** Replaces the index rows, links and compartment of a resource's current version (re-indexing). */
    void replaceIndex(Head head, List<IndexEntry> entries, Set<String> links, String compartment);

    /** Renames a compartment on every resource row and version, deleted ones included. */
    void renameCompartment(String from, String to);

    /**
     * Crypto-shredding of one compartment's resources: every one is marked deleted, its index rows and
     * links are removed and the payloads sealed under {@code keyId} are dropped from every version.
     */
    int erase(String compartment, String keyId);

    /**
     * Serializes, until the transaction ends, every writer that takes the same {@code name} (a value that must stay
     * unique, say), on any number of server instances.
     */
    void lockName(String name);

    /** Records that the compartment is open to each of {@code grantees} (a care relationship); idempotent. */
    void openCompartment(String compartment, Collection<String> grantees);

        /** Those of {@code targets} that do not exist or are deleted. */
    Set<Key> missing(Collection<Key> targets);
}

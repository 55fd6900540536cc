package org.hygie.fhir.storage;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.types.ResourceTypes;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** What the store keeps of a version beside its payload: index entries, compartment, held references and their links. */
final class VersionIndexes {
    private final IndexExtractor extractor;
    private final Compartments compartments;
    private final ReferenceScanner references;

    VersionIndexes(IndexExtractor extractor, Compartments compartments, ReferenceScanner references) {
        this.extractor = extractor;
        this.compartments = compartments;
        this.references = references;
    }

    List<IndexEntry> entries(IBaseResource resource) {
        return extractor.extract(resource);
    }

    /** The patient whose compartment the version belongs to, or null (directory data). */
    String patientOf(IBaseResource resource, List<IndexEntry> entries) {
        return compartments.patientOf(resource, entries);
    }

    /** The local references a version holds, for referential integrity. */
    Map<ResourceStore.Key, String> held(ResourceStore.Key key, IBaseResource resource) {
        // an audit record names what was accessed, even once it is deleted: it neither blocks deletes nor needs its targets
        return isAuditTrail(key.type()) ? Map.of() : references.localReferences(resource);
    }

    /** The link keys of held references under {@code keys} (what blocks a referenced resource's delete). */
    static Set<String> links(Map<ResourceStore.Key, String> held, IndexProtector keys) {
        Set<String> links = new HashSet<>();
        held.keySet().stream().filter(k -> !k.type().equals("urn")).forEach(k -> links.add(keys.linkKey(k.type(), k.id())));
        return links;
    }

    /** The replaced version's index as stored, so the store rewrites only what changes (ADR 0010). */
    ResourceStore.Prior prior(ResourceStore.Key key, IBaseResource prior, IndexProtector protector) {
        return new ResourceStore.Prior(protector.protect(key.type(), entries(prior)), links(held(key, prior), protector));
    }

    /** The audit trail is written by the server, not audited itself, and names what it records without holding it. */
    static boolean isAuditTrail(String type) {
        return ResourceTypes.kind(type) == ResourceTypes.Kind.AUDIT;
    }
}

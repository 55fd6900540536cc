package org.hygie.fhir.storage;

import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Domain rules of one resource type (booking, for instance) that every write path obeys: REST
 * interactions, transaction entries and operations all go through {@link ResourceService}, which runs
 * the rule inside the write's database transaction, before the new version is stored. A rule refuses a
 * write by throwing a FHIR error; it may write other resources through the service (same transaction).
 */
public interface WriteRule {
    String resourceType();

    /**
     * @param previous the current version (read and decrypted on first call only), or null when the
     *                 resource is new (or was deleted)
     * @param next the version about to be stored (its id set), or null for a delete
     */
    void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes);
}

package org.hygie.fhir.storage;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one request (or one transaction Bundle) wrote, so referential integrity is checked once, at the
 * end, against the final state: entries of a transaction may reference each other in any order.
 */
public final class WriteSet {
    /** Written resource -> the local references it holds, each with the element path that holds it. */
    final Map<ResourceStore.Key, Map<ResourceStore.Key, String>> references = new LinkedHashMap<>();
    final Set<ResourceStore.Key> deleted = new LinkedHashSet<>();
    /** Deleted through _cascade=delete: their referrers were deleted with them. */
    boolean cascade;
    /** Written by a restricted caller: each must still be within their reach when the transaction ends. */
    final Map<ResourceStore.Key, AccessControl.Restriction> restrictedWrites = new LinkedHashMap<>();
    /** Patient data written, for the audit trail. */
    final java.util.List<WriteAudit.Written> audited = new java.util.ArrayList<>();
}

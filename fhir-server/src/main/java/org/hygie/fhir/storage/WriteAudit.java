package org.hygie.fhir.storage;

import java.util.List;

/**
 * Told, inside the writing transaction and before it commits, which patient data it wrote: the audit
 * record of a change commits with the change or not at all.
 */
public interface WriteAudit {

    /** One written version of a resource in a patient's compartment; {@code method} POST, PUT, PATCH or DELETE. */
    record Written(ResourceStore.Key key, int version, String method, String patientId) {}

    /** Called with the server's rights; may write (AuditEvents) through {@code writes}. */
    void record(List<Written> written, WriteSet writes);

    WriteAudit NONE = (written, writes) -> { };
}

package org.hygie.fhir.storage;

import java.util.Collection;
import org.hygie.fhir.storage.index.IndexProtector;

/**
 * Care relationships: which practitioners (or roles) a patient's record is open to. A practitioner's reach
 * to a patient comes only from here ({@code AccessControl.Restriction#grantedTo}), and a relationship is
 * recorded by the server, in the transaction of the write that makes it, when the patient or the operator's
 * own software books with that practitioner (docs/adr/0005). Kept under the patient's compartment name,
 * never their id in clear.
 */
public final class CareRelationships {
    private final ResourceStore store;
    private final IndexProtector protector;

    CareRelationships(ResourceStore store, IndexProtector protector) {
        this.store = store;
        this.protector = protector;
    }

    /** Opens {@code patientId}'s record to {@code grantees} (Practitioner/ID, PractitionerRole/ID), in the caller's transaction. */
    public void open(String patientId, Collection<String> grantees) {
        if (!grantees.isEmpty()) {
            store.openCompartment(protector.compartmentKey(patientId), grantees);
        }
    }
}

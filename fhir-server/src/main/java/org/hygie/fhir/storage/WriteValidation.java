package org.hygie.fhir.storage;

import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Checks what a client writes (create, update, patch result, transaction entry, operation input) before
 * the store's rules run; what the server writes on its own (rules' side effects, audit records) is not
 * checked. Refuses by throwing a FHIR error (422).
 */
public interface WriteValidation {
    void check(IBaseResource resource);

    WriteValidation NONE = resource -> { };
}

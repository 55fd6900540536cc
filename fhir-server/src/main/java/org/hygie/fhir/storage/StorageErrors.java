package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.unprocessable;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;

/** Storage-specific error messages, kept out of the service's control flow. */
final class StorageErrors {
    private StorageErrors() {}

    static UnprocessableEntityException danglingReference(String reference, String path, String why) {
        return unprocessable("Reference '" + reference + "' at " + path + " " + why, path);
    }

    static UnprocessableEntityException patchChangedIdentity(ResourceStore.Key key) {
        return unprocessable("A patch may not change the type or id of " + key, "id");
    }
}

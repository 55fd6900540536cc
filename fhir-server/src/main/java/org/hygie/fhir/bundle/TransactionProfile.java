package org.hygie.fhir.bundle;

import java.util.List;
import org.hygie.fhir.storage.WriteSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/** Rules a kind of transaction Bundle obeys on top of FHIR's (e.g. IHE MHD's Provide Document Bundle). */
public interface TransactionProfile {

    boolean appliesTo(Bundle bundle);

    /** Before anything is written: refuse (4xx) or complete the bundle (references are not resolved yet). */
    void before(Bundle bundle);

    /** After every entry is written, in the same transaction, with the resources as stored. */
    void after(List<IBaseResource> written, WriteSet writes);
}

package org.hygie.fhir.web;

import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hygie.fhir.bundle.BundleProcessor;
import org.hl7.fhir.r4.model.Bundle;

/** System-level interactions: transaction and batch Bundles, and system history. */
public class SystemProvider {
    private final BundleProcessor bundles;
    private final HistoryRequests history;

    public SystemProvider(BundleProcessor bundles, HistoryRequests history) {
        this.bundles = bundles;
        this.history = history;
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle, RequestDetails request) {
        String prefer = request.getHeader("Prefer");
        boolean representation = prefer != null && prefer.replace(" ", "").contains("return=representation");
        return bundles.process(bundle, request.getFhirServerBase(), representation);
    }

    @History
    public Bundle systemHistory(RequestDetails request) {
        return history.bundle(request, null, null);
    }
}

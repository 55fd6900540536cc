package org.hygie.fhir.web;

import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hygie.fhir.bundle.BundleProcessor;
import org.hl7.fhir.r4.model.Bundle;

/** System-level interactions: transaction and batch Bundles, system history and search. */
public class SystemProvider {
    private final BundleProcessor bundles;
    private final HistoryRequests history;
    private final SystemSearch search;

    SystemProvider(BundleProcessor bundles, HistoryRequests history, SystemSearch search) {
        this.bundles = bundles;
        this.history = history;
        this.search = search;
    }

    @ca.uhn.fhir.rest.annotation.Search(allowUnknownParams = true)
    public Bundle search(RequestDetails request) {
        return search.search(request);
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

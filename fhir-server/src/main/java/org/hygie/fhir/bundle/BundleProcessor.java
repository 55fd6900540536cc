package org.hygie.fhir.bundle;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.error.FhirErrors;
import org.hygie.fhir.storage.ReferenceScanner;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code POST [base]} with a transaction or batch Bundle. A transaction is all-or-nothing in one database
 * transaction; a batch runs each entry in its own and reports each outcome.
 */
public class BundleProcessor {
    private final FhirContext fhirContext;
    private final ResourceService service;
    private final EntryExecutor executor;
    private final ReferenceScanner references;
    private final List<TransactionProfile> profiles = new java.util.concurrent.CopyOnWriteArrayList<>();

    public BundleProcessor(FhirContext fhirContext, ResourceService service, EntryExecutor executor) {
        this.fhirContext = fhirContext;
        this.service = service;
        this.executor = executor;
        this.references = new ReferenceScanner(fhirContext);
    }

    public void addProfile(TransactionProfile profile) {
        profiles.add(profile);
    }

    public Bundle process(Bundle bundle, String serverBase, boolean returnResources) {
        if (bundle.getType() == Bundle.BundleType.TRANSACTION) {
            return transaction(bundle, serverBase, returnResources);
        }
        if (bundle.getType() == Bundle.BundleType.BATCH) {
            return batch(bundle, serverBase, returnResources);
        }
        throw badRequest("POST to the base URL takes a Bundle of type transaction or batch, not "
                + (bundle.getType() == null ? "no type" : bundle.getType().toCode()), "Bundle.type");
    }

    private Bundle transaction(Bundle bundle, String serverBase, boolean returnResources) {
        List<TransactionProfile> applicable = profiles.stream().filter(p -> p.appliesTo(bundle)).toList();
        applicable.forEach(p -> p.before(bundle));
        List<EntryRequest> requests = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            requests.add(EntryRequest.of(i, bundle.getEntry().get(i), serverBase));
        }
        rejectDuplicateTargets(requests);
        Bundle.BundleEntryComponent[] responses = new Bundle.BundleEntryComponent[requests.size()];
        service.inTransaction(writes -> {
            ReferenceRewriter rewriter = new ReferenceRewriter(fhirContext, service, serverBase);
            Map<String, ReferenceRewriter.Assigned> assigned = rewriter.assignIds(requests);
            rewriter.rewrite(requests, assigned);
            Map<Integer, ResourceStore.Key> keys = new java.util.HashMap<>();
            for (EntryRequest request : requests) {
                ReferenceRewriter.Assigned a = assigned.get(request.entry().getFullUrl());
                if (a != null) {
                    keys.put(request.index(), new ResourceStore.Key(a.type(), a.id()));
                } else if (request.id() != null) {
                    keys.put(request.index(), new ResourceStore.Key(request.type(), request.id()));
                }
            }
            for (EntryRequest request : WriteOrder.of(requests, keys, references)) {
                try {
                    responses[request.index()] = executor.execute(request, assigned.get(request.entry().getFullUrl()),
                            serverBase, returnResources, writes);
                } catch (BaseServerResponseException e) {
                    throw FhirErrors.at(e, request.where());
                }
            }
            if (!applicable.isEmpty()) {
                List<org.hl7.fhir.instance.model.api.IBaseResource> written = requests.stream()
                        .filter(r -> r.method() != Bundle.HTTPVerb.GET && r.method() != Bundle.HTTPVerb.DELETE && r.entry().hasResource())
                        .map(r -> (org.hl7.fhir.instance.model.api.IBaseResource) r.entry().getResource()).toList();
                applicable.forEach(p -> p.after(written, writes));
            }
            return null;
        });
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (Bundle.BundleEntryComponent entry : responses) {
            response.addEntry(entry);
        }
        return response;
    }

    private Bundle batch(Bundle bundle, String serverBase, boolean returnResources) {
        Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
            int index = i;
            try {
                EntryRequest request = EntryRequest.of(index, entry, serverBase);
                response.addEntry(service.inTransaction(writes ->
                        executor.execute(request, null, serverBase, returnResources, writes)));
            } catch (BaseServerResponseException e) {
                Bundle.BundleEntryComponent failed = response.addEntry();
                failed.getResponse().setStatus(e.getStatusCode() + " " + reason(e))
                        .setOutcome((Resource) e.getOperationOutcome());
            }
        }
        return response;
    }

    private static String reason(BaseServerResponseException e) {
        String name = e.getClass().getSimpleName().replace("Exception", "");
        return name.replaceAll("([a-z])([A-Z])", "$1 $2");
    }

    /** A transaction may not touch the same resource twice (FHIR R4 http.html#trules). */
    private static void rejectDuplicateTargets(List<EntryRequest> requests) {
        Set<String> seen = new HashSet<>();
        for (EntryRequest r : requests) {
            if (r.id() != null && r.method() != Bundle.HTTPVerb.GET && r.method() != Bundle.HTTPVerb.POST
                    && !seen.add(r.type() + "/" + r.id())) {
                throw badRequest("A transaction may not change " + r.type() + "/" + r.id() + " twice", r.where() + ".request.url");
            }
        }
    }
}

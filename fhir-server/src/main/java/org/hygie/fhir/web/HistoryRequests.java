package org.hygie.fhir.web;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Instant;
import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.index.FhirDateRange;
import org.hl7.fhir.r4.model.Bundle;

/** Instance, type and system history: {@code _since}, {@code _at}, {@code _count}, {@code _offset}. */
public class HistoryRequests {
    private final ResourceService service;
    private final HygieProperties.Search paging;

    public HistoryRequests(ResourceService service, HygieProperties.Search paging) {
        this.service = service;
        this.paging = paging;
    }

    Bundle bundle(RequestDetails request, String type, String id) {
        int count = RequestParams.intParam(request, "_count", paging.defaultPageSize(), paging.maxPageSize());
        int offset = RequestParams.intParam(request, "_offset", 0, Integer.MAX_VALUE);
        Instant since = RequestParams.instant(request, "_since");
        FhirDateRange at = RequestParams.range(request, "_at");
        ResourceStore.HistoryQuery query = new ResourceStore.HistoryQuery(type, id, since,
                at == null ? null : Instant.ofEpochMilli(at.lowMs()),
                at == null ? null : Instant.ofEpochMilli(at.highMs()), count, offset);
        String path = type == null ? "_history" : id == null ? type + "/_history" : type + "/" + id + "/_history";
        return ResultBundles.history(request, path, service.history(query), count, offset);
    }
}

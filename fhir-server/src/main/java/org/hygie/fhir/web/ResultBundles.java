package org.hygie.fhir.web;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Builds searchset and history Bundles. Paging links carry the whole query plus {@code _offset}, so any
 * server instance can answer the next page: there is no server-side search state.
 */
final class ResultBundles {
    private ResultBundles() {}

    static Bundle searchset(RequestDetails request, String path, ResourceService.Found found, SearchQuery query) {
        int count = query.count();
        int offset = query.offset();
        Bundle bundle = newBundle(Bundle.BundleType.SEARCHSET);
        if (found.total() != null) {
            bundle.setTotal(found.total());
        }
        String base = request.getFhirServerBase();
        for (IBaseResource resource : found.resources()) {
            bundle.addEntry()
                    .setFullUrl(base + "/" + resource.fhirType() + "/" + resource.getIdElement().getIdPart())
                    .setResource((Resource) resource)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        for (IBaseResource resource : found.included()) {
            bundle.addEntry()
                    .setFullUrl(base + "/" + resource.fhirType() + "/" + resource.getIdElement().getIdPart())
                    .setResource((Resource) resource)
                    .getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
        }
        if (query.sort().isEmpty()) {
            addKeysetLinks(bundle, request, path, query, found);
        } else {
            addPagingLinks(bundle, request, path, count, offset, found.resources().size(), found.more());
        }
        return bundle;
    }

    /** A search of several types ({@link SystemSearch}): one page of matches, paged by offset over all of them. */
    static Bundle systemSearchset(RequestDetails request, List<IBaseResource> resources, int total, int count, int offset) {
        Bundle bundle = newBundle(Bundle.BundleType.SEARCHSET);
        bundle.setTotal(total);
        String base = request.getFhirServerBase();
        for (IBaseResource resource : resources) {
            bundle.addEntry().setFullUrl(base + "/" + resource.fhirType() + "/" + resource.getIdElement().getIdPart())
                    .setResource((Resource) resource).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        addPagingLinks(bundle, request, "", count, offset, resources.size(), offset + resources.size() < total);
        return bundle;
    }

    /** Insertion order: the next page starts after the last id of this one (stable while others write). */
    private static void addKeysetLinks(Bundle bundle, RequestDetails request, String path, SearchQuery query, ResourceService.Found found) {
        String base = queryWithout(request.getParameters(), List.of("_offset", "_count", "_after"));
        String prefix = request.getFhirServerBase() + "/" + path + "?" + (base.isEmpty() ? "" : base + "&") + "_count=" + query.count();
        // self is the request as the client sent it (clients compare it with theirs); next and first spell out _count
        bundle.addLink().setRelation("self").setUrl(self(request, prefix + (query.after() == null ? "" : "&_after=" + query.after())));
        if (query.count() == 0) {
            return;
        }
        bundle.addLink().setRelation("first").setUrl(prefix);
        List<IBaseResource> page = found.resources();
        if (found.more() && !page.isEmpty()) {
            bundle.addLink().setRelation("next").setUrl(prefix + "&_after=" + page.get(page.size() - 1).getIdElement().getIdPart());
        }
    }

    static Bundle history(RequestDetails request, String path, ResourceStore.Page<ResourceService.HistoryEntry> page,
                          int count, int offset) {
        Bundle bundle = newBundle(Bundle.BundleType.HISTORY);
        bundle.setTotal(page.total());
        String base = request.getFhirServerBase();
        for (ResourceService.HistoryEntry entry : page.items()) {
            ResourceStore.Version v = entry.version();
            String typeAndId = v.type() + "/" + v.id();
            Bundle.BundleEntryComponent e = bundle.addEntry().setFullUrl(base + "/" + typeAndId);
            if (entry.resource() != null) {
                e.setResource((Resource) entry.resource());
            }
            Bundle.HTTPVerb verb = Bundle.HTTPVerb.fromCode(v.method());
            e.getRequest().setMethod(verb).setUrl(verb == Bundle.HTTPVerb.POST ? v.type() : typeAndId);
            e.getResponse()
                    .setStatus(v.deleted() ? "204 No Content" : v.version() == 1 ? "201 Created" : "200 OK")
                    .setEtag("W/\"" + v.version() + "\"")
                    .setLastModified(Date.from(v.lastUpdated()));
        }
        addPagingLinks(bundle, request, path, count, offset, page.items().size(), offset + page.items().size() < page.total());
        return bundle;
    }

    /** HAPI requires every returned resource, the Bundle included, to carry an id. */
    private static Bundle newBundle(Bundle.BundleType type) {
        Bundle bundle = new Bundle().setType(type);
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().setLastUpdated(new Date());
        return bundle;
    }

    /** self, first, next and previous links of an operation's result paged by offset ($find), as GETs of its {@code inputs}. */
    static void addOffsetLinks(Bundle bundle, RequestDetails request, String path, Map<String, String[]> inputs, int count, int offset,
                               int returned, boolean more) {
        addPagingLinks(bundle, request, path, inputs, count, offset, returned, more);
    }

    private static void addPagingLinks(Bundle bundle, RequestDetails request, String path, int count, int offset,
                                       int returned, boolean more) {
        addPagingLinks(bundle, request, path, request.getParameters(), count, offset, returned, more);
    }

    private static void addPagingLinks(Bundle bundle, RequestDetails request, String path, Map<String, String[]> parameters, int count,
                                       int offset, int returned, boolean more) {
        String query = queryWithout(parameters, List.of("_offset", "_count"));
        bundle.addLink().setRelation("self").setUrl(self(request, link(request, path, query, count, offset)));
        if (count == 0) {
            return;
        }
        bundle.addLink().setRelation("first").setUrl(link(request, path, query, count, 0));
        if (more && returned > 0) {
            bundle.addLink().setRelation("next").setUrl(link(request, path, query, count, offset + returned));
        }
        if (offset > 0) {
            bundle.addLink().setRelation("previous").setUrl(link(request, path, query, count, Math.max(0, offset - count)));
        }
    }

    /** The URL of a GET as the client sent it; for a search posted as a form, the equivalent GET ({@code built}). */
    private static String self(RequestDetails request, String built) {
        String complete = request.getCompleteUrl();
        return complete != null && request.getRequestType() == ca.uhn.fhir.rest.api.RequestTypeEnum.GET ? complete : built;
    }

    private static String link(RequestDetails request, String path, String query, int count, int offset) {
        StringBuilder url = new StringBuilder(request.getFhirServerBase()).append(path.isEmpty() ? "" : "/" + path).append('?');
        if (!query.isEmpty()) {
            url.append(query).append('&');
        }
        url.append("_count=").append(count);
        if (offset > 0) {
            url.append("&_offset=").append(offset);
        }
        return url.toString();
    }

    private static String queryWithout(Map<String, String[]> parameters, List<String> excluded) {
        StringBuilder query = new StringBuilder();
        parameters.forEach((name, values) -> {
            if (excluded.contains(name)) {
                return;
            }
            for (String value : values) {
                if (query.length() > 0) {
                    query.append('&');
                }
                query.append(encode(name)).append('=').append(encode(value));
            }
        });
        return query.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("%3A", ":").replace("%2C", ",").replace("%2F", "/");
    }
}

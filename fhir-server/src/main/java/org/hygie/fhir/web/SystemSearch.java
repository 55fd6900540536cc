package org.hygie.fhir.web;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * {@code [base]?_type=A,B&...}: a search of several types with the parameters they share (_id, _lastUpdated,
 * _tag, _profile, _security, _source...), their results one type after the other, paged by offset over the
 * whole. Without {@code _type}, every type the caller may search. Each type's search is restricted to what the
 * caller may reach, as any search.
 */
final class SystemSearch {
    private final ResourceService service;
    private final SearchRequestParser parser;
    private final SearchParameterRegistry registry;

    SystemSearch(ResourceService service, SearchRequestParser parser, SearchParameterRegistry registry) {
        this.service = service;
        this.parser = parser;
        this.registry = registry;
    }

    Bundle search(RequestDetails request) {
        Map<String, String[]> params = new LinkedHashMap<>(request.getParameters());
        String[] typeParam = params.remove("_type");
        List<String> types = new ArrayList<>();
        boolean named = typeParam != null;
        if (named) {
            for (String value : typeParam) {
                for (String type : value.split(",")) {
                    if (!registry.supportsType(type.trim())) {
                        throw badRequest("_type: " + type.trim() + " is not a resource type this server holds", "_type");
                    }
                    types.add(type.trim());
                }
            }
        } else {
            types.addAll(registry.resourceTypes());
        }
        if (params.keySet().stream().anyMatch(k -> k.startsWith("_include") || k.startsWith("_revinclude") || k.equals("_sort"))) {
            throw badRequest("A search of several types takes neither _include, _revinclude nor _sort; search one type for them", "_type");
        }
        boolean lenient = RequestParams.lenient(request);
        List<SearchQuery> queries = new ArrayList<>();
        for (String type : types) {
            SearchQuery query = parser.parse(type, params, lenient, request.getFhirServerBase());
            if (!named && !mayCount(query)) {
                continue; // all types: those the caller may not search are not part of it
            }
            queries.add(query);
        }
        int count = queries.isEmpty() ? 0 : queries.get(0).count();
        int offset = queries.isEmpty() ? 0 : queries.get(0).offset();
        int total = 0;
        List<Integer> totals = new ArrayList<>();
        for (SearchQuery query : queries) {
            Integer n = service.search(new SearchQuery(query.resourceType(), query.criteria(), List.of(), 0, 0, SearchQuery.Total.ACCURATE,
                    List.of(), null)).total();
            totals.add(n == null ? 0 : n);
            total += n == null ? 0 : n;
        }
        List<IBaseResource> page = new ArrayList<>();
        int skip = offset;
        for (int i = 0; i < queries.size() && page.size() < count; i++) {
            if (skip >= totals.get(i)) {
                skip -= totals.get(i);
                continue;
            }
            SearchQuery query = queries.get(i);
            page.addAll(service.search(new SearchQuery(query.resourceType(), query.criteria(), List.of(new SearchQuery.SortKey(
                    registry.find(query.resourceType(), "_id").orElseThrow(), false)), count - page.size(), skip,
                    SearchQuery.Total.NONE, List.of(), null)).resources());
            skip = 0;
        }
        return ResultBundles.systemSearchset(request, page, total, count, offset);
    }

    private boolean mayCount(SearchQuery query) {
        try {
            service.search(new SearchQuery(query.resourceType(), query.criteria(), List.of(), 0, 0, SearchQuery.Total.NONE, List.of(), null));
            return true;
        } catch (ca.uhn.fhir.rest.server.exceptions.AuthenticationException | ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException e) {
            return false;
        }
    }
}

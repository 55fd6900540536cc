package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import java.util.List;
import java.util.Map;
import org.hygie.fhir.storage.search.QueryString;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchRequestParser;

/** Resolves the search criteria of conditional create, update, delete and references to the matching resources. */
public class ConditionalMatcher {
    private final SearchRequestParser parser;
    private final Searches searches;

    ConditionalMatcher(SearchRequestParser parser, Searches searches) {
        this.parser = parser;
        this.searches = searches;
    }

    /**
     * At most two matches of {@code criteria} ({@code a=b&c=d}, optionally after {@code Type?}): enough to tell
     * none, one and several apart. {@code where} names the header or element that carried the criteria.
     */
    public List<ResourceStore.Key> matches(String type, String criteria, String serverBase, String where) {
        String query = criteria;
        int question = query.indexOf('?');
        if (question >= 0) {
            query = query.substring(question + 1);
        }
        if (query.isBlank()) {
            throw badRequest("Conditional request for " + type + " has no search criteria", where);
        }
        Map<String, String[]> params = QueryString.parse(query);
        if (params == null) {
            throw badRequest("Malformed conditional criteria '" + criteria + "'", where);
        }
        SearchQuery search = parser.parse(type, params, false, serverBase);
        search = new SearchQuery(search.resourceType(), search.criteria(), List.of(), 2, 0, false);
        return searches.keys(search);
    }
}

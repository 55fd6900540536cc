package org.hygie.fhir.storage.search;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.notSupported;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.storage.index.SearchParam;
import org.hygie.fhir.storage.index.SearchParameterRegistry;

/**
 * Turns the query parameters of a search request into a {@link SearchQuery}, or a 400 naming the
 * parameter that is wrong. Unknown or unsupported parameters are errors unless the client asked for
 * lenient handling ({@code Prefer: handling=lenient}), in which case they are ignored.
 */
public class SearchRequestParser {
    /** Handled by HAPI when the response is written. */
    private static final Set<String> RENDERING_PARAMS = Set.of("_format", "_pretty", "_summary", "_elements");
    private static final Set<String> PAGING_PARAMS = Set.of("_count", "_offset", "_sort", "_total");

    private final SearchParameterRegistry registry;
    private final int defaultCount;
    private final int maxCount;

    public SearchRequestParser(SearchParameterRegistry registry, int defaultCount, int maxCount) {
        this.registry = registry;
        this.defaultCount = defaultCount;
        this.maxCount = maxCount;
    }

    /**
     * @param serverBase this server's base URL, so that absolute references to it count as local
     */
    public SearchQuery parse(String type, Map<String, String[]> params, boolean lenient, String serverBase) {
        List<SearchQuery.Criterion> criteria = new ArrayList<>();
        ValueParser values = new ValueParser(serverBase);
        for (Map.Entry<String, String[]> entry : params.entrySet()) {
            String key = entry.getKey();
            if (RENDERING_PARAMS.contains(key) || PAGING_PARAMS.contains(key)) {
                continue;
            }
            String name = key;
            String modifier = null;
            int colon = key.indexOf(':');
            if (colon >= 0) {
                name = key.substring(0, colon);
                modifier = key.substring(colon + 1);
            }
            String problem = unsupportedReason(type, name);
            if (problem != null) {
                if (lenient) {
                    continue;
                }
                throw notSupported(problem, key);
            }
            SearchParam param = registry.find(type, name).orElseThrow();
            for (String raw : entry.getValue()) {
                criteria.add(values.criterion(param, key, modifier, raw));
            }
        }
        return new SearchQuery(type, List.copyOf(criteria), sort(type, params), count(params), offset(params), total(params));
    }

    private String unsupportedReason(String type, String name) {
        if (name.startsWith("_has") ) {
            return "Reverse chaining (_has) is not supported by this server yet";
        }
        if (name.contains(".")) {
            return "Chained search parameter '" + name + "' is not supported by this server yet";
        }
        if (name.equals("_include") || name.equals("_revinclude")) {
            return "Parameter '" + name + "' is not supported by this server yet";
        }
        if (registry.find(type, name).isEmpty()) {
            return "Unknown or unsupported search parameter '" + name + "' for resource type " + type
                    + " (see the CapabilityStatement at /metadata for the supported ones)";
        }
        return null;
    }

    private int count(Map<String, String[]> params) {
        Integer count = integer(params, "_count");
        if (count == null) {
            return defaultCount;
        }
        return Math.min(count, maxCount);
    }

    private int offset(Map<String, String[]> params) {
        Integer offset = integer(params, "_offset");
        return offset == null ? 0 : offset;
    }

    private static Integer integer(Map<String, String[]> params, String name) {
        String[] values = params.get(name);
        if (values == null || values.length == 0) {
            return null;
        }
        try {
            int value = Integer.parseInt(values[0].trim());
            if (value < 0) {
                throw badRequest("Parameter " + name + " must not be negative", name);
            }
            return value;
        } catch (NumberFormatException e) {
            throw badRequest("Parameter " + name + " must be a whole number, got '" + values[0] + "'", name);
        }
    }

    private static boolean total(Map<String, String[]> params) {
        String[] values = params.get("_total");
        if (values == null || values.length == 0) {
            return true;
        }
        return switch (values[0]) {
            case "none" -> false;
            case "accurate", "estimate" -> true;
            default -> throw badRequest("_total must be none, estimate or accurate, got '" + values[0] + "'", "_total");
        };
    }

    private List<SearchQuery.SortKey> sort(String type, Map<String, String[]> params) {
        String[] values = params.get("_sort");
        if (values == null) {
            return List.of();
        }
        List<SearchQuery.SortKey> keys = new ArrayList<>();
        for (String value : values) {
            for (String item : value.split(",")) {
                String name = item.trim();
                boolean descending = name.startsWith("-");
                if (descending) {
                    name = name.substring(1);
                }
                String paramName = name;
                SearchParam param = registry.find(type, paramName).orElseThrow(() -> badRequest(
                        "Cannot sort on unknown or unsupported parameter '" + paramName + "' of " + type, "_sort"));
                keys.add(new SearchQuery.SortKey(param, descending));
            }
        }
        return List.copyOf(keys);
    }
}

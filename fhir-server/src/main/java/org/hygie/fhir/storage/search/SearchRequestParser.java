package org.hygie.fhir.storage.search;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.notSupported;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.storage.index.SearchParam;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.types.ResourceTypes;

/**
 * Turns the query parameters of a search request into a {@link SearchQuery}, or a 400 naming the
 * parameter that is wrong. Unknown or unsupported parameters are errors unless the client asked for
 * lenient handling ({@code Prefer: handling=lenient}), in which case they are ignored.
 */
public class SearchRequestParser {
    /** Handled by HAPI when the response is written. */
    private static final Set<String> RENDERING_PARAMS = Set.of("_format", "_pretty", "_summary", "_elements");
    private static final Set<String> PAGING_PARAMS = Set.of("_count", "_offset", "_sort", "_total", "_after");

    private final SearchParameterRegistry registry;
    private final int defaultCount;
    private final int maxCount;
    private final SearchLimits limits;

    public SearchRequestParser(SearchParameterRegistry registry, int defaultCount, int maxCount) {
        this(registry, defaultCount, maxCount, SearchLimits.DEFAULT);
    }

    public SearchRequestParser(SearchParameterRegistry registry, int defaultCount, int maxCount, SearchLimits limits) {
        this.registry = registry;
        this.defaultCount = defaultCount;
        this.maxCount = maxCount;
        this.limits = limits;
    }

    /**
     * @param serverBase this server's base URL, so that absolute references to it count as local
     */
    public SearchQuery parse(String type, Map<String, String[]> params, boolean lenient, String serverBase) {
        List<SearchQuery.Criterion> criteria = new ArrayList<>();
        List<SearchQuery.Include> includes = new ArrayList<>();
        ValueParser values = new ValueParser(serverBase);
        for (Map.Entry<String, String[]> entry : params.entrySet()) {
            String key = entry.getKey();
            if (RENDERING_PARAMS.contains(key) || PAGING_PARAMS.contains(key)) {
                continue;
            }
            for (String raw : entry.getValue()) {
                checkCost(key, raw, criteria.size(), includes.size());
                try {
                    if (key.startsWith("_include") || key.startsWith("_revinclude")) {
                        includes.add(include(type, key, raw));
                    } else if (key.equals("_list")) {
                        criteria.add(list(type, raw, values));
                    } else if (key.startsWith("_has:")) {
                        criteria.add(has(type, key, key.substring(5), raw, values));
                    } else if (key.contains(".")) {
                        criteria.add(chain(type, key, List.of(key.split("\\.")), raw, values));
                    } else {
                        criteria.add(criterion(type, key, key, raw, values));
                    }
                } catch (UnknownParameterException e) {
                    if (!lenient) {
                        throw notSupported(e.getMessage(), key);
                    }
                }
            }
        }
        // an aggregator's free-slot query (Slot with _include) is read as one page: its clients do not follow next links,
        // so without _count it gets the largest page rather than cutting a practitioner's slots at the default
        ResourceTypes.Policy policy = ResourceTypes.policy(type);
        boolean onePage = policy != null && policy.includesOnOnePage() && !includes.isEmpty() && !params.containsKey("_count");
        int count = onePage ? maxCount : count(params);
        return new SearchQuery(type, List.copyOf(criteria), sort(type, params), count, offset(params), total(params),
                List.copyOf(includes), after(params));
    }

    /** A 400 naming the limit before a costly parameter is parsed (parsing a deep chain recurses as deep). */
    private void checkCost(String key, String raw, int criteriaSoFar, int includesSoFar) {
        if (key.startsWith("_include") || key.startsWith("_revinclude")) {
            if (includesSoFar >= limits.maxIncludes()) {
                throw tooCostly("more than " + limits.maxIncludes() + " _include/_revinclude parameters", key, "max-includes");
            }
            return;
        }
        if (criteriaSoFar >= limits.maxParameters()) {
            throw tooCostly("more than " + limits.maxParameters() + " search parameters", key, "max-parameters");
        }
        int has = count(key, "_has:");
        if (has > limits.maxHasDepth()) {
            throw tooCostly(has + " nested _has (at most " + limits.maxHasDepth() + ")", key, "max-has-depth");
        }
        int chain = count(key.replace("_has:", ""), ".");
        if (chain > limits.maxChainDepth()) {
            throw tooCostly("a chain " + chain + " references deep (at most " + limits.maxChainDepth() + ")", key, "max-chain-depth");
        }
        int values = 1 + count(raw.replace("\\,", ""), ",");
        if (values > limits.maxValuesPerParameter()) {
            throw tooCostly(values + " values (at most " + limits.maxValuesPerParameter() + ")", key, "max-values-per-parameter");
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    private static ca.uhn.fhir.rest.server.exceptions.InvalidRequestException tooCostly(String what, String key, String setting) {
        return org.hygie.fhir.error.FhirErrors.tooCostly("This search asks too much of the server: " + what + " in '" + abbreviated(key)
                + "' (limit hygie.search." + setting + "); narrow it", abbreviated(key));
    }

    private static String abbreviated(String key) {
        return key.length() <= 120 ? key : key.substring(0, 120) + "...";
    }

    /** {@code _after}: the id that ended the previous page, in insertion order (paging links carry it). */
    private static String after(Map<String, String[]> params) {
        String[] values = params.get("_after");
        if (values == null || values.length == 0) {
            return null;
        }
        if (!org.hygie.fhir.storage.index.LocalReference.ID.matcher(values[0]).matches()) {
            throw badRequest("_after must be a resource id, got '" + values[0] + "'", "_after");
        }
        if (params.containsKey("_sort")) {
            throw badRequest("_after pages in insertion order; with _sort, use _offset", "_after");
        }
        return values[0];
    }

    /** One plain parameter ({@code name[:modifier]}) of {@code type}. */
    private SearchQuery.Criterion criterion(String type, String key, String nameAndModifier, String raw, ValueParser values) {
        String name = nameAndModifier;
        String modifier = null;
        int colon = nameAndModifier.indexOf(':');
        if (colon >= 0) {
            name = nameAndModifier.substring(0, colon);
            modifier = nameAndModifier.substring(colon + 1);
        }
        String parameter = name;
        SearchParam param = registry.find(type, name).orElseThrow(() -> new UnknownParameterException(
                "Unknown or unsupported search parameter '" + parameter + "' for resource type " + type
                        + " (see the CapabilityStatement at /metadata for the supported ones)"));
        return values.criterion(param, key, modifier, raw);
    }

    /** {@code ref[:Type].next...=value}: resources whose {@code ref} points to a {@code Type} matching the rest. */
    private SearchQuery.Criterion chain(String type, String key, List<String> links, String raw, ValueParser values) {
        if (links.size() == 1) {
            return criterion(type, key, links.get(0), raw, values);
        }
        String link = links.get(0);
        String name = link.contains(":") ? link.substring(0, link.indexOf(':')) : link;
        String targetType = link.contains(":") ? link.substring(link.indexOf(':') + 1) : null;
        SearchParam reference = registry.find(type, name)
                .filter(p -> p.type() == RestSearchParameterTypeEnum.REFERENCE)
                .orElseThrow(() -> badRequest("Chain " + key + ": '" + name + "' is not a reference parameter of " + type, key));
        String next = links.get(1).split(":")[0];
        if (targetType == null) {
            List<String> candidates = registry.resourceTypes().stream()
                    .filter(t -> reference.targets().isEmpty() || reference.targets().contains(t))
                    .filter(t -> registry.find(t, next).isPresent())
                    .toList();
            if (candidates.isEmpty()) {
                throw badRequest("Chain " + key + ": '" + name + "' points to no type with a parameter '" + next + "'", key);
            }
            if (candidates.size() > 1) {
                // e.g. DocumentReference?author.given=...: any of the types it may point to (resolved by value)
                List<SearchValue> anyType = new ArrayList<>();
                for (String candidate : candidates) {
                    anyType.add(new SearchValue.Chained(candidate, chain(candidate, key, links.subList(1, links.size()), raw, values)));
                }
                return new SearchQuery.Criterion(reference, null, List.copyOf(anyType));
            }
            targetType = candidates.get(0);
        } else if (!registry.supportsType(targetType) || !(reference.targets().isEmpty() || reference.targets().contains(targetType))) {
            throw badRequest("Chain " + key + ": '" + name + "' of " + type + " cannot point to " + targetType, key);
        }
        SearchQuery.Criterion inner = chain(targetType, key, links.subList(1, links.size()), raw, values);
        return new SearchQuery.Criterion(reference, null, List.of(new SearchValue.Chained(targetType, inner)));
    }

    /** {@code _has:Type:reference:param=value}, possibly nested: resources some {@code Type} matching param points to. */
    private SearchQuery.Criterion has(String type, String key, String spec, String raw, ValueParser values) {
        String[] parts = spec.split(":", 3);
        if (parts.length < 3) {
            throw badRequest(key + ": expected _has:Type:reference:parameter", key);
        }
        String hasType = parts[0];
        String referenceName = parts[1];
        if (!registry.supportsType(hasType)) {
            throw badRequest(key + ": " + hasType + " is not a resource type this server holds", key);
        }
        SearchParam reference = registry.find(hasType, referenceName)
                .filter(p -> p.type() == RestSearchParameterTypeEnum.REFERENCE)
                .filter(p -> p.targets().isEmpty() || p.targets().contains(type))
                .orElseThrow(() -> badRequest(key + ": '" + referenceName + "' is not a reference of " + hasType + " to " + type, key));
        SearchQuery.Criterion inner = parts[2].startsWith("_has:")
                ? has(hasType, key, parts[2].substring(5), raw, values)
                : criterion(hasType, key, parts[2], raw, values);
        SearchParam id = registry.find(type, "_id").orElseThrow();
        return new SearchQuery.Criterion(id, null, List.of(new SearchValue.Has(hasType, reference.name(), inner)));
    }

    /**
     * {@code _list=id} (or {@code List/id}): the resources that List names as items, which is
     * {@code _has:List:item:_id=id}, so the caller must be able to read the List. Functional lists
     * ({@code $current-problems}...) are not kept by this server.
     */
    private SearchQuery.Criterion list(String type, String raw, ValueParser values) {
        String id = raw.startsWith("List/") ? raw.substring("List/".length()) : raw;
        if (raw.startsWith("$")) {
            throw notSupported("_list=" + raw + ": functional lists are not supported; give the id of a List", "_list");
        }
        if (!org.hygie.fhir.storage.index.LocalReference.ID.matcher(id).matches()) {
            throw badRequest("_list must be the id of a List (or List/id), got '" + raw + "'", "_list");
        }
        return has(type, "_list", "List:item:_id", id, values);
    }

    /** {@code _include[:iterate]=Source:param[:Target]} and {@code _revinclude[:iterate]=Source:param[:Target]}. */
    private SearchQuery.Include include(String type, String key, String raw) {
        boolean reverse = key.startsWith("_revinclude");
        String modifier = key.contains(":") ? key.substring(key.indexOf(':') + 1) : null;
        if (modifier != null && !modifier.equals("iterate") && !modifier.equals("recurse")) {
            throw badRequest(key + ": the only modifier is :iterate", key);
        }
        if (!reverse && raw.equals("*")) {
            return new SearchQuery.Include(type, "*", null, false, modifier != null);
        }
        String[] parts = raw.split(":");
        if (parts.length < 2 || parts.length > 3 || !registry.supportsType(parts[0])) {
            throw badRequest(key + "=" + raw + ": expected SourceType:parameter[:TargetType] with a type this server holds", key);
        }
        String target = parts.length == 3 ? parts[2] : null;
        if (!parts[1].equals("*") || reverse) {
            registry.find(parts[0], parts[1]).filter(p -> p.type() == RestSearchParameterTypeEnum.REFERENCE)
                    .orElseThrow(() -> badRequest(key + "=" + raw + ": '" + parts[1] + "' is not a reference parameter of " + parts[0], key));
        }
        return new SearchQuery.Include(parts[0], parts[1], target, reverse, modifier != null);
    }

    /** A parameter this server does not know: a 400, unless the client asked for lenient handling. */
    private static final class UnknownParameterException extends RuntimeException {
        UnknownParameterException(String message) {
            super(message);
        }
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

    /** {@code _total}: accurate unless the client asks for less. */
    private static SearchQuery.Total total(Map<String, String[]> params) {
        String[] values = params.get("_total");
        if (values == null || values.length == 0) {
            return SearchQuery.Total.ACCURATE;
        }
        return switch (values[0]) {
            case "none" -> SearchQuery.Total.NONE;
            case "estimate" -> SearchQuery.Total.ESTIMATE;
            case "accurate" -> SearchQuery.Total.ACCURATE;
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
                SearchParam param = registry.find(type, paramName)
                        .filter(p -> p.type() != RestSearchParameterTypeEnum.SPECIAL && p.type() != RestSearchParameterTypeEnum.COMPOSITE)
                        .orElseThrow(() -> badRequest("Cannot sort on unknown or unsupported parameter '" + paramName + "' of " + type, "_sort"));
                keys.add(new SearchQuery.SortKey(param, descending));
            }
        }
        return List.copyOf(keys);
    }
}

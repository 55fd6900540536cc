package org.hygie.fhir.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.SearchParam;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchValue;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The resources {@code _include} and {@code _revinclude} add to one page of results: each once, never one
 * of the matches; {@code :iterate} applies again to what was included, up to {@value #ITERATIONS} rounds.
 * A page includes at most {@value #LIMIT} resources per include.
 */
final class Includes {
    static final int LIMIT = 1000;
    private static final int ITERATIONS = 4;

    private final SearchParameterRegistry registry;
    private final IndexExtractor extractor;
    private final Function<SearchQuery, List<IBaseResource>> search;

    Includes(SearchParameterRegistry registry, IndexExtractor extractor, Function<SearchQuery, List<IBaseResource>> search) {
        this.registry = registry;
        this.extractor = extractor;
        this.search = search;
    }

    List<IBaseResource> of(List<SearchQuery.Include> includes, List<IBaseResource> matches) {
        Map<String, IBaseResource> seen = new LinkedHashMap<>();
        matches.forEach(m -> seen.put(key(m), m));
        List<IBaseResource> included = new ArrayList<>();
        List<IBaseResource> round = apply(includes.stream().filter(i -> !i.iterate()).toList(), matches, seen);
        included.addAll(round);
        List<SearchQuery.Include> iterating = includes.stream().filter(SearchQuery.Include::iterate).toList();
        List<IBaseResource> sources = new ArrayList<>(matches);
        sources.addAll(round);
        for (int i = 0; i < ITERATIONS && !iterating.isEmpty(); i++) {
            round = apply(iterating, sources, seen);
            if (round.isEmpty()) {
                break;
            }
            included.addAll(round);
            sources = round;
        }
        return included;
    }

    private List<IBaseResource> apply(List<SearchQuery.Include> includes, List<IBaseResource> sources, Map<String, IBaseResource> seen) {
        List<IBaseResource> added = new ArrayList<>();
        for (SearchQuery.Include include : includes) {
            List<IBaseResource> found = include.reverse() ? referring(include, sources) : referenced(include, sources);
            for (IBaseResource r : found) {
                if (seen.putIfAbsent(key(r), r) == null) {
                    added.add(r);
                }
            }
        }
        return added;
    }

    /** _include: what the sources point to through the parameter. */
    private List<IBaseResource> referenced(SearchQuery.Include include, List<IBaseResource> sources) {
        Map<String, Set<String>> idsByType = new LinkedHashMap<>();
        for (IBaseResource source : sources) {
            if (!source.fhirType().equals(include.sourceType())) {
                continue;
            }
            for (IndexEntry e : extractor.extract(source, p -> p.type() == ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.REFERENCE
                    && (include.param().equals("*") || p.name().equals(include.param())))) {
                if (e instanceof IndexEntry.Reference ref && ref.targetId() != null
                        && (include.param().equals("*") || ref.param().equals(include.param()))
                        && (include.targetType() == null || include.targetType().equals(ref.targetType()))
                        && registry.supportsType(ref.targetType())) {
                    idsByType.computeIfAbsent(ref.targetType(), t -> new LinkedHashSet<>()).add(ref.targetId());
                }
            }
        }
        List<IBaseResource> found = new ArrayList<>();
        idsByType.forEach((type, ids) -> {
            SearchParam id = registry.find(type, "_id").orElseThrow();
            List<SearchValue> values = ids.stream().limit(LIMIT).map(i -> (SearchValue) new SearchValue.Token(null, i, false)).toList();
            found.addAll(search.apply(new SearchQuery(type, List.of(new SearchQuery.Criterion(id, null, values)), List.of(), LIMIT, 0, false)));
        });
        return found;
    }

    /** _revinclude: resources of the source type whose parameter points to one of the sources. */
    private List<IBaseResource> referring(SearchQuery.Include include, List<IBaseResource> sources) {
        SearchParam param = registry.find(include.sourceType(), include.param()).orElseThrow();
        List<SearchValue> targets = sources.stream()
                .filter(s -> param.targets().isEmpty() || param.targets().contains(s.fhirType()))
                .filter(s -> include.targetType() == null || include.targetType().equals(s.fhirType()))
                .map(s -> (SearchValue) new SearchValue.Reference(s.fhirType(), s.getIdElement().getIdPart(), null))
                .limit(LIMIT)
                .toList();
        if (targets.isEmpty()) {
            return List.of();
        }
        return search.apply(new SearchQuery(include.sourceType(), List.of(new SearchQuery.Criterion(param, null, targets)),
                List.of(), LIMIT, 0, false));
    }

    private static String key(IBaseResource r) {
        return r.fhirType() + "/" + r.getIdElement().getIdPart();
    }
}

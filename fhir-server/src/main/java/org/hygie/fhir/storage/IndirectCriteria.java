package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchValue;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Turns chained parameters and {@code _has} into direct criteria, innermost first: the inner search runs,
 * its matches become reference values (chains) or ids ({@code _has}). Working on values rather than SQL
 * joins keeps chains through protected references correct (they compare digests like any reference).
 * Inner searches are capped at {@value #INNER_LIMIT} matches; a broader one is a 400 asking to narrow it.
 */
final class IndirectCriteria {
    static final int INNER_LIMIT = 1000;

    private final Function<SearchQuery, List<ResourceStore.Key>> keys;
    private final Function<SearchQuery, List<IBaseResource>> resources;
    private final IndexExtractor extractor;

    IndirectCriteria(Function<SearchQuery, List<ResourceStore.Key>> keys, Function<SearchQuery, List<IBaseResource>> resources,
                     IndexExtractor extractor) {
        this.keys = keys;
        this.resources = resources;
        this.extractor = extractor;
    }

    SearchQuery resolve(SearchQuery query) {
        List<SearchQuery.Criterion> resolved = new ArrayList<>();
        for (SearchQuery.Criterion c : query.criteria()) {
            if (c.anyOf().stream().noneMatch(v -> v instanceof SearchValue.Chained || v instanceof SearchValue.Has)) {
                resolved.add(c);
                continue;
            }
            Set<SearchValue> values = new LinkedHashSet<>();
            for (SearchValue v : c.anyOf()) {
                if (v instanceof SearchValue.Chained chained) {
                    for (ResourceStore.Key key : inner(chained.targetType(), chained.inner(), c)) {
                        values.add(new SearchValue.Reference(key.type(), key.id(), null));
                    }
                } else if (v instanceof SearchValue.Has has) {
                    values.addAll(referencedBy(query.resourceType(), has, c));
                } else {
                    values.add(v);
                }
            }
            resolved.add(new SearchQuery.Criterion(c.param(), c.modifier(),
                    values.isEmpty() ? List.of(new SearchValue.Nothing()) : List.copyOf(values)));
        }
        return query.withCriteria(resolved);
    }

    private List<ResourceStore.Key> inner(String type, SearchQuery.Criterion criterion, SearchQuery.Criterion outer) {
        List<ResourceStore.Key> found = keys.apply(resolve(innerQuery(type, criterion)));
        checkBound(found.size(), outer);
        return found;
    }

    /** Ids of {@code type} resources that the {@code _has} resources point to through its reference parameter. */
    private List<SearchValue> referencedBy(String type, SearchValue.Has has, SearchQuery.Criterion outer) {
        List<IBaseResource> sources = resources.apply(resolve(innerQuery(has.type(), has.inner())));
        checkBound(sources.size(), outer);
        Set<SearchValue> ids = new LinkedHashSet<>();
        for (IBaseResource source : sources) {
            for (IndexEntry e : extractor.extract(source)) {
                if (e instanceof IndexEntry.Reference ref && ref.param().equals(has.reference()) && type.equals(ref.targetType())) {
                    ids.add(new SearchValue.Token(null, ref.targetId(), false));
                }
            }
        }
        return List.copyOf(ids);
    }

    private static SearchQuery innerQuery(String type, SearchQuery.Criterion criterion) {
        return new SearchQuery(type, List.of(criterion), List.of(), INNER_LIMIT + 1, 0, false);
    }

    private static void checkBound(int found, SearchQuery.Criterion outer) {
        if (found > INNER_LIMIT) {
            throw badRequest("The chained or _has criterion on '" + outer.param().name() + "' matches more than " + INNER_LIMIT
                    + " resources; add criteria to narrow it", outer.param().name());
        }
    }
}

package org.hygie.fhir.storage;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchValue;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Chains and {@code _has} through protected references cannot be SQL joins (the store holds digests, not
 * ids): they are resolved here, innermost first, into direct criteria: the inner search runs and its
 * matches become reference values (chains, compared as digests) or ids ({@code _has}). Those are capped at
 * {@value #INNER_LIMIT} matches; a broader one is a 400 asking to narrow it. Chains and {@code _has}
 * through clear references are left for the store to join, with no such limit, guarded by the caller's
 * restriction on the joined type: no inner search sees beyond what the caller may reach.
 */
final class IndirectCriteria {
    static final int INNER_LIMIT = 1000;

    private final Function<SearchQuery, List<ResourceStore.Key>> keys;
    private final Function<SearchQuery, List<IBaseResource>> resources;
    private final IndexExtractor extractor;
    private final SearchParameterRegistry registry;
    private final IndexProtector protector;
    private final java.util.function.UnaryOperator<SearchQuery> restrict;

    /** {@code restrict}: inner searches see only what the caller may reach, so a chain cannot probe beyond it. */
    IndirectCriteria(Function<SearchQuery, List<ResourceStore.Key>> keys, Function<SearchQuery, List<IBaseResource>> resources,
                     java.util.function.UnaryOperator<SearchQuery> restrict, IndexExtractor extractor, SearchParameterRegistry registry, IndexProtector protector) {
        this.keys = keys;
        this.resources = resources;
        this.extractor = extractor;
        this.registry = registry;
        this.protector = protector;
        this.restrict = restrict;
    }

    SearchQuery resolve(SearchQuery query) {
        return query.withCriteria(query.criteria().stream().map(c -> resolve(query.resourceType(), c)).toList());
    }

    private SearchQuery.Criterion resolve(String type, SearchQuery.Criterion c) {
        if (c.anyOf().size() > 1 && c.anyOf().stream().allMatch(v -> v instanceof SearchValue.Chained)) {
            // a chain through a reference that may point to several types: each type's matches, by value
            java.util.Set<SearchValue> values = new LinkedHashSet<>();
            for (SearchValue v : c.anyOf()) {
                SearchValue.Chained chained = (SearchValue.Chained) v;
                inner(chained.targetType(), chained.inner(), c).forEach(key -> values.add(new SearchValue.Reference(key.type(), key.id(), null)));
            }
            checkBound(values.size(), c);
            return new SearchQuery.Criterion(c.param(), c.modifier(), values.isEmpty() ? List.of(new SearchValue.Nothing()) : List.copyOf(values));
        }
        if (c.anyOf().size() != 1) {
            return c;
        }
        SearchValue v = c.anyOf().get(0);
        if (v instanceof SearchValue.Chained chained) {
            if (!protector.protects(c.param(), chained.targetType())) {
                return new SearchQuery.Criterion(c.param(), c.modifier(), List.of(new SearchValue.Chained(chained.targetType(),
                        resolve(chained.targetType(), chained.inner()), guards(chained.targetType()))));
            }
            List<SearchValue> values = inner(chained.targetType(), chained.inner(), c).stream()
                    .map(key -> (SearchValue) new SearchValue.Reference(key.type(), key.id(), null)).toList();
            return new SearchQuery.Criterion(c.param(), c.modifier(), values.isEmpty() ? List.of(new SearchValue.Nothing()) : values);
        }
        if (v instanceof SearchValue.Has has) {
            if (!protector.protects(registry.find(has.type(), has.reference()).orElseThrow(), type)) {
                return new SearchQuery.Criterion(c.param(), c.modifier(), List.of(new SearchValue.Has(has.type(), has.reference(),
                        resolve(has.type(), has.inner()), guards(has.type()))));
            }
            List<SearchValue> ids = referencedBy(type, has, c);
            return new SearchQuery.Criterion(c.param(), c.modifier(), ids.isEmpty() ? List.of(new SearchValue.Nothing()) : ids);
        }
        return c;
    }

    /**
     * What a join into {@code type} must also match: the caller's restriction on that type, resolved like any
     * criterion, so that a chain or {@code _has} through a clear reference reaches exactly what a search of
     * {@code type} by the same caller would (a type they may not read at all matches nothing).
     */
    private List<SearchQuery.Criterion> guards(String type) {
        SearchQuery restricted = restrict.apply(new SearchQuery(type, List.of(), List.of(), 1, 0, false));
        return restricted.criteria().stream().map(g -> resolve(type, g)).toList();
    }

    private List<ResourceStore.Key> inner(String type, SearchQuery.Criterion criterion, SearchQuery.Criterion outer) {
        List<ResourceStore.Key> found = keys.apply(resolve(restrict.apply(innerQuery(type, criterion))));
        checkBound(found.size(), outer);
        return found;
    }

    /** Ids of {@code type} resources that the {@code _has} resources point to through its reference parameter. */
    private List<SearchValue> referencedBy(String type, SearchValue.Has has, SearchQuery.Criterion outer) {
        List<IBaseResource> sources = resources.apply(resolve(restrict.apply(innerQuery(has.type(), has.inner()))));
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

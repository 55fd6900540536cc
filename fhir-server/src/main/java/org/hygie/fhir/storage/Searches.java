package org.hygie.fhir.storage;

import java.util.List;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Runs a search: chains and _has through protected references resolved, protection applied, page read, includes added. */
final class Searches {
    private final ResourceStore store;
    private final ResourceCodec codec;
    private final IndexExtractor extractor;
    private final SearchParameterRegistry registry;
    private final IndexProtector protector;
    private final AccessGuard guard;

    Searches(ResourceStore store, ResourceCodec codec, IndexExtractor extractor, SearchParameterRegistry registry, IndexProtector protector,
             AccessGuard guard) {
        this.guard = guard;
        this.store = store;
        this.codec = codec;
        this.extractor = extractor;
        this.registry = registry;
        this.protector = protector;
    }

    /** A page of the caller's search, limited to what they may reach (401/403 if they may not search the type). */
    ResourceService.Found find(SearchQuery query) {
        return page(guard.restrict(query, AccessControl.Interaction.SEARCH));
    }

    private ResourceService.Found page(SearchQuery query) {
        // one row more than the page tells whether another page follows
        SearchQuery probe = query.count() == 0 ? query : query.withPage(query.count() + 1, query.offset());
        ResourceStore.Page<Long> page = store.search(protector.protect(indirect().resolve(probe)));
        boolean more = page.items().size() > query.count();
        List<Long> rows = more ? page.items().subList(0, query.count()) : page.items();
        List<IBaseResource> resources = store.readCurrent(rows).stream().map(codec::open).toList();
        List<IBaseResource> included = query.includes().isEmpty() ? List.of()
                : new Includes(registry, extractor, q -> page(guard.restrictQuietly(q)).resources()).of(query.includes(), resources);
        return new ResourceService.Found(resources, page.total(), included, more);
    }

    /** The query as the store runs it: protected, and with chains through protected references resolved. */
    SearchQuery asStored(SearchQuery query) {
        return protector.protect(indirect().resolve(guard.restrictQuietly(query)));
    }

    /** The keys of every resource matching {@code query} (conditional interactions, chains): no payload is read. */
    List<ResourceStore.Key> keys(SearchQuery query) {
        return unrestrictedKeys(guard.restrictQuietly(query));
    }

    /** For queries already restricted (or run with the server's rights). */
    List<ResourceStore.Key> unrestrictedKeys(SearchQuery query) {
        return store.keys(store.search(protector.protect(indirect().resolve(query))).items());
    }

    private IndirectCriteria indirect() {
        // inner queries reach the keys function already resolved
        return new IndirectCriteria(q -> store.keys(store.search(protector.protect(q)).items()),
                q -> page(q).resources(), guard::restrictQuietly, extractor, registry, protector);
    }

}

package org.hygie.fhir.storage;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.hygie.fhir.storage.index.IgSearchParameters;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.jdbc.JdbcResourceStore;
import org.hygie.fhir.storage.jdbc.JdbcSettings;
import org.hygie.fhir.storage.jdbc.Projection;
import org.hygie.fhir.storage.search.SearchLimits;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * FHIR semantics over the store of one database, with the payload codec and index protector it is given:
 * plain or encrypted is the caller's choice (config.Storage), so storage knows no cryptography.
 */
public record StorageLayer(ResourceService service, SearchRequestParser searchParser, SearchParameterRegistry registry,
                           ResourceStore store, IndexProtector protector, TransactionTemplate transactions,
                           JdbcSettings settings, CareRelationships careRelationships) {

    /**
     * @param protector   the index protector, made from the search parameters (blind indexes need to know which are protected)
     * @param projections the capabilities' derived tables (booking's slot availability), kept by the store
     */
    public static StorageLayer assemble(FhirContext fhirContext, List<String> resourceTypes, JdbcTemplate jdbc, TransactionTemplate tx,
                                        JdbcSettings settings, PayloadCodec payloadCodec,
                                        Function<SearchParameterRegistry, IndexProtector> protector, List<Projection> projections,
                                        int defaultPageSize, int maxPageSize, SearchLimits limits) {
        SearchParameterRegistry registry = new SearchParameterRegistry(fhirContext, resourceTypes, IgSearchParameters.load(fhirContext));
        SearchRequestParser parser = new SearchRequestParser(registry, defaultPageSize, maxPageSize, limits);
        ResourceStore store = new JdbcResourceStore(jdbc, projections);
        IndexProtector indexes = protector.apply(registry);
        ResourceCodec codec = new ResourceCodec(fhirContext, payloadCodec);
        IndexExtractor extractor = new IndexExtractor(fhirContext, registry);
        AccessGuard guard = new AccessGuard(parser, registry, indexes);
        Searches searches = new Searches(store, codec, extractor, registry, indexes, guard);
        ResourceService service = new ResourceService(store, codec, extractor, registry, indexes, new ReferenceScanner(fhirContext),
                new ConditionalMatcher(parser, searches), searches, guard, tx, Clock.systemUTC());
        return new StorageLayer(service, parser, registry, store, indexes, tx, settings, new CareRelationships(store, indexes));
    }
}

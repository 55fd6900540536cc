package org.hygie.fhir.storage;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.hygie.fhir.crypto.PayloadCodec;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.jdbc.JdbcResourceStore;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The storage layer assembled over one DataSource: what the server wires and what the contract tests exercise. */
public record Storage(ResourceService service, SearchRequestParser searchParser, SearchParameterRegistry registry,
                      ResourceStore store) {

    public static Storage assemble(FhirContext fhirContext, List<String> resourceTypes, DataSource dataSource,
                                   PlatformTransactionManager transactions, PayloadCodec payloadCodec,
                                   int defaultPageSize, int maxPageSize) {
        SearchParameterRegistry registry = new SearchParameterRegistry(fhirContext, resourceTypes);
        SearchRequestParser parser = new SearchRequestParser(registry, defaultPageSize, maxPageSize);
        ResourceStore store = new JdbcResourceStore(new JdbcTemplate(dataSource));
        ResourceService service = new ResourceService(store, new ResourceCodec(fhirContext, payloadCodec),
                new IndexExtractor(fhirContext, registry), registry, new ReferenceScanner(fhirContext),
                new ConditionalMatcher(parser, store), new TransactionTemplate(transactions), Clock.systemUTC());
        return new Storage(service, parser, registry, store);
    }

    /** For callers without a Spring context (tests, commands). */
    public static Storage assemble(FhirContext fhirContext, List<String> resourceTypes, DataSource dataSource,
                                   PayloadCodec payloadCodec) {
        return assemble(fhirContext, resourceTypes, dataSource, new DataSourceTransactionManager(dataSource), payloadCodec, 20, 1000);
    }
}

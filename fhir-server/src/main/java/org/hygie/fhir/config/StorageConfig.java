package org.hygie.fhir.config;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import org.hygie.fhir.crypto.CompressingPayloadCodec;
import org.hygie.fhir.crypto.PayloadCodec;
import org.hygie.fhir.storage.ConditionalMatcher;
import org.hygie.fhir.storage.ReferenceScanner;
import org.hygie.fhir.storage.ResourceCodec;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.jdbc.JdbcResourceStore;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the storage layer: plain constructors, no component scanning inside it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HygieProperties.class)
class StorageConfig {

    @Bean
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @Bean
    SearchParameterRegistry searchParameterRegistry(FhirContext fhirContext) {
        return new SearchParameterRegistry(fhirContext, ResourceTypes.ALL);
    }

    @Bean
    SearchRequestParser searchRequestParser(SearchParameterRegistry registry, HygieProperties properties) {
        return new SearchRequestParser(registry, properties.search().defaultPageSize(), properties.search().maxPageSize());
    }

    @Bean
    ResourceStore resourceStore(JdbcTemplate jdbc) {
        return new JdbcResourceStore(jdbc);
    }

    @Bean
    PayloadCodec payloadCodec() {
        return new CompressingPayloadCodec();
    }

    @Bean
    ResourceService resourceService(FhirContext fhirContext, ResourceStore store, PayloadCodec payloadCodec,
                                    SearchParameterRegistry registry, SearchRequestParser parser,
                                    PlatformTransactionManager transactions) {
        return new ResourceService(store, new ResourceCodec(fhirContext, payloadCodec),
                new IndexExtractor(fhirContext, registry), registry, new ReferenceScanner(fhirContext),
                new ConditionalMatcher(parser, store), new TransactionTemplate(transactions), Clock.systemUTC());
    }
}

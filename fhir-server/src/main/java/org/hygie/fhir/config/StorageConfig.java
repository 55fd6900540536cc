package org.hygie.fhir.config;

import ca.uhn.fhir.context.FhirContext;
import javax.sql.DataSource;
import org.hygie.fhir.error.ConfigurationProblem;
import org.hygie.fhir.types.FhirContexts;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.hygie.fhir.storage.jdbc.Projection;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** Wires the storage layer (assembled by {@link Storage}) into the Spring context. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HygieProperties.class)
class StorageConfig {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StorageConfig.class);

    /** Bounds on every database session ({@code hygie.database.*}), bound early: post-processors come before other beans. */
    @Bean
    static DatabaseSessions databaseSessions(org.springframework.core.env.Environment environment) {
        return new DatabaseSessions(org.springframework.boot.context.properties.bind.Binder.get(environment)
                .bindOrCreate("hygie.database", HygieProperties.Database.class));
    }

    /** The server's own context: strict parsing (see {@link FhirContexts}). */
    @Bean
    FhirContext fhirContext() {
        return FhirContexts.server();
    }

    /**
     * Depends on Flyway's initializer: the schema must be migrated before the store checks its settings.
     * {@code projections}: the capabilities' derived tables (booking's), which the store keeps at every write.
     */
    @Bean
    Storage storage(FhirContext fhirContext, DataSource dataSource, PlatformTransactionManager transactions,
                    CryptoSettings crypto, HygieProperties properties, FlywayMigrationInitializer migrated,
                    ObjectProvider<Projection> projections) {
        warnIfAutovacuumOff(dataSource);
        // before the packages are read: every canonical Hygie defines is under this base
        org.hygie.fhir.types.Canonicals.use(properties.conformance().canonicalBase());
        Storage storage = Storage.assemble(fhirContext, ResourceTypes.ALL, dataSource, transactions, crypto,
                projections.orderedStream().toList(), properties.search().defaultPageSize(), properties.search().maxPageSize(), properties.search().limits());
        // stored resources carry these URLs (extensions, codes): the base a database was created with stays its base
        String recorded = storage.transactions().execute(s -> storage.settings().putIfAbsent("conformance.canonical-base",
                org.hygie.fhir.types.Canonicals.base()));
        if (!org.hygie.fhir.types.Canonicals.base().equals(recorded)) {
            throw new ConfigurationProblem("This database was created with the canonical base " + recorded
                    + "; hygie.conformance.canonical-base cannot change once data is stored (it is " + org.hygie.fhir.types.Canonicals.base() + ")");
        }
        return storage;
    }

    /**
     * Search plans follow the table statistics, which only autovacuum (or an ANALYZE) refreshes: without it,
     * plans made while the tables were small stay in use as they grow. (The write path does not depend on them.)
     */
    private static void warnIfAutovacuumOff(DataSource dataSource) {
        String autovacuum = new org.springframework.jdbc.core.JdbcTemplate(dataSource)
                .queryForObject("select current_setting('autovacuum')", String.class);
        if ("off".equals(autovacuum)) {
            log.warn("PostgreSQL runs with autovacuum off: table statistics are not refreshed, and searches may slow down"
                    + " as the data grows. Run ANALYZE after bulk loads (vacuumdb --analyze-only), or turn autovacuum on.");
        }
    }

    @Bean
    ResourceService resourceService(Storage storage) {
        return storage.service();
    }

    @Bean
    SearchParameterRegistry searchParameterRegistry(Storage storage) {
        return storage.registry();
    }

    @Bean
    SearchRequestParser searchRequestParser(Storage storage) {
        return storage.searchParser();
    }
}

package org.hygie.fhir.storage;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.hygie.fhir.crypto.BlindIndex;
import org.hygie.fhir.crypto.BlindIndexProtector;
import org.hygie.fhir.crypto.CompressingPayloadCodec;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.crypto.DataKeys;
import org.hygie.fhir.crypto.EncryptingPayloadCodec;
import org.hygie.fhir.crypto.EnvelopeCipher;
import org.hygie.fhir.crypto.PayloadCodec;
import org.hygie.fhir.error.ConfigurationProblem;
import org.hygie.fhir.storage.index.IgSearchParameters;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.jdbc.JdbcDataKeyStore;
import org.hygie.fhir.storage.jdbc.JdbcResourceStore;
import org.hygie.fhir.storage.jdbc.JdbcSettings;
import org.hygie.fhir.storage.search.SearchLimits;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The storage layer assembled over one DataSource (whose schema is migrated): what the server wires and
 * what the contract tests and the key commands use. {@code dataKeys} is null in plaintext mode.
 */
public record Storage(ResourceService service, SearchRequestParser searchParser, SearchParameterRegistry registry,
                      ResourceStore store, IndexProtector protector, DataKeys dataKeys, TransactionTemplate transactions,
                      JdbcSettings settings, CareRelationships careRelationships) {
    /** The data-key compartment holding the active blind-index key (a new one after each index key rotation). */
    public static final String INDEX_KEY = "blind-index.key";
    /** Set while an index key rotation runs: servers refuse to start until it is finished. */
    public static final String INDEX_KEY_PENDING = "blind-index.pending";
    public static final String INDEX_ROTATION_PROGRESS = "blind-index.progress";

    public static Storage assemble(FhirContext fhirContext, List<String> resourceTypes, DataSource dataSource,
                                   PlatformTransactionManager transactionManager, CryptoSettings crypto,
                                   int defaultPageSize, int maxPageSize, SearchLimits limits) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(transactionManager);
        JdbcSettings settings = new JdbcSettings(jdbc);
        String recorded = tx.execute(s -> settings.putIfAbsent("storage.mode", crypto.mode().name()));
        if (!crypto.mode().name().equals(recorded)) {
            throw new ConfigurationProblem("This database was created in " + recorded + " mode; refusing to run it in "
                    + crypto.mode() + " mode: set hygie.crypto.mode=" + recorded.toLowerCase(java.util.Locale.ROOT) + ", or use another database");
        }
        SearchParameterRegistry registry = new SearchParameterRegistry(fhirContext, resourceTypes, IgSearchParameters.load(fhirContext));
        SearchRequestParser parser = new SearchRequestParser(registry, defaultPageSize, maxPageSize, limits);
        ResourceStore store = new JdbcResourceStore(jdbc);

        PayloadCodec payloadCodec = new CompressingPayloadCodec();
        IndexProtector protector = IndexProtector.CLEAR;
        DataKeys dataKeys = null;
        if (crypto.mode() == CryptoSettings.Mode.ENCRYPTED) {
            dataKeys = new DataKeys(new JdbcDataKeyStore(jdbc), crypto.masterKey(), crypto.previousMasterKeys(),
                    crypto.dataKeyCacheSize(), crypto.dataKeyCacheTtl());
            DataKeys keys = dataKeys;
            tx.executeWithoutResult(s -> keys.verifyMasterKeys());
            if (!crypto.maintenance() && tx.execute(s -> settings.get(INDEX_KEY_PENDING)).isPresent()) {
                throw new ConfigurationProblem("An index key rotation is unfinished: finish it with"
                        + " 'java -jar fhir-server.jar keys rotate-index' before starting servers");
            }
            byte[] indexKey = tx.execute(s -> keys.forCompartment(settings.get(INDEX_KEY).orElse(DataKeys.BLIND_INDEX)).key().getEncoded());
            payloadCodec = new EncryptingPayloadCodec(dataKeys, new EnvelopeCipher(crypto.provider()));
            protector = new BlindIndexProtector(new BlindIndex(indexKey), registry);
        }
        ResourceCodec codec = new ResourceCodec(fhirContext, payloadCodec);
        IndexExtractor extractor = new IndexExtractor(fhirContext, registry);
        AccessGuard guard = new AccessGuard(parser, registry, protector);
        Searches searches = new Searches(store, codec, extractor, registry, protector, guard);
        ResourceService service = new ResourceService(store, codec, extractor, registry, protector, new ReferenceScanner(fhirContext),
                new ConditionalMatcher(parser, searches), searches, guard, tx, Clock.systemUTC());
        return new Storage(service, parser, registry, store, protector, dataKeys, tx, settings, new CareRelationships(store, protector));
    }

    /** For callers without a Spring context (tests, commands). */
    public static Storage assemble(FhirContext fhirContext, List<String> resourceTypes, DataSource dataSource, CryptoSettings crypto) {
        return assemble(fhirContext, resourceTypes, dataSource, new DataSourceTransactionManager(dataSource), crypto, 20, 1000,
                SearchLimits.DEFAULT);
    }
}

package org.hygie.fhir.config;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import javax.sql.DataSource;
import org.hygie.fhir.crypto.BlindIndex;
import org.hygie.fhir.crypto.BlindIndexProtector;
import org.hygie.fhir.crypto.CompressingPayloadCodec;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.crypto.DataKeys;
import org.hygie.fhir.crypto.EncryptingPayloadCodec;
import org.hygie.fhir.crypto.EnvelopeCipher;
import org.hygie.fhir.crypto.JdbcDataKeyStore;
import org.hygie.fhir.error.ConfigurationProblem;
import org.hygie.fhir.storage.CareRelationships;
import org.hygie.fhir.storage.PayloadCodec;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.StorageLayer;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.jdbc.JdbcSettings;
import org.hygie.fhir.storage.jdbc.Projection;
import org.hygie.fhir.storage.search.SearchLimits;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The storage layer over one DataSource (whose schema is migrated), encrypted or not as configured: what
 * the server wires and what the contract tests and the key commands use. {@code dataKeys} is null in
 * plaintext mode. Here, not in storage, because it is where storage meets the cryptography.
 */
public record Storage(StorageLayer layer, DataKeys dataKeys) {
    /** The data-key compartment holding the active blind-index key (a new one after each index key rotation). */
    public static final String INDEX_KEY = "blind-index.key";
    /** Set while an index key rotation runs: servers refuse to start until it is finished. */
    public static final String INDEX_KEY_PENDING = "blind-index.pending";
    public static final String INDEX_ROTATION_PROGRESS = "blind-index.progress";

    public static Storage assemble(FhirContext fhirContext, List<String> resourceTypes, DataSource dataSource,
                                   PlatformTransactionManager transactionManager, CryptoSettings crypto, List<Projection> projections,
                                   int defaultPageSize, int maxPageSize, SearchLimits limits) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(transactionManager);
        JdbcSettings settings = new JdbcSettings(jdbc);
        String recorded = tx.execute(s -> settings.putIfAbsent("storage.mode", crypto.mode().name()));
        if (!crypto.mode().name().equals(recorded)) {
            throw new ConfigurationProblem("This database was created in " + recorded + " mode; refusing to run it in "
                    + crypto.mode() + " mode: set hygie.crypto.mode=" + recorded.toLowerCase(java.util.Locale.ROOT) + ", or use another database");
        }
        if (crypto.mode() != CryptoSettings.Mode.ENCRYPTED) {
            return new Storage(StorageLayer.assemble(fhirContext, resourceTypes, jdbc, tx, settings, new CompressingPayloadCodec(),
                    registry -> IndexProtector.CLEAR, projections, defaultPageSize, maxPageSize, limits), null);
        }
        DataKeys keys = new DataKeys(new JdbcDataKeyStore(jdbc), crypto.masterKey(), crypto.previousMasterKeys(),
                crypto.dataKeyCacheSize(), crypto.dataKeyCacheTtl());
        tx.executeWithoutResult(s -> keys.verifyMasterKeys());
        if (!crypto.maintenance() && tx.execute(s -> settings.get(INDEX_KEY_PENDING)).isPresent()) {
            throw new ConfigurationProblem("An index key rotation is unfinished: finish it with"
                    + " 'java -jar fhir-server.jar keys rotate-index' before starting servers");
        }
        byte[] indexKey = tx.execute(s -> keys.forCompartment(settings.get(INDEX_KEY).orElse(DataKeys.BLIND_INDEX)).key().getEncoded());
        PayloadCodec encrypting = new EncryptingPayloadCodec(keys, new EnvelopeCipher(crypto.provider()));
        return new Storage(StorageLayer.assemble(fhirContext, resourceTypes, jdbc, tx, settings, encrypting,
                registry -> new BlindIndexProtector(new BlindIndex(indexKey), registry), projections, defaultPageSize, maxPageSize, limits), keys);
    }

    /** For callers without a Spring context (tests, commands). */
    public static Storage assemble(FhirContext fhirContext, List<String> resourceTypes, DataSource dataSource, CryptoSettings crypto,
                                   List<Projection> projections) {
        return assemble(fhirContext, resourceTypes, dataSource, new DataSourceTransactionManager(dataSource), crypto, projections, 20, 1000,
                SearchLimits.DEFAULT);
    }

    public ResourceService service() {
        return layer.service();
    }

    public SearchRequestParser searchParser() {
        return layer.searchParser();
    }

    public SearchParameterRegistry registry() {
        return layer.registry();
    }

    public ResourceStore store() {
        return layer.store();
    }

    public IndexProtector protector() {
        return layer.protector();
    }

    public TransactionTemplate transactions() {
        return layer.transactions();
    }

    public JdbcSettings settings() {
        return layer.settings();
    }

    public CareRelationships careRelationships() {
        return layer.careRelationships();
    }
}

package org.hygie.fhir.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real PostgreSQL 15 from Maven-served binaries, its cluster kept under
 * {@code <data-dir>/postgres} so data survives restarts. One engine and one SQL dialect everywhere.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final HikariDataSource dataSource;

    public EmbeddedDatabase(Path dataDir) {
        Path cluster = dataDir.toAbsolutePath().resolve("postgres");
        try {
            Files.createDirectories(cluster);
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(cluster)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + cluster, e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setPoolName("hygie-embedded");
        config.setMaximumPoolSize(10);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        dataSource = new HikariDataSource(config);
        log.warn("No spring.datasource.url configured: using the embedded PostgreSQL in {} (fine for trying Hygie out;"
                + " point spring.datasource.url at a PostgreSQL 15+ server in production)", cluster);
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() throws IOException {
        dataSource.close();
        postgres.close();
    }
}

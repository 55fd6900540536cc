package org.hygie.fhir.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hygie.fhir.config.EmbeddedDatabase;

/**
 * Real PostgreSQL databases for tests, each freshly created and migrated. The embedded cluster (the same
 * code the server's embedded default runs) serves a fresh machine; {@value #EXTERNAL_URL_ENV}, a JDBC URL
 * to an administrative database such as {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres},
 * points the external-server suites at a real server.
 */
public final class TestDatabases {
    public static final String EXTERNAL_URL_ENV = "HYGIE_TEST_POSTGRES_URL";

    private static EmbeddedDatabase embedded;
    /** Pools of the databases handed out, with the admin URL that created each: closed and dropped by {@link #closeAll}. */
    private static final java.util.Map<HikariDataSource, String> handedOut = new java.util.LinkedHashMap<>();

    private TestDatabases() {}

    /** A fresh, migrated database in the embedded cluster shared by this JVM. */
    public static synchronized DataSource freshEmbedded() {
        if (embedded == null) {
            try {
                embedded = new EmbeddedDatabase(Files.createTempDirectory("hygie-test-pg"), null, false); // tests need no crash durability
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return fresh(embedded.jdbcUrlWithCredentials("postgres"));
    }

    /**
     * The JDBC URL of a fresh, empty database in the embedded cluster, for servers started by a test (they
     * migrate it themselves); dropped by {@link #closeAll}.
     */
    public static synchronized String freshEmbeddedUrl() {
        freshEmbedded(); // starts the cluster
        String adminUrl = embedded.jdbcUrlWithCredentials("postgres");
        String url = createDatabase(adminUrl);
        handedOut.put(pool(url, 1), adminUrl);
        return url;
    }

    /** A fresh, migrated database on the server named by {@value #EXTERNAL_URL_ENV}. */
    public static DataSource freshExternal() {
        String url = System.getenv(EXTERNAL_URL_ENV);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(EXTERNAL_URL_ENV + " is not set");
        }
        return fresh(url);
    }

    /** The JDBC URL of a new database created through {@code adminUrl}'s server. */
    public static String createDatabase(String adminUrl) {
        String name = "hygie_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (HikariDataSource admin = pool(adminUrl, 1); Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create a test database through " + adminUrl, e);
        }
        return adminUrl.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
    }

    private static synchronized DataSource fresh(String adminUrl) {
        HikariDataSource dataSource = pool(createDatabase(adminUrl), 6);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        handedOut.put(dataSource, adminUrl);
        return dataSource;
    }

    /** Closes every pool handed out and drops its database: a suite calls it when it is done. */
    public static synchronized void closeAll() {
        handedOut.forEach((pool, adminUrl) -> {
            String name = pool.getJdbcUrl().replaceFirst("jdbc:postgresql://[^/]+/([^?]*).*", "$1");
            pool.close();
            try (HikariDataSource admin = pool(adminUrl, 1); Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                s.execute("drop database if exists " + name);
            } catch (SQLException e) {
                // a database left behind is harmless: the next run creates its own
            }
        });
        handedOut.clear();
    }

    private static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }
}

package org.hygie.fhir.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.hygie.fhir.error.ConfigurationProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The embedded default: a real PostgreSQL 15 from Maven-served binaries, its cluster kept under
 * {@code <data-dir>/postgres} so data survives restarts. One engine and one SQL dialect everywhere.
 *
 * <p>Durable and closed: every commit is flushed to disk (the binaries' launcher turns fsync off; this turns
 * it back on), it listens on 127.0.0.1 only, without a Unix socket, and every login needs the generated
 * password kept in {@code <data-dir>/postgres-password} (readable by its owner only): another local user
 * cannot log in as its superuser.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    static final String PASSWORD_FILE = "postgres-password";

    private final EmbeddedPostgres postgres;
    private final HikariDataSource dataSource;
    private final String password;

    /** Durable, without session bounds (commands, and tests of the embedded database itself). */
    public EmbeddedDatabase(Path dataDir) {
        this(dataDir, null, true);
    }

    /**
     * @param sessionInitSql what each pooled connection runs first (statement timeout, work_mem), or null
     * @param durable        false only for tests: commits are not flushed, a crash may lose the last ones (warned)
     */
    public EmbeddedDatabase(Path dataDir, String sessionInitSql, boolean durable) {
        Path cluster = dataDir.toAbsolutePath().resolve("postgres");
        try {
            Files.createDirectories(cluster);
            Path passwordFile = passwordFile(dataDir.toAbsolutePath());
            password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
            boolean trusting = Files.exists(cluster.resolve("pg_hba.conf")) && trusts(cluster.resolve("pg_hba.conf"));
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(cluster)
                    .setCleanDataDirectory(false)
                    // a new cluster: the superuser gets the password, and logins need it (initdb options)
                    .setLocaleConfig("pwfile", passwordFile.toString())
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("auth-local", "scram-sha-256")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", "")
                    // the launcher passes -F (fsync off) and synchronous_commit=off before these, which win
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off")
                    .setServerConfig("full_page_writes", durable ? "on" : "off")
                    .setConnectConfig("password", password)
                    .start();
            if (trusting) {
                closeTrust(cluster);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + cluster, e);
        } catch (IllegalStateException e) {
            throw explained(e, dataDir.toAbsolutePath());
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setPassword(password);
        config.setPoolName("hygie-embedded");
        config.setMaximumPoolSize(10);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        if (sessionInitSql != null) {
            config.setConnectionInitSql(sessionInitSql);
        }
        dataSource = new HikariDataSource(config);
        if (!durable) {
            log.warn("hygie.database.embedded-durable=false: the embedded PostgreSQL does not flush commits; a crash may lose"
                    + " the last ones (tests only)");
        }
        log.warn("No spring.datasource.url configured: using the embedded PostgreSQL in {} (fine for trying Hygie out;"
                + " point spring.datasource.url at a PostgreSQL 15+ server in production)", cluster);
    }

    /** The embedded engine's refusals that an operator can fix, said as such. */
    private static RuntimeException explained(IllegalStateException e, Path dataDir) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("could not lock")) {
            return new ConfigurationProblem("The embedded database under " + dataDir + " is in use by another process (a running"
                    + " Hygie server?): stop it first, or give this one another --hygie.data-dir", e);
        }
        if (message.contains("binaries") || message.contains("Missing embedded postgres")) {
            return new ConfigurationProblem("No embedded PostgreSQL binaries for this platform (" + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + "): point spring.datasource.url at a PostgreSQL 15+ server", e);
        }
        return e;
    }

    /** The superuser's password file, made (random, owner-only) on first use. */
    private static Path passwordFile(Path dataDir) throws IOException {
        Path file = dataDir.resolve(PASSWORD_FILE);
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files.createDirectories(dataDir);
            Path temp = Files.createTempFile(dataDir, PASSWORD_FILE, ".tmp");
            restrict(temp);
            Files.writeString(temp, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            File f = file.toFile();
            f.setReadable(false, false);
            f.setReadable(true, true);
            f.setWritable(false, false);
            f.setWritable(true, true);
        }
    }

    private static boolean trusts(Path hba) throws IOException {
        return Files.readAllLines(hba).stream().map(String::trim).anyMatch(l -> !l.startsWith("#") && l.matches(".*\\btrust\\s*$"));
    }

    /**
     * A cluster made by an earlier version trusted every local login: the superuser gets the password and
     * logins need it from now on (pg_hba.conf rewritten, then reloaded).
     */
    private void closeTrust(Path cluster) throws IOException {
        JdbcTemplate jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
        jdbc.execute("set password_encryption = 'scram-sha-256'");
        jdbc.execute("alter role postgres password '" + password.replace("'", "''") + "'");
        Files.write(cluster.resolve("pg_hba.conf"), List.of(
                "# Written by Hygie: every login needs the password in <data-dir>/" + PASSWORD_FILE,
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256"));
        jdbc.queryForObject("select pg_reload_conf()", Boolean.class);
        log.warn("The embedded PostgreSQL in {} trusted local logins; it now needs the password in <data-dir>/{}", cluster, PASSWORD_FILE);
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** A JDBC URL to one of the embedded server's databases, with the credentials (for test support that makes its own). */
    public String jdbcUrlWithCredentials(String database) {
        return postgres.getJdbcUrl("postgres", database) + "&password=" + password;
    }

    @Override
    public void close() throws IOException {
        dataSource.close();
        postgres.close();
    }
}

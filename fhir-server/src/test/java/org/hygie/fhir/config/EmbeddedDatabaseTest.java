package org.hygie.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

class EmbeddedDatabaseTest {

    @Test
    void dataSurvivesARestartOnTheSameDataDir() throws Exception {
        Path dataDir = Files.createTempDirectory("hygie-embedded");
        try (EmbeddedDatabase first = new EmbeddedDatabase(dataDir)) {
            JdbcTemplate jdbc = new JdbcTemplate(first.dataSource());
            jdbc.execute("create table kept (v text)");
            jdbc.update("insert into kept values ('still here')");
        }
        try (EmbeddedDatabase second = new EmbeddedDatabase(dataDir)) {
            assertThat(new JdbcTemplate(second.dataSource()).queryForObject("select v from kept", String.class)).isEqualTo("still here");
            assertThat(new JdbcTemplate(second.dataSource()).queryForObject("show server_version", String.class)).startsWith("15.");
        }
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();
    }

    /** Durable (every commit flushed) and closed: no login without the generated password, kept owner-only. */
    @Test
    void isDurableAndNeedsItsPassword() throws Exception {
        Path dataDir = Files.createTempDirectory("hygie-embedded");
        try (EmbeddedDatabase db = new EmbeddedDatabase(dataDir)) {
            JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
            assertThat(jdbc.queryForObject("show fsync", String.class)).isEqualTo("on");
            assertThat(jdbc.queryForObject("show synchronous_commit", String.class)).isEqualTo("on");
            assertThat(jdbc.queryForObject("show listen_addresses", String.class)).isEqualTo("127.0.0.1");
            assertThat(jdbc.queryForObject("show unix_socket_directories", String.class)).isEmpty();
            String withPassword = db.jdbcUrlWithCredentials("postgres");
            String without = withPassword.replaceAll("&password=[^&]*", "");
            assertThatThrownBy(() -> DriverManager.getConnection(without).close()).hasMessageContaining("password");
            String wrong = withPassword.replaceAll("&password=[^&]*", "&password=guess");
            assertThatThrownBy(() -> DriverManager.getConnection(wrong).close()).hasMessageContaining("password authentication failed");
            DriverManager.getConnection(withPassword).close();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(EmbeddedDatabase.PASSWORD_FILE))))
                .isEqualTo("rw-------");
    }

    /** A cluster made by an earlier version (trusting local logins) is closed on its next start, its data kept. */
    @Test
    void aClusterThatTrustedLoginsIsClosed() throws Exception {
        Path dataDir = Files.createTempDirectory("hygie-embedded");
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres old = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.resolve("postgres")).setCleanDataDirectory(false).start()) {
            new JdbcTemplate(old.getPostgresDatabase()).execute("create table kept (v text)");
        }
        try (EmbeddedDatabase db = new EmbeddedDatabase(dataDir)) {
            assertThat(new JdbcTemplate(db.dataSource()).queryForObject("select count(*) from kept", Integer.class)).isZero();
            String without = db.jdbcUrlWithCredentials("postgres").replaceAll("&password=[^&]*", "");
            assertThatThrownBy(() -> DriverManager.getConnection(without).close()).hasMessageContaining("password");
        }
        try (EmbeddedDatabase again = new EmbeddedDatabase(dataDir)) {
            assertThat(new JdbcTemplate(again.dataSource()).queryForObject("select count(*) from kept", Integer.class)).isZero();
        }
    }
}

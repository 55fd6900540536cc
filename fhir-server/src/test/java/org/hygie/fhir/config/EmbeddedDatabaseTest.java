package org.hygie.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
}

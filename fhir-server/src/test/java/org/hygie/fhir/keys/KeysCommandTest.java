package org.hygie.fhir.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hygie.fhir.crypto.MasterKeyLoader;
import org.hygie.fhir.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's commands, run as the jar runs them, on a real database. */
class KeysCommandTest {
    @TempDir
    Path dir;

    private String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = KeysCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(text).isZero();
        return text;
    }

    @Test
    void generateRotateAndStatus() throws Exception {
        String url = TestDatabases.createDatabase(((HikariDataSource) TestDatabases.freshEmbedded()).getJdbcUrl());
        Path oldKey = dir.resolve("old.key");
        Path newKey = dir.resolve("new.key");
        assertThat(run("keys", "generate-master-key", oldKey.toString())).contains("New master key written");
        run("keys", "generate-master-key", newKey.toString());
        String db = "--spring.datasource.url=" + url;
        String data = "--hygie.data-dir=" + dir;

        String before = run("keys", "status", db, data, "--hygie.crypto.master-key-file=" + oldKey);
        String oldId = MasterKeyLoader.fromKeyFile(oldKey).id();
        String newId = MasterKeyLoader.fromKeyFile(newKey).id();
        assertThat(before).contains(oldId); // the blind-index key exists from the first start

        String rotated = run("keys", "rotate-master", db, data, "--hygie.crypto.master-key-file=" + newKey,
                "--hygie.crypto.previous-master-key-files=" + oldKey);
        assertThat(rotated).contains("done: 1 data keys re-wrapped");
        assertThat(run("keys", "status", db, data, "--hygie.crypto.master-key-file=" + newKey)).contains(newId).doesNotContain(oldId);
        assertThat(Files.readString(oldKey)).isNotBlank();
    }

    @Test
    void usageOnUnknownCommands() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(KeysCommand.run(new String[] {"keys"}, new PrintStream(out))).isEqualTo(2);
        assertThat(out.toString()).contains("usage:");
    }
}

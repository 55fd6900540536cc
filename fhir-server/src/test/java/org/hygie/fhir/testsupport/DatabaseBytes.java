package org.hygie.fhir.testsupport;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Everything a thief of the database would get, as bytes to search: a logical dump of every table
 * (COPY, as text), the output of the real pg_dump when the machine has one, the raw files of every
 * relation of the database (heap, TOAST, indexes) and the cluster's WAL, after a checkpoint.
 */
public final class DatabaseBytes {
    private DatabaseBytes() {}

    public record Finding(String where, String needle) {}

    /** Where each needle (as UTF-8 text and as the hex a bytea dump would show) occurs. */
    public static List<Finding> find(DataSource dataSource, List<String> needles) {
        List<Finding> findings = new ArrayList<>();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("checkpoint");
        scan("COPY dump", copyDump(dataSource), needles, findings);
        pgDump(dataSource).ifPresent(dump -> scan("pg_dump", dump, needles, findings));
        Path dataDir = Path.of(jdbc.queryForObject("show data_directory", String.class));
        List<String> relations = jdbc.queryForList("select pg_relation_filepath(c.oid) from pg_class c"
                + " where c.relkind in ('r', 't', 'i') and pg_relation_filepath(c.oid) is not null", String.class);
        for (String relation : relations) {
            for (int segment = 0; ; segment++) {
                Path file = dataDir.resolve(segment == 0 ? relation : relation + "." + segment);
                if (!Files.exists(file)) {
                    break;
                }
                scan("file " + relation, read(file), needles, findings);
            }
        }
        try (Stream<Path> wal = Files.list(dataDir.resolve("pg_wal"))) {
            wal.filter(Files::isRegularFile).forEach(f -> scan("WAL " + f.getFileName(), read(f), needles, findings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return findings;
    }

    private static void scan(String where, byte[] haystack, List<String> needles, List<Finding> findings) {
        for (String needle : needles) {
            byte[] text = needle.getBytes(StandardCharsets.UTF_8);
            byte[] hex = HexFormat.of().formatHex(text).getBytes(StandardCharsets.US_ASCII);
            if (indexOf(haystack, text) >= 0 || indexOf(haystack, hex) >= 0) {
                findings.add(new Finding(where, needle));
            }
        }
    }

    private static byte[] copyDump(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            List<String> tables = new JdbcTemplate(dataSource).queryForList(
                    "select tablename from pg_tables where schemaname = 'public'", String.class);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String table : tables) {
                c.unwrap(PGConnection.class).getCopyAPI().copyOut("copy " + table + " to stdout", out);
            }
            return out.toByteArray();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("logical dump failed", e);
        }
    }

    /** The real pg_dump, when installed (PostgreSQL's Debian packages); empty otherwise. */
    private static Optional<byte[]> pgDump(DataSource dataSource) {
        Optional<Path> binary = Stream.of("/usr/bin/pg_dump", "/usr/lib/postgresql/15/bin/pg_dump", "/usr/lib/postgresql/16/bin/pg_dump")
                .map(Path::of).filter(Files::isExecutable).findFirst();
        if (binary.isEmpty() || !(dataSource instanceof HikariDataSource hikari)) {
            return Optional.empty();
        }
        URI url = URI.create(hikari.getJdbcUrl().substring("jdbc:".length()));
        try {
            // -w: never prompt (no terminal here); the embedded server needs its password
            ProcessBuilder command = new ProcessBuilder(binary.get().toString(), "-w", "-h", url.getHost(), "-p", String.valueOf(url.getPort()),
                    "-U", "postgres", "-d", url.getPath().substring(1)).redirectErrorStream(false);
            java.util.regex.Matcher inUrl = java.util.regex.Pattern.compile("(?:^|&)password=([^&]*)").matcher(String.valueOf(url.getQuery()));
            String password = hikari.getPassword() != null ? hikari.getPassword() : inUrl.find() ? inUrl.group(1) : null;
            if (password != null) {
                command.environment().put("PGPASSWORD", password);
            }
            Process p = command.start();
            byte[] dump = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("pg_dump failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            return Optional.of(dump);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

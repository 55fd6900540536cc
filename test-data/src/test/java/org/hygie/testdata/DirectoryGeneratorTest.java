package org.hygie.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The generator is deterministic: the same seed writes the same bytes, whichever way the options are given. */
class DirectoryGeneratorTest {

    @Test
    void sameSeedSameBytesAndNamedOptionsMeanTheSame() throws IOException {
        Path a = Files.createTempDirectory("gen-a");
        Path b = Files.createTempDirectory("gen-b");
        Path c = Files.createTempDirectory("gen-c");
        DirectoryGenerator.main(new String[] {a.toString(), "60", "1", "7", "20"});
        DirectoryGenerator.main(new String[] {b.toString(), "--practitioners", "60", "--weeks=1", "--seed", "7", "--patients", "20"});
        DirectoryGenerator.main(new String[] {c.toString(), "--practitioners", "60", "--weeks=1", "--seed", "8", "--patients", "20"});
        assertThat(contents(a)).isEqualTo(contents(b));
        assertThat(contents(a)).isNotEqualTo(contents(c));
        assertThat(names(a)).contains("directory-00000.json", "directory-00001.json");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Each file's bytes, as text (byte arrays compare by identity). */
    private static List<String> contents(Path dir) throws IOException {
        List<String> all = new ArrayList<>();
        for (String name : names(dir)) {
            all.add(new String(Files.readAllBytes(dir.resolve(name)), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return all;
    }
}

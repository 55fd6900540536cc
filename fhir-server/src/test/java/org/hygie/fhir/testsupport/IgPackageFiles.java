package org.hygie.fhir.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the ig/ package that the build keeps equal to what the code generates (snapshots, the CapabilityStatement). */
public final class IgPackageFiles {
    private static final Path SOURCE = Path.of("..", "ig", "src", "main", "resources", "hygie-ig", "package");

    private IgPackageFiles() {}

    /** Fails unless {@code file} holds {@code generated}; rewrites it first when the system property {@code rewriteFlag} is true. */
    public static void assertUpToDate(String file, String generated, String rewriteFlag) throws IOException {
        Path path = SOURCE.resolve(file);
        if (Boolean.getBoolean(rewriteFlag)) {
            Files.writeString(path, generated);
        }
        assertThat(Files.readString(path)).as(path + " is out of date: run this test with -D" + rewriteFlag + "=true").isEqualTo(generated);
    }
}

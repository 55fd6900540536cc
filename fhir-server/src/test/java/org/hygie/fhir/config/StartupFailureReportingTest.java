package org.hygie.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hygie.fhir.HygieApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A start refused for a setting says so in one line on stderr, naming the setting and the fix, with no stack trace. */
class StartupFailureReportingTest {

    @Test
    void aRefusedSettingIsOneLineNamingTheFix() throws Exception {
        Path dataDir = Files.createTempDirectory("refused");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> new SpringApplicationBuilder(HygieApplication.class).web(WebApplicationType.NONE)
                    .profiles("prod").run("--hygie.data-dir=" + dataDir, "--spring.main.banner-mode=off"))
                    .hasRootCauseInstanceOf(org.hygie.fhir.error.ConfigurationProblem.class);
        } finally {
            System.setErr(stderr);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().filter(l -> l.startsWith("hygie: cannot start: "))).singleElement().asString()
                .contains("spring.datasource.url").contains("hygie.database.embedded-production=true");
        assertThat(text).doesNotContain("\tat ").doesNotContain("Caused by");
    }
}

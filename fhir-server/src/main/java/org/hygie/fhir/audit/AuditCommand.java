package org.hygie.fhir.audit;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import org.hygie.fhir.HygieApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar fhir-server.jar audit verify [server options]}: chains what is not chained yet, then
 * checks the whole audit chain against the stored AuditEvents. Exit code 0 when intact, 1 when tampering
 * (or a missing record) is found.
 */
public final class AuditCommand {
    private static final String USAGE = """
            usage: java -jar fhir-server.jar audit verify [--hygie.data-dir=...] [--spring.datasource.url=...]
              checks that no audit record was altered, removed or reordered (exit code 1 if one was)""";

    private AuditCommand() {}

    public static int run(String[] args, PrintStream out) {
        if (HygieApplication.wantsHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        if (args.length < 2 || !args[1].equals("verify")) {
            out.println(USAGE);
            return 2;
        }
        String[] options = Arrays.stream(args).skip(2).filter(a -> a.startsWith("--")).toArray(String[]::new);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(HygieApplication.class)
                .web(WebApplicationType.NONE)
                .properties("logging.level.root=WARN", "spring.main.banner-mode=off")
                .run(options)) {
            AuditChain chain = context.getBean(AuditChain.class);
            chain.seal();
            AuditChain.Report report = chain.verify(Duration.ofMinutes(1));
            report.problems().forEach(p -> out.println("TAMPERED: " + p));
            out.println((report.intact() ? "audit chain intact: " : "audit chain BROKEN: ") + report.sealed() + " records chained ("
                    + report.erased() + " erased by crypto-shredding, " + report.unsealed() + " not yet chained)");
            return report.intact() ? 0 : 1;
        }
    }
}

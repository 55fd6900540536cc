package org.hygie.fhir;

import org.hygie.fhir.keys.KeysCommand;
import org.hygie.fhir.load.LoadCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Leaves out the auto-configurations of what Hygie does not use: metrics and observations (nothing exports
 * them, and they would time every request), HTTP clients, Gson, task executors and WebSocket. They cost
 * about a tenth of the startup on two cores. Health probes ({@code /actuator/health}) stay.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.JvmMetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.LogbackMetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.SystemMetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.jdbc.DataSourcePoolMetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.startup.StartupTimeMetricsListenerAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.task.TaskExecutorMetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.web.tomcat.TomcatMetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.web.client.HttpClientObservationsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.web.servlet.WebMvcObservationAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.scheduling.ScheduledTasksObservabilityAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.ssl.SslObservabilityAutoConfiguration",
        "org.springframework.boot.autoconfigure.gson.GsonAutoConfiguration",
        "org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.JdbcClientAutoConfiguration",
        "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration",
        "org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration",
        "org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration",
        "org.springframework.boot.autoconfigure.web.client.RestTemplateAutoConfiguration",
        "org.springframework.boot.autoconfigure.websocket.servlet.WebSocketServletAutoConfiguration"})
public class HygieApplication {
    static final String USAGE = """
            usage: java -jar fhir-server.jar [server options]      start the FHIR server (base /fhir, port 8080)
                   java -jar fhir-server.jar <command> [options]    run one command and exit
            commands (each takes --help):
              token   print a development bearer token, for a server started with --hygie.security.dev-issuer=true
              keys    key operations: status, generate-master-key, rotate-master, rotate-index, shred-patient
              audit   audit verify: check that no audit record was altered, removed or reordered
              load    load a directory of Bundles and NDJSON files into a running server through its API
            server options are Spring properties, as --name=value (or environment variables, HYGIE_DATA_DIR...):
              --server.port=8080                 --hygie.data-dir=./data (embedded database, dev keys)
              --spring.datasource.url=jdbc:postgresql://HOST:5432/DB  --spring.datasource.username=... --spring.datasource.password=...
              --hygie.crypto.master-key-file=FILE                      --hygie.security.issuers[0].issuer=... .jwks-uri=...
              --hygie.security.dev-issuer=true   (development only)    --spring.profiles.active=prod (refuses development settings)
            all settings: docs/configuration.md; production: docs/production.md""";

    private static final java.util.Map<String, java.util.function.Function<String[], Integer>> COMMANDS = java.util.Map.of(
            "keys", args -> KeysCommand.run(args, System.out),
            "audit", args -> org.hygie.fhir.audit.AuditCommand.run(args, System.out),
            "token", args -> org.hygie.fhir.security.TokenCommand.run(args, System.out, System.err),
            "load", args -> LoadCommand.run(args, System.out, System.err));

    /**
     * A command's exit code; a configuration problem is one line on stderr and exit code 1. A failure while
     * a command opens the data like the server has been reported already (StartupFailureReporting, or
     * Spring's own report): exit code 1 without repeating it.
     */
    private static int command(String name, java.util.function.IntSupplier run) {
        try {
            return run.getAsInt();
        } catch (org.hygie.fhir.error.ConfigurationProblem e) {
            System.err.println("hygie " + name + ": " + e.getMessage());
            return 1;
        } catch (org.springframework.beans.BeansException reported) { // ApplicationContextException included
            return 1;
        }
    }

    /** A command's {@code --help} or {@code -h}, anywhere after the command's name. */
    public static boolean wantsHelp(String[] args) {
        return java.util.Arrays.stream(args).skip(1).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))) {
            System.out.println(USAGE);
            return;
        }
        if (args.length > 0 && COMMANDS.containsKey(args[0])) {
            System.exit(command(args[0], () -> COMMANDS.get(args[0]).apply(args)));
        }
        if (args.length > 0 && !args[0].startsWith("-")) {
            System.err.println("unknown command '" + args[0] + "'\n" + USAGE);
            System.exit(2);
        }
        org.springframework.context.ConfigurableApplicationContext context = SpringApplication.run(HygieApplication.class, args);
        if (Boolean.getBoolean("hygie.training-run")) {
            // a class-data-sharing training run (bin/hygie): once started, stop cleanly, so the embedded database
            // stops too (Spring's spring.context.exit=onRefresh halts the JVM and left it running) and the JVM
            // writes its archive as it exits
            System.exit(SpringApplication.exit(context));
        }
    }
}

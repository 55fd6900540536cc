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
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(KeysCommand.run(args, System.out));
        }
        if (args.length > 0 && args[0].equals("audit")) {
            System.exit(org.hygie.fhir.audit.AuditCommand.run(args, System.out));
        }
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(org.hygie.fhir.security.TokenCommand.run(args, System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("load")) {
            System.exit(LoadCommand.run(args, System.out, System.err));
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

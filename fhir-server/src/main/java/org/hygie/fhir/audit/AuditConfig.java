package org.hygie.fhir.audit;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.config.Storage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The audit trail: AuditEvents for every access to patient data, and the sealer that chains them. */
@Configuration(proxyBeanMethods = false)
public class AuditConfig {

    @Bean
    public AuditTrail auditTrail(ResourceService service, Storage storage) {
        AuditTrail trail = new AuditTrail(service, storage.registry(), Clock.systemUTC());
        service.setWriteAudit(trail);
        return trail;
    }

    @Bean
    public AuditChain auditChain(JdbcTemplate jdbc, Storage storage) {
        return new AuditChain(jdbc, storage.transactions(), Clock.systemUTC());
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService auditSealer(AuditChain chain, HygieProperties properties) {
        return org.hygie.fhir.config.BackgroundTask.every(properties.audit().sealInterval(), "audit-sealer", chain::seal);
    }
}

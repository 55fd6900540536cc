package org.hygie.fhir.config;

import javax.sql.DataSource;
import org.hygie.fhir.error.ConfigurationProblem;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Without {@code spring.datasource.url} the server runs on the embedded PostgreSQL; otherwise Boot's own pool is used. */
@Configuration(proxyBeanMethods = false)
@Conditional(DatabaseConfig.NoDatasourceUrl.class)
class DatabaseConfig {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DatabaseConfig.class);

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(HygieProperties properties, org.springframework.core.env.Environment environment) {
        if (java.util.Arrays.asList(environment.getActiveProfiles()).contains("prod")) {
            if (!properties.database().embeddedDurable()) {
                throw new ConfigurationProblem("hygie.database.embedded-durable=false is for tests and refused in the prod profile: remove it");
            }
            if (!properties.database().embeddedProduction()) {
                throw new ConfigurationProblem("The prod profile needs a PostgreSQL server: set spring.datasource.url (and its"
                        + " username and password), or, for a single-node production on the embedded database, set"
                        + " hygie.database.embedded-production=true (see docs/production.md)");
            }
            log.warn("hygie.database.embedded-production=true: production data lives in the embedded PostgreSQL under {};"
                    + " back it up (docs/production.md), and plan a PostgreSQL server to grow beyond one node", properties.dataDir());
        }
        return new EmbeddedDatabase(properties.dataDir(), DatabaseSessions.initSql(properties.database()),
                properties.database().embeddedDurable());
    }

    @Bean
    DataSource dataSource(EmbeddedDatabase embedded) {
        return embedded.dataSource();
    }

    static class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}

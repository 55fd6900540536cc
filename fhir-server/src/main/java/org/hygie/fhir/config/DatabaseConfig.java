package org.hygie.fhir.config;

import javax.sql.DataSource;
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

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(HygieProperties properties) {
        return new EmbeddedDatabase(properties.dataDir());
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

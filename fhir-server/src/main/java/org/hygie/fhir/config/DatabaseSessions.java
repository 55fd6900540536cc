package org.hygie.fhir.config;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.hygie.fhir.error.ConfigurationProblem;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * The bounds every database session of the server runs under ({@code hygie.database.*}): a statement
 * timeout, so no single request holds PostgreSQL, and a work_mem, so no sort or hash grows without bound.
 * Set once per pooled connection (its init SQL), not per request.
 */
final class DatabaseSessions implements BeanPostProcessor {
    private final HygieProperties.Database settings;

    DatabaseSessions(HygieProperties.Database settings) {
        this.settings = settings;
    }

    /** The SQL a new connection runs first. */
    static String initSql(HygieProperties.Database settings) {
        Duration timeout = settings.statementTimeout();
        if (!settings.workMem().matches("[0-9]+\\s*(kB|MB|GB)?")) {
            throw new ConfigurationProblem("hygie.database.work-mem must be a PostgreSQL size such as 8MB, not '" + settings.workMem() + "'");
        }
        return "set statement_timeout = " + (timeout == null ? 0 : timeout.toMillis()) + "; set work_mem = '" + settings.workMem() + "'";
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        // a pool built by Spring Boot from spring.datasource.* (the embedded one sets its own at creation)
        if (bean instanceof HikariDataSource pool && !pool.isRunning() && pool.getConnectionInitSql() == null) {
            pool.setConnectionInitSql(initSql(settings));
        }
        return bean;
    }
}

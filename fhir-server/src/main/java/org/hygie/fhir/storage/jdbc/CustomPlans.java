package org.hygie.fhir.storage.jdbc;

import java.sql.PreparedStatement;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.jdbc.core.PreparedStatementSetter;

/**
 * Statements planned with the actual values and table sizes at each execution (an unnamed statement,
 * never a cached generic plan). PostgreSQL keeps the generic plan it made after a statement's first
 * executions; made on a table that was empty then (fresh database, or vacuumed before it filled, without
 * autovacuum to analyze it again), it scans the whole table for ever after. Planning a short statement
 * costs tens of microseconds; a scan of a grown table, milliseconds.
 */
public final class CustomPlans {
    private CustomPlans() {
    }

    public static PreparedStatementCreator of(String sql, PreparedStatementSetter arguments) {
        return con -> {
            PreparedStatement ps = con.prepareStatement(sql);
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            arguments.setValues(ps);
            return ps;
        };
    }

    public static PreparedStatementCreator of(String sql, Object... arguments) {
        return of(sql, new ArgumentPreparedStatementSetter(arguments));
    }
}

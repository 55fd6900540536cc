package org.hygie.fhir.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * PostgreSQL keeps the generic plan of a prepared statement; on a fresh database it is made on empty
 * tables and kept while they grow (without autovacuum, or inside one large transaction). The statements
 * every write or read runs with a list of keys must go by those keys whatever the statistics: no
 * sequential scan, no hash join over a whole table, no walk of every live resource of a type. (The rare
 * statements of schedule and role writes are planned at each execution instead: SlotSpecialties.)
 */
class GenericPlansTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @AfterAll
    static void close() {
        TestDatabases.closeAll();
    }

    @Test
    void plansMadeOnEmptyTablesGoByKeys() {
        JdbcTemplate empty = new JdbcTemplate(TestDatabases.freshEmbedded());
        Storage.assemble(FHIR, ResourceTypes.ALL, empty.getDataSource(), CryptoSettings.plaintext(), org.hygie.fhir.booking.SlotAvailabilityProjection.all()); // the schema, no rows
        record Statement(String sql, String types, String args, String mustUse) { }
        List<Statement> statements = List.of(
                new Statement(org.hygie.fhir.booking.SlotSpecialties.ROWS_OF_SLOT, "bigint", "1", "resource_type_id_uq"),
                new Statement(org.hygie.fhir.booking.SlotSpecialties.ROWS_OF_SCHEDULES, "text[]", "'{s1,s2}'", "slot_availability_schedule_idx"),
                new Statement(JdbcResourceStore.READ_CURRENT, "bigint[]", "'{1,2}'", "resource_version_pkey"),
                new Statement(JdbcResourceStore.CURRENT_OF_KEY, "text, text", "'Slot', 's1'", "resource_version_pkey"),
                new Statement(JdbcResourceStore.LIVE_REFERRERS, "text", "'Patient/p1'", "resource_pkey"),
                new Statement(JdbcResourceStore.LIVE_OF_KEYS, "text[], text[]", "'{Patient}', '{p1}'", "resource_type_id_uq"),
                new Statement(org.hygie.fhir.audit.AuditChain.PENDING, "int", "1000", "audit_pending_pkey"));
        for (Statement statement : statements) {
            String plan = String.join("\n", empty.execute((java.sql.Connection c) -> {
                try (var st = c.createStatement()) {
                    st.execute("set plan_cache_mode = force_generic_plan");
                    st.execute("prepare probe(" + statement.types() + ") as " + numbered(statement.sql()));
                    List<String> lines = new ArrayList<>();
                    try (var rs = st.executeQuery("explain execute probe(" + statement.args() + ")")) {
                        while (rs.next()) {
                            lines.add(rs.getString(1));
                        }
                    }
                    st.execute("deallocate probe");
                    return lines;
                }
            }));
            assertThat(plan).as(statement.sql() + "\n" + plan).doesNotContain("Seq Scan").doesNotContain("Hash")
                    .doesNotContain("resource_type_pk_idx").contains(statement.mustUse());
        }
    }

    /** JDBC placeholders as the numbered parameters of PREPARE. */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            out.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        return out.toString();
    }
}

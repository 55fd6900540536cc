package org.hygie.fhir.booking;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.sql.Connection;
import java.time.Instant;
import javax.sql.DataSource;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * A server's connections outlive the emptiness of slot_reservation: lookups made while it was empty
 * must not leave a plan that scans it whole once it has filled (see {@link SlotReservations}).
 */
class SlotReservationsPlanTest {
    @AfterAll
    static void close() {
        TestDatabases.closeAll();
    }

    @Test
    void lookupsGoByIndexAfterTheTableFilledOnTheSameConnection() throws Exception {
        DataSource pool = TestDatabases.freshEmbedded();
        Storage.assemble(FhirContext.forR4Cached(), ResourceTypes.ALL, pool, CryptoSettings.plaintext(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        new JdbcTemplate(pool).execute("vacuum analyze slot_reservation"); // as after a bulk load: known to be empty
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false); // one transaction, whose scans pg_stat_xact_user_tables counts
            JdbcTemplate one = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
            SlotReservations reservations = new SlotReservations(one);
            for (int i = 0; i < 20; i++) { // beyond the driver's and the server's thresholds for a cached plan
                reservations.ofSlot("s" + i);
                reservations.ofAppointment("a" + i);
            }
            one.update("insert into slot_reservation (slot_id, appointment_id) select 's' || n, 'a' || n from generate_series(1, 20000) n");
            long scansBefore = sequentialScans(one);
            for (int i = 0; i < 20; i++) {
                assertThat(reservations.ofSlot("s" + (i + 100))).get().extracting(SlotReservations.Reservation::appointmentId)
                        .isEqualTo("a" + (i + 100));
                assertThat(reservations.ofAppointment("a" + (i + 100))).hasSize(1);
            }
            reservations.setHoldExpiry("s1", Instant.now());
            reservations.release("s2", "a2");
            assertThat(sequentialScans(one) - scansBefore).isZero();
            assertThat(reservations.ofSlot("s2")).isEmpty();
            connection.rollback();
        }
    }

    private static long sequentialScans(JdbcTemplate one) {
        // the counters of this transaction, not yet flushed to pg_stat_user_tables
        return one.queryForObject("select seq_scan from pg_stat_xact_user_tables where relname = 'slot_reservation'", Long.class);
    }
}

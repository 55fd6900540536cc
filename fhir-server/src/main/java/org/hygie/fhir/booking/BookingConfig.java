package org.hygie.fhir.booking;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.config.Storage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Installs the booking rules on the store and runs the hold sweeper. */
@Configuration(proxyBeanMethods = false)
class BookingConfig {

    /** Free-slot search's tables, which the store keeps at every write. */
    @Bean
    SlotAvailabilityProjection slotAvailabilityProjection() {
        return new SlotAvailabilityProjection();
    }

    @Bean
    SlotReservations slotReservations(JdbcTemplate jdbc) {
        return new SlotReservations(jdbc);
    }

    @Bean
    BookingRules bookingRules(Storage storage, SlotReservations reservations) {
        return BookingRules.install(storage.service(), reservations, Clock.systemUTC());
    }

    @Bean
    BookingService bookingService(Storage storage, BookingRules installed, HygieProperties properties) {
        return new BookingService(storage.service(), storage.searchParser(), Clock.systemUTC(), properties.booking().holdDuration());
    }

    @Bean
    SlotGeneration slotGeneration(Storage storage, BookingRules installed) {
        return new SlotGeneration(storage.service(), storage.searchParser());
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService holdSweeper(Storage storage, SlotReservations reservations, BookingRules rules, HygieProperties properties) {
        HoldSweeper sweeper = new HoldSweeper(storage.service(), reservations, rules, Clock.systemUTC());
        return org.hygie.fhir.config.BackgroundTask.every(properties.booking().sweepInterval(), "hold-sweeper", sweeper::sweep);
    }
}

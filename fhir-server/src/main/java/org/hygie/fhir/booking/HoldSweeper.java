package org.hygie.fhir.booking;

import java.time.Clock;
import java.util.List;
import org.hygie.fhir.storage.ResourceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels appointments whose hold has expired and frees their slots, so that $find and slot searches
 * show them again. A booking that meets an expired hold before the sweep takes it over by itself
 * ({@link BookingRules}); the sweep only makes the slot visible. Safe on several instances: each
 * cancellation locks the appointment and re-checks the hold.
 */
public final class HoldSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(HoldSweeper.class);
    private static final int BATCH = 100;

    private final ResourceService service;
    private final SlotReservations reservations;
    private final BookingRules rules;
    private final Clock clock;

    public HoldSweeper(ResourceService service, SlotReservations reservations, BookingRules rules, Clock clock) {
        this.service = service;
        this.reservations = reservations;
        this.rules = rules;
        this.clock = clock;
    }

    /** @return how many holds were cancelled */
    public int sweep() {
        int cancelled = 0;
        List<String> expired;
        do {
            expired = reservations.expiredHolds(clock.instant(), BATCH);
            for (String appointmentId : expired) {
                try {
                    service.inTransaction(writes -> {
                        rules.cancelExpiredHold(appointmentId, writes);
                        return null;
                    });
                    cancelled++;
                } catch (RuntimeException e) { // another instance or a booking got there first; the next sweep retries
                    LOG.debug("expired hold of an appointment not cancelled this round: {}", e.getClass().getSimpleName());
                }
            }
        } while (expired.size() == BATCH);
        return cancelled;
    }
}

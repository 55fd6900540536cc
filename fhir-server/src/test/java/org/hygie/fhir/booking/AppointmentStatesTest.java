package org.hygie.fhir.booking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppointmentStatesTest {

    /** The transition table of AppointmentStates, every pair: allowed ones, and a sample of refused ones. */
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
        ", proposed, true", ", pending, true", ", booked, true", ", waitlist, true",
        ", arrived, false", ", cancelled, false", ", fulfilled, false", ", entered-in-error, false",
        "proposed, pending, true", "proposed, booked, true", "proposed, cancelled, true", "proposed, arrived, false",
        "pending, booked, true", "pending, cancelled, true", "pending, proposed, false", "pending, fulfilled, false",
        "waitlist, proposed, true", "waitlist, booked, true", "waitlist, cancelled, true", "waitlist, pending, false",
        "booked, arrived, true", "booked, checked-in, true", "booked, fulfilled, true", "booked, noshow, true",
        "booked, cancelled, true", "booked, pending, false", "booked, proposed, false",
        "arrived, checked-in, true", "arrived, fulfilled, true", "arrived, cancelled, true", "arrived, booked, false",
        "checked-in, fulfilled, true", "checked-in, cancelled, true", "checked-in, arrived, false",
        "cancelled, booked, false", "fulfilled, booked, false", "noshow, booked, false", "entered-in-error, booked, false",
        "cancelled, entered-in-error, true", "fulfilled, entered-in-error, true", "booked, booked, true", "cancelled, cancelled, true",
    })
    void transitions(String from, String to, boolean allowed) {
        AppointmentStatus f = from == null ? null : AppointmentStatus.fromCode(from);
        String refused = AppointmentStates.refusedTransition(f, AppointmentStatus.fromCode(to));
        assertThat(refused == null).as(refused).isEqualTo(allowed);
        if (!allowed && f != null) {
            assertThat(refused).contains(from + " -> " + to);
        }
    }

    @ParameterizedTest(name = "{0}, start {1}, end {2}, cancelationReason {3} -> {4}")
    @CsvSource({
        "booked, true, true, false, ''",
        "booked, true, false, false, app-2",
        "booked, false, false, false, app-3",
        "proposed, false, false, false, ''",
        "waitlist, false, false, false, ''",
        "cancelled, false, false, true, ''",
        "noshow, true, true, true, ''",
        "booked, true, true, true, app-4",
    })
    void invariants(String status, boolean start, boolean end, boolean reason, String violated) {
        Appointment a = new Appointment().setStatus(AppointmentStatus.fromCode(status));
        if (start) {
            a.setStart(new Date(1_000_000));
        }
        if (end) {
            a.setEnd(new Date(2_000_000));
        }
        if (reason) {
            a.setCancelationReason(new CodeableConcept().setText("x"));
        }
        if (violated.isEmpty()) {
            assertThat(AppointmentStates.invariantViolations(a)).isEmpty();
        } else {
            assertThat(AppointmentStates.invariantViolations(a)).anySatisfy(v -> assertThat(v).startsWith(violated));
        }
    }
}

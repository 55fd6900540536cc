package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Booking scenarios over HTTP, as a table: every booking path x every slot state; then status changes
 * and their effect on slots. A refused request leaves the database as it was (slot version, appointment
 * count and system history unchanged).
 */
class BookingHttpTest extends HttpTestBase {
    private static final String PARIS_DAY = "2027-03-02";

    @DynamicPropertySource
    static void shortHolds(DynamicPropertyRegistry registry) {
        registry.add("hygie.booking.hold-duration", () -> "2s");
        registry.add("hygie.booking.sweep-interval", () -> "1h"); // expiry is tested through takeover, not the sweep
    }

    enum Path { POST, CONDITIONAL_PUT, BOOK_RESOURCE, BOOK_PROPOSAL, HOLD_PROPOSAL, TRANSACTION }

    enum SlotState { FREE, HELD_BY_OTHER, BOOKED_BY_OTHER, BUSY_UNAVAILABLE, ENTERED_IN_ERROR }

    static Stream<Arguments> pathsAndSlotStates() {
        List<Arguments> rows = new ArrayList<>();
        for (Path path : Path.values()) {
            for (SlotState state : SlotState.values()) {
                rows.add(Arguments.of(path, state, state == SlotState.FREE ? (path == Path.POST || path == Path.CONDITIONAL_PUT ? 201 : 200) : 409));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} on a {1} slot -> {2}")
    @MethodSource("pathsAndSlotStates")
    void everyPathBooksOnlyFreeSlots(Path path, SlotState state, int expected) {
        String slot = slot("free");
        prepare(slot, state);
        int slotVersion = version("Slot/" + slot);
        int appointments = count("Appointment");
        int history = historyTotal();

        HttpResponse<String> response = book(path, slot);

        if (expected == 409) {
            OperationOutcome outcome = assertOutcome(response, 409);
            assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Slot/" + slot);
            assertThat(version("Slot/" + slot)).isEqualTo(slotVersion);
            assertThat(count("Appointment")).isEqualTo(appointments);
            assertThat(historyTotal()).isEqualTo(history);
        } else {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
            String wanted = path == Path.HOLD_PROPOSAL ? "busy-tentative" : "busy";
            assertThat(slotStatus(slot)).isEqualTo(wanted);
            assertThat(count("Appointment")).isEqualTo(appointments + 1);
            assertThat(search("Appointment?slot=Slot/" + slot + "&status=booked,pending")).isEqualTo(1);
        }
    }

    static Stream<Arguments> requestedStatusAndSlotStates() {
        List<Arguments> rows = new ArrayList<>();
        for (String status : List.of("proposed", "waitlist", "pending", "booked")) {
            for (SlotState state : SlotState.values()) {
                boolean takes = status.equals("pending") || status.equals("booked");
                rows.add(Arguments.of(status, state, takes && state != SlotState.FREE ? 409 : 201));
            }
        }
        return rows.stream();
    }

    /** Only reserving statuses take the slot: a proposal or a waitlist entry may name a taken slot. */
    @ParameterizedTest(name = "POST {0} on a {1} slot -> {2}")
    @MethodSource("requestedStatusAndSlotStates")
    void onlyReservingStatusesTakeTheSlot(String status, SlotState state, int expected) {
        String slot = slot("free");
        prepare(slot, state);
        String before = slotStatus(slot);
        HttpResponse<String> response = http("POST", "Appointment", appointment(status, slot, null));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        if (expected == 201 && (status.equals("pending") || status.equals("booked"))) {
            assertThat(slotStatus(slot)).isEqualTo(status.equals("pending") ? "busy-tentative" : "busy");
        } else {
            assertThat(slotStatus(slot)).isEqualTo(before);
        }
    }

    /** What each status change does to a booked (or held) appointment's slot. */
    @ParameterizedTest(name = "{0} -> {1}: slot {2}")
    @org.junit.jupiter.params.provider.CsvSource({
        "booked, arrived, busy", "booked, checked-in, busy", "booked, fulfilled, busy", "booked, noshow, busy",
        "booked, cancelled, free", "booked, entered-in-error, free", "pending, booked, busy", "pending, cancelled, free",
        "pending, entered-in-error, free",
    })
    void statusChangesMoveTheSlot(String from, String to, String slotAfter) {
        String slot = slot("free");
        String id = created(http("POST", "Appointment", appointment(from, slot, null)));
        HttpResponse<String> changed = patchStatus(id, to);
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(slotStatus(slot)).isEqualTo(slotAfter);
    }

    @Test
    void cancellingFreesTheSlotAndAFinalStatusCannotBeLeft() {
        String slot = slot("free");
        String appointment = created(http("POST", "Appointment", appointment("booked", slot, null)));
        assertThat(slotStatus(slot)).isEqualTo("busy");

        HttpResponse<String> cancel = patchStatus(appointment, "cancelled");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(slotStatus(slot)).isEqualTo("free");

        OperationOutcome refused = assertOutcome(patchStatus(appointment, "booked"), 422);
        assertThat(refused.getIssueFirstRep().getDiagnostics()).contains("cancelled -> booked");
        assertThat(slotStatus(slot)).isEqualTo("free");
        // the freed slot books again
        assertThat(http("POST", "Appointment", appointment("booked", slot, null)).statusCode()).isEqualTo(201);
    }

    @Test
    void statusMachineAndInvariantsAre422() {
        String slot = slot("free");
        String appointment = created(http("POST", "Appointment", appointment("booked", slot, null)));
        assertThat(patchStatus(appointment, "arrived").statusCode()).isEqualTo(200);
        assertThat(assertOutcome(patchStatus(appointment, "pending"), 422).getIssueFirstRep().getDiagnostics())
                .contains("arrived -> pending");
        assertThat(patchStatus(appointment, "fulfilled").statusCode()).isEqualTo(200);
        assertThat(slotStatus(slot)).isEqualTo("busy"); // a visit that happened keeps its time
        assertThat(assertOutcome(http("POST", "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"arrived\","
                + "\"start\":\"2027-03-02T09:00:00Z\",\"end\":\"2027-03-02T09:15:00Z\",\"participant\":[{\"actor\":{\"display\":\"x\"},\"status\":\"accepted\"}]}"), 422).getIssueFirstRep().getDiagnostics())
                .contains("cannot start as 'arrived'");
        assertThat(assertOutcome(http("POST", "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"booked\","
                + "\"participant\":[{\"actor\":{\"display\":\"x\"},\"status\":\"accepted\"}]}"), 422).getIssueFirstRep().getDiagnostics())
                .contains("app-3");
        assertThat(assertOutcome(http("POST", "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"proposed\","
                + "\"start\":\"2027-03-02T09:00:00Z\",\"participant\":[{\"actor\":{\"display\":\"x\"},\"status\":\"accepted\"}]}"), 422)
                .getIssueFirstRep().getDiagnostics()).contains("app-2");
        assertThat(assertOutcome(http("POST", "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"proposed\","
                + "\"cancelationReason\":{\"text\":\"x\"},\"participant\":[{\"actor\":{\"display\":\"x\"},\"status\":\"accepted\"}]}"), 422)
                .getIssueFirstRep().getDiagnostics()).contains("app-4");
    }

    @Test
    void reschedulingMovesTheReservationAtomically() {
        String first = slot("free");
        String second = slot("free");
        String taken = slot("free");
        http("POST", "Appointment", appointment("booked", taken, null));
        String id = created(http("POST", "Appointment", appointment("booked", first, null)));

        // to a taken slot: refused, nothing moves
        assertOutcome(http("PUT", "Appointment/" + id, appointment("booked", taken, id)), 409);
        assertThat(slotStatus(first)).isEqualTo("busy");

        assertThat(http("PUT", "Appointment/" + id, appointment("booked", second, id)).statusCode()).isEqualTo(200);
        assertThat(slotStatus(first)).isEqualTo("free");
        assertThat(slotStatus(second)).isEqualTo("busy");
    }

    @Test
    void aReservedSlotCannotBeFreedOrDeletedDirectly() {
        String slot = slot("free");
        http("POST", "Appointment", appointment("booked", slot, null));
        Slot current = parse(Slot.class, http("GET", "Slot/" + slot, null));
        current.setStatus(Slot.SlotStatus.FREE);
        assertThat(assertOutcome(http("PUT", "Slot/" + slot, FHIR.newJsonParser().encodeResourceToString(current)), 409)
                .getIssueFirstRep().getDiagnostics()).contains("is reserved by Appointment/");
        assertOutcome(http("DELETE", "Slot/" + slot, null), 409);
        assertThat(slotStatus(slot)).isEqualTo("busy");
    }

    @Test
    void anExpiredHoldIsTakenOverByTheNextBooking() throws InterruptedException {
        String slot = slot("free");
        Bundle held = parse(Bundle.class, operation("$hold", refParam("appointment-reference", "Appointment/find-" + slot)));
        Appointment hold = (Appointment) held.getEntryFirstRep().getResource();
        assertThat(hold.getStatus()).isEqualTo(Appointment.AppointmentStatus.PENDING);
        assertThat(hold.getExtensionByUrl("https://fhir.hygie.health/StructureDefinition/hold-expires")).isNotNull();
        assertOutcome(http("POST", "Appointment", appointment("booked", slot, null)), 409);

        Thread.sleep(2200);
        assertThat(http("POST", "Appointment", appointment("booked", slot, null)).statusCode()).isEqualTo(201);
        Appointment expired = parse(Appointment.class, http("GET", "Appointment/" + hold.getIdElement().getIdPart(), null));
        assertThat(expired.getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        assertThat(expired.getCancelationReason().getText()).isEqualTo("hold expired");
        assertThat(slotStatus(slot)).isEqualTo("busy");
    }

    @Test
    void holdThenBookThenCancelThroughTheOperations() {
        String slot = slot("free");
        Bundle held = parse(Bundle.class, operation("$hold", refParam("appointment-reference", "Appointment/find-" + slot)));
        String id = held.getEntryFirstRep().getResource().getIdElement().getIdPart();
        assertThat(slotStatus(slot)).isEqualTo("busy-tentative");

        Bundle booked = parse(Bundle.class, operation("$book", refParam("appointment-reference", "Appointment/" + id)));
        Appointment appointment = (Appointment) booked.getEntryFirstRep().getResource();
        assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(appointment.getExtensionByUrl("https://fhir.hygie.health/StructureDefinition/hold-expires")).isNull();
        assertThat(slotStatus(slot)).isEqualTo("busy");

        appointment.setStatus(Appointment.AppointmentStatus.CANCELLED);
        String cancel = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"appointment-resource\",\"resource\":"
                + FHIR.newJsonParser().encodeResourceToString(appointment) + "}]}";
        HttpResponse<String> cancelled = operation("$book", cancel);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(slotStatus(slot)).isEqualTo("free");
    }

    @Test
    void findProposesFreeSlotsInTheWindowAndHidesHeldOnes() {
        String schedule = schedule();
        String a = slot(schedule, "free", PARIS_DAY + "T08:00:00Z");
        String b = slot(schedule, "free", PARIS_DAY + "T08:15:00Z");
        slot(schedule, "busy-unavailable", PARIS_DAY + "T08:30:00Z");
        slot(schedule, "free", "2027-03-05T08:00:00Z"); // outside the window
        String find = "{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"start\",\"valueDateTime\":\"" + PARIS_DAY + "T00:00:00Z\"},"
                + "{\"name\":\"end\",\"valueDateTime\":\"" + PARIS_DAY + "T23:59:59Z\"},"
                + "{\"name\":\"practitioner\",\"valueReference\":{\"reference\":\"Practitioner/" + practitionerOf(schedule) + "\"}}]}";
        Bundle found = parse(Bundle.class, operation("$find", find));
        assertThat(found.getTotal()).isEqualTo(2);
        assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly("find-" + a, "find-" + b);
        Appointment proposal = (Appointment) found.getEntryFirstRep().getResource();
        assertThat(proposal.getStatus()).isEqualTo(Appointment.AppointmentStatus.PROPOSED);
        assertThat(proposal.getSlotFirstRep().getReference()).isEqualTo("Slot/" + a);

        operation("$hold", refParam("appointment-reference", "Appointment/find-" + a));
        Bundle after = parse(Bundle.class, operation("$find", find));
        assertThat(after.getTotal()).isEqualTo(1);
        assertThat(after.getEntryFirstRep().getResource().getIdElement().getIdPart()).isEqualTo("find-" + b);

        assertOutcome(operation("$find", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"start\",\"valueDateTime\":\"2027-03-02\"}]}"), 400);
    }

    @Test
    void anAgentBookingOnBehalfIsRecordedOnce() {
        String slot = slot("free");
        String agent = created(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Secrétariat\"}]}"));
        String book = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"appointment-reference\",\"valueReference\":"
                + "{\"reference\":\"Appointment/find-" + slot + "\"}},{\"name\":\"booked-by\",\"valueReference\":{\"reference\":\"Practitioner/"
                + agent + "\"}}]}";
        Appointment booked = (Appointment) parse(Bundle.class, operation("$book", book)).getEntryFirstRep().getResource();
        String ext = "https://fhir.hygie.health/StructureDefinition/booked-by";
        assertThat(((org.hl7.fhir.r4.model.Reference) booked.getExtensionByUrl(ext).getValue()).getReference()).isEqualTo("Practitioner/" + agent);

        booked.getExtension().removeIf(e -> e.getUrl().equals(ext));
        booked.setComment("sans trace");
        assertThat(assertOutcome(http("PUT", "Appointment/" + booked.getIdElement().getIdPart(),
                FHIR.newJsonParser().encodeResourceToString(booked)), 422).getIssueFirstRep().getDiagnostics()).contains("booked-by");
        String foreign = appointment("booked", slot("free"), null).replace("\"status\":\"booked\",",
                "\"status\":\"booked\",\"extension\":[{\"url\":\"" + ext + "\",\"valueReference\":{\"reference\":\"http://elsewhere.org/Practitioner/1\"}}],");
        assertOutcome(http("POST", "Appointment", foreign), 422);
    }

    @Test
    void malformedOperationCallsAre4xx() {
        assertOutcome(operation("$hold", "{\"resourceType\":\"Parameters\"}"), 400);
        assertOutcome(operation("$hold", refParam("appointment-reference", "Patient/x")), 400);
        assertOutcome(operation("$hold", refParam("appointment-reference", "Appointment/find-nope")), 404);
        assertOutcome(operation("$book", "{\"resourceType\":\"Parameters\"}"), 400);
        assertOutcome(operation("$book", refParam("appointment-reference", "Appointment/")), 400);
        assertOutcome(operation("$find", "{\"resourceType\":\"Parameters\"}"), 400);
        assertOutcome(http("POST", "Appointment/$find?_count=abc", "{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"start\",\"valueDateTime\":\"2027-03-01\"},{\"name\":\"end\",\"valueDateTime\":\"2027-03-02\"}]}"), 400);
        assertOutcome(http("POST", "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"start\":\"2027-03-01T08:00:00Z\","
                + "\"end\":\"2027-03-01T08:15:00Z\",\"slot\":[{\"reference\":\"http://elsewhere.org/Slot/1\"}],"
                + "\"participant\":[{\"actor\":{\"display\":\"x\"},\"status\":\"accepted\"}]}"), 422);
    }

    @Test
    void aTransactionMayListTheAppointmentBeforeTheSlotAndScheduleItBooks() {
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:00000000-0000-0000-0000-00000000000a\",\"resource\":{\"resourceType\":\"Appointment\","
                + "\"status\":\"booked\",\"start\":\"2027-03-01T08:00:00Z\",\"end\":\"2027-03-01T08:15:00Z\","
                + "\"slot\":[{\"reference\":\"urn:uuid:00000000-0000-0000-0000-00000000000b\"}],"
                + "\"participant\":[{\"actor\":{\"display\":\"P\"},\"status\":\"accepted\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Appointment\"}},"
                + "{\"fullUrl\":\"urn:uuid:00000000-0000-0000-0000-00000000000b\",\"resource\":{\"resourceType\":\"Slot\","
                + "\"schedule\":{\"reference\":\"urn:uuid:00000000-0000-0000-0000-00000000000c\"},\"status\":\"free\","
                + "\"start\":\"2027-03-01T08:00:00Z\",\"end\":\"2027-03-01T08:15:00Z\"},\"request\":{\"method\":\"POST\",\"url\":\"Slot\"}},"
                + "{\"fullUrl\":\"urn:uuid:00000000-0000-0000-0000-00000000000c\",\"resource\":{\"resourceType\":\"Schedule\","
                + "\"actor\":[{\"display\":\"Dr T\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Schedule\"}}]}";
        HttpResponse<String> response = http("POST", "", bundle);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle result = parse(Bundle.class, response);
        String slot = result.getEntry().get(1).getResponse().getLocation().replaceAll(".*Slot/([^/]+)/_history.*", "$1");
        assertThat(slotStatus(slot)).isEqualTo("busy");
    }

    // --- fixtures -------------------------------------------------------------------------------------

    private void prepare(String slot, SlotState state) {
        switch (state) {
            case FREE -> { }
            case HELD_BY_OTHER -> assertThat(operation("$hold", refParam("appointment-reference", "Appointment/find-" + slot)).statusCode()).isEqualTo(200);
            case BOOKED_BY_OTHER -> assertThat(http("POST", "Appointment", appointment("booked", slot, null)).statusCode()).isEqualTo(201);
            case BUSY_UNAVAILABLE -> setSlotStatus(slot, "busy-unavailable");
            case ENTERED_IN_ERROR -> setSlotStatus(slot, "entered-in-error");
        }
    }

    private HttpResponse<String> book(Path path, String slot) {
        return switch (path) {
            case POST -> http("POST", "Appointment", appointment("booked", slot, null));
            case CONDITIONAL_PUT -> http("PUT", "Appointment?identifier=https://gap.example.org/rdv%7C" + UUID.randomUUID(),
                    appointment("booked", slot, null));
            case BOOK_RESOURCE -> operation("$book", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"appointment-resource\","
                    + "\"resource\":" + appointment("pending", slot, null) + "}]}");
            case BOOK_PROPOSAL -> operation("$book", refParam("appointment-reference", "Appointment/find-" + slot));
            case HOLD_PROPOSAL -> operation("$hold", refParam("appointment-reference", "Appointment/find-" + slot));
            case TRANSACTION -> http("POST", "", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":\"urn:uuid:"
                    + UUID.randomUUID() + "\",\"resource\":" + appointment("booked", slot, null)
                    + ",\"request\":{\"method\":\"POST\",\"url\":\"Appointment\"}}]}");
        };
    }

    private HttpResponse<String> operation(String name, String parameters) {
        return http("POST", "Appointment/" + name, parameters);
    }

    private static String refParam(String name, String reference) {
        return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"" + name + "\",\"valueReference\":{\"reference\":\"" + reference + "\"}}]}";
    }

    private String appointment(String status, String slot, String id) {
        Slot s = parse(Slot.class, http("GET", "Slot/" + slot, null));
        return "{\"resourceType\":\"Appointment\"," + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"status\":\"" + status + "\","
                + "\"start\":\"" + s.getStartElement().getValueAsString() + "\",\"end\":\"" + s.getEndElement().getValueAsString() + "\","
                + "\"slot\":[{\"reference\":\"Slot/" + slot + "\"}],"
                + "\"participant\":[{\"actor\":{\"display\":\"Patient\"},\"status\":\"accepted\"}]}";
    }

    private String schedule() {
        String practitioner = created(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Agenda\"}]}"));
        return created(http("POST", "Schedule", "{\"resourceType\":\"Schedule\",\"actor\":[{\"reference\":\"Practitioner/" + practitioner + "\"}]}"));
    }

    private String practitionerOf(String schedule) {
        return parse(org.hl7.fhir.r4.model.Schedule.class, http("GET", "Schedule/" + schedule, null))
                .getActorFirstRep().getReferenceElement().getIdPart();
    }

    private String slot(String status) {
        return slot(schedule(), status, "2027-03-01T08:00:00Z");
    }

    private String slot(String schedule, String status, String start) {
        String end = java.time.Instant.parse(start).plusSeconds(900).toString();
        return created(http("POST", "Slot", "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/" + schedule + "\"},"
                + "\"status\":\"" + status + "\",\"start\":\"" + start + "\",\"end\":\"" + end + "\"}"));
    }

    private void setSlotStatus(String slot, String status) {
        assertThat(http("PATCH", "Slot/" + slot, "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"" + status + "\"}]",
                "Content-Type", "application/json-patch+json").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> patchStatus(String appointment, String status) {
        return http("PATCH", "Appointment/" + appointment, "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"" + status + "\"}]",
                "Content-Type", "application/json-patch+json");
    }

    private String slotStatus(String slot) {
        return parse(Slot.class, http("GET", "Slot/" + slot, null)).getStatus().toCode();
    }

    private int version(String path) {
        return Integer.parseInt(parse(Slot.class, http("GET", path, null)).getMeta().getVersionId());
    }

    private int count(String path) {
        return parse(Bundle.class, http("GET", path + (path.contains("?") ? "&" : "?") + "_summary=count", null)).getTotal();
    }

    private int historyTotal() {
        return parse(Bundle.class, http("GET", "_history?_count=1", null)).getTotal();
    }

    private int search(String query) {
        return count(query);
    }
}

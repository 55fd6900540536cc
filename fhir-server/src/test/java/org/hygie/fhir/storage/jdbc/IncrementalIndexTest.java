package org.hygie.fhir.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.testsupport.TestCrypto;
import org.hygie.fhir.testsupport.TestDatabases;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A rewrite of a locked version ({@link ResourceService#rewrite}) leaves the index exactly as a full rebuild
 * would, and leaves alone the tables whose rows do not change (their rows keep the transaction id that
 * wrote them, {@code xmin}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncrementalIndexTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final List<String> TABLES = List.of("idx_token", "idx_string", "idx_date", "idx_reference", "idx_number",
            "idx_quantity", "idx_uri", "idx_geo", "idx_blind", "slot_availability", "slot_specialty");
    private static final String R38 = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";
    private static final Instant T = Instant.parse("2027-04-06T08:00:00Z");
    private Storage storage;
    private JdbcTemplate jdbc;

    @BeforeAll
    void load() {
        DataSource db = TestDatabases.freshEmbedded();
        storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, TestCrypto.encrypted(), org.hygie.fhir.booking.SlotAvailabilityProjection.all()); // encrypted: blind digests too
        jdbc = new JdbcTemplate(db);
    }

    @AfterAll
    void close() {
        TestDatabases.closeAll();
    }

    @Test
    void aSlotStatusChangeRewritesOnlyTheStatusRows() {
        String schedule = schedule(role("SM04"));
        ResourceStore.Key slot = create(slot(schedule, T));
        Map<String, List<String>> before = rowsWithWriter(slot);

        rewrite(slot, s -> ((Slot) s).setStatus(Slot.SlotStatus.BUSY));

        Map<String, List<String>> after = rowsWithWriter(slot);
        for (String untouched : List.of("idx_date", "idx_reference", "resource_link")) {
            assertThat(after.get(untouched)).as(untouched).isNotEmpty().isEqualTo(before.get(untouched));
        }
        for (String changed : List.of("idx_token", "slot_availability", "slot_specialty")) {
            assertThat(after.get(changed)).as(changed).isNotEqualTo(before.get(changed));
        }
        assertThat(jdbc.queryForList("select status from slot_specialty ss join resource r on r.pk = ss.resource_pk where r.res_id = ?",
                String.class, slot.id())).containsExactly("busy");
        assertSameAsFullRebuild(slot);
    }

    @Test
    void aSlotStatusChangeReachesTheRowOfEachSpecialtyOfEachRole() {
        String twoSpecialties = create(new PractitionerRole()
                .addSpecialty(new CodeableConcept(new Coding(R38, "SM26", null)))
                .addSpecialty(new CodeableConcept(new Coding(R38, "SM54", null)))).id();
        String schedule = create(new Schedule().addActor(new Reference("PractitionerRole/" + twoSpecialties))
                .addActor(new Reference("PractitionerRole/" + role("SM40")))).id();
        ResourceStore.Key slot = create(slot(schedule, T.plusSeconds(3600)));

        rewrite(slot, s -> ((Slot) s).setStatus(Slot.SlotStatus.BUSYTENTATIVE));
        rewrite(slot, s -> ((Slot) s).setStatus(Slot.SlotStatus.BUSY));

        assertThat(jdbc.queryForList("select code || ' ' || status from slot_specialty ss join resource r on r.pk = ss.resource_pk"
                + " where r.res_id = ? order by 1", String.class, slot.id())).containsExactly("SM26 busy", "SM40 busy", "SM54 busy");
        assertSameAsFullRebuild(slot);
    }

    @Test
    void aSlotOfAScheduleWithoutRolesChangesStatusWithoutSpecialtyRows() {
        String schedule = create(new Schedule()).id();
        ResourceStore.Key slot = create(slot(schedule, T.plusSeconds(7200)));

        rewrite(slot, s -> ((Slot) s).setStatus(Slot.SlotStatus.BUSY));

        assertThat(rows(slot).get("slot_availability")).singleElement().asString().contains("busy");
        assertThat(rows(slot).get("slot_specialty")).isEmpty();
        assertSameAsFullRebuild(slot);
    }

    @Test
    void aSlotMovedToAnotherScheduleFollowsInEveryTable() {
        String first = schedule(role("SM10"));
        String second = schedule(role("SM20"));
        ResourceStore.Key slot = create(slot(first, T));

        rewrite(slot, s -> ((Slot) s).setSchedule(new Reference("Schedule/" + second)).setStartElement(new InstantType(T.plusSeconds(60).toString())));

        assertThat(jdbc.queryForList("select code from slot_specialty ss join resource r on r.pk = ss.resource_pk where r.res_id = ?",
                String.class, slot.id())).containsExactly("SM20");
        assertSameAsFullRebuild(slot);
    }

    @Test
    void anAppointmentOfAPatientKeepsItsBlindDigestsWhenOnlyItsStatusChanges() {
        ResourceStore.Key patient = create(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Incremental")));
        Appointment appointment = new Appointment().setStatus(Appointment.AppointmentStatus.PROPOSED);
        appointment.addParticipant().setActor(new Reference(patient.toString())).setStatus(Appointment.ParticipationStatus.NEEDSACTION);
        ResourceStore.Key key = create(appointment);
        Map<String, List<String>> before = rowsWithWriter(key);
        assertThat(before.get("idx_blind")).isNotEmpty();

        rewrite(key, a -> ((Appointment) a).setStatus(Appointment.AppointmentStatus.CANCELLED));

        Map<String, List<String>> after = rowsWithWriter(key);
        assertThat(after.get("idx_token")).isNotEqualTo(before.get("idx_token"));
        assertThat(after.get("idx_blind")).isEqualTo(before.get("idx_blind"));
        assertThat(after.get("resource_link")).isNotEmpty().isEqualTo(before.get("resource_link"));
        assertSameAsFullRebuild(key);
    }

    /** The rows a full rebuild of the current version's index gives are the rows the rewrite left. */
    private void assertSameAsFullRebuild(ResourceStore.Key key) {
        Map<String, List<String>> incremental = rows(key);
        storage.transactions().executeWithoutResult(s ->
                storage.service().reindex(storage.store().head(key).orElseThrow(), storage.protector()));
        assertThat(incremental).isEqualTo(rows(key));
    }

    private void rewrite(ResourceStore.Key key, Consumer<IBaseResource> change) {
        storage.service().inTransaction(w -> {
            ResourceService.Locked locked = storage.service().lockLive(key).orElseThrow();
            Resource next = ((Resource) locked.resource()).copy();
            change.accept(next);
            return storage.service().rewrite(locked, next, w);
        });
    }

    /** Each table's rows of the resource, as text, sorted. */
    private Map<String, List<String>> rows(ResourceStore.Key key) {
        return rows(key, "t::text");
    }

    /** The same, each row prefixed with the transaction that wrote it. */
    private Map<String, List<String>> rowsWithWriter(ResourceStore.Key key) {
        return rows(key, "t.xmin::text || ' ' || t::text");
    }

    private Map<String, List<String>> rows(ResourceStore.Key key, String column) {
        long pk = storage.store().head(key).orElseThrow().pk();
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String table : TABLES) {
            rows.put(table, jdbc.queryForList("select " + column + " from " + table + " t where t.resource_pk = ? order by 1", String.class, pk));
        }
        rows.put("resource_link", jdbc.queryForList("select " + column + " from resource_link t where t.source_pk = ? order by 1", String.class, pk));
        return rows;
    }

    private String role(String specialty) {
        return create(new PractitionerRole().addSpecialty(new CodeableConcept(new Coding(R38, specialty, null)))).id();
    }

    private String schedule(String role) {
        return create(new Schedule().addActor(new Reference("PractitionerRole/" + role))).id();
    }

    private static Slot slot(String schedule, Instant start) {
        Slot slot = new Slot();
        slot.setSchedule(new Reference("Schedule/" + schedule));
        slot.setStatus(Slot.SlotStatus.FREE);
        slot.setStartElement(new InstantType(start.toString()));
        slot.setEndElement(new InstantType(start.plusSeconds(900).toString()));
        return slot;
    }

    private ResourceStore.Key create(IBaseResource resource) {
        return storage.service().inTransaction(w -> storage.service().create(resource, null, "http://h/fhir", w)).key();
    }
}

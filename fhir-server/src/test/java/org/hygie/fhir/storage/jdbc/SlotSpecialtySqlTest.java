package org.hygie.fhir.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.storage.search.QueryString;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.testsupport.TestDatabases;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The projection keyed by specialty answers the GAP chain exactly as the index tables do, and keeps doing
 * so while the three resources a row depends on change: the slot (status, time, schedule), the schedule
 * (actors) and the roles (specialties), including deletions and concurrent writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlotSpecialtySqlTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String R38 = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";
    private static final String OTHER = "urn:oid:1.2.250.1.999";
    private static final Instant T = Instant.parse("2027-03-02T08:00:00Z");
    private static final String DAY = "start=ge2027-03-02T00:00:00Z&start=lt2027-03-03T00:00:00Z";
    private Storage storage;
    private JdbcTemplate jdbc;

    @BeforeAll
    void load() {
        DataSource db = TestDatabases.freshEmbedded();
        storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, CryptoSettings.plaintext(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        jdbc = new JdbcTemplate(db);
    }

    @AfterAll
    void close() {
        TestDatabases.closeAll();
    }

    @Test
    void answersLikeTheIndexTablesForEveryCombination() {
        String cardio = role(R38 + "|SM04", OTHER + "|SM04"); // the same code in two systems: counted once per system
        String both = role(R38 + "|SM04", R38 + "|SM54");
        String general = role(R38 + "|SM54");
        List<String> schedules = List.of(schedule(cardio), schedule(both), schedule(general), schedule(cardio, both), schedule());
        Slot.SlotStatus[] statuses = {Slot.SlotStatus.FREE, Slot.SlotStatus.BUSY, Slot.SlotStatus.FREE, Slot.SlotStatus.BUSYTENTATIVE};
        for (int i = 0; i < 40; i++) {
            slot(schedules.get(i % schedules.size()), T.plusSeconds(3600L * (i % 30) - 7200), statuses[i % statuses.length]);
        }
        int compared = 0;
        for (String specialty : List.of(R38 + "|SM04", R38 + "|SM54", OTHER + "|SM04", R38 + "|SM99")) {
            for (String extra : List.of("", "&status=free", "&status=free,busy-tentative&" + DAY, "&" + DAY + "&_sort=start",
                    "&end=gt2027-03-02T10:00:00Z&_sort=-start&_count=3&_offset=1", "&schedule=" + schedules.get(3), "&_lastUpdated=ge2020-01-01")) {
                assertSameAsIndexTables("schedule.actor:PractitionerRole.specialty=" + specialty + extra);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(28);
        assertThat(ids("schedule.actor:PractitionerRole.specialty=" + R38 + "|SM04", true)).hasSize(24); // 3 schedules of 5, one row per slot although one schedule serves two SM04 roles
    }

    @Test
    void followsChangesToTheSlotItsScheduleAndItsRoles() {
        String role = role(R38 + "|SM10");
        String other = role(R38 + "|SM20");
        String schedule = schedule(role);
        String elsewhere = schedule(other);
        String slot = slot(schedule, T, Slot.SlotStatus.FREE);
        String q10 = "status=free&schedule.actor:PractitionerRole.specialty=" + R38 + "|SM10";
        String q20 = "status=free&schedule.actor:PractitionerRole.specialty=" + R38 + "|SM20";
        assertThat(consistent(q10)).containsExactly(slot);

        update("Slot", slot, s -> ((Slot) s).setStatus(Slot.SlotStatus.BUSY)); // booked
        assertThat(consistent(q10)).isEmpty();
        update("Slot", slot, s -> ((Slot) s).setStatus(Slot.SlotStatus.FREE).setSchedule(new Reference("Schedule/" + elsewhere))); // moved
        assertThat(consistent(q10)).isEmpty();
        assertThat(consistent(q20)).containsExactly(slot);

        update("PractitionerRole", other, r -> ((PractitionerRole) r).setSpecialty(List.of(concept(R38 + "|SM10")))); // the role's specialty
        assertThat(consistent(q10)).containsExactly(slot);
        assertThat(consistent(q20)).isEmpty();

        update("Schedule", elsewhere, s -> ((Schedule) s).setActor(List.of(new Reference("PractitionerRole/" + role),
                new Reference("PractitionerRole/" + other)))); // two roles of the same specialty: still one row per specialty
        assertThat(consistent(q10)).containsExactly(slot);
        update("Schedule", elsewhere, s -> ((Schedule) s).setActor(List.of())); // no actor any more
        assertThat(consistent(q10)).isEmpty();

        update("Schedule", elsewhere, s -> ((Schedule) s).addActor(new Reference("PractitionerRole/" + other)));
        assertThat(consistent(q10)).containsExactly(slot);
        String second = slot(elsewhere, T.plusSeconds(900), Slot.SlotStatus.FREE);
        update("Slot", slot, s -> ((Slot) s).setSchedule(new Reference("Schedule/" + schedule)));
        assertThat(consistent(q10)).containsExactly(slot, second);
        delete("Slot", second);
        assertThat(consistent(q10)).containsExactly(slot);
        delete("PractitionerRole", role); // with what refers to it: its schedule and that schedule's slots
        assertThat(consistent(q10)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from slot_specialty ss join resource r on r.pk = ss.resource_pk where r.deleted",
                Integer.class)).isZero();
    }

    /** A role changing specialty while slots of its schedules are created: no row keeps the old specialty. */
    @Test
    void concurrentRoleAndSlotWritesConverge() throws Exception {
        String role = role(R38 + "|SM40");
        String schedule = schedule(role);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String code = round % 2 == 0 ? "SM41" : "SM40";
                List<Future<?>> work = new ArrayList<>();
                work.add(pool.submit(() -> update("PractitionerRole", role, r -> ((PractitionerRole) r).setSpecialty(List.of(concept(R38 + "|" + code))))));
                for (int i = 0; i < 3; i++) {
                    int n = round * 3 + i;
                    work.add(pool.submit(() -> slot(schedule, T.plusSeconds(60L * n), Slot.SlotStatus.FREE)));
                }
                for (Future<?> f : work) {
                    f.get();
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(consistent("schedule.actor:PractitionerRole.specialty=" + R38 + "|SM40")).hasSize(30);
        assertThat(consistent("schedule.actor:PractitionerRole.specialty=" + R38 + "|SM41")).isEmpty();
    }

    @Test
    void aScheduleOrRoleWriteFindsTheRowsToReplaceThroughAnIndex() {
        String plan = String.join("\n", jdbc.execute((java.sql.Connection c) -> {
            try (var st = c.createStatement()) {
                st.execute("set enable_seqscan = off");
                List<String> lines = new ArrayList<>();
                try (var rs = st.executeQuery("explain " + org.hygie.fhir.booking.SlotSpecialties.DELETE_OF_SCHEDULES.replace("?", "'{s1,s2}'"))) {
                    while (rs.next()) {
                        lines.add(rs.getString(1));
                    }
                }
                st.execute("reset enable_seqscan");
                return lines;
            }
        }));
        assertThat(plan).contains("slot_availability_schedule_idx").contains("slot_specialty_slot_idx").doesNotContain("Seq Scan");
    }

    private List<String> consistent(String q) {
        assertSameAsIndexTables(q);
        return ids(q, true);
    }

    private void assertSameAsIndexTables(String q) {
        assertThat(ids(q, true)).as(q).isEqualTo(ids(q, false));
    }

    /** The page's ids in result order, through the projection or the index tables alone. */
    private List<String> ids(String q, boolean projection) {
        SearchQuery query = storage.searchParser().parse("Slot", QueryString.parse(q + (q.contains("_count") ? "" : "&_count=1000")),
                false, "http://h/fhir");
        SearchSql sql = new SearchSql(query, projection ? org.hygie.fhir.booking.SlotAvailabilityProjection.all() : java.util.List.of());
        assertThat((sql.from + sql.where).contains("slot_specialty")).as(q).isEqualTo(projection);
        List<Object> args = new ArrayList<>(sql.whereArgs);
        args.addAll(sql.orderArgs);
        args.add(query.count());
        args.add(query.offset());
        List<Long> pks = jdbc.queryForList("select " + sql.key + " from " + sql.from + " where " + sql.where + " order by " + sql.orderBy
                + " limit ? offset ?", Long.class, args.toArray());
        return pks.stream().map(pk -> jdbc.queryForObject("select res_id from resource where pk = ?", String.class, pk)).toList();
    }

    private static CodeableConcept concept(String token) {
        String[] parts = token.split("\\|");
        return new CodeableConcept(new Coding(parts[0], parts[1], null));
    }

    private String role(String... specialties) {
        PractitionerRole role = new PractitionerRole();
        for (String s : specialties) {
            role.addSpecialty(concept(s));
        }
        return create(role);
    }

    private String schedule(String... roles) {
        Schedule schedule = new Schedule();
        for (String role : roles) {
            schedule.addActor(new Reference("PractitionerRole/" + role));
        }
        return create(schedule);
    }

    private String slot(String schedule, Instant start, Slot.SlotStatus status) {
        Slot slot = new Slot();
        slot.setSchedule(new Reference("Schedule/" + schedule));
        slot.setStatus(status);
        slot.setStartElement(new InstantType(start.toString()));
        slot.setEndElement(new InstantType(start.plusSeconds(900).toString()));
        return create(slot);
    }

    private String create(IBaseResource resource) {
        return storage.service().inTransaction(w -> storage.service().create(resource, null, "http://h/fhir", w)).key().id();
    }

    private void update(String type, String id, java.util.function.Consumer<IBaseResource> change) {
        storage.service().inTransaction(w -> {
            ResourceStore.Key key = new ResourceStore.Key(type, id);
            IBaseResource resource = storage.service().read(key);
            change.accept(resource);
            return storage.service().update(key, resource, null, w);
        });
    }

    private void delete(String type, String id) {
        storage.service().inTransaction(w -> storage.service().delete(new ResourceStore.Key(type, id), true, w));
    }
}

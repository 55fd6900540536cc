package org.hygie.fhir.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.storage.search.QueryString;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.testsupport.TestDatabases;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The slot availability projection answers exactly as the index tables do: every date prefix at every
 * precision, around boundaries that millisecond- and second-precision instants straddle (where the
 * implied start bounds could go wrong), alone and with status and schedule criteria.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlotAvailabilitySqlTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Instant T = Instant.parse("2026-03-02T09:00:00Z");
    private static final List<String> PREFIXES = List.of("", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap");
    private static final List<String> VALUES = List.of("2026-03-02", "2026-03-02T09:00Z", "2026-03-02T09:00:00Z",
            "2026-03-02T09:00:00.000Z", "2026-03-02T08:59:59Z", "2026-03-02T09:00:01Z", "2026-03-02T09:00:00.999Z",
            "2026-03-02T10:00:00+01:00", "2026-03-02T09:15:00Z", "2026-03", "2026-03-02T09:00:00.500Z",
            "2026-03-02T09:00:01.500Z", "2026-03-02T08:59:59.001Z");
    private Storage storage;
    private JdbcTemplate jdbc;
    private String scheduleA;
    private String scheduleB;

    @BeforeAll
    void load() {
        DataSource db = TestDatabases.freshEmbedded();
        storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, CryptoSettings.plaintext(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        jdbc = new JdbcTemplate(db);
        scheduleA = create(new Schedule()).substring("Schedule/".length());
        scheduleB = create(new Schedule()).substring("Schedule/".length());
        long[] offsetsMs = {-1500, -1000, -999, -1, 0, 1, 999, 1000, 1001, 1500, 900_000, -86_400_000};
        Slot.SlotStatus[] statuses = Slot.SlotStatus.values();
        int n = 0;
        for (long offset : offsetsMs) {
            Instant start = T.plusMillis(offset);
            n++;
            slot(start.toString(), start.plusSeconds(900).toString(), statuses[n % 5], n % 2 == 0 ? scheduleA : scheduleB);
            if (offset % 1000 == 0) { // the same instant at second precision: a one-second range
                slot(start.toString().replace(".000", ""), start.plusSeconds(900).toString().replace(".000", ""),
                        statuses[(n + 1) % 5], n % 2 == 0 ? scheduleB : scheduleA);
            }
        }
    }

    @AfterAll
    void close() {
        TestDatabases.closeAll();
    }

    @Test
    void projectionMatchesTheIndexTablesForEveryPrefixAndPrecision() {
        int compared = 0;
        int narrowing = 0;
        for (String param : List.of("start", "end")) {
            for (String prefix : PREFIXES) {
                for (String value : VALUES) {
                    for (String extra : List.of("", "&status=free", "&status=free,busy&schedule=" + scheduleA,
                            "&schedule:Schedule=Schedule/" + scheduleB)) {
                        String q = param + "=" + prefix + value + extra;
                        Set<String> viaIndexTables = ids(q, false);
                        assertThat(ids(q, true)).as(q).isEqualTo(viaIndexTables);
                        compared++;
                        if (!viaIndexTables.isEmpty() && viaIndexTables.size() < 18) {
                            narrowing++;
                        }
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(2 * PREFIXES.size() * VALUES.size() * 4);
        assertThat(narrowing).as("queries that select some slots but not all").isGreaterThan(compared / 3);
    }

    @Test
    void sortedByStartTheProjectionGivesTheIndexTablesOrder() {
        for (String q : List.of("status=free,busy,busy-tentative&_sort=start", "start=ge2026-03-01&_sort=-start",
                "schedule=" + "{A}" + "&_sort=start&_count=3&_offset=2")) {
            String query = q.replace("{A}", scheduleA);
            assertThat(ordered(query, true)).as(query).isEqualTo(ordered(query, false)).isNotEmpty();
        }
    }

    private List<Long> ordered(String q, boolean projection) {
        SearchQuery query = storage.searchParser().parse("Slot", QueryString.parse(q), false, "http://h/fhir");
        SearchSql sql = new SearchSql(query, projection ? org.hygie.fhir.booking.SlotAvailabilityProjection.all() : java.util.List.of());
        assertThat(sql.from.contains("slot_availability")).as(q).isEqualTo(projection);
        List<Object> args = new ArrayList<>(sql.whereArgs);
        args.addAll(sql.orderArgs);
        args.add(query.count());
        args.add(query.offset());
        return jdbc.queryForList("select " + sql.key + " from " + sql.from + " where " + sql.where + " order by " + sql.orderBy
                + " limit ? offset ?", Long.class, args.toArray());
    }

    @Test
    void coveredCriteriaMixWithOthers() {
        String q = "start=ge2026-03-02T08:59:59Z&status=free,busy&_lastUpdated=ge2020-01-01";
        assertThat(ids(q, true)).isEqualTo(ids(q, false)).isNotEmpty();
    }

    @Test
    void windowOfTwoDatesAndAChainedSchedule() {
        String q = "start=ge2026-03-02T08:59:59Z&start=lt2026-03-02T09:00:01Z&schedule._id=" + scheduleA;
        assertThat(ids(q, true)).isEqualTo(ids(q, false)).isNotEmpty();
    }

    @Test
    void slotsLeaveTheProjectionWhenDeletedOrRescheduled() {
        String id = slot("2030-01-01T10:00:00Z", "2030-01-01T10:15:00Z", Slot.SlotStatus.FREE, scheduleA);
        assertThat(ids("start=2030-01-01&status=free", true)).containsExactly(id);
        storage.service().inTransaction(w -> {
            Slot moved = (Slot) storage.service().read(new ResourceStore.Key("Slot", id));
            moved.setStatus(Slot.SlotStatus.BUSY);
            return storage.service().update(new ResourceStore.Key("Slot", id), moved, null, w);
        });
        assertThat(ids("start=2030-01-01&status=free", true)).isEmpty();
        assertThat(ids("start=2030-01-01&status=busy", true)).containsExactly(id);
        storage.service().inTransaction(w -> storage.service().delete(new ResourceStore.Key("Slot", id), false, w));
        assertThat(ids("start=2030-01-01", true)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from slot_availability sa join resource r on r.pk = sa.resource_pk where r.deleted",
                Integer.class)).isZero();
    }

    private Set<String> ids(String q, boolean projection) {
        SearchQuery query = storage.searchParser().parse("Slot", QueryString.parse(q), false, "http://h/fhir");
        SearchSql sql = new SearchSql(query, projection ? org.hygie.fhir.booking.SlotAvailabilityProjection.all() : java.util.List.of());
        assertThat((sql.from + sql.where).contains("slot_availability")).as(q).isEqualTo(projection);
        return new TreeSet<>(jdbc.queryForList("select r.res_id from resource r where r.pk in (select " + sql.key + " from " + sql.from
                + " where " + sql.where + ")", String.class, sql.whereArgs.toArray()));
    }

    private String slot(String start, String end, Slot.SlotStatus status, String schedule) {
        Slot slot = new Slot();
        slot.setSchedule(new Reference("Schedule/" + schedule));
        slot.setStatus(status);
        slot.setStartElement(new InstantType(start));
        slot.setEndElement(new InstantType(end));
        return create(slot).substring("Slot/".length());
    }

    private String create(IBaseResource resource) {
        return storage.service().inTransaction(w -> storage.service().create(resource, null, "http://h/fhir", w)).key().toString();
    }
}

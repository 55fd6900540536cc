package org.hygie.fhir.booking;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.jdbc.CustomPlans;
import org.hygie.fhir.storage.jdbc.Projection;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchValue;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The slot availability projection keyed by specialty ({@code slot_specialty}): one row per live Slot
 * and specialty of the PractitionerRoles its Schedule serves, so that the free-slot query by specialty is
 * one contiguous index range instead of a range per schedule of the specialty (see
 * docs/adr/0008-slot-specialty-projection.md).
 *
 * <p>A row depends on three resources: the Slot, its Schedule (actors) and those roles (specialties).
 * Each of their writes recomputes the rows it reaches from the index tables, in its own transaction.
 * Advisory locks order a write that changes what a row depends on before or after a write that
 * recomputes it (otherwise each could read the other's state from before it committed): a Slot write
 * share-locks its Schedule, a Schedule write share-locks its roles and then locks itself, a role write
 * locks itself and then the Schedules that serve it. Roles are always locked before Schedules.
 */
public final class SlotSpecialties { // public: GenericPlansTest checks the plans of its statements
    private static final int LOCK_CLASS = 0x48795370; // "HySp"
    private static final String INSERT = "insert into slot_specialty (resource_pk, system, code, schedule_id, status_system, status,"
            + " start_low, start_high, end_low, end_high)"
            + " select distinct sa.resource_pk, sp.system, sp.code, sa.schedule_id, sa.status_system, sa.status,"
            + " sa.start_low, sa.start_high, sa.end_low, sa.end_high from ";

    /**
     * From a schedule id ({@code %s}) to the specialties of the roles it names, one index lookup per step.
     * Each step is a lateral subquery keyed by the previous one and fenced ({@code offset 0}), so the order
     * is fixed whatever the statistics say, and a resource is found by its unique (type, id) key: the
     * {@code deleted} test stays outside the fence, or the planner may prefer the partial index of live
     * resources of the type and walk all of them. As one join, PostgreSQL planned it on the empty tables of
     * a fresh database starting from every PractitionerRole and Schedule, and kept that plan for the
     * prepared statement: each Slot created cost a pass over all of them, and loading a directory into a
     * fresh database fell from ~1,500 to ~90 resources/s as it grew (PostgreSQL without autovacuum, or
     * inside one large transaction Bundle, never replans).
     */
    private static final String SPECIALTIES_OF = " cross join lateral (select s.pk, s.deleted from resource s"
            + " where s.res_type = 'Schedule' and s.res_id = %s offset 0) s"
            + " cross join lateral (select a.target_id from idx_reference a where a.resource_pk = s.pk and a.param = 'actor'"
            + " and a.target_type = 'PractitionerRole' offset 0) a"
            + " cross join lateral (select pr.pk, pr.deleted from resource pr where pr.res_type = 'PractitionerRole'"
            + " and pr.res_id = a.target_id offset 0) pr"
            + " cross join lateral (select t.system, t.code from idx_token t where t.resource_pk = pr.pk and t.param = 'specialty'"
            + " and t.code is not null offset 0) sp";
    private static final String LIVE = " not s.deleted and not pr.deleted";

    /**
     * The live Schedules that name a PractitionerRole as actor. Planned at each execution (see
     * {@link CustomPlans}): on empty tables the generic plan picked the index by target URL and
     * walked every Schedule's actor references.
     */
    public static final String SCHEDULES_OF_ROLE = "select distinct s.res_id from idx_reference a"
            + " cross join lateral (select s.res_id, s.deleted from resource s where s.pk = a.resource_pk offset 0) s"
            + " where a.res_type = 'Schedule' and a.param = 'actor' and a.target_id = ? and a.target_type = 'PractitionerRole'"
            + " and not s.deleted order by 1";

    /** The rows of one slot. */
    public static final String ROWS_OF_SLOT = INSERT + "slot_availability sa" + SPECIALTIES_OF.formatted("sa.schedule_id")
            + " where sa.resource_pk = ? and" + LIVE;

    /** The rows of the slots of some schedules: their specialties first, then their slots through the schedule index. */
    public static final String ROWS_OF_SCHEDULES = INSERT + "unnest(?::text[]) as sched(id)" + SPECIALTIES_OF.formatted("sched.id")
            + " cross join lateral (select * from slot_availability sa where sa.schedule_id = sched.id offset 0) sa where" + LIVE;

    /**
     * The rows of the slots of some schedules, found through the projection's schedule index (the rows
     * follow their slot's projection row): by slot_specialty.schedule_id it was a scan of the whole table,
     * 268 ms on 1.4M rows for each schedule or role write. Planned at each execution (see {@link CustomPlans}).
     */
    public static final String DELETE_OF_SCHEDULES = "delete from slot_specialty where resource_pk in"
            + " (select sa.resource_pk from slot_availability sa where sa.schedule_id = any (?))";

    private static final String UPDATE_STATUS = "update slot_specialty set status_system = ?, status = ? where resource_pk = ?";

    private final JdbcTemplate jdbc;

    SlotSpecialties(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Whether {@code c} is {@code schedule.actor:PractitionerRole.specialty=system|code}, one value, no
     * modifier: the shape the projection answers exactly. Other forms (code alone, several values,
     * {@code :not}) go through the index tables.
     */
    static boolean covers(SearchQuery.Criterion c) {
        return token(c) != null;
    }

    /** The specialty of a covered criterion, or null. */
    static SearchValue.Token token(SearchQuery.Criterion c) {
        SearchQuery.Criterion actor = chained(c, "Slot", "schedule", "Schedule");
        SearchQuery.Criterion specialty = actor == null ? null : chained(actor, "Schedule", "actor", "PractitionerRole");
        if (specialty == null || !specialty.param().resourceType().equals("PractitionerRole") || !specialty.param().name().equals("specialty")
                || specialty.modifier() != null || specialty.blind() || specialty.anyOf().size() != 1) {
            return null;
        }
        return specialty.anyOf().get(0) instanceof SearchValue.Token t && t.system() != null && t.code() != null ? t : null;
    }

    private static SearchQuery.Criterion chained(SearchQuery.Criterion c, String type, String param, String target) {
        if (c.param().resourceType().equals(type) && c.param().name().equals(param) && c.modifier() == null && !c.blind()
                && c.anyOf().size() == 1 && c.anyOf().get(0) instanceof SearchValue.Chained ch && ch.targetType().equals(target)
                && ch.guards().isEmpty()) { // the projection knows nothing of a caller's restriction on the joined types
            return ch.inner();
        }
        return null;
    }

    /** After the index rows of a resource were written (or cleared, {@code entries} empty, when deleted). */
    void refresh(long pk, String type, String id, List<IndexEntry> entries) {
        switch (type) {
            case "Slot" -> {
                SlotAvailability.Row row = SlotAvailability.row(entries);
                if (row.scheduleId() == null) {
                    return; // no schedule, so no specialty; the clear already removed former rows
                }
                lock("lock_shared", "Schedule/" + row.scheduleId());
                jdbc.update(ROWS_OF_SLOT, pk);
            }
            case "Schedule" -> {
                TreeSet<String> roles = new TreeSet<>();
                for (IndexEntry e : entries) {
                    if (e instanceof IndexEntry.Reference r && r.param().equals("actor") && "PractitionerRole".equals(r.targetType())) {
                        roles.add("PractitionerRole/" + r.targetId());
                    }
                }
                roles.forEach(role -> lock("lock_shared", role));
                lock("lock", "Schedule/" + id);
                recompute(List.of(id));
            }
            case "PractitionerRole" -> {
                lock("lock", "PractitionerRole/" + id);
                List<String> schedules = jdbc.query(CustomPlans.of(SCHEDULES_OF_ROLE, ps -> ps.setString(1, id)), (rs, n) -> rs.getString(1));
                schedules.forEach(schedule -> lock("lock", "Schedule/" + schedule));
                recompute(schedules);
            }
            default -> { }
        }
    }

    /**
     * After a Slot's availability row changed status in place: its rows take the same status. Under the same
     * share lock as a recompute of them, so a Schedule or role write that recomputes them comes wholly
     * before (this then updates what it wrote) or after (it reads this slot's new row).
     */
    void statusChanged(long pk, List<IndexEntry> entries) {
        SlotAvailability.Row row = SlotAvailability.row(entries);
        if (row.scheduleId() == null) {
            return; // no schedule, so no rows
        }
        lock("lock_shared", "Schedule/" + row.scheduleId());
        jdbc.update(UPDATE_STATUS, row.statusSystem(), row.status(), pk);
    }

    private void recompute(List<String> scheduleIds) {
        if (scheduleIds.isEmpty()) {
            return;
        }
        String[] ids = scheduleIds.toArray(String[]::new);
        deleteOfSchedules(ids);
        jdbc.update(ROWS_OF_SCHEDULES, (Object) ids);
    }

    private void deleteOfSchedules(String[] ids) {
        jdbc.update(CustomPlans.of(DELETE_OF_SCHEDULES, ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", ids))));
    }

    /** A transaction-scoped advisory lock on a resource key (hash collisions only make writers wait). */
    private void lock(String function, String key) {
        jdbc.query("select pg_advisory_xact_" + function + "(?, hashtext(?))", rs -> { }, LOCK_CLASS, key);
    }

    /**
     * {@code select sa.resource_pk[, sa.start_low] from slot_specialty sa where ...}: the covered
     * specialty criterion as the index range, the other covered criteria as conditions on the same row.
     * {@code byStart}: sorted by start, which the range gives in order for one status (a page stops early).
     */
    static void select(StringBuilder sql, List<Object> args, SearchQuery.Criterion specialty, List<SearchQuery.Criterion> rest,
                       boolean byStart, Projection.Subqueries subqueries) {
        SearchValue.Token t = token(specialty);
        sql.append(byStart ? "select sa.resource_pk, sa.start_low as sort_key" : "select sa.resource_pk")
                .append(" from slot_specialty sa where sa.code = ? and sa.system = ?");
        args.add(t.code());
        args.add(t.system());
        List<SearchQuery.Criterion> others = new ArrayList<>(rest);
        others.remove(specialty);
        if (!others.isEmpty()) {
            sql.append(" and ");
            SlotAvailability.conditions(sql, args, others, subqueries);
        }
        if (!byStart) {
            // a fence: otherwise, to give the first page in key order, the planner walks slot_specialty_slot_idx
            // hoping to meet _count matches early and reads all 1.4M rows (660 ms measured), not the ~20k of the range
            sql.append(" offset 0");
        }
    }
}

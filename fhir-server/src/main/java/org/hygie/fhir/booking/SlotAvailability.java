package org.hygie.fhir.booking;

import java.util.ArrayList;
import java.util.List;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.jdbc.Projection;
import org.hygie.fhir.storage.jdbc.RangePredicates;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchValue;

/**
 * The slot availability projection: one row per live Slot (schedule, status, start, end) so that the
 * free-slot query is one index range scan per schedule instead of an intersection of three index tables
 * (see docs/adr/0003-slot-availability-projection.md). This class derives the row from the Slot's index
 * entries and turns the Slot criteria it covers into one predicate over it; SlotAvailabilityProjection
 * keeps the rows.
 */
final class SlotAvailability {
    static final String SLOT = "Slot";
    static final String SCHEDULE = "Schedule";
    /** Slot.start/end are instants: a value covers at most one second (a CHECK constraint enforces it). */
    static final long MAX_WIDTH_MS = 1000;

    private SlotAvailability() {}

    record Row(String scheduleId, String statusSystem, String status, Long startLow, Long startHigh, Long endLow, Long endHigh) {
        /** Where {@link #args} puts the status (system, code): a change of status alone is updated in place there. */
        static final int STATUS_SYSTEM_ARG = 2;
        static final int STATUS_ARG = 3;

        Object[] args(long pk) {
            return new Object[] {pk, scheduleId, statusSystem, status, startLow, startHigh, endLow, endHigh};
        }
    }

    /** The projection row of a Slot, from the entries the index extractor produced for it. */
    static Row row(List<IndexEntry> entries) {
        String scheduleId = null;
        String statusSystem = null;
        String status = null;
        IndexEntry.Date start = null;
        IndexEntry.Date end = null;
        for (IndexEntry e : entries) {
            if (e instanceof IndexEntry.Reference r && r.param().equals("schedule") && "Schedule".equals(r.targetType())) {
                scheduleId = r.targetId();
            } else if (e instanceof IndexEntry.Token t && t.param().equals("status")) {
                statusSystem = t.system();
                status = t.code();
            } else if (e instanceof IndexEntry.Date d && d.param().equals("start")) {
                start = d;
            } else if (e instanceof IndexEntry.Date d && d.param().equals("end")) {
                end = d;
            }
        }
        return new Row(scheduleId, statusSystem, status,
                start == null ? null : start.lowMs(), start == null ? null : start.highMs(),
                end == null ? null : end.lowMs(), end == null ? null : end.highMs());
    }

    /** Whether the projection answers this criterion exactly as the index tables would. */
    static boolean covers(SearchQuery.Criterion c) {
        if (!c.param().resourceType().equals(SLOT) || c.modifier() != null || c.blind() || c.anyOf().isEmpty()) {
            return false;
        }
        return switch (c.param().name()) {
            case "status" -> c.anyOf().stream().allMatch(v -> v instanceof SearchValue.Token t && t.code() != null && !t.noSystem());
            case "start", "end" -> c.anyOf().stream().allMatch(v -> v instanceof SearchValue.Date);
            case "schedule" -> c.anyOf().stream().allMatch(v -> v instanceof SearchValue.Reference r && r.url() == null
                    && (r.type() == null || r.type().equals("Schedule")))
                    || (c.anyOf().size() == 1 && c.anyOf().get(0) instanceof SearchValue.Chained ch && ch.targetType().equals("Schedule"));
            default -> false;
        };
    }

    /** No sort, or by start only: the orders the projection gives without the index tables. */
    static boolean sortable(List<SearchQuery.SortKey> sort) {
        return sort.isEmpty() || (sort.size() == 1 && sort.get(0).param().resourceType().equals(SLOT)
                && sort.get(0).param().name().equals("start"));
    }

    /** Whether any criterion restricts the schedule, which makes the matching slots few enough to list. */
    static boolean restrictsSchedule(List<SearchQuery.Criterion> covered) {
        return covered.stream().anyMatch(c -> c.param().name().equals("schedule"));
    }

    /**
     * {@code select sa.resource_pk[, sa.start_low as sort_key] from ... where ...} for the covered criteria. A specialty chain
     * ({@link SlotSpecialties}) drives the query when there is one. Otherwise a chained schedule
     * criterion drives the query: its schedule ids are unnested and joined to the (schedule, status,
     * start) index, one range per schedule. As a plain {@code = any (array(...))} condition PostgreSQL
     * cannot size the array when planning, and over a week of 1.4M slots it scanned the whole window
     * instead (0.9 s measured). {@code byStart}: the results are sorted by start (start_low is selected).
     */
    static void select(StringBuilder sql, List<Object> args, List<SearchQuery.Criterion> covered, boolean byStart,
                       Projection.Subqueries subqueries) {
        SearchQuery.Criterion specialty = covered.stream().filter(SlotSpecialties::covers).findFirst().orElse(null);
        if (specialty != null) { // one contiguous range of the projection keyed by specialty
            SlotSpecialties.select(sql, args, specialty, covered, byStart, subqueries);
            return;
        }
        SearchQuery.Criterion driver = covered.stream()
                .filter(c -> c.param().name().equals("schedule") && c.anyOf().get(0) instanceof SearchValue.Chained)
                .findFirst().orElse(null);
        sql.append(byStart ? "select sa.resource_pk, sa.start_low as sort_key from " : "select sa.resource_pk from ");
        if (driver == null) {
            sql.append("slot_availability sa where ");
            conditions(sql, args, covered, subqueries);
            return;
        }
        sql.append("unnest(");
        scheduleIds(sql, args, (SearchValue.Chained) driver.anyOf().get(0), subqueries);
        sql.append(") s(schedule_id) join slot_availability sa on sa.schedule_id = s.schedule_id where true");
        List<SearchQuery.Criterion> rest = covered.stream().filter(c -> c != driver).toList();
        if (!rest.isEmpty()) {
            sql.append(" and ");
            conditions(sql, args, rest, subqueries);
        }
    }

    /**
     * The covered criteria as a condition on {@code r.pk}. With a schedule restriction the matching slots
     * are listed once (few schedules, one index range each); otherwise the planner probes the projection
     * per candidate or hashes it, as it estimates best.
     */
    static void restrict(StringBuilder where, List<Object> args, List<SearchQuery.Criterion> covered, Projection.Subqueries subqueries) {
        if (restrictsSchedule(covered)) {
            where.append("r.pk = any (array(");
            select(where, args, covered, false, subqueries);
            where.append("))");
            return;
        }
        where.append("exists (select 1 from slot_availability sa where sa.resource_pk = r.pk and ");
        conditions(where, args, covered, subqueries);
        where.append(")");
    }

    /** Appends the conditions on alias {@code sa} for the covered criteria, ANDed. */
    static void conditions(StringBuilder where, List<Object> args, List<SearchQuery.Criterion> covered, Projection.Subqueries subqueries) {
        String and = "";
        for (SearchQuery.Criterion c : covered) {
            where.append(and);
            and = " and ";
            switch (c.param().name()) {
                case "status" -> status(where, args, c);
                case "start" -> dates(where, args, c, "sa.start_low", "sa.start_high");
                case "end" -> dates(where, args, c, "sa.end_low", "sa.end_high");
                default -> schedule(where, args, c, subqueries);
            }
        }
    }

    private static void status(StringBuilder where, List<Object> args, SearchQuery.Criterion c) {
        if (c.anyOf().size() == 1 && ((SearchValue.Token) c.anyOf().get(0)).system() == null) {
            // an equality, not "= any": then an index on (..., status, start_low) gives rows in start order
            where.append("sa.status = ?");
            args.add(((SearchValue.Token) c.anyOf().get(0)).code());
            return;
        }
        List<String> anySystem = new ArrayList<>();
        where.append("(sa.status = any (?)");
        List<SearchValue.Token> withSystem = new ArrayList<>();
        for (SearchValue v : c.anyOf()) {
            SearchValue.Token t = (SearchValue.Token) v;
            if (t.system() == null) {
                anySystem.add(t.code());
            } else {
                withSystem.add(t);
            }
        }
        args.add(anySystem.toArray(String[]::new));
        for (SearchValue.Token t : withSystem) {
            where.append(" or (sa.status = ? and sa.status_system = ?)");
            args.add(t.code());
            args.add(t.system());
        }
        where.append(")");
    }

    private static void dates(StringBuilder where, List<Object> args, SearchQuery.Criterion c, String low, String high) {
        where.append("(");
        for (int i = 0; i < c.anyOf().size(); i++) {
            SearchValue.Date d = (SearchValue.Date) c.anyOf().get(i);
            where.append(i > 0 ? " or (" : "(");
            RangePredicates.date(where, args, d, low, high, false);
            impliedLowBound(where, args, d, low);
            where.append(")");
        }
        where.append(")");
    }

    /**
     * A bound on the range's start that the exact predicate implies, so an index on it is range-scanned:
     * "ge"/"gt" constrain the end (the target may start before the search range), and since a target
     * covers at most {@link #MAX_WIDTH_MS} its start is then bounded too.
     */
    private static void impliedLowBound(StringBuilder where, List<Object> args, SearchValue.Date d, String low) {
        long sl = d.range().lowMs();
        long sh = d.range().highMs();
        switch (d.prefix()) {
            case EQ -> bound(where, args, low, ">=", sl);
            case GT -> bound(where, args, low, ">", sh - MAX_WIDTH_MS);
            case GE -> bound(where, args, low, ">", Math.min(sl - 1, sh - MAX_WIDTH_MS));
            case LT, EB -> bound(where, args, low, "<", sl);
            case LE -> bound(where, args, low, "<", sh);
            case SA -> bound(where, args, low, ">=", sh);
            case NE, AP -> { } // no useful bound: NE excludes a range, AP's window is already two-sided
        }
    }

    private static void bound(StringBuilder where, List<Object> args, String column, String operator, long value) {
        if (value != Long.MIN_VALUE && value != Long.MAX_VALUE) {
            where.append(" and ").append(column).append(' ').append(operator).append(" ?");
            args.add(value);
        }
    }

    /**
     * The ids of the schedules a chain (and its guards) selects, as an array evaluated once; the inner search is a
     * top-level one of its own (its aliases shadow the outer query's inside this subquery).
     */
    private static void scheduleIds(StringBuilder sql, List<Object> args, SearchValue.Chained chained, Projection.Subqueries subqueries) {
        List<SearchQuery.Criterion> criteria = new ArrayList<>(chained.guards());
        criteria.add(0, chained.inner());
        sql.append("array(");
        subqueries.ids(sql, args, new SearchQuery(SCHEDULE, criteria, List.of(), 0, 0, false));
        sql.append(")");
    }

    private static void schedule(StringBuilder where, List<Object> args, SearchQuery.Criterion c, Projection.Subqueries subqueries) {
        if (c.anyOf().get(0) instanceof SearchValue.Chained chained) {
            where.append("sa.schedule_id = any (");
            scheduleIds(where, args, chained, subqueries);
            where.append(")");
            return;
        }
        where.append("sa.schedule_id = any (?)");
        args.add(c.anyOf().stream().map(v -> ((SearchValue.Reference) v).id()).toArray(String[]::new));
    }
}

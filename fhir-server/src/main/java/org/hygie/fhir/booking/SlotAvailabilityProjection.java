package org.hygie.fhir.booking;

import java.util.Arrays;
import java.util.List;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.jdbc.Projection;
import org.hygie.fhir.storage.search.SearchQuery;

/**
 * Free-slot search's tables, kept by the store at every write: {@code slot_availability}, one row per live
 * Slot ({@link SlotAvailability}, ADR 0003), and {@code slot_specialty}, the same rows keyed by the
 * specialties of the roles each Slot's Schedule serves ({@link SlotSpecialties}, ADR 0008). A Slot whose
 * status alone changed (every booking, cancel and hold) has its rows updated in place (ADR 0010).
 */
public final class SlotAvailabilityProjection implements Projection {
    private static final String ROLE = "PractitionerRole";
    private static final String DELETE_ROW = "delete from slot_availability where resource_pk = ?";
    private static final String DELETE_SPECIALTIES = "delete from slot_specialty where resource_pk = ?";
    private static final String INSERT_ROW = "insert into slot_availability (resource_pk, schedule_id, status_system, status,"
            + " start_low, start_high, end_low, end_high) values (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_STATUS = "update slot_availability set status_system = ?, status = ? where resource_pk = ?";

    /** Every projection booking keeps, for the store's assembly. */
    public static List<Projection> all() {
        return List.of(new SlotAvailabilityProjection());
    }

    @Override
    public List<String> tables() {
        return List.of("slot_availability", "slot_specialty");
    }

    @Override
    public void written(Write write) {
        SlotSpecialties specialties = new SlotSpecialties(write.jdbc());
        if (write.type().equals(SlotAvailability.SLOT) && !write.entries().isEmpty()) {
            write.jdbc().update(INSERT_ROW, SlotAvailability.row(write.entries()).args(write.pk()));
        }
        if (follows(write.type())) {
            specialties.refresh(write.pk(), write.type(), write.id(), write.entries());
        }
    }

    @Override
    public void replaced(Write write, List<IndexEntry> before) {
        if (!follows(write.type())) {
            return;
        }
        SlotSpecialties specialties = new SlotSpecialties(write.jdbc());
        if (!write.type().equals(SlotAvailability.SLOT)) {
            specialties.refresh(write.pk(), write.type(), write.id(), write.entries()); // a Schedule's or role's slots
            return;
        }
        Object[] old = SlotAvailability.row(before).args(write.pk());
        Object[] now = SlotAvailability.row(write.entries()).args(write.pk());
        if (Arrays.equals(old, now)) {
            return;
        }
        if (onlyStatusDiffers(old, now)) {
            write.jdbc().update(UPDATE_STATUS, now[SlotAvailability.Row.STATUS_SYSTEM_ARG], now[SlotAvailability.Row.STATUS_ARG], write.pk());
            specialties.statusChanged(write.pk(), write.entries());
            return;
        }
        write.jdbc().update(DELETE_SPECIALTIES, write.pk());
        write.jdbc().update(DELETE_ROW, write.pk());
        write.jdbc().update(INSERT_ROW, now);
        specialties.refresh(write.pk(), write.type(), write.id(), write.entries());
    }

    private static boolean follows(String type) {
        return type.equals(SlotAvailability.SLOT) || type.equals(SlotAvailability.SCHEDULE) || type.equals(ROLE);
    }

    /** One row before and after, equal but for the status (its system and code). */
    private static boolean onlyStatusDiffers(Object[] old, Object[] now) {
        Object[] a = old.clone();
        Object[] b = now.clone();
        a[SlotAvailability.Row.STATUS_SYSTEM_ARG] = b[SlotAvailability.Row.STATUS_SYSTEM_ARG] = null;
        a[SlotAvailability.Row.STATUS_ARG] = b[SlotAvailability.Row.STATUS_ARG] = null;
        return Arrays.equals(a, b);
    }

    @Override
    public List<SearchQuery.Criterion> covered(SearchQuery query) {
        return query.resourceType().equals(SlotAvailability.SLOT)
                ? query.criteria().stream().filter(SlotAvailability::covers).toList() : List.of();
    }

    @Override
    public boolean orders(List<SearchQuery.SortKey> sort) {
        return SlotAvailability.sortable(sort);
    }

    @Override
    public void select(StringBuilder sql, List<Object> args, List<SearchQuery.Criterion> covered, boolean sorted, Subqueries subqueries) {
        SlotAvailability.select(sql, args, covered, sorted, subqueries);
    }

    @Override
    public void restrict(StringBuilder where, List<Object> args, List<SearchQuery.Criterion> covered, Subqueries subqueries) {
        SlotAvailability.restrict(where, args, covered, subqueries);
    }
}

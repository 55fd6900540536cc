package org.hygie.fhir.storage.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.index.IndexEntry;
import org.springframework.jdbc.core.JdbcTemplate;

/** Replaces the index rows and links of one resource with those of its new current version. */
final class IndexRowWriter {
    /** The tables a version's entries and links fill, each with its insert. */
    private enum Table {
        TOKEN("idx_token", "insert into idx_token (resource_pk, res_type, param, system, code, text_norm) values (?, ?, ?, ?, ?, ?)"),
        STRING("idx_string", "insert into idx_string (resource_pk, res_type, param, value_norm, value_exact) values (?, ?, ?, ?, ?)"),
        DATE("idx_date", "insert into idx_date (resource_pk, res_type, param, low_ms, high_ms) values (?, ?, ?, ?, ?)"),
        REFERENCE("idx_reference",
                "insert into idx_reference (resource_pk, res_type, param, target_type, target_id, target_url) values (?, ?, ?, ?, ?, ?)"),
        NUMBER("idx_number", "insert into idx_number (resource_pk, res_type, param, value) values (?, ?, ?, ?)"),
        QUANTITY("idx_quantity",
                "insert into idx_quantity (resource_pk, res_type, param, value, system, code, unit) values (?, ?, ?, ?, ?, ?, ?)"),
        URI("idx_uri", "insert into idx_uri (resource_pk, res_type, param, uri) values (?, ?, ?, ?)"),
        GEO("idx_geo", "insert into idx_geo (resource_pk, res_type, param, latitude, longitude) values (?, ?, ?, ?, ?)"),
        BLIND("idx_blind", "insert into idx_blind (resource_pk, res_type, digests) values (?, ?, ?)"),
        LINK("resource_link", "insert into resource_link (source_pk, target_key) values (?, ?)");

        final String delete;
        final String insert;

        Table(String name, String insert) {
            // the key is a number the store generated, not client input: literal, so the deletes go as one batch
            this.delete = "delete from " + name + " where " + (name.equals("resource_link") ? "source_pk" : "resource_pk") + " = ";
            this.insert = insert;
        }
    }

    private final JdbcTemplate jdbc;
    /** The projections' tables, cleared with the index rows (see {@link Projection#tables}). */
    private final List<String> projectionDeletes;

    IndexRowWriter(JdbcTemplate jdbc, List<String> projectionTables) {
        this.jdbc = jdbc;
        this.projectionDeletes = projectionTables.stream().map(t -> "delete from " + t + " where resource_pk = ").toList();
    }

    /** Every index row and projection row of a resource, in one batch. */
    void clear(long pk) {
        List<String> deletes = new ArrayList<>();
        for (Table table : Table.values()) {
            deletes.add(table.delete + pk);
        }
        projectionDeletes.forEach(delete -> deletes.add(delete + pk));
        jdbc.batchUpdate(deletes.toArray(String[]::new));
    }

    void write(long pk, String type, List<IndexEntry> entries, Collection<String> links) {
        rows(pk, type, entries, links).forEach(this::insert);
    }

    /**
     * Rewrites the tables whose rows differ between the version replaced ({@code prior}) and the new one,
     * and leaves the others alone (the projections' rows too: they follow with {@link Projection#replaced}).
     * Rows are compared in the order extraction gives them: a reordering only costs a rewrite.
     */
    void replace(long pk, String type, ResourceStore.Prior prior, List<IndexEntry> entries, Collection<String> links) {
        Map<Table, List<Object[]>> before = rows(pk, type, prior.entries(), prior.links());
        Map<Table, List<Object[]>> after = rows(pk, type, entries, links);
        List<String> deletes = new ArrayList<>();
        Map<Table, List<Object[]>> inserts = new EnumMap<>(Table.class);
        for (Table table : Table.values()) {
            List<Object[]> old = before.getOrDefault(table, List.of());
            List<Object[]> now = after.getOrDefault(table, List.of());
            if (same(old, now)) {
                continue;
            }
            if (!old.isEmpty()) {
                deletes.add(table.delete + pk);
            }
            inserts.put(table, now);
        }
        if (!deletes.isEmpty()) {
            jdbc.batchUpdate(deletes.toArray(String[]::new));
        }
        inserts.forEach(this::insert);
    }

    private static boolean same(List<Object[]> a, List<Object[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.deepEquals(a.get(i), b.get(i))) { // deep: blind digests are byte arrays
                return false;
            }
        }
        return true;
    }

    /** The rows of each table for a version (tables without rows left out), in extraction order. */
    private static Map<Table, List<Object[]>> rows(long pk, String type, List<IndexEntry> entries, Collection<String> links) {
        Map<Table, List<Object[]>> rows = new EnumMap<>(Table.class);
        List<byte[]> blind = new ArrayList<>();
        for (IndexEntry e : entries) {
            if (e instanceof IndexEntry.Token t) {
                add(rows, Table.TOKEN, pk, type, t.param(), t.system(), t.code(), t.textNorm());
            } else if (e instanceof IndexEntry.Str s) {
                add(rows, Table.STRING, pk, type, s.param(), s.norm(), s.exact());
            } else if (e instanceof IndexEntry.Date d) {
                add(rows, Table.DATE, pk, type, d.param(), d.lowMs(), d.highMs());
            } else if (e instanceof IndexEntry.Reference r) {
                add(rows, Table.REFERENCE, pk, type, r.param(), r.targetType(), r.targetId(), r.url());
            } else if (e instanceof IndexEntry.Number n) {
                add(rows, Table.NUMBER, pk, type, n.param(), n.value());
            } else if (e instanceof IndexEntry.Quantity q) {
                add(rows, Table.QUANTITY, pk, type, q.param(), q.value(), q.system(), q.code(), q.unit());
            } else if (e instanceof IndexEntry.Uri u) {
                add(rows, Table.URI, pk, type, u.param(), u.uri());
            } else if (e instanceof IndexEntry.Position p) {
                add(rows, Table.GEO, pk, type, p.param(), p.latitude(), p.longitude());
            } else if (e instanceof IndexEntry.Blind b) {
                blind.add(HexFormat.of().parseHex(b.digestHex()));
            }
        }
        if (!blind.isEmpty()) {
            add(rows, Table.BLIND, pk, type, blind.toArray(byte[][]::new));
        }
        links.stream().sorted().forEach(link -> add(rows, Table.LINK, pk, link)); // a set: sorted, so equal sets compare equal
        return rows;
    }

    private static void add(Map<Table, List<Object[]>> rows, Table table, Object... row) {
        rows.computeIfAbsent(table, t -> new ArrayList<>()).add(row);
    }

    private void insert(Table table, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() == 1) {
            jdbc.update(table.insert, rows.get(0));
        } else {
            jdbc.batchUpdate(table.insert, rows);
        }
    }
}

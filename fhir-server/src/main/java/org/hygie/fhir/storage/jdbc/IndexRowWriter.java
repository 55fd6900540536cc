package org.hygie.fhir.storage.jdbc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.hygie.fhir.storage.index.IndexEntry;
import org.springframework.jdbc.core.JdbcTemplate;

/** Replaces the index rows and links of one resource with those of its new current version. */
final class IndexRowWriter {
    private static final List<String> INDEX_TABLES =
            List.of("idx_token", "idx_string", "idx_date", "idx_reference", "idx_number", "idx_quantity", "idx_uri", "idx_geo", "idx_blind",
                    "slot_availability", "slot_specialty");

    private final JdbcTemplate jdbc;

    IndexRowWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void clear(long pk) {
        // one round trip for all the deletes (the key is a number the store generated, not client input)
        String[] deletes = new String[INDEX_TABLES.size() + 1];
        for (int i = 0; i < INDEX_TABLES.size(); i++) {
            deletes[i] = "delete from " + INDEX_TABLES.get(i) + " where resource_pk = " + pk;
        }
        deletes[INDEX_TABLES.size()] = "delete from resource_link where source_pk = " + pk;
        jdbc.batchUpdate(deletes);
    }

    void write(long pk, String type, List<IndexEntry> entries, Collection<String> links) {
        List<Object[]> tokens = new ArrayList<>();
        List<Object[]> strings = new ArrayList<>();
        List<Object[]> dates = new ArrayList<>();
        List<Object[]> references = new ArrayList<>();
        List<Object[]> numbers = new ArrayList<>();
        List<Object[]> quantities = new ArrayList<>();
        List<Object[]> uris = new ArrayList<>();
        List<byte[]> blind = new ArrayList<>();
        List<Object[]> positions = new ArrayList<>();
        for (IndexEntry e : entries) {
            if (e instanceof IndexEntry.Token t) {
                tokens.add(new Object[] {pk, type, t.param(), t.system(), t.code(), t.textNorm()});
            } else if (e instanceof IndexEntry.Str s) {
                strings.add(new Object[] {pk, type, s.param(), s.norm(), s.exact()});
            } else if (e instanceof IndexEntry.Date d) {
                dates.add(new Object[] {pk, type, d.param(), d.lowMs(), d.highMs()});
            } else if (e instanceof IndexEntry.Reference r) {
                references.add(new Object[] {pk, type, r.param(), r.targetType(), r.targetId(), r.url()});
            } else if (e instanceof IndexEntry.Number n) {
                numbers.add(new Object[] {pk, type, n.param(), n.value()});
            } else if (e instanceof IndexEntry.Quantity q) {
                quantities.add(new Object[] {pk, type, q.param(), q.value(), q.system(), q.code(), q.unit()});
            } else if (e instanceof IndexEntry.Uri u) {
                uris.add(new Object[] {pk, type, u.param(), u.uri()});
            } else if (e instanceof IndexEntry.Position p) {
                positions.add(new Object[] {pk, type, p.param(), p.latitude(), p.longitude()});
            } else if (e instanceof IndexEntry.Blind b) {
                blind.add(HexFormat.of().parseHex(b.digestHex()));
            }
        }
        insert("insert into idx_token (resource_pk, res_type, param, system, code, text_norm) values (?, ?, ?, ?, ?, ?)", tokens);
        insert("insert into idx_string (resource_pk, res_type, param, value_norm, value_exact) values (?, ?, ?, ?, ?)", strings);
        insert("insert into idx_date (resource_pk, res_type, param, low_ms, high_ms) values (?, ?, ?, ?, ?)", dates);
        insert("insert into idx_reference (resource_pk, res_type, param, target_type, target_id, target_url) values (?, ?, ?, ?, ?, ?)", references);
        insert("insert into idx_number (resource_pk, res_type, param, value) values (?, ?, ?, ?)", numbers);
        insert("insert into idx_quantity (resource_pk, res_type, param, value, system, code, unit) values (?, ?, ?, ?, ?, ?, ?)", quantities);
        insert("insert into idx_uri (resource_pk, res_type, param, uri) values (?, ?, ?, ?)", uris);
        insert("insert into idx_geo (resource_pk, res_type, param, latitude, longitude) values (?, ?, ?, ?, ?)", positions);
        if (!blind.isEmpty()) {
            jdbc.update("insert into idx_blind (resource_pk, res_type, digests) values (?, ?, ?)", pk, type, blind.toArray(byte[][]::new));
        }
        if (type.equals(SlotAvailability.SLOT)) {
            jdbc.update("insert into slot_availability (resource_pk, schedule_id, status_system, status, start_low, start_high, end_low, end_high)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?)", SlotAvailability.row(entries).args(pk));
        }
        insert("insert into resource_link (source_pk, target_key) values (?, ?)",
                links.stream().map(k -> new Object[] {pk, k}).toList());
    }

    private void insert(String sql, List<Object[]> rows) {
        if (!rows.isEmpty()) {
            jdbc.batchUpdate(sql, rows);
        }
    }
}

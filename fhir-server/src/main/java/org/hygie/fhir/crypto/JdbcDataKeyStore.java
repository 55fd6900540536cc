package org.hygie.fhir.crypto;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** Wrapped data keys in the {@code data_key} table. */
public class JdbcDataKeyStore implements DataKeyStore {
    private static final String COLUMNS = "id, compartment, kek_id, wrapped";
    private static final RowMapper<WrappedKey> KEY = (rs, n) -> new WrappedKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4));

    private final JdbcTemplate jdbc;

    public JdbcDataKeyStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<WrappedKey> byCompartment(String compartment) {
        return jdbc.query("select " + COLUMNS + " from data_key where compartment = ?", KEY, compartment).stream().findFirst();
    }

    @Override
    public Optional<WrappedKey> byId(String id) {
        return jdbc.query("select " + COLUMNS + " from data_key where id = ?", KEY, id).stream().findFirst();
    }

    @Override
    public WrappedKey insertIfAbsent(WrappedKey key) {
        // A concurrent creator of the same compartment's key makes this wait, then do nothing.
        jdbc.update("insert into data_key (id, compartment, kek_id, wrapped) values (?, ?, ?, ?) on conflict (compartment) do nothing",
                key.id(), key.compartment(), key.kekId(), key.wrapped());
        return byCompartment(key.compartment()).orElseThrow();
    }

    @Override
    public List<WrappedKey> wrappedByOtherThan(String kekId, int limit) {
        return jdbc.query("select " + COLUMNS + " from data_key where kek_id <> ? and wrapped is not null order by id limit ?",
                KEY, kekId, limit);
    }

    @Override
    public Optional<WrappedKey> anyWrappedBy(String kekId) {
        return jdbc.query("select " + COLUMNS + " from data_key where kek_id = ? and wrapped is not null limit 1", KEY, kekId)
                .stream().findFirst();
    }

    @Override
    public Map<String, Integer> countByKek() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        jdbc.query("select kek_id, count(*) from data_key where wrapped is not null group by kek_id order by kek_id",
                rs -> {
                    counts.put(rs.getString(1), rs.getInt(2));
                });
        return counts;
    }

    @Override
    public void rewrap(String id, String expectedKekId, String newKekId, byte[] wrapped) {
        jdbc.update("update data_key set kek_id = ?, wrapped = ? where id = ? and kek_id = ?", newKekId, wrapped, id, expectedKekId);
    }

    @Override
    public void renameCompartment(String from, String to) {
        jdbc.update("update data_key set compartment = ? where compartment = ?", to, from);
    }

    @Override
    public boolean destroy(String compartment) {
        return jdbc.update("update data_key set wrapped = null, destroyed_at = now() where compartment = ? and wrapped is not null",
                compartment) == 1;
    }
}

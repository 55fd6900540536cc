package org.hygie.fhir.storage.jdbc;

import org.springframework.jdbc.core.JdbcTemplate;

/** Facts stored with the data that a server checks before serving it. */
public class JdbcSettings {
    private final JdbcTemplate jdbc;

    public JdbcSettings(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public java.util.Optional<String> get(String name) {
        return jdbc.queryForList("select value from hygie_setting where name = ?", String.class, name).stream().findFirst();
    }

    public void put(String name, String value) {
        jdbc.update("insert into hygie_setting (name, value) values (?, ?) on conflict (name) do update set value = excluded.value", name, value);
    }

    public void delete(String name) {
        jdbc.update("delete from hygie_setting where name = ?", name);
    }

    /** Records {@code value} unless a value is recorded already; returns the recorded value. */
    public String putIfAbsent(String name, String value) {
        jdbc.update("insert into hygie_setting (name, value) values (?, ?) on conflict (name) do nothing", name, value);
        return jdbc.queryForObject("select value from hygie_setting where name = ?", String.class, name);
    }
}

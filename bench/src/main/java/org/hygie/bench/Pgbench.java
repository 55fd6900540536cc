package org.hygie.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The raw PostgreSQL baseline: pgbench single-row inserts and primary-key selects at the same concurrency. */
final class Pgbench {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

    private Pgbench() {}

    static Map<String, Double> measure(String pg, int concurrency, Duration duration) throws Exception {
        String[] hpu = pg.split(":");
        String db = "hygie_bench_pgbench";
        psql(hpu, "postgres", "drop database if exists " + db);
        psql(hpu, "postgres", "create database " + db);
        psql(hpu, db, "create table bench_row (id bigserial primary key, payload text not null, at timestamptz not null default now())");
        psql(hpu, db, "insert into bench_row (payload) select md5(g::text) from generate_series(1, 100000) g");
        Path insert = Files.createTempFile("insert", ".sql");
        Files.writeString(insert, "insert into bench_row (payload) values (md5(random()::text));\n");
        Path select = Files.createTempFile("select", ".sql");
        Files.writeString(select, "\\set id random(1, 100000)\nselect * from bench_row where id = :id;\n");
        Map<String, Double> tps = new LinkedHashMap<>();
        tps.put("insert", run(hpu, db, insert, concurrency, duration));
        tps.put("select", run(hpu, db, select, concurrency, duration));
        psql(hpu, "postgres", "drop database if exists " + db);
        return tps;
    }

    private static double run(String[] hpu, String db, Path script, int concurrency, Duration duration) throws Exception {
        Process p = new ProcessBuilder(List.of("pgbench", "-h", hpu[0], "-p", hpu[1], "-U", hpu[2], "-n", "-c", Integer.toString(concurrency),
                "-j", "2", "-T", Long.toString(duration.toSeconds()), "-f", script.toString(), db)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = TPS.matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static void psql(String[] hpu, String db, String sql) throws Exception {
        Process p = new ProcessBuilder(List.of("psql", "-h", hpu[0], "-p", hpu[1], "-U", hpu[2], "-qc", sql, db)).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        p.waitFor();
    }
}

package org.hygie.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A Hygie server started from the jar on its own fresh database, with the dev issuer and no rate limit. */
final class Server implements AutoCloseable {
    static final double CLOCK_TICKS = 100.0; // USER_HZ on Linux

    private final Process process;
    private final String jar;
    private final Path dataDir;
    private final String base;
    private final long startupMillis;
    private final String token;
    private final String pgDatabase;
    private final String[] pg;

    private Server(Process process, String jar, Path dataDir, String base, long startupMillis, String token, String pgDatabase, String[] pg) {
        this.process = process;
        this.jar = jar;
        this.dataDir = dataDir;
        this.base = base;
        this.startupMillis = startupMillis;
        this.token = token;
        this.pgDatabase = pgDatabase;
        this.pg = pg;
    }

    /** @param pg host:port:user of the PostgreSQL server; a database hygie_bench_MODE is created afresh */
    static Server start(String jar, String mode, String pg, Path dataDir, String javaOpts) throws Exception {
        String[] hostPortUser = pg.split(":");
        String db = "hygie_bench_" + mode;
        Pgbench.psql(hostPortUser, "postgres", "drop database if exists " + db);
        Pgbench.psql(hostPortUser, "postgres", "create database " + db);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(dataDir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String opt : javaOpts.trim().split("\\s+")) {
            if (!opt.isEmpty()) {
                command.add(opt);
            }
        }
        command.addAll(List.of("-jar", jar, "--server.port=" + port, "--hygie.data-dir=" + dataDir, "--hygie.crypto.mode=" + mode,
                "--hygie.security.dev-issuer=true", "--hygie.security.rate-limit.requests-per-second=0",
                "--spring.datasource.url=jdbc:postgresql://" + hostPortUser[0] + ":" + hostPortUser[1] + "/" + db,
                "--spring.datasource.username=" + hostPortUser[2], "--logging.level.root=WARN"));
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dataDir.resolve("server.log").toFile()).start();
        String base = "http://localhost:" + port + "/fhir";
        HttpClient http = HttpClient.newHttpClient();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited; see " + dataDir.resolve("server.log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/metadata")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException starting) {
                // not yet listening
            }
            Thread.sleep(50);
        }
        long startup = (System.nanoTime() - started) / 1_000_000;
        String token = output(List.of(command.get(0), "-jar", jar, "token", "--scope", "system/*.cruds", "--ttl", "7200",
                "--hygie.data-dir=" + dataDir)).trim();
        return new Server(process, jar, dataDir, base, startup, token, db, hostPortUser);
    }

    void load(Path data) throws Exception {
        String summary = output(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar, "load", data.toString(),
                "--url=" + base, "--parallel=2", "--token=" + token));
        System.err.println(summary.lines().reduce((a, b) -> b).orElse(""));
    }

    String base() {
        return base;
    }

    String token() {
        return token;
    }

    long startupMillis() {
        return startupMillis;
    }

    /** utime + stime of the server process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static String output(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(4, command.size()))) + " failed:\n" + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
        Pgbench.psql(pg, "postgres", "drop database if exists " + pgDatabase);
    }
}

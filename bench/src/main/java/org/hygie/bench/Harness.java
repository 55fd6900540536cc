package org.hygie.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The benchmark command: generates a dataset, starts the server twice (encrypted and plaintext, each on
 * its database of the machine's PostgreSQL), loads the dataset into both through the API, drives each
 * scenario on one then the other for a fixed time and concurrency with latencies in HdrHistogram, reads
 * the server's CPU and RSS from /proc, measures PostgreSQL's raw single-row insert and primary-key select with pgbench on the same server, and prints
 * one table with the ratios (JSON too). Compare within one run: the machine is shared and noisy.
 *
 * <pre>java -jar bench/target/hygie-bench.jar [--practitioners=100] [--concurrency=8] [--seconds=10]
 *     [--java-opts="-Xmx512m"] [--no-plaintext] [--json=bench-results.json] [--pg=127.0.0.1:5432:postgres]
 *     [--jar=fhir-server/target/fhir-server.jar]</pre>
 */
public final class Harness {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One measured scenario. */
    public record Result(String mode, String scenario, long requests, long errors, double perSecond, double p50Ms, double p95Ms,
                         double p99Ms, double serverCpuPercent, long serverRssMb) {}

    private final Map<String, String> options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Result> results = new ArrayList<>();

    private Harness(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                System.err.println("usage: see the class comment or the README (Benchmark)");
                System.exit(2);
            }
            int eq = arg.indexOf('=');
            options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        // the JDK keeps 5 idle connections per server unless told otherwise: one per worker here
        System.setProperty("http.maxConnections", Integer.toString(Math.max(5, Integer.parseInt(options.getOrDefault("concurrency", "8")))));
        new Harness(options).run();
    }

    private String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    private void run() throws Exception {
        int practitioners = Integer.parseInt(option("practitioners", "100"));
        int concurrency = Integer.parseInt(option("concurrency", "8"));
        Duration duration = Duration.ofSeconds(Long.parseLong(option("seconds", "10")));
        Path work = Files.createTempDirectory("hygie-bench");
        Path data = work.resolve("data");
        org.hygie.testdata.DirectoryGenerator.main(new String[] {data.toString(), Integer.toString(practitioners), "2", "42", "300"});
        List<String> modes = options.containsKey("no-plaintext") ? List.of("encrypted") : List.of("encrypted", "plaintext");
        // both servers up at once, each scenario run on one then the other: the machine's speed drifts
        // over minutes, so the modes are compared over seconds, not over two halves of the run
        List<Target> targets = new ArrayList<>();
        try {
            for (String mode : modes) {
                Server server = Server.start(option("jar", "fhir-server/target/fhir-server.jar"), mode, option("pg", "127.0.0.1:5432:postgres"),
                        work.resolve("server-" + mode), option("java-opts", "-Xmx512m"));
                targets.add(new Target(mode, server));
                System.err.printf("%s: server up in %d ms; loading...%n", mode, server.startupMillis());
                server.load(data);
                results.add(new Result(mode, "startup to first answer (ms)", 1, 0, server.startupMillis(), 0, 0, 0, 0, server.rssMb()));
            }
            for (Target target : targets) {
                target.fixtures = Fixtures.discover(http, target.server.base(), target.server.token());
            }
            scenarios(targets, concurrency, duration);
        } finally {
            for (Target target : targets) {
                target.server.close();
            }
        }
        Map<String, Double> pgbench = Pgbench.measure(option("pg", "127.0.0.1:5432:postgres"), concurrency, duration);
        print(pgbench, concurrency, duration, practitioners);
        Path json = Path.of(option("json", "bench-results.json"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", Instant.now().toString());
        out.put("options", options);
        out.put("results", results);
        out.put("pgbench", pgbench);
        JSON.writeValue(json.toFile(), out);
        System.out.println("\nJSON: " + json.toAbsolutePath());
    }

    /** One server under test and what its scenarios create (the later scenarios use it). */
    private static final class Target {
        final String mode;
        final Server server;
        final String base;
        final String auth;
        final List<String> patients = new CopyOnWriteArrayList<>();
        final List<String> documents = new CopyOnWriteArrayList<>();
        final AtomicInteger nextSlot = new AtomicInteger();
        Fixtures fixtures;

        Target(String mode, Server server) {
            this.mode = mode;
            this.server = server;
            this.base = server.base();
            this.auth = "Bearer " + server.token();
        }
    }

    /** A scenario: the next request for a target, and where the ids it creates go (or null). */
    private record Scenario(String name, java.util.function.Function<Target, Supplier<Call>> requests,
                            java.util.function.Function<Target, List<String>> created) {}

    private void scenarios(List<Target> targets, int concurrency, Duration duration) throws Exception {
        byte[] document = new byte[64 * 1024];
        ThreadLocalRandom.current().nextBytes(document);
        List<Scenario> scenarios = List.of(
                new Scenario("create Patient", t -> () -> post(t.base + "/Patient", t.auth, "application/fhir+json",
                        ("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Bench" + ThreadLocalRandom.current().nextInt(1_000_000)
                                + "\",\"given\":[\"Anne\"]}],\"birthDate\":\"1980-05-01\",\"gender\":\"female\"}").getBytes(StandardCharsets.UTF_8)),
                        t -> t.patients),
                new Scenario("read Patient", t -> () -> get(t.base + "/Patient/" + pick(t.patients), t.auth), t -> null),
                new Scenario("free-slot search (one day, _include)", t -> () -> get(t.base + "/Slot?status=free&start=ge"
                        + t.fixtures.day() + "&start=lt" + t.fixtures.nextDay() + "&_count=20&_include=Slot:schedule", t.auth), t -> null),
                new Scenario("directory search (specialty)",
                        t -> () -> get(t.base + "/PractitionerRole?specialty=" + t.fixtures.specialty() + "&_count=20", null), t -> null),
                new Scenario("booking (POST Appointment on a free slot)", t -> () -> {
                    int i = t.nextSlot.getAndIncrement();
                    if (i >= t.fixtures.freeSlots().size()) {
                        return null;
                    }
                    String[] slot = t.fixtures.freeSlots().get(i);
                    return post(t.base + "/Appointment", t.auth, "application/fhir+json", ("{\"resourceType\":\"Appointment\",\"status\":\"booked\","
                            + "\"start\":\"" + slot[1] + "\",\"end\":\"" + slot[2] + "\",\"slot\":[{\"reference\":\"Slot/" + slot[0] + "\"}],"
                            + "\"participant\":[{\"actor\":{\"reference\":\"Patient/" + pick(t.patients) + "\"},\"status\":\"accepted\"}]}")
                            .getBytes(StandardCharsets.UTF_8));
                }, t -> null),
                new Scenario("document publish (64 KiB raw Binary)", t -> () -> new Call("POST", t.base + "/Binary", Map.of(
                        "Authorization", t.auth, "Content-Type", "application/pdf", "X-Security-Context", "Patient/" + pick(t.patients)),
                        document), t -> t.documents),
                new Scenario("document retrieve (64 KiB raw)", t -> () -> get(t.base + "/Binary/" + pick(t.documents), t.auth), t -> null));
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario scenario = scenarios.get(i);
            List<Target> order = new ArrayList<>(targets);
            if (i % 2 == 1) {
                java.util.Collections.reverse(order); // each mode goes first in every other scenario
            }
            for (Target t : order) {
                measure(t.mode, scenario.name(), t.server, concurrency, duration, scenario.requests().apply(t), scenario.created().apply(t));
            }
        }
    }

    /** One request of a scenario. */
    private record Call(String method, String url, Map<String, String> headers, byte[] body) {}

    /** What a scenario keeps of a response. */
    private record Answer(int status, String location) {}

    private static Call get(String url, String auth) {
        return new Call("GET", url, auth == null ? Map.of() : Map.of("Authorization", auth), null);
    }

    private static Call post(String url, String auth, String type, byte[] body) {
        return new Call("POST", url, Map.of("Authorization", auth, "Content-Type", type, "Prefer", "return=minimal"), body);
    }

    /**
     * Sends a call over a plain blocking connection, kept alive (one per worker) once its response is
     * read to the end: the JDK's HttpClient cost the load client ~1.6x the CPU per request (measured
     * with bench/BookingLoad.java), CPU the servers lack on a shared machine.
     */
    private static Answer send(Call call) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(call.url()).toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(30_000);
        c.setRequestMethod(call.method());
        call.headers().forEach(c::setRequestProperty);
        if (call.body() != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(call.body().length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(call.body());
            }
        }
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            if (in != null) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        return new Answer(status, c.getHeaderField("Location"));
    }

    private static String pick(List<String> ids) {
        return ids.isEmpty() ? "none" : ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    }

    /**
     * Runs {@code next} from {@code concurrency} threads: a warm-up of a third of the duration (not
     * recorded), then the measured duration. {@code created} collects the ids of 201 Locations.
     */
    private void measure(String mode, String scenario, Server server, int concurrency, Duration duration,
                         Supplier<Call> next, List<String> created) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        long warmUpEnd = System.nanoTime() + duration.toNanos() / 3;
        long end = warmUpEnd + duration.toNanos();
        long[] cpuBefore = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            Thread worker = new Thread(() -> {
                boolean measuring = false;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        return;
                    }
                    if (!measuring && now >= warmUpEnd) {
                        measuring = true;
                    }
                    Call request = next.get();
                    if (request == null) {
                        return; // fixtures exhausted (free slots)
                    }
                    long t0 = System.nanoTime();
                    int status;
                    String location = null;
                    try {
                        Answer answer = send(request);
                        status = answer.status();
                        location = answer.location();
                    } catch (IOException e) {
                        status = -1;
                    }
                    if (created != null && status == 201 && location != null) {
                        created.add(location.replaceAll(".*/[A-Za-z]+/([^/]+)/_history.*", "$1"));
                    }
                    if (measuring) {
                        recorder.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        requests.incrementAndGet();
                        if (status < 200 || status >= 300) {
                            errors.incrementAndGet();
                        }
                    }
                }
            });
            worker.start();
            threads.add(worker);
        }
        Thread.sleep(Math.max(0, (warmUpEnd - System.nanoTime()) / 1_000_000));
        recorder.getIntervalHistogram(); // drop the warm-up
        cpuBefore[0] = server.cpuTicks();
        long measuredFrom = System.nanoTime();
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - measuredFrom) / 1e9;
        double cpu = (server.cpuTicks() - cpuBefore[0]) / Server.CLOCK_TICKS / seconds * 100;
        Histogram h = recorder.getIntervalHistogram();
        Result result = new Result(mode, scenario, requests.get(), errors.get(), requests.get() / seconds,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0, h.getValueAtPercentile(99) / 1000.0, cpu, server.rssMb());
        results.add(result);
        System.err.printf("%s / %s: %.0f req/s, p99 %.1f ms%n", mode, scenario, result.perSecond(), result.p99Ms());
    }

    private void print(Map<String, Double> pgbench, int concurrency, Duration duration, int practitioners) {
        System.out.printf("%nHygie benchmark: %d practitioners, concurrency %d, %d s per scenario (after a warm-up), JVM %s%n%n",
                practitioners, concurrency, duration.toSeconds(), option("java-opts", "-Xmx512m"));
        System.out.printf("%-10s %-42s %9s %8s %8s %8s %7s %8s %8s%n", "mode", "scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors",
                "srv CPU%", "RSS MB");
        // encrypted rows first, then plaintext, each in scenario order (they were measured interleaved)
        for (Result r : results.stream().sorted(java.util.Comparator.comparing((Result x) -> !x.mode().equals("encrypted"))).toList()) {
            System.out.printf("%-10s %-42s %9.0f %8.1f %8.1f %8.1f %7d %8.0f %8d%n", r.mode(), r.scenario(), r.perSecond(), r.p50Ms(), r.p95Ms(),
                    r.p99Ms(), r.errors(), r.serverCpuPercent(), r.serverRssMb());
        }
        System.out.printf("%nPostgreSQL baseline (pgbench, same server, concurrency %d): %.0f single-row inserts/s, %.0f primary-key selects/s%n",
                concurrency, pgbench.getOrDefault("insert", 0.0), pgbench.getOrDefault("select", 0.0));
        System.out.println("\nRatios");
        ratio("create Patient / pgbench insert", rate("encrypted", "create Patient"), pgbench.getOrDefault("insert", 0.0));
        ratio("read Patient / pgbench select", rate("encrypted", "read Patient"), pgbench.getOrDefault("select", 0.0));
        for (Result r : results) {
            if (r.mode().equals("encrypted") && !r.scenario().startsWith("startup")) {
                double plain = rate("plaintext", r.scenario());
                if (plain > 0) {
                    ratio("encrypted / plaintext: " + r.scenario(), r.perSecond(), plain);
                }
            }
        }
    }

    private double rate(String mode, String scenario) {
        return results.stream().filter(r -> r.mode().equals(mode) && r.scenario().equals(scenario)).mapToDouble(Result::perSecond).findFirst().orElse(0);
    }

    private static void ratio(String label, double a, double b) {
        System.out.printf("  %-62s %6.2f%n", label, b == 0 ? 0 : a / b);
    }

    /** What the scenarios need from the loaded dataset, found through the API. */
    record Fixtures(List<String[]> freeSlots, String day, String nextDay, String specialty) {
        static Fixtures discover(HttpClient http, String base, String token) throws Exception {
            ObjectMapper json = new ObjectMapper();
            List<String[]> slots = new ArrayList<>();
            String url = base + "/Slot?status=free&_count=1000&_elements=id,start,end";
            while (url != null && slots.size() < 100_000) {
                JsonNode page = json.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode e : page.path("entry")) {
                    JsonNode s = e.path("resource");
                    slots.add(new String[] {s.path("id").asText(), s.path("start").asText(), s.path("end").asText()});
                }
                url = null;
                for (JsonNode link : page.path("link")) {
                    if (link.path("relation").asText().equals("next")) {
                        url = link.path("url").asText();
                    }
                }
            }
            java.util.Collections.shuffle(slots, new java.util.Random(7));
            String day = slots.isEmpty() ? "2027-01-04" : slots.get(0)[1].substring(0, 10);
            JsonNode role = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/PractitionerRole?_count=1")).build(),
                            HttpResponse.BodyHandlers.ofString()).body())
                    .path("entry").path(0).path("resource").path("specialty").path(0).path("coding").path(0);
            String specialty = java.net.URLEncoder.encode(role.path("system").asText() + "|" + role.path("code").asText(), StandardCharsets.UTF_8);
            return new Fixtures(slots, day, java.time.LocalDate.parse(day).plusDays(1).toString(), specialty);
        }
    }
}

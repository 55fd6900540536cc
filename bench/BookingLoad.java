import java.net.URI;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sustained concurrent booking against a running Hygie: each request books one slot (POST Appointment);
 * a share of requests deliberately targets a slot already attempted, so conflicts (409) are exercised.
 * Prints one line: bookings/s, conflicts, errors, p50/p95/p99 latency (exact, from every sample).
 *
 * <p>Usage: java bench/BookingLoad.java BASE_URL SLOTS_FILE CONCURRENCY SECONDS [CONTENDED_SHARE=0.1]
 * (SLOTS_FILE: one line per free slot, "id start end").
 */
public class BookingLoad {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        List<String[]> slots = Files.readAllLines(Path.of(args[1])).stream().filter(l -> !l.isBlank()).map(l -> l.split(" ")).toList();
        int concurrency = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        double contended = args.length > 4 ? Double.parseDouble(args[4]) : 0.1;
        if (slots.isEmpty()) {
            throw new IllegalArgumentException(args[1] + " lists no free slot: generate a larger dataset or shorten the run");
        }
        // plain blocking connections, kept alive (one per worker): the JDK's HttpClient took 1.2 ms of CPU
        // per booking here against 0.74 ms, CPU the measured server lacks on a shared 2-core machine
        System.setProperty("http.maxConnections", Integer.toString(Math.max(5, concurrency)));
        java.net.URL appointments = URI.create(base + "/Appointment").toURL();
        String authorization = "Bearer " + System.getenv("HYGIE_TOKEN");
        // HYGIE_ACK_LOG: every acknowledged (201) booking, "slot appointment" per line, flushed at once (kill tests)
        String ackLog = System.getenv("HYGIE_ACK_LOG");
        java.io.PrintWriter acks = ackLog == null ? null : new java.io.PrintWriter(new java.io.FileWriter(ackLog, true), true);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger booked = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        java.util.concurrent.ConcurrentHashMap<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        List<long[]> perWorker = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        List<java.util.concurrent.Future<long[]>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            futures.add(pool.submit(() -> {
                long[] samples = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < end) {
                    int taken = next.get();
                    int index;
                    if (taken > 0 && ThreadLocalRandom.current().nextDouble() < contended) {
                        index = ThreadLocalRandom.current().nextInt(Math.min(taken, slots.size())); // a slot someone already went for
                    } else {
                        index = next.getAndIncrement();
                        if (index >= slots.size()) {
                            break; // dataset exhausted
                        }
                    }
                    String[] slot = slots.get(index);
                    String body = "{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"start\":\"" + slot[1] + "\",\"end\":\"" + slot[2]
                            + "\",\"slot\":[{\"reference\":\"Slot/" + slot[0] + "\"}],\"participant\":[{\"actor\":{\"display\":\"Bench patient\"},"
                            + "\"status\":\"accepted\"}]}";
                    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        HttpURLConnection c = (HttpURLConnection) appointments.openConnection();
                        c.setConnectTimeout(5000);
                        c.setReadTimeout(60_000);
                        c.setRequestMethod("POST");
                        c.setDoOutput(true);
                        c.setFixedLengthStreamingMode(bytes.length);
                        c.setRequestProperty("Content-Type", "application/fhir+json");
                        c.setRequestProperty("Prefer", "return=minimal");
                        c.setRequestProperty("Authorization", authorization);
                        try (OutputStream out = c.getOutputStream()) {
                            out.write(bytes);
                        }
                        status = c.getResponseCode();
                        // read the body to its end so the connection goes back to the keep-alive cache
                        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                            if (in != null) {
                                in.readAllBytes();
                            }
                        }
                        if (status == 201 && acks != null) {
                            String location = java.util.Objects.requireNonNullElse(c.getHeaderField("Location"), "");
                            synchronized (acks) {
                                acks.println(slot[0] + " " + location.replaceAll(".*/Appointment/([^/]+)/_history.*", "$1"));
                            }
                        }
                    } catch (Exception e) {
                        status = -1;
                        Thread.sleep(250); // server down (kill tests): back off rather than burn through the slots
                    }
                    long took = System.nanoTime() - t0;
                    statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                    if (status == 201) {
                        booked.incrementAndGet();
                    } else if (status == 409) {
                        conflicts.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                    if (n == samples.length) {
                        samples = Arrays.copyOf(samples, n * 2);
                    }
                    samples[n++] = took;
                }
                return Arrays.copyOf(samples, n);
            }));
        }
        try {
            for (var f : futures) {
                perWorker.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long[] all = perWorker.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.err.println("statuses: " + new java.util.TreeMap<>(statuses) + " (-1: no connection)");
        System.out.printf("%d %.1f %d %d %d %.1f %.1f %.1f %.1f%n", all.length, elapsed, booked.get(), conflicts.get(), errors.get(),
                booked.get() / elapsed, pct(all, 50), pct(all, 95), pct(all, 99));
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}

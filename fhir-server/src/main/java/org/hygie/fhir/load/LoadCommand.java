package org.hygie.fhir.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code java -jar fhir-server.jar load <dir> [--url=...] [--parallel=N]}: loads a directory of FHIR data
 * into a running Hygie through its API, so every rule applies (referential integrity, booking,
 * encryption): each {@code *.json} transaction/batch Bundle is POSTed to the base, each {@code *.ndjson}
 * line is PUT (with an id) or POSTed. Files go in name order by series (the name before the first '-' or
 * '.': {@code directory-00001.json} and {@code directory-00002.json} are one series, loaded
 * {@code parallel} at a time; {@code patients.json} starts after them); a progress line on stderr, a
 * summary on stdout; exit code 1 if any file or line failed.
 */
public final class LoadCommand {
    private static final String USAGE = """
            usage: java -jar fhir-server.jar load <dir> [--url=http://localhost:8080/fhir] [--parallel=2] [--token=...]
              --token: a bearer token allowed to write what is loaded (or the environment variable HYGIE_TOKEN),
                       e.g. from: java -jar fhir-server.jar token --scope "system/*.cruds"
              <dir>: transaction or batch Bundles (*.json, e.g. from test-data's DirectoryGenerator) and
                     NDJSON files (*.ndjson, one resource per line), loaded in file-name order; files of one
                     series (directory-00001.json, directory-00002.json...) in parallel, series one after another""";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoadCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream progress) {
        if (org.hygie.fhir.HygieApplication.wantsHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        List<String> positional = Stream.of(args).skip(1).filter(a -> !a.startsWith("--")).toList();
        if (positional.size() != 1) {
            out.println(USAGE);
            return 2;
        }
        String url = option(args, "--url=", "http://localhost:8080/fhir").replaceAll("/+$", "");
        int parallel;
        try {
            parallel = Math.max(1, Integer.parseInt(option(args, "--parallel=", "2")));
        } catch (NumberFormatException e) {
            out.println(USAGE);
            return 2;
        }
        Path dir = Path.of(positional.get(0));
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".ndjson")).sorted().toList();
        } catch (IOException e) {
            out.println("load: cannot read " + dir + ": " + e.getMessage());
            return 2;
        }
        if (files.isEmpty()) {
            out.println("load: no *.json or *.ndjson file in " + dir);
            return 2;
        }
        String token = option(args, "--token=", System.getenv("HYGIE_TOKEN"));
        return new Loader(url, token, files, parallel, out, progress).load();
    }

    private static String option(String[] args, String prefix, String fallback) {
        return Stream.of(args).filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).reduce((a, b) -> b).orElse(fallback);
    }

    private static final class Loader {
        private final String url;
        private final String token;
        private final List<Path> files;
        private final int parallel;
        private final PrintStream out;
        private final PrintStream progress;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final AtomicInteger filesDone = new AtomicInteger();
        private final AtomicLong resources = new AtomicLong();
        private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        private final long started = System.nanoTime();

        Loader(String url, String token, List<Path> files, int parallel, PrintStream out, PrintStream progress) {
            this.url = url;
            this.token = token;
            this.files = files;
            this.parallel = parallel;
            this.out = out;
            this.progress = progress;
        }

        int load() {
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try {
                // files of one series (same name before the first '-' or '.') load in parallel; a series
                // starts when the previous one is done, so later files may reference earlier ones
                Map<String, List<Path>> series = new LinkedHashMap<>();
                for (Path file : files) {
                    series.computeIfAbsent(file.getFileName().toString().split("[-.]", 2)[0], k -> new ArrayList<>()).add(file);
                }
                for (List<Path> group : series.values()) {
                    List<Future<?>> running = new ArrayList<>();
                    for (Path file : group) {
                        running.add(pool.submit(() -> {
                            loadFile(file);
                            filesDone.incrementAndGet();
                            showProgress();
                        }));
                    }
                    for (Future<?> f : running) {
                        f.get();
                    }
                }
            } catch (Exception e) {
                failures.add("load interrupted: " + e);
            } finally {
                pool.shutdownNow();
            }
            progress.println();
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf("loaded %d files, %,d resources in %.1f s (%,.0f resources/s) into %s; %d failure(s)%n",
                    filesDone.get(), resources.get(), seconds, resources.get() / Math.max(seconds, 0.001), url, failures.size());
            failures.stream().limit(20).forEach(f -> out.println("  " + f));
            return failures.isEmpty() ? 0 : 1;
        }

        private void loadFile(Path file) {
            try {
                if (file.toString().endsWith(".ndjson")) {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    for (int i = 0; i < lines.size(); i++) {
                        if (!lines.get(i).isBlank()) {
                            loadLine(file, i + 1, lines.get(i));
                        }
                    }
                    return;
                }
                byte[] body = Files.readAllBytes(file);
                JsonNode bundle = JSON.readTree(body);
                HttpResponse<String> response = send("POST", url, body);
                if (response.statusCode() / 100 != 2) {
                    failures.add(file.getFileName() + ": HTTP " + response.statusCode() + " " + diagnostics(response.body()));
                } else {
                    resources.addAndGet(bundle.path("entry").size());
                }
            } catch (IOException e) {
                failures.add(file.getFileName() + ": " + e.getMessage());
            }
        }

        private void loadLine(Path file, int line, String json) throws IOException {
            JsonNode resource = JSON.readTree(json);
            String type = resource.path("resourceType").asText();
            String id = resource.path("id").asText(null);
            HttpResponse<String> response = id == null ? send("POST", url + "/" + type, json.getBytes(StandardCharsets.UTF_8))
                    : send("PUT", url + "/" + type + "/" + id, json.getBytes(StandardCharsets.UTF_8));
            if (response.statusCode() / 100 != 2) {
                failures.add(file.getFileName() + ":" + line + ": HTTP " + response.statusCode() + " " + diagnostics(response.body()));
            } else {
                resources.incrementAndGet();
            }
        }

        private HttpResponse<String> send(String method, String target, byte[] body) throws IOException {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofMinutes(10));
            if (token != null && !token.isBlank()) {
                builder.header("Authorization", "Bearer " + token.trim());
            }
            HttpRequest request = builder
                    .header("Content-Type", "application/fhir+json").header("Prefer", "return=minimal")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        private static String diagnostics(String body) {
            try {
                JsonNode issue = JSON.readTree(body).path("issue").path(0);
                return issue.path("diagnostics").asText("") + (issue.has("expression") ? " at " + issue.path("expression").path(0).asText() : "");
            } catch (IOException | RuntimeException e) {
                return body.length() > 200 ? body.substring(0, 200) : body;
            }
        }

        private synchronized void showProgress() {
            int done = filesDone.get();
            int width = 30;
            int filled = (int) ((long) width * done / files.size());
            double seconds = (System.nanoTime() - started) / 1e9;
            progress.printf("\r[%s%s] %d/%d files, %,d resources, %,.0f/s", "#".repeat(filled), " ".repeat(width - filled), done,
                    files.size(), resources.get(), resources.get() / Math.max(seconds, 0.001));
        }
    }
}

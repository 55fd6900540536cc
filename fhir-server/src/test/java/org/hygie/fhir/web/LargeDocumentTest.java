package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.hygie.fhir.security.DevIssuer;
import org.junit.jupiter.api.Test;

/**
 * A 100 MB document stored and retrieved through a server whose heap is capped at 256 MB: content is
 * streamed and encrypted a chunk at a time, never held whole. The server runs in its own JVM.
 */
class LargeDocumentTest {
    private static final long SIZE = 100L * 1024 * 1024;

    @Test
    void aHundredMegabyteDocumentRoundTripsUnderA256MbHeap() throws Exception {
        Path dataDir = Files.createTempDirectory("hygie-large-document");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dataDir.resolve("server.log");
        Process server = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), "org.hygie.fhir.HygieApplication",
                "--server.port=" + port, "--hygie.data-dir=" + dataDir, "--hygie.security.dev-issuer=true",
                "--hygie.documents.max-bytes=" + (SIZE + 1), "--logging.level.root=WARN"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String base = "http://localhost:" + port + "/fhir";
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            waitUntilUp(http, base, server, log);
            String token = DevIssuer.open(dataDir).sign("hygie", "large", "system/*.cruds", null, null, Duration.ofHours(1));

            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            HttpRequest upload = HttpRequest.newBuilder(URI.create(base + "/Binary")).timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/pdf")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new DigestInputStream(new RandomBytes(SIZE, 42), sent)), SIZE))
                    .build();
            HttpResponse<String> stored = http.send(upload, HttpResponse.BodyHandlers.ofString());
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
            String id = stored.headers().firstValue("Location").orElseThrow().replaceAll(".*/Binary/([^/]+)/_history.*", "$1");

            HttpResponse<InputStream> retrieved = http.send(HttpRequest.newBuilder(URI.create(base + "/Binary/" + id))
                    .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(retrieved.statusCode()).isEqualTo(200);
            assertThat(retrieved.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            long length;
            try (InputStream body = new DigestInputStream(retrieved.body(), received)) {
                length = body.transferTo(java.io.OutputStream.nullOutputStream());
            }
            assertThat(length).isEqualTo(SIZE);
            assertThat(received.digest()).isEqualTo(sent.digest());
            assertThat(server.isAlive()).as("the server survived (no OutOfMemoryError)").isTrue();
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static void waitUntilUp(HttpClient http, String base, Process server, Path log) throws Exception {
        for (int i = 0; i < 240; i++) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/metadata")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("server did not start:\n" + Files.readString(log));
    }

    /** {@code size} pseudo-random bytes, generated as read (never held in memory). */
    private static final class RandomBytes extends InputStream {
        private final Random random;
        private long left;

        RandomBytes(long size, long seed) {
            this.left = size;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, b, off, n);
            left -= n;
            return n;
        }
    }
}

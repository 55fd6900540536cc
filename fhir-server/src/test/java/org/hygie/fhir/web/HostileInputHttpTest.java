package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile input, as a seeded mutation corpus (rerunnable, same requests every time): mutated spec
 * examples as resource bodies and Bundles, XML entity attacks, deep nesting, invalid UTF-8, injection-like
 * search values and broken headers. Never a 5xx, never a stack trace, never a hang, and the server
 * still answers afterwards.
 */
class HostileInputHttpTest extends HttpTestBase {
    private static final String DIR = "fixtures/hl7-r4-examples/";
    private static final HttpClient RAW = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int MUTATIONS_PER_EXAMPLE = 12;

    private final List<String> failures = new ArrayList<>();

    @Test
    void mutatedResourcesAndBundlesNeverCauseA5xx() throws IOException {
        Random random = new Random(20261129);
        List<String> files = new ArrayList<>(List.of(read("index.txt").split("\\R")));
        files.removeIf(f -> !f.endsWith(".json"));
        int sent = 0;
        for (String file : files) {
            String json = read(file);
            String type = file.substring(0, file.indexOf('-'));
            for (int i = 0; i < MUTATIONS_PER_EXAMPLE; i++) {
                byte[] body = mutate(json.getBytes(StandardCharsets.UTF_8), random);
                send("POST", type, body, "application/fhir+json");
                send("POST", "", ("{\"resourceType\":\"Bundle\",\"type\":\"" + (i % 2 == 0 ? "transaction" : "batch")
                        + "\",\"entry\":[{\"resource\":").getBytes(StandardCharsets.UTF_8), body, "application/fhir+json");
                sent += 2;
            }
        }
        assertThat(failures).as(failures.size() + " of " + sent + " requests failed").isEmpty();
        assertThat(http("GET", "metadata", null).statusCode()).isEqualTo(200);
    }

    @Test
    void xmlEntityAttacksAreRefused() {
        send("POST", "Patient", ("<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>").getBytes(StandardCharsets.UTF_8),
                "application/fhir+xml");
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        laughs.append("]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&lol9;\"/></name></Patient>");
        send("POST", "Patient", laughs.toString().getBytes(StandardCharsets.UTF_8), "application/fhir+xml");
        assertThat(failures).isEmpty();
        HttpResponse<String> xxe = http("POST", "Patient", "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>", "Content-Type", "application/fhir+xml");
        assertThat(xxe.body()).doesNotContain("root:");
    }

    @Test
    void deepNestingAndBrokenEncodingsAreRefused() {
        String deep = "{\"resourceType\":\"Patient\",\"extension\":[" + "{\"url\":\"x\",\"extension\":[".repeat(5000) + "]}".repeat(5000) + "]}";
        send("POST", "Patient", deep.getBytes(StandardCharsets.UTF_8), "application/fhir+json");
        send("POST", "Patient", "[".repeat(100_000).getBytes(StandardCharsets.UTF_8), "application/fhir+json");
        send("POST", "Patient", new byte[] {'{', '"', 'r', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', ':', '1', '}'}, "application/fhir+json");
        send("POST", "Patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"1980-02-30\"}".getBytes(StandardCharsets.UTF_8), "application/fhir+json");
        send("POST", "Patient", "{\"resourceType\":\"Patient\",\"multipleBirthInteger\":99999999999999999999}".getBytes(StandardCharsets.UTF_8),
                "application/fhir+json");
        send("POST", "Patient", "{}".getBytes(StandardCharsets.UTF_8), "application/fhir+json; charset=klingon");
        send("POST", "Patient", "\u0000\u0000".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        assertThat(failures).isEmpty();
    }

    @Test
    void injectionLikeSearchValuesAndBrokenHeadersAreClientErrors() {
        String[] queries = {"Patient?name=%27%20OR%201%3D1--", "Patient?name=%00", "Patient?_sort=;drop%20table%20resource", "Patient?_count=99999999999",
                "Patient?birthdate=ge9999999999", "Patient?birthdate=%F0%9F%92%A9", "Patient?identifier=%7C%7C%7C", "Patient?_id=../../etc",
                "Appointment?date=eq2020-01-01T25:99", "Location?near=91%7C181%7C-5%7Ckm", "Patient?_has:Patient:link:_has:Patient:link:name=x",
                "Slot?schedule.actor.name.given=x", "Patient?_include=*:*", "Patient?_revinclude:iterate=*", "Patient?_total=sometimes",
                "Patient?_elements=%2A%2A", "Patient?_summary=maybe", "Patient?" + "a=b&".repeat(2000), "Patient/" + "x".repeat(300),
                "Patient?_lastUpdated=gt2020&_lastUpdated=lt1990", "Patient?family:exact=" + "%E2%80%AE".repeat(50)};
        for (String query : queries) {
            check("GET " + query, http("GET", query, null));
        }
        check("If-Match garbage", http("PUT", "Patient/x1", "{\"resourceType\":\"Patient\",\"id\":\"x1\"}", "If-Match", "W/\"abc\""));
        check("If-None-Exist garbage", http("POST", "Patient", "{\"resourceType\":\"Patient\"}", "If-None-Exist", "&&&=%%%"));
        check("Prefer garbage", http("POST", "Patient", "{\"resourceType\":\"Patient\"}", "Prefer", "return=everything;;;"));
        check("Accept garbage", http("GET", "Patient", null, "Accept", "application/unknown+fhir, */*;q=abc"));
        check("X-Cascade garbage", http("DELETE", "Patient/nobody", null, "X-Cascade", "\u00e9"));
        assertThat(failures).isEmpty();
    }

    /** One of: a flipped byte, a cut, a deleted span, a duplicated span, a swapped quote, an odd literal. */
    private static byte[] mutate(byte[] in, Random random) {
        byte[] out = in.clone();
        int at = random.nextInt(out.length);
        switch (random.nextInt(6)) {
            case 0 -> out[at] = (byte) random.nextInt(256);
            case 1 -> out = java.util.Arrays.copyOf(out, at);
            case 2 -> {
                int end = Math.min(out.length, at + 1 + random.nextInt(40));
                byte[] cut = new byte[out.length - (end - at)];
                System.arraycopy(out, 0, cut, 0, at);
                System.arraycopy(out, end, cut, at, out.length - end);
                out = cut;
            }
            case 3 -> {
                int end = Math.min(out.length, at + 1 + random.nextInt(200));
                byte[] twice = new byte[out.length + (end - at)];
                System.arraycopy(out, 0, twice, 0, end);
                System.arraycopy(out, at, twice, end, out.length - at);
                out = twice;
            }
            case 4 -> out[at] = out[at] == '"' ? (byte) '\'' : (byte) '"';
            default -> {
                String s = new String(out, StandardCharsets.UTF_8);
                String[] odd = {"1e999999", "-0", "null", "[]", "{}", "\"\\ud800\"", "true", "\"\u0000\""};
                int colon = s.indexOf(':', at);
                if (colon > 0) {
                    s = s.substring(0, colon + 1) + odd[random.nextInt(odd.length)] + "," + s.substring(colon + 1);
                }
                out = s.getBytes(StandardCharsets.UTF_8);
            }
        }
        return out;
    }

    private void send(String method, String path, byte[] body, String contentType) {
        send(method, path, new byte[0], body, contentType);
    }

    private void send(String method, String path, byte[] prefix, byte[] body, String contentType) {
        byte[] all = prefix.length == 0 ? body : concat(prefix, body, ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}".getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/" + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(all)).header("Content-Type", contentType)
                .header("Authorization", "Bearer " + systemToken).build();
        try {
            HttpResponse<String> response = RAW.send(request, HttpResponse.BodyHandlers.ofString());
            check(method + " " + path + " " + new String(all, 0, Math.min(all.length, 120), StandardCharsets.UTF_8), response);
        } catch (IOException e) {
            failures.add(method + " " + path + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Never a 5xx nor a stack trace; and the input reached the server's parsing and checks: an answer that
     * stops before them (401/403 for the token, 408, 429 for the rate) would prove nothing, so it fails too,
     * as does a refusal without an OperationOutcome saying what is wrong.
     */
    private void check(String what, HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body();
        boolean explained = status < 400 || body.contains("\"resourceType\":\"OperationOutcome\"") && body.contains("\"diagnostics\"")
                || body.contains("OperationOutcome xmlns");
        if (status >= 500 || NOT_PARSED.contains(status) || !explained || body.contains("\tat ") || body.contains("Exception:")) {
            failures.add(status + " for " + what + " -> " + body.substring(0, Math.min(300, body.length())));
        }
    }

    /** Answers given before the body or query is looked at. */
    private static final java.util.Set<Integer> NOT_PARSED = java.util.Set.of(401, 403, 408, 429);

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static String read(String name) throws IOException {
        try (InputStream in = HostileInputHttpTest.class.getClassLoader().getResourceAsStream(DIR + name)) {
            assertThat(in).as(DIR + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

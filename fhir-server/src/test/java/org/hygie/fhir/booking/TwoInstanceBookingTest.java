package org.hygie.fhir.booking;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hygie.fhir.HygieApplication;
import org.hygie.fhir.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two server instances on one PostgreSQL, racing over HTTP: a slot is never held or booked twice. The
 * guarantee is the database's (the slot_reservation primary key), so it holds across instances.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstanceBookingTest {
    private static final Pattern ID = Pattern.compile("/[A-Za-z]+/([^/]+)/_history");
    private static final int RACERS = 50;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<ConfigurableApplicationContext> servers = new ArrayList<>();
    private final List<String> bases = new ArrayList<>();
    private JdbcTemplate sql;
    private String schedule;
    private String token;

    @BeforeAll
    void start() throws IOException {
        String url = TestDatabases.freshEmbeddedUrl();
        Path dataDir = Files.createTempDirectory("hygie-two-instances"); // shared: both use its dev master key
        for (int i = 0; i < 2; i++) {
            ConfigurableApplicationContext server = new SpringApplicationBuilder(HygieApplication.class).run(
                    "--server.port=0", "--spring.datasource.url=" + url, "--hygie.data-dir=" + dataDir,
                    "--hygie.booking.hold-duration=3s", "--hygie.booking.sweep-interval=200ms", "--logging.level.root=WARN",
                    "--hygie.security.dev-issuer=true");
            servers.add(server);
            bases.add("http://localhost:" + ((WebServerApplicationContext) server).getWebServer().getPort() + "/fhir");
        }
        token = org.hygie.fhir.security.DevIssuer.open(dataDir).sign("hygie", "test", "system/*.cruds", null, null, java.time.Duration.ofHours(1));
        sql = new JdbcTemplate(new DriverManagerDataSource(url));
        String practitioner = id(send(0, "POST", "Practitioner", "{\"resourceType\":\"Practitioner\"}"));
        schedule = id(send(0, "POST", "Schedule", "{\"resourceType\":\"Schedule\",\"actor\":[{\"reference\":\"Practitioner/" + practitioner + "\"}]}"));
    }

    @AfterAll
    void stop() {
        servers.forEach(ConfigurableApplicationContext::close);
        TestDatabases.closeAll();
    }

    @Test
    void fiftyBookingsOfOneSlotOnTwoInstancesHaveOneWinner() throws Exception {
        String slot = slot();
        List<Integer> statuses = race(RACERS, i -> send(i % 2, "POST", "Appointment", appointment(slot)));
        assertThat(statuses).containsOnlyOnce(201);
        assertThat(statuses.stream().filter(s -> s == 409).count()).isEqualTo(RACERS - 1);
        assertOneActiveAppointment(slot, "busy");
    }

    @Test
    void fiftyHoldsOfOneSlotOnTwoInstancesHaveOneWinner() throws Exception {
        String slot = slot();
        String hold = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"appointment-reference\","
                + "\"valueReference\":{\"reference\":\"Appointment/find-" + slot + "\"}}]}";
        List<Integer> statuses = race(RACERS, i -> send(i % 2, "POST", "Appointment/$hold", hold));
        assertThat(statuses).containsOnlyOnce(200);
        assertThat(statuses.stream().filter(s -> s == 409).count()).isEqualTo(RACERS - 1);
        assertOneActiveAppointment(slot, "busy-tentative");
    }

    @Test
    void cancelRacingRebookingsLeavesAtMostOneHolder() throws Exception {
        for (int round = 0; round < 5; round++) {
            String slot = slot();
            String first = id(send(0, "POST", "Appointment", appointment(slot)));
            List<Integer> statuses = race(21, i -> i == 0
                    ? send(1, "PATCH", "Appointment/" + first, "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"cancelled\"}]")
                    : send(i % 2, "POST", "Appointment", appointment(slot)));
            assertThat(statuses.get(0)).isEqualTo(200);
            long rebooked = statuses.subList(1, statuses.size()).stream().filter(s -> s == 201).count();
            assertThat(rebooked).isLessThanOrEqualTo(1);
            assertThat(statuses.stream().filter(s -> s != 200 && s != 201 && s != 409)).isEmpty();
            if (rebooked == 1) {
                assertOneActiveAppointment(slot, "busy");
            } else {
                assertThat(activeAppointments(slot)).isZero();
                assertThat(slotStatus(slot)).isEqualTo("free");
            }
        }
    }

    @Test
    void expiredHoldRacingBookingsAndTheSweeperHasOneWinner() throws Exception {
        for (int round = 0; round < 3; round++) {
            String slot = slot();
            String hold = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"appointment-reference\","
                    + "\"valueReference\":{\"reference\":\"Appointment/find-" + slot + "\"}}]}";
            assertThat(send(0, "POST", "Appointment/$hold", hold).statusCode()).isEqualTo(200);
            Thread.sleep(3000 + round * 100L); // the hold expires about when the sweeper may run
            List<Integer> statuses = race(20, i -> send(i % 2, "POST", "Appointment", appointment(slot)));
            assertThat(statuses).containsOnlyOnce(201).allMatch(s -> s == 201 || s == 409);
            assertOneActiveAppointment(slot, "busy");
        }
    }

    private void assertOneActiveAppointment(String slot, String slotStatus) {
        assertThat(activeAppointments(slot)).isEqualTo(1);
        assertThat(sql.queryForObject("select count(*) from slot_reservation where slot_id = ?", Integer.class, slot)).isEqualTo(1);
        assertThat(slotStatus(slot)).isEqualTo(slotStatus);
    }

    private int activeAppointments(String slot) {
        HttpResponse<String> r = send(1, "GET", "Appointment?slot=Slot/" + slot + "&status=pending,booked&_summary=count", null);
        Matcher total = Pattern.compile("\"total\"\\s*:\\s*(\\d+)").matcher(r.body());
        assertThat(total.find()).as(r.body()).isTrue();
        return Integer.parseInt(total.group(1));
    }

    private String slotStatus(String slot) {
        Matcher status = Pattern.compile("\"status\"\\s*:\\s*\"([a-z-]+)\"").matcher(send(0, "GET", "Slot/" + slot, null).body());
        assertThat(status.find()).isTrue();
        return status.group(1);
    }

    private String slot() {
        return id(send(0, "POST", "Slot", "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/" + schedule + "\"},"
                + "\"status\":\"free\",\"start\":\"2027-03-01T08:00:00Z\",\"end\":\"2027-03-01T08:15:00Z\"}"));
    }

    private static String appointment(String slot) {
        return "{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"start\":\"2027-03-01T08:00:00Z\",\"end\":\"2027-03-01T08:15:00Z\","
                + "\"slot\":[{\"reference\":\"Slot/" + slot + "\"}],\"participant\":[{\"actor\":{\"display\":\"Patient\"},\"status\":\"accepted\"}]}";
    }

    private interface Call {
        HttpResponse<String> send(int i);
    }

    private static List<Integer> race(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                calls.add(() -> call.send(index).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    private HttpResponse<String> send(int server, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bases.get(server) + "/" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", method.equals("PATCH") ? "application/json-patch+json" : "application/fhir+json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String id(HttpResponse<String> created) {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher m = ID.matcher(created.headers().firstValue("Location").orElseThrow());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}

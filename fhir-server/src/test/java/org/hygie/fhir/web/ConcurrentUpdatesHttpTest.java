package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

class ConcurrentUpdatesHttpTest extends HttpTestBase {

    @Test
    void ifMatchUpdatesRacingOnOneVersionHaveOneWinner() throws Exception {
        String location = http("POST", "Organization", "{\"resourceType\":\"Organization\",\"name\":\"Course\"}")
                .headers().firstValue("Location").orElseThrow();
        String id = location.replaceAll(".*/Organization/([^/]+)/_history.*", "$1");
        int racers = 12;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                String body = "{\"resourceType\":\"Organization\",\"id\":\"" + id + "\",\"name\":\"Course " + i + "\"}";
                calls.add(() -> http("PUT", "Organization/" + id, body, "If-Match", "W/\"1\"").statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsOnlyOnce(200);
            assertThat(statuses.stream().filter(s -> s == 412 || s == 409).count()).isEqualTo(racers - 1);
        } finally {
            pool.shutdownNow();
        }
        HttpResponse<String> history = http("GET", "Organization/" + id + "/_history", null);
        assertThat(parse(Bundle.class, history).getTotal()).isEqualTo(2);
    }
}

package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

class SearchHttpTest extends HttpTestBase {

    private String scheduleWithSlots(int count) {
        String schedule = http("POST", "Schedule", "{\"resourceType\":\"Schedule\",\"actor\":[{\"display\":\"Dr Test\"}]}")
                .headers().firstValue("Location").orElseThrow().replaceAll(".*/(Schedule/[^/]+)/_history.*", "$1");
        StringBuilder tx = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        for (int i = 0; i < count; i++) {
            String start = String.format("2026-09-%02dT08:00:00Z", i % 28 + 1);
            String end = String.format("2026-09-%02dT08:15:00Z", i % 28 + 1);
            tx.append(i == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"").append(schedule)
                    .append("\"},\"status\":\"").append(i % 3 == 0 ? "busy" : "free").append("\",\"start\":\"").append(start)
                    .append("\",\"end\":\"").append(end).append("\"},\"request\":{\"method\":\"POST\",\"url\":\"Slot\"}}");
        }
        assertThat(http("POST", "", tx.append("]}").toString()).statusCode()).isEqualTo(200);
        return schedule;
    }

    @Test
    void pagingLinksWalkEveryResultOnceWithTheGenericClient() {
        String schedule = scheduleWithSlots(25);
        Bundle page = client.search().forResource(Slot.class)
                .where(Slot.SCHEDULE.hasId(schedule)).and(Slot.STATUS.exactly().code("free"))
                .sort().ascending(Slot.START).count(4).returnBundle(Bundle.class).execute();
        assertThat(page.getTotal()).isEqualTo(16);
        List<String> seen = new ArrayList<>();
        List<String> starts = new ArrayList<>();
        while (true) {
            page.getEntry().forEach(e -> {
                seen.add(e.getResource().getIdElement().getIdPart());
                starts.add(((Slot) e.getResource()).getStartElement().getValueAsString());
            });
            if (page.getLink("next") == null) {
                break;
            }
            page = client.loadPage().next(page).execute();
        }
        assertThat(seen).hasSize(16).doesNotHaveDuplicates();
        assertThat(starts).isSorted();
    }

    @Test
    void insertionOrderPagesStayStableWhileOthersWrite() {
        String schedule = scheduleWithSlots(12);
        Bundle page = parse(Bundle.class, http("GET", "Slot?schedule=" + schedule + "&_count=5", null));
        List<String> before = new ArrayList<>();
        parse(Bundle.class, http("GET", "Slot?schedule=" + schedule + "&_count=100", null))
                .getEntry().forEach(e -> before.add(e.getResource().getIdElement().getIdPart()));
        String deleted = page.getEntry().get(1).getResource().getIdElement().getIdPart();
        assertThat(http("DELETE", "Slot/" + deleted, null).statusCode()).isIn(200, 204);
        scheduleSlotsOn(schedule, 2);
        List<String> seen = new ArrayList<>();
        page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
        while (page.getLink("next") != null) {
            assertThat(page.getLink("next").getUrl()).contains("_after=").doesNotContain("_offset");
            page = parse(Bundle.class, http("GET", page.getLink("next").getUrl().replace("|", "%7C"), null));
            page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
        }
        assertThat(seen).doesNotHaveDuplicates().containsAll(before).hasSize(before.size() + 2);
        assertThat(page.getTotal()).isEqualTo(13);
    }

    private void scheduleSlotsOn(String schedule, int count) {
        for (int i = 0; i < count; i++) {
            http("POST", "Slot", "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"" + schedule
                    + "\"},\"status\":\"free\",\"start\":\"2026-10-01T08:00:00Z\",\"end\":\"2026-10-01T08:15:00Z\"}");
        }
    }

    @Test
    void postSearchTakesFormParameters() {
        String schedule = scheduleWithSlots(3);
        HttpResponse<String> response = http("POST", "Slot/_search", "schedule=" + schedule + "&status=free",
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(parse(Bundle.class, response).getTotal()).isEqualTo(2);
    }

    @Test
    void totalNoneEstimateAndSummaryCount() {
        String schedule = scheduleWithSlots(5);
        Bundle none = parse(Bundle.class, http("GET", "Slot?schedule=" + schedule + "&_total=none", null));
        assertThat(none.hasTotal()).isFalse();
        assertThat(none.getEntry()).hasSize(5);
        Bundle count = parse(Bundle.class, http("GET", "Slot?schedule=" + schedule + "&_summary=count", null));
        assertThat(count.getTotal()).isEqualTo(5);
        assertThat(count.getEntry()).isEmpty();
        Bundle whole = parse(Bundle.class, http("GET", "Slot?schedule=" + schedule + "&_total=estimate", null));
        assertThat(whole.getTotal()).as("a first page holding every match counts them").isEqualTo(5);
        Bundle partial = parse(Bundle.class, http("GET", "Slot?schedule=" + schedule + "&_total=estimate&_count=2", null));
        assertThat(partial.hasTotal()).as("the planner's estimate").isTrue();
        assertThat(partial.getTotal()).isPositive();
        assertThat(partial.getEntry()).hasSize(2);
    }

    @Test
    void nextLinksCarryTheWholeQuerySoAnyInstanceCanServeThem() {
        String schedule = scheduleWithSlots(6);
        Bundle first = parse(Bundle.class, http("GET", "Slot?schedule=" + schedule + "&_count=4&_sort=start", null));
        String next = first.getLink("next").getUrl();
        assertThat(next).contains("schedule=" + schedule).contains("_sort=start").contains("_offset=4");
        Bundle second = parse(Bundle.class, http("GET", next.replace("|", "%7C"), null));
        assertThat(second.getEntry()).hasSize(2);
        var ids = new HashSet<String>();
        first.getEntry().forEach(e -> ids.add(e.getResource().getIdElement().getIdPart()));
        second.getEntry().forEach(e -> assertThat(ids.add(e.getResource().getIdElement().getIdPart())).isTrue());
        assertThat(second.getLink("previous")).isNotNull();
    }

    /** The national free-slot queries (ANS GAP flow 4a, SAS), as the issue quotes them. */
    @Test
    void gapAndSasFreeSlotQueries() {
        String specialty = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";
        String idnps = "8" + org.hygie.fhir.testsupport.TestIdentifiers.rpps();
        String tx = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000001","resource":{"resourceType":"Practitioner",
                   "identifier":[{"system":"urn:oid:1.2.250.1.71.4.2.1","value":"%2$s"}],"name":[{"family":"Généraliste"}]},
                   "request":{"method":"POST","url":"Practitioner"}},
                 {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000002","resource":{"resourceType":"PractitionerRole",
                   "practitioner":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},
                   "specialty":[{"coding":[{"system":"%1$s","code":"SM54"}]}]},"request":{"method":"POST","url":"PractitionerRole"}},
                 {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000003","resource":{"resourceType":"Schedule",
                   "actor":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002"},{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"}]},
                   "request":{"method":"POST","url":"Schedule"}},
                 {"resource":{"resourceType":"Slot","schedule":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003"},"status":"free",
                   "start":"2027-02-01T09:00:00+01:00","end":"2027-02-01T09:15:00+01:00"},"request":{"method":"POST","url":"Slot"}},
                 {"resource":{"resourceType":"Slot","schedule":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003"},"status":"busy",
                   "start":"2027-02-01T09:15:00+01:00","end":"2027-02-01T09:30:00+01:00"},"request":{"method":"POST","url":"Slot"}}
                ]}""".formatted(specialty, idnps);
        assertThat(http("POST", "", tx).statusCode()).isEqualTo(200);

        Bundle gap = parse(Bundle.class, http("GET", "Slot?status=free&start=ge2027-02-01T00:00:00Z&start=le2027-02-02T00:00:00Z"
                + "&_include=Slot:schedule&_include:iterate=Schedule:actor"
                + "&schedule.actor:PractitionerRole.specialty=" + specialty + "%7CSM54", null));
        assertThat(gap.getTotal()).isEqualTo(1);
        assertThat(gap.getEntry()).extracting(e -> e.getResource().fhirType() + ":" + e.getSearch().getMode().toCode())
                .containsExactlyInAnyOrder("Slot:match", "Schedule:include", "PractitionerRole:include", "Practitioner:include");

        Bundle sas = parse(Bundle.class, http("GET", "Slot?_include=Slot:schedule&_include:iterate=Schedule:actor&start=ge2027-02-01T00:00:00Z"
                + "&start=le2027-02-02T00:00:00Z&schedule.actor:Practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1%7C" + idnps + "&status=free", null));
        assertThat(sas.getTotal()).isEqualTo(1);
        assertThat(sas.getEntry()).filteredOn(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE).hasSize(3);
    }

    @Test
    void searchEntriesHaveFullUrlsAndMatchMode() {
        String family = "Plein" + UUID.randomUUID().toString().substring(0, 8);
        http("POST", "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
        Bundle result = parse(Bundle.class, http("GET", "Patient?family=" + family, null));
        assertThat(result.getEntryFirstRep().getFullUrl()).startsWith(base() + "/Patient/");
        assertThat(result.getEntryFirstRep().getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.MATCH);
    }
}

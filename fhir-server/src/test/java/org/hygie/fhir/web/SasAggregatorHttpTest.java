package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hygie as a SAS agenda source (ANS guide ans.fhir.fr.sas 1.1.0, its GestionnaireAgenda CapabilityStatements):
 * the guide's own examples load, checked against the profiles they claim, and the aggregator's queries are
 * served as its guide writes them (anonymous, as the directory is public): a practitioner, one with several
 * places, several practitioners, the CPTS variant with its HealthcareServices, and the SOS variant by place.
 * Each answer is checked against the guide's result Bundle profile.
 */
class SasAggregatorHttpTest extends HttpTestBase {
    private static final String DIR = "fixtures/sas-examples/";
    private static final String IDNPS = "urn:oid:1.2.250.1.71.4.2.1%7C";
    /** Directory resources in the order their references need; Appointments and Bundles are not agenda data. */
    private static final List<String> ORDER = List.of("Organization", "Location", "HealthcareService", "Practitioner", "PractitionerRole",
            "Schedule", "Slot");

    @BeforeEach
    void loadTheGuidesExamples() throws IOException {
        List<String> files = new ArrayList<>(List.of(read("index.txt").split("\\R")));
        for (String type : ORDER) {
            for (String file : files) {
                if (file.startsWith(type + "-")) {
                    Resource example = (Resource) FHIR.newJsonParser().parseResource(read(file));
                    String path = type + "/" + example.getIdElement().getIdPart();
                    HttpResponse<String> answer = http("PUT", path, read(file));
                    assertThat(answer.statusCode()).as(path + ": " + answer.body()).isIn(200, 201);
                }
            }
        }
    }

    /**
     * The guide's example result Bundles say what the aggregator asks (their self link) and what it must get
     * (their entries): the same resources come back, the slots as matches, what they need as includes.
     */
    @Test
    void theGuidesExampleQueriesGetTheGuidesExampleAnswers() throws IOException {
        for (String example : List.of("Bundle-ExampleBundlePSIndiv.json", "Bundle-ExampleBundleAgregateurSOS.json", "Bundle-ExampleBundleCPTS.json")) {
            Bundle expected = (Bundle) FHIR.newJsonParser().parseResource(read(example));
            String self = expected.getLink("self").getUrl();
            String query = self.substring(self.indexOf('/', self.indexOf("//") + 2) + 1).replaceFirst("^[^?]*?(Slot|Schedule)/?\\?", "$1?")
                    .replace("+", "%2B").replace("|", "%7C");
            if (example.contains("CPTS")) {
                query += "&_include:iterate=HealthcareService:organization"; // its Organizations, as the CPTS CapabilityStatement lists
            }
            Bundle found = aggregator(query);
            Set<String> wanted = new TreeSet<>();
            expected.getEntry().forEach(e -> wanted.add(e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart()));
            Set<String> got = new TreeSet<>();
            found.getEntry().forEach(e -> got.add(e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart()));
            assertThat(got).as(example + ": " + query).containsAll(wanted);
            String searched = query.substring(0, query.indexOf('?'));
            assertThat(found.getEntry()).as(example).filteredOn(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                    .allSatisfy(e -> assertThat(e.getResource().fhirType()).isEqualTo(searched));
            assertThat(found.getLink("next")).as(example + ": one page, as the aggregator reads it").isNull();
        }
    }

    @Test
    void aPractitionersFreeSlotsAtOneOrSeveralPlaces() {
        Bundle one = aggregator("Slot?_include=Slot:schedule&_include:iterate=Schedule:actor&schedule.actor:Practitioner.identifier="
                + IDNPS + "810002909371&start=ge2024-06-01T00:00:00Z&start=le2024-07-01T00:00:00Z&status=free");
        assertThat(ids(one, Bundle.SearchEntryMode.MATCH)).containsExactly("ExampleSlotCPTS1", "ExampleSlotCPTS2");
        assertThat(ids(one, Bundle.SearchEntryMode.INCLUDE)).containsExactlyInAnyOrder("ExampleSchedule", "ExamplePractitioner",
                "ExamplePractitionerRoleAgregateur");
        Bundle twoPlaces = aggregator("Slot?_include=Slot:schedule&_include:iterate=Schedule:actor&schedule.actor:Practitioner.identifier="
                + IDNPS + "810100050075&start=ge2021-11-01T00:00:00Z&start=le2021-11-30T00:00:00Z&status=free");
        assertThat(ids(twoPlaces, Bundle.SearchEntryMode.MATCH)).containsExactly("ExampleSlotPSIndiv1", "ExampleSlotPSIndiv2");
        assertThat(ids(twoPlaces, Bundle.SearchEntryMode.INCLUDE)).contains("ExampleSchedule1", "ExampleSchedule2",
                "ExamplePractitionerRoleAgregateur2", "ExamplePractitionerRoleAgregateur3");
        // a slot that is not free, or outside the window, is not proposed
        assertThat(ids(aggregator("Slot?schedule.actor:Practitioner.identifier=" + IDNPS + "810100050075&start=ge2022-01-01T00:00:00Z"
                + "&status=free"), Bundle.SearchEntryMode.MATCH)).isEmpty();
    }

    @Test
    void aResourceClaimingAGuideProfileIsHeldToIt() throws IOException {
        String broken = read("Slot-ExampleSlotCPTS1.json").replace("\"valueReference\":{\"reference\":\"HealthcareService/ExampleHealthcareServiceCPTS1\"}",
                "\"valueString\":\"not a reference\"").replace("ExampleSlotCPTS1", "BrokenSlot");
        assertThat(broken).contains("not a reference");
        OperationOutcome refused = assertOutcome(http("PUT", "Slot/BrokenSlot", broken), 422);
        assertThat(refused.getIssueFirstRep().getDiagnostics()).contains("extension-Slot.serviceType");
    }

    /** An anonymous query, as the aggregator sends it; its answer conforms to the guide's result Bundle profile. */
    private Bundle aggregator(String query) {
        HttpResponse<String> answer = http("GET", query, null, "Authorization", "none");
        assertThat(answer.statusCode()).as(query + " -> " + answer.body()).isEqualTo(200);
        HttpResponse<String> checked = http("POST", "Bundle/$validate?profile=http://sas.fr/fhir/StructureDefinition/BundleAgregateur",
                answer.body());
        List<String> errors = parse(OperationOutcome.class, checked).getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                .map(i -> i.getDiagnostics() + " @ " + i.getExpression()).toList();
        assertThat(errors).as("the answer against the SAS result Bundle profile").isEmpty();
        return parse(Bundle.class, answer);
    }

    private static Set<String> ids(Bundle bundle, Bundle.SearchEntryMode mode) {
        Set<String> ids = new TreeSet<>();
        bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == mode).forEach(e -> ids.add(e.getResource().getIdElement().getIdPart()));
        return ids;
    }

    private static String read(String name) throws IOException {
        try (InputStream in = SasAggregatorHttpTest.class.getClassLoader().getResourceAsStream(DIR + name)) {
            assertThat(in).as(DIR + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

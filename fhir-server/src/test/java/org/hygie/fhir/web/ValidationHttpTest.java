package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.hygie.fhir.types.ConformancePackages;
import org.hygie.fhir.testsupport.TestIdentifiers;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/**
 * Validation on write and on demand, and the terminology operations, over HTTP: every profile of ig/ with
 * a valid instance (its published examples, stored in reference order) and invalid ones (422 naming the
 * rule and the element, nothing stored).
 */
class ValidationHttpTest extends HttpTestBase {
    private static final String SD = "https://fhir.hygie.health/StructureDefinition/";
    private static final String R38 = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";
    private static final List<String> ORDER = List.of("Patient", "Practitioner", "Location", "PractitionerRole", "Schedule", "Slot",
            "Appointment", "AppointmentResponse", "DocumentReference");

    @Test
    void theImplementationGuideExamplesAreAcceptedAndBrokenInstancesAreRefused() {
        List<Resource> examples = new java.util.ArrayList<>(ConformancePackages.load(FHIR, ConformancePackages.IG + "example/*.json", Resource.class));
        examples.sort(java.util.Comparator.comparingInt(r -> ORDER.indexOf(r.fhirType())));
        for (Resource example : examples) {
            HttpResponse<String> stored = http("PUT", example.fhirType() + "/" + example.getIdElement().getIdPart(),
                    FHIR.newJsonParser().encodeResourceToString(example));
            assertThat(stored.statusCode()).as(example.getIdElement().getValue() + " -> " + stored.body()).isIn(200, 201);
        }

        refused("Patient", "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:1.2.250.1.213.1.4.10\",\"value\":\"12345\"}]}",
                "hyg-ins", "Patient.identifier[0]");
        refused("Practitioner", "{\"resourceType\":\"Practitioner\",\"identifier\":[{\"system\":\"https://rpps.esante.gouv.fr\",\"value\":\"1234\"}]}",
                "hyg-rpps-1", "Practitioner.identifier[0]");
        refused("PractitionerRole", "{\"resourceType\":\"PractitionerRole\",\"availableTime\":[{\"availableStartTime\":\"12:00:00\","
                + "\"availableEndTime\":\"09:00:00\"}]}", "hyg-role-1", "PractitionerRole.availableTime[0]");
        refused("Schedule", "{\"resourceType\":\"Schedule\",\"extension\":[{\"url\":\"https://fhir.hygie.health/StructureDefinition/booking-mode\","
                + "\"valueCode\":\"whenever\"}],\"actor\":[{\"reference\":\"Practitioner/example-practitioner\"}]}", "whenever", "Schedule.extension[0]");
        refused("Slot", "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/example-schedule\"},\"status\":\"free\","
                + "\"start\":\"2030-01-08T09:15:00Z\",\"end\":\"2030-01-08T09:00:00Z\"}", "hyg-slot-1", "Slot");
        refused("Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"proposed\",\"participant\":[{\"status\":\"accepted\"}]}",
                "app-1", "Appointment.participant[0]");
        refused("Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"proposed\",\"extension\":[{\"url\":"
                + "\"https://fhir.hygie.health/StructureDefinition/booked-by\",\"valueString\":\"me\"}],"
                + "\"participant\":[{\"actor\":{\"reference\":\"Patient/example-patient\"},\"status\":\"accepted\"}]}", "string", "Appointment.extension[0]");
        refused("AppointmentResponse", "{\"resourceType\":\"AppointmentResponse\",\"appointment\":{\"reference\":\"Appointment/example-appointment\"},"
                + "\"participantStatus\":\"accepted\"}", "AppointmentResponse.actor", "AppointmentResponse");
        refused("DocumentReference", "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"content\":[{\"attachment\":"
                + "{\"contentType\":\"text/plain\",\"data\":\"aGVsbG8=\"}}]}", "DocumentReference.subject", "DocumentReference");
        // a DocumentReference claiming PDSm's comprehensive profile is checked with Hygie's local equivalent
        refused("DocumentReference", "{\"resourceType\":\"DocumentReference\",\"meta\":{\"profile\":[\"https://interop.esante.gouv.fr/ig/fhir/pdsm/"
                + "StructureDefinition/pdsm-comprehensive-document-reference\"]},\"status\":\"current\",\"subject\":{\"reference\":"
                + "\"Patient/example-patient\"},\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"aGVsbG8=\"}}]}",
                "DocumentReference.masterIdentifier", "DocumentReference");
    }

    @Test
    void warningsAloneDoNotRefuseAWriteByDefault() {
        HttpResponse<String> stored = http("POST", "Appointment", ValidationStrictnessHttpTest.WITH_FOREIGN_SPECIALTY);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        // the same resource, checked with $validate, shows the warning
        assertThat(assertOutcome(http("POST", "Appointment/$validate", ValidationStrictnessHttpTest.WITH_FOREIGN_SPECIALTY), 200).getIssue())
                .anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.WARNING);
    }

    /** The refused write is a 422 whose first issue names the rule and the element; nothing of that type was stored. */
    private void refused(String type, String body, String why, String where) {
        int before = parse(Bundle.class, http("GET", type + "?_summary=count", null)).getTotal();
        OperationOutcome outcome = assertOutcome(http("POST", type, body), 422);
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(outcome.getIssue()).as(body).anySatisfy(issue -> {
            assertThat(issue.getDiagnostics()).contains(why);
            assertThat(issue.getExpression()).extracting(Object::toString).anySatisfy(e -> assertThat(e).startsWith(where));
        });
        assertThat(parse(Bundle.class, http("GET", type + "?_summary=count", null)).getTotal()).isEqualTo(before);
    }

    @Test
    void anInvalidTransactionEntryRefusesTheWholeBundleAndSaysWhichEntry() {
        String ins = TestIdentifiers.ins();
        String tx = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"fullUrl":"urn:uuid:00000000-0000-4000-8000-0000000000a1","resource":{"resourceType":"Patient",
                    "identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.10","value":"%s"}]},"request":{"method":"POST","url":"Patient"}},
                  {"resource":{"resourceType":"Slot","schedule":{"reference":"Schedule/nowhere"},"status":"free",
                    "start":"2030-01-08T10:00:00Z","end":"2030-01-08T09:00:00Z"},"request":{"method":"POST","url":"Slot"}}]}""".formatted(ins);
        OperationOutcome outcome = assertOutcome(http("POST", "", tx), 422);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("hyg-slot-1");
        assertThat(outcome.getIssueFirstRep().getExpression()).extracting(Object::toString).contains("Bundle.entry[1]");
        assertThat(parse(Bundle.class, http("GET", "Patient?identifier=urn:oid:1.2.250.1.213.1.4.10%7C" + ins, null)).getTotal()).isZero();
    }

    @Test
    void validateOperationReportsWithoutStoring() {
        OperationOutcome bad = assertOutcome(http("POST", "Patient/$validate",
                "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:1.2.250.1.213.1.4.8\",\"value\":\"x\"}]}"), 200);
        assertThat(bad.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(bad.getIssueFirstRep().getDiagnostics()).contains("hyg-ins");
        OperationOutcome good = assertOutcome(http("POST", "Patient/$validate", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\","
                + "\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:1.2.250.1.213.1.4.8\",\"value\":\""
                + TestIdentifiers.ins() + "\"}]}}]}"), 200);
        assertThat(good.getIssue()).singleElement().satisfies(i -> assertThat(i.getDiagnostics()).isEqualTo("No issues detected"));
        // an explicit profile: the comprehensive DocumentReference asks for much more than the type's own profile
        String document = "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"subject\":{\"reference\":\"Patient/x\"},"
                + "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\"}}]}";
        assertThat(assertOutcome(http("POST", "DocumentReference/$validate", document), 200).getIssue())
                .noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
        assertThat(assertOutcome(http("POST", "DocumentReference/$validate?profile=" + SD + "hygie-documentreference-comprehensive", document), 200)
                .getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics()).contains("DocumentReference.custodian"));
        assertThat(assertOutcome(http("POST", "Patient/$validate?profile=https://nowhere.example/StructureDefinition/x",
                "{\"resourceType\":\"Patient\"}"), 200).getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics()).contains("not known"));
        assertOutcome(http("POST", "Patient/$validate", "{\"resourceType\":\"Slot\"}"), 400);
        assertThat(parse(Bundle.class, http("GET", "Patient?identifier=urn:oid:1.2.250.1.213.1.4.8%7Cx", null)).getTotal()).isZero();
    }

    @Test
    void terminologyOperationsAnswerFromTheTerminologyPackage() {
        Parameters lookup = parse(Parameters.class, http("GET", "CodeSystem/$lookup?system=" + R38 + "&code=SM54", null));
        assertThat(lookup.getParameter("display").getValue().primitiveValue()).isEqualTo("Médecine générale (SM)");
        assertOutcome(http("GET", "CodeSystem/$lookup?system=" + R38 + "&code=XX99", null), 404);
        assertOutcome(http("GET", "CodeSystem/$lookup?code=SM54", null), 400);

        Parameters inSet = parse(Parameters.class, http("GET", "ValueSet/$validate-code?url=https://fhir.hygie.health/ValueSet/specialties"
                + "&system=" + R38 + "&code=SM04", null));
        assertThat(((org.hl7.fhir.r4.model.BooleanType) inSet.getParameter("result").getValue()).booleanValue()).isTrue();
        Parameters notInSet = parse(Parameters.class, http("GET", "ValueSet/$validate-code?url=https://fhir.hygie.health/ValueSet/visit-types"
                + "&system=" + R38 + "&code=SM04", null));
        assertThat(((org.hl7.fhir.r4.model.BooleanType) notInSet.getParameter("result").getValue()).booleanValue()).isFalse();
        Parameters inCodeSystem = parse(Parameters.class, http("GET", "CodeSystem/$validate-code?url=https://fhir.hygie.health/CodeSystem/"
                + "booking-mode&code=on-request", null));
        assertThat(((org.hl7.fhir.r4.model.BooleanType) inCodeSystem.getParameter("result").getValue()).booleanValue()).isTrue();

        ValueSet cardio = parse(ValueSet.class, http("GET", "ValueSet/$expand?url=https://fhir.hygie.health/ValueSet/specialties&filter=cardio", null));
        assertThat(cardio.getExpansion().getContains()).extracting(ValueSet.ValueSetExpansionContainsComponent::getCode).containsExactly("SM04");
        ValueSet all = parse(ValueSet.class, http("GET", "ValueSet/$expand?url=https://fhir.hygie.health/ValueSet/appointment-reasons", null));
        assertThat(all.getExpansion().getContains()).hasSize(8);
        ValueSet page = parse(ValueSet.class, http("GET", "ValueSet/$expand?url=https://fhir.hygie.health/ValueSet/appointment-reasons"
                + "&count=3&offset=2", null));
        assertThat(page.getExpansion().getContains()).extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
                .containsExactlyElementsOf(all.getExpansion().getContains().subList(2, 5).stream().map(c -> c.getCode()).toList());
        assertOutcome(http("GET", "ValueSet/$expand?url=https://nowhere.example/ValueSet/x", null), 404);

        // the packages are readable and searchable like any resource
        CodeSystem r38 = parse(CodeSystem.class, http("GET", "CodeSystem/TRE-R38-SpecialiteOrdinale", null));
        assertThat(r38.getUrl()).isEqualTo(R38);
        assertThat(parse(Bundle.class, http("GET", "StructureDefinition?url=" + SD + "hygie-patient", null)).getTotal()).isEqualTo(1);
        assertThat(parse(Bundle.class, http("GET", "ValueSet?url=https://fhir.hygie.health/ValueSet/specialties", null)).getTotal()).isEqualTo(1);
    }

    @Test
    void theCapabilityStatementNamesTheProfilesItEnforces() {
        var cs = client.capabilities().ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();
        var documents = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("DocumentReference")).findFirst().orElseThrow();
        assertThat(documents.getProfile()).isEqualTo(SD + "hygie-documentreference");
        assertThat(documents.getSupportedProfile()).extracting(org.hl7.fhir.r4.model.CanonicalType::getValue)
                .containsExactly(SD + "hygie-documentreference", SD + "hygie-documentreference-comprehensive");
        var organizations = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Organization")).findFirst().orElseThrow();
        assertThat(organizations.getProfile()).isEqualTo("http://hl7.org/fhir/StructureDefinition/Organization");
        for (var resource : cs.getRestFirstRep().getResource()) {
            for (var profile : resource.getSupportedProfile()) {
                if (profile.getValue().startsWith("https://fhir.hygie.health/")) {
                    // Hygie's own: published, and their canonicals resolve on the server
                    String id = profile.getValue().substring(profile.getValue().lastIndexOf('/') + 1);
                    assertThat(http("GET", "StructureDefinition/" + id, null).statusCode()).as(profile.getValue()).isEqualTo(200);
                } else {
                    // a guide's it obeys (SAS): checked when claimed, not republished under its authors' canonical
                    var outcome = parse(org.hl7.fhir.r4.model.OperationOutcome.class, http("POST", resource.getType() + "/$validate?profile="
                            + profile.getValue(), "{\"resourceType\":\"" + resource.getType() + "\"}"));
                    assertThat(outcome.getIssue()).as(profile.getValue()).noneMatch(i -> i.getDiagnostics().contains("is not known"));
                }
            }
        }
    }
}

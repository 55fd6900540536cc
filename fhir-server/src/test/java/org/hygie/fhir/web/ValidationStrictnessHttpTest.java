package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/** hygie.validation.fail-on=WARNING: warnings refuse a write too (the default refuses errors only). */
class ValidationStrictnessHttpTest extends HttpTestBase {

    @org.springframework.test.context.DynamicPropertySource
    static void strict(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("hygie.validation.fail-on", () -> "WARNING");
    }

    /** A specialty outside the value set Hygie's Appointment profile binds (extensible): a warning, not an error. */
    static final String WITH_FOREIGN_SPECIALTY = "{\"resourceType\":\"Appointment\",\"status\":\"proposed\","
            + "\"specialty\":[{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"394814009\"}]}],"
            + "\"participant\":[{\"actor\":{\"display\":\"x\"},\"status\":\"needs-action\"}]}";

    @Test
    void warningsRefuseTheWrite() {
        OperationOutcome outcome = assertOutcome(http("POST", "Appointment", WITH_FOREIGN_SPECIALTY), 422);
        assertThat(outcome.getIssue()).isNotEmpty().allMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.WARNING);
        assertThat(outcome.getIssue()).anySatisfy(i -> assertThat(i.getExpression()).extracting(Object::toString)
                .anySatisfy(e -> assertThat(e).startsWith("Appointment.specialty[0]")));
    }
}

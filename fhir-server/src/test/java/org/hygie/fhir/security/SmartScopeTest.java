package org.hygie.fhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmartScopeTest {

    @ParameterizedTest
    @CsvSource({
            "patient/Appointment.rs, PATIENT, Appointment, rs",
            "user/*.cruds, USER, *, cruds",
            "system/DocumentReference.r, SYSTEM, DocumentReference, r",
            "patient/*.read, PATIENT, *, rs",
            "user/Appointment.write, USER, Appointment, cud",
            "system/*.*, SYSTEM, *, cruds",
            "patient/Slot.c, PATIENT, Slot, c"})
    void parsesV2AndV1Scopes(String scope, SmartScope.Context context, String type, String letters) {
        SmartScope parsed = SmartScope.parse(scope).orElseThrow();
        assertThat(parsed.context()).isEqualTo(context);
        assertThat(parsed.resourceType()).isEqualTo(type);
        assertThat(parsed.permissions()).isEqualTo(letters);
        assertThat(parsed.restriction()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openid", "fhirUser", "launch/patient", "offline_access", "patient/Appointment.sr", "patient/Appointment.dus",
            "patient/appointment.rs", "patient/Appointment.", "admin/*.cruds", "patient/Appointment.rs?", "patient/Appointment.rs?=x",
            "patient/Appointment.rs?status=%zz"})
    void refusesWhatIsNotAResourceScope(String scope) {
        assertThat(SmartScope.parse(scope)).isEqualTo(Optional.empty());
    }

    @org.junit.jupiter.api.Test
    void keepsTheQueryRestriction() {
        SmartScope scope = SmartScope.parse("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory")
                .orElseThrow();
        assertThat(scope.restriction()).containsOnlyKeys("category");
        assertThat(scope.restriction().get("category")).containsExactly("http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
        assertThat(scope.grants("Observation", 'r')).isTrue();
        assertThat(scope.grants("Observation", 'c')).isFalse();
        assertThat(scope.grants("Patient", 'r')).isFalse();
        assertThat(SmartScope.parse("user/*.rs").orElseThrow().grants("Patient", 's')).isTrue();
    }
}

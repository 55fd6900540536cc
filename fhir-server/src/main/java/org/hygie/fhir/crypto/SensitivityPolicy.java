package org.hygie.fhir.crypto;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.storage.index.SearchParam;

/**
 * Which search values are kept only as blind indexes: the one place this is decided.
 *
 * <p>In patient data (the types of the patient compartment) every parameter is protected unless it is
 * listed as clear below: a parameter added later is protected by default. Clear ones are the workflow
 * fields that scheduling and document management query by range or sort on (status, dates, the
 * practitioner, location and slot of an appointment): they describe the care offer, not the patient.
 * In directory data (practitioners, roles, organizations, locations, services, schedules, slots) values
 * are public and stay clear, except references to a patient: such a parameter ({@link #isMixed}) keeps
 * each value as its target deserves, so {@code Schedule.actor} pointing to a PractitionerRole stays
 * clear (and joinable in chains) while one pointing to a Patient is protected.
 */
public final class SensitivityPolicy {
    private static final Set<String> ALWAYS_CLEAR = Set.of("_id", "_lastUpdated", "_profile", "_tag", "_security", "_compartment");

    private static final Map<String, Set<String>> CLEAR_IN_PATIENT_DATA = Map.of(
            "Patient", Set.of(),
            "Appointment", Set.of("status", "date", "end", "practitioner", "location", "slot", "service-type",
                    "service-category", "specialty", "appointment-type", "part-status"),
            "AppointmentResponse", Set.of("part-status", "practitioner", "location", "appointment"),
            "DocumentReference", Set.of("status", "date", "period", "period-start", "period-end", "creation"),
            "List", Set.of("status", "date"),
            "AuditEvent", Set.of("date", "action", "subtype", "type", "outcome"),
            "Binary", Set.of());

    private static final Set<String> PATIENT_TYPES = Set.of("Patient", "RelatedPerson", "Group");

    private SensitivityPolicy() {}

    public static boolean isProtected(SearchParam param) {
        if (ALWAYS_CLEAR.contains(param.name())) {
            return false;
        }
        Set<String> clear = CLEAR_IN_PATIENT_DATA.get(param.resourceType());
        if (clear != null) {
            return !clear.contains(param.name());
        }
        return param.type() == RestSearchParameterTypeEnum.REFERENCE
                && (param.targets().isEmpty() || param.targets().stream().anyMatch(PATIENT_TYPES::contains));
    }

    /** A directory reference parameter that may point to a patient: protected per value, by target type. */
    public static boolean isMixed(SearchParam param) {
        return !CLEAR_IN_PATIENT_DATA.containsKey(param.resourceType()) && isProtected(param);
    }

    /** Whether a reference value of {@code param} to {@code targetType} (null: unknown) is protected. */
    public static boolean isProtectedReference(SearchParam param, String targetType) {
        if (!isProtected(param)) {
            return false;
        }
        return !isMixed(param) || targetType == null || PATIENT_TYPES.contains(targetType);
    }
}

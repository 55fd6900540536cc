package org.hygie.fhir.crypto;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.storage.index.SearchParam;
import org.hygie.fhir.types.ResourceTypes;

/**
 * Which search values are kept only as blind indexes: the one place this is decided.
 *
 * <p>In patient data (the types of the patient compartment) every parameter is protected unless its
 * type's policy lists it as clear ({@link ResourceTypes.Policy#clearParameters}): a parameter added later
 * is protected by default. Clear ones are the workflow
 * fields that scheduling and document management query by range or sort on (status, dates, the
 * practitioner, location and slot of an appointment): they describe the care offer, not the patient.
 * In directory data (practitioners, roles, organizations, locations, services, schedules, slots) values
 * are public and stay clear, except references to a patient: such a parameter ({@link #isMixed}) keeps
 * each value as its target deserves, so {@code Schedule.actor} pointing to a PractitionerRole stays
 * clear (and joinable in chains) while one pointing to a Patient is protected.
 */
public final class SensitivityPolicy {
    private static final Set<String> ALWAYS_CLEAR = Set.of("_id", "_lastUpdated", "_profile", "_tag", "_security", "_compartment");

    /** The clear parameters of a type of patient data (its policy's), or null for any other type. */
    private static Set<String> clearInPatientData(String type) {
        ResourceTypes.Policy policy = ResourceTypes.policy(type);
        return policy != null && policy.inPatientCompartment() ? policy.clearParameters() : null;
    }

    private SensitivityPolicy() {}

    public static boolean isProtected(SearchParam param) {
        if (ALWAYS_CLEAR.contains(param.name())) {
            return false;
        }
        Set<String> clear = clearInPatientData(param.resourceType());
        if (clear != null) {
            return !clear.contains(param.name());
        }
        return param.type() == RestSearchParameterTypeEnum.REFERENCE
                && (param.targets().isEmpty() || param.targets().stream().anyMatch(ResourceTypes.PATIENT_TARGETS::contains));
    }

    /** A directory reference parameter that may point to a patient: protected per value, by target type. */
    public static boolean isMixed(SearchParam param) {
        return clearInPatientData(param.resourceType()) == null && isProtected(param);
    }

    /** Whether a reference value of {@code param} to {@code targetType} (null: unknown) is protected. */
    public static boolean isProtectedReference(SearchParam param, String targetType) {
        if (!isProtected(param)) {
            return false;
        }
        return !isMixed(param) || targetType == null || ResourceTypes.PATIENT_TARGETS.contains(targetType);
    }
}

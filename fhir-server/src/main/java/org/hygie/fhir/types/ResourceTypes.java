package org.hygie.fhir.types;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The resource types this server holds, each with its policy: the one table the storage, crypto, security,
 * feed and conformance layers read, so that a new type is one entry here plus its profile in {@code ig/}.
 */
public final class ResourceTypes {
    /** The type whose compartments hold patient data (data keys, access, audit, shredding). */
    public static final String PATIENT = "Patient";
    /** Types a reference may name to point at a patient (or patients): such references are protected, and never public. */
    public static final Set<String> PATIENT_TARGETS = Set.of(PATIENT, "RelatedPerson", "Group");

    /** What a type's resources are, which decides who may see them and whether they sit in a patient compartment. */
    public enum Kind {
        /** About one patient: in that patient's compartment (data key, access, audit). */
        PATIENT_DATA,
        /** The published care offer (practitioners, places, agendas, free slots): public, never in a compartment. */
        DIRECTORY,
        /** The server's published definitions (ig/ and terminology/): public, read-only. */
        CONFORMANCE,
        /** Written by the server only, in the compartment of the patient it is about. */
        AUDIT
    }

    /**
     * One type's policy.
     *
     * @param clearParameters  for patient data: the search parameters kept in clear (workflow fields queried by range
     *                         or sorted on); every other one is a blind index, a parameter added later included
     * @param compartmentFrom  the element whose reference gives the compartment, for a type that has no patient
     *                         parameter (a Binary's securityContext, an AppointmentResponse's appointment); null otherwise
     * @param deletable        false: withdrawn by status, never deleted (documents, MHD / ANS PDSm)
     * @param inFeed           published in the open availability feed ($bulk-publish)
     * @param includesOnOnePage a search with {@code _include} and no {@code _count} is one page of the largest size
     *                         (the SAS aggregator reads free slots with their includes in one response)
     */
    public record Policy(String type, Kind kind, Set<String> clearParameters, String compartmentFrom, boolean deletable,
                         boolean inFeed, boolean includesOnOnePage) {
        Policy compartmentFrom(String element) {
            return new Policy(type, kind, clearParameters, element, deletable, inFeed, includesOnOnePage);
        }

        Policy neverDeleted() {
            return new Policy(type, kind, clearParameters, compartmentFrom, false, inFeed, includesOnOnePage);
        }

        Policy published() {
            return new Policy(type, kind, clearParameters, compartmentFrom, deletable, true, includesOnOnePage);
        }

        Policy onePageWithIncludes() {
            return new Policy(type, kind, clearParameters, compartmentFrom, deletable, inFeed, true);
        }

        /** Whether its resources sit in a patient's compartment (patient data, and the audit of it). */
        public boolean inPatientCompartment() {
            return kind == Kind.PATIENT_DATA || kind == Kind.AUDIT;
        }
    }

    private static final Map<String, Policy> POLICIES = table(
            patientData(PATIENT),
            directory("Practitioner"), directory("PractitionerRole"), directory("Organization"),
            directory("Location").published(), directory("HealthcareService"), directory("Schedule").published(),
            directory("Slot").published().onePageWithIncludes(),
            patientData("Appointment", "status", "date", "end", "practitioner", "location", "slot", "service-type",
                    "service-category", "specialty", "appointment-type", "part-status"),
            patientData("AppointmentResponse", "part-status", "practitioner", "location", "appointment").compartmentFrom("appointment"),
            patientData("DocumentReference", "status", "date", "period", "period-start", "period-end", "creation").neverDeleted(),
            patientData("Binary").compartmentFrom("securityContext"),
            patientData("List", "status", "date"),
            new Policy("AuditEvent", Kind.AUDIT, Set.of("date", "action", "subtype", "type", "outcome"), null, false, false, false),
            // the ig/ and terminology/ packages are published as these (ConformancePublisher)
            conformance("StructureDefinition"), conformance("SearchParameter"), conformance("OperationDefinition"),
            conformance("CodeSystem"), conformance("ValueSet"), conformance("CapabilityStatement"));

    /** Every type held; providers, the search registry and the CapabilityStatement follow from it. */
    public static final List<String> ALL = List.copyOf(POLICIES.keySet());

    private ResourceTypes() {}

    private static Policy patientData(String type, String... clear) {
        return new Policy(type, Kind.PATIENT_DATA, Set.of(clear), null, true, false, false);
    }

    private static Policy directory(String type) {
        return new Policy(type, Kind.DIRECTORY, Set.of(), null, true, false, false);
    }

    private static Policy conformance(String type) {
        return new Policy(type, Kind.CONFORMANCE, Set.of(), null, false, false, false);
    }

    private static Map<String, Policy> table(Policy... policies) {
        Map<String, Policy> table = new LinkedHashMap<>();
        for (Policy policy : policies) {
            table.put(policy.type(), policy);
        }
        return java.util.Collections.unmodifiableMap(table);
    }

    /** The policy of a held type, or null for a type this server does not hold. */
    public static Policy policy(String type) {
        return POLICIES.get(type);
    }

    /** The kind of a held type, or null for a type this server does not hold. */
    public static Kind kind(String type) {
        Policy policy = POLICIES.get(type);
        return policy == null ? null : policy.kind();
    }

    public static Set<String> ofKind(Kind... kinds) {
        Set<Kind> wanted = Set.of(kinds);
        return POLICIES.values().stream().filter(p -> wanted.contains(p.kind())).map(Policy::type)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The types published in the open availability feed, in the order a consumer loads them. */
    public static List<String> feedTypes() {
        return POLICIES.values().stream().filter(Policy::inFeed).map(Policy::type).toList();
    }

    /** Whether clients may create, update and delete resources of the type (the server writes the others itself). */
    public static boolean clientWritable(String type) {
        Kind kind = kind(type);
        return kind == Kind.PATIENT_DATA || kind == Kind.DIRECTORY;
    }

    /** Whether resources of the type may be deleted through the API. */
    public static boolean deletable(String type) {
        return clientWritable(type) && POLICIES.get(type).deletable();
    }

    /** Readable by anyone (the directory and the published definitions). */
    public static boolean isPublic(String type) {
        Kind kind = kind(type);
        return kind == Kind.DIRECTORY || kind == Kind.CONFORMANCE;
    }

    /** Written by the server only (its audit trail and its published definitions). */
    public static boolean serverWritten(String type) {
        Kind kind = kind(type);
        return kind == Kind.AUDIT || kind == Kind.CONFORMANCE;
    }
}

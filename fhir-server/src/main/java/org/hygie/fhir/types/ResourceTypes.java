package org.hygie.fhir.types;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The resource types this server holds, each with what kind of data it is: the one table the storage,
 * security and conformance layers read (a new type is one entry here plus its profile in {@code ig/}).
 */
public final class ResourceTypes {

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

    private static final Map<String, Kind> KINDS;

    static {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        kinds.put("Patient", Kind.PATIENT_DATA);
        for (String type : List.of("Practitioner", "PractitionerRole", "Organization", "Location", "HealthcareService", "Schedule", "Slot")) {
            kinds.put(type, Kind.DIRECTORY);
        }
        for (String type : List.of("Appointment", "AppointmentResponse", "DocumentReference", "Binary", "List")) {
            kinds.put(type, Kind.PATIENT_DATA);
        }
        kinds.put("AuditEvent", Kind.AUDIT);
        // the ig/ and terminology/ packages are published as these (ConformancePublisher)
        for (String type : List.of("StructureDefinition", "SearchParameter", "OperationDefinition", "CodeSystem", "ValueSet",
                "CapabilityStatement")) {
            kinds.put(type, Kind.CONFORMANCE);
        }
        KINDS = Collections.unmodifiableMap(kinds);
    }

    /** Every type held; providers, the search registry and the CapabilityStatement follow from it. */
    public static final List<String> ALL = List.copyOf(KINDS.keySet());

    private ResourceTypes() {}

    /** The kind of a held type, or null for a type this server does not hold. */
    public static Kind kind(String type) {
        return KINDS.get(type);
    }

    public static Set<String> ofKind(Kind... kinds) {
        Set<Kind> wanted = Set.of(kinds);
        return KINDS.entrySet().stream().filter(e -> wanted.contains(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether clients may create, update and delete resources of the type (the server writes the others itself). */
    public static boolean clientWritable(String type) {
        Kind kind = KINDS.get(type);
        return kind == Kind.PATIENT_DATA || kind == Kind.DIRECTORY;
    }

    /** Whether resources of the type may be deleted: documents never are (withdrawn by status, MHD / ANS PDSm). */
    public static boolean deletable(String type) {
        return clientWritable(type) && !type.equals("DocumentReference");
    }

    /** Readable by anyone (the directory and the published definitions). */
    public static boolean isPublic(String type) {
        Kind kind = KINDS.get(type);
        return kind == Kind.DIRECTORY || kind == Kind.CONFORMANCE;
    }
}

package org.hygie.fhir.storage;

import java.util.List;
import java.util.regex.Matcher;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.LocalReference;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AppointmentResponse;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Reference;

/** Which patient's compartment (data key, shredding unit) a resource version belongs to. */
final class Compartments {
    /** Types in a compartment through what they point to, not through a patient parameter (see {@link #patientOf}). */
    private static final java.util.Set<String> FOLLOW_CONTEXT = java.util.Set.of("Binary", "AppointmentResponse");

    private final ResourceStore store;
    private final ResourceCodec codec;
    private final IndexExtractor extractor;
    private final SearchParameterRegistry registry;

    Compartments(ResourceStore store, ResourceCodec codec, IndexExtractor extractor, SearchParameterRegistry registry) {
        this.store = store;
        this.codec = codec;
        this.extractor = extractor;
        this.registry = registry;
    }

    /**
     * The patient whose compartment a version belongs to (its data key and shredding unit). Two types may
     * hold patient data without a patient parameter pointing at them: a Binary follows its securityContext
     * (the patient, or the DocumentReference whose content it is) and an AppointmentResponse (a
     * practitioner's answer to a patient's request, possibly with advice) follows its appointment.
     */
    String patientOf(IBaseResource resource, List<IndexEntry> entries) {
        String patientId = IndexExtractor.patientCompartment(resource, entries, registry);
        if (patientId != null) {
            return patientId;
        }
        Reference context = null;
        if (resource instanceof Binary binary && binary.hasSecurityContext()) {
            context = binary.getSecurityContext();
        } else if (resource instanceof AppointmentResponse response && response.hasAppointment()) {
            context = response.getAppointment();
        }
        if (context == null) {
            return null;
        }
        Matcher ref = LocalReference.PATTERN.matcher(String.valueOf(context.getReference()));
        if (!ref.matches()) {
            return null;
        }
        if (ref.group(1).equals("Patient")) {
            return ref.group(2);
        }
        ResourceStore.Key key = new ResourceStore.Key(ref.group(1), ref.group(2));
        return store.head(key).filter(h -> !h.deleted())
                .flatMap(h -> store.readVersion(key, h.version()))
                .map(codec::open)
                .map(r -> IndexExtractor.patientCompartment(r, extractor.extract(r), registry))
                .orElse(null);
    }

    /** Whether resources of {@code type} can sit in a patient's compartment (others are directory data, never in one). */
    static boolean mayHoldPatientData(SearchParameterRegistry registry, String type) {
        return type.equals("Patient") || FOLLOW_CONTEXT.contains(type)
                || registry.forType(type).stream().anyMatch(org.hygie.fhir.storage.index.SearchParam::patientCompartment);
    }

    boolean mayHoldPatientData(String type) {
        return mayHoldPatientData(registry, type);
    }
}

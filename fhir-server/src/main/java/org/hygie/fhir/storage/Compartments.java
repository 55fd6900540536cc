package org.hygie.fhir.storage;

import java.util.List;
import java.util.regex.Matcher;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.LocalReference;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.types.ResourceTypes;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;

/** Which patient's compartment (data key, shredding unit) a resource version belongs to. */
final class Compartments {

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
     * The patient whose compartment a version belongs to (its data key and shredding unit). A type may hold
     * patient data without a patient parameter pointing at them: it then follows the reference its policy
     * names ({@link ResourceTypes.Policy#compartmentFrom}): a Binary its securityContext (the patient, or the
     * DocumentReference whose content it is), an AppointmentResponse (a practitioner's answer to a patient's
     * request, possibly with advice) its appointment.
     */
    String patientOf(IBaseResource resource, List<IndexEntry> entries) {
        String patientId = IndexExtractor.patientCompartment(resource, entries, registry);
        if (patientId != null) {
            return patientId;
        }
        Reference context = compartmentContext(resource);
        if (context == null) {
            return null;
        }
        Matcher ref = LocalReference.PATTERN.matcher(String.valueOf(context.getReference()));
        if (!ref.matches()) {
            return null;
        }
        if (ref.group(1).equals(ResourceTypes.PATIENT)) {
            return ref.group(2);
        }
        ResourceStore.Key key = new ResourceStore.Key(ref.group(1), ref.group(2));
        return store.head(key).filter(h -> !h.deleted())
                .flatMap(h -> store.readVersion(key, h.version()))
                .map(codec::open)
                .map(r -> IndexExtractor.patientCompartment(r, extractor.extract(r), registry))
                .orElse(null);
    }

    /** The reference a type without a patient parameter follows into a compartment, if it has one. */
    private static Reference compartmentContext(IBaseResource resource) {
        ResourceTypes.Policy policy = ResourceTypes.policy(resource.fhirType());
        if (policy == null || policy.compartmentFrom() == null || !(resource instanceof Base base)) {
            return null;
        }
        Property property = base.getNamedProperty(policy.compartmentFrom());
        return property != null && property.hasValues() && property.getValues().get(0) instanceof Reference reference
                && reference.hasReference() ? reference : null;
    }

    /** Whether resources of {@code type} can sit in a patient's compartment (others are directory data, never in one). */
    static boolean mayHoldPatientData(SearchParameterRegistry registry, String type) {
        ResourceTypes.Policy policy = ResourceTypes.policy(type);
        return type.equals(ResourceTypes.PATIENT) || (policy != null && policy.compartmentFrom() != null)
                || registry.forType(type).stream().anyMatch(org.hygie.fhir.storage.index.SearchParam::patientCompartment);
    }

    boolean mayHoldPatientData(String type) {
        return mayHoldPatientData(registry, type);
    }
}

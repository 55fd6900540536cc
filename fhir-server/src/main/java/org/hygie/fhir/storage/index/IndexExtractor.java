package org.hygie.fhir.storage.index;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.fhirpath.IFhirPathEvaluationContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hygie.fhir.types.ResourceTypes;

/**
 * Resource in, index entries out: a pure function of the resource and the registry, shared by every store.
 * {@code resolve()} in search expressions (e.g. {@code actor.where(resolve() is Patient)}) is answered from
 * the reference text alone, never by reading the database.
 */
public class IndexExtractor {
    private final SearchParameterRegistry registry;
    // One FHIRPath engine per thread: HAPI does not document its engine as thread-safe, and a lock here
    // would serialize every write. Parsed expressions are plain trees, shared by all engines.
    private final ThreadLocal<IFhirPath> fhirPath;
    private final ValueIndexer valueIndexer = new ValueIndexer();

    public IndexExtractor(FhirContext fhirContext, SearchParameterRegistry registry) {
        this.registry = registry;
        this.fhirPath = ThreadLocal.withInitial(() -> newEngine(fhirContext));
    }

    private static IFhirPath newEngine(FhirContext fhirContext) {
        IFhirPath engine = fhirContext.newFhirPath();
        engine.setEvaluationContext(new IFhirPathEvaluationContext() {
            @Override
            public IBase resolveReference(IIdType reference, IBase context) {
                if (reference == null || !reference.hasResourceType()
                        || !fhirContext.getResourceTypes().contains(reference.getResourceType())) {
                    return null;
                }
                IBaseResource stub = fhirContext.getResourceDefinition(reference.getResourceType()).newInstance();
                stub.setId(reference.getValue());
                return stub;
            }
        });
        return engine;
    }

    public List<IndexEntry> extract(IBaseResource resource) {
        return extract(resource, p -> true);
    }

    /** The entries of the parameters {@code wanted} selects only (an _include needs one parameter, not all). */
    public List<IndexEntry> extract(IBaseResource resource, java.util.function.Predicate<SearchParam> wanted) {
        String type = resource.fhirType();
        Set<IndexEntry> entries = new LinkedHashSet<>();
        for (SearchParam param : registry.indexedForType(type)) {
            if (!wanted.test(param)) {
                continue;
            }
            List<IBase> values = fhirPath.get().evaluate(resource, param.parsedExpression(), IBase.class);
            for (IBase value : values) {
                valueIndexer.index(param, value, entries);
            }
        }
        return new ArrayList<>(entries);
    }

    /**
     * The patient whose compartment the resource belongs to: the Patient itself, or the first patient
     * referenced through a compartment-defining parameter; null for directory data.
     */
    public static String patientCompartment(IBaseResource resource, List<IndexEntry> entries, SearchParameterRegistry registry) {
        if (ResourceTypes.PATIENT.equals(resource.fhirType())) {
            return resource.getIdElement().getIdPart();
        }
        for (IndexEntry entry : entries) {
            if (entry instanceof IndexEntry.Reference ref && ResourceTypes.PATIENT.equals(ref.targetType())
                    && registry.find(resource.fhirType(), ref.param()).map(SearchParam::patientCompartment).orElse(false)) {
                return ref.targetId();
            }
        }
        return null;
    }
}

package org.hygie.fhir.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hygie.fhir.storage.index.LocalReference;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Finds every local reference a resource holds, whatever element holds it (not only search parameters). */
public class ReferenceScanner {
    private static final Pattern LOCAL = LocalReference.PATTERN;

    private final FhirContext fhirContext;

    public ReferenceScanner(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    /**
     * Local {@code Type/id} references, each with the path of an element holding it. Unresolved
     * {@code urn:uuid:} references are reported too (as type "urn"), since they point nowhere once stored.
     */
    public Map<ResourceStore.Key, String> localReferences(IBaseResource resource) {
        Map<ResourceStore.Key, String> found = new LinkedHashMap<>();
        FhirTerser terser = fhirContext.newTerser();
        terser.visit(resource, (theResource, theElement, thePathToElement, theChildDefinition, theDefinition) -> {
            if (theElement instanceof IBaseReference ref && ref.getReferenceElement() != null) {
                String value = ref.getReferenceElement().getValue();
                if (value != null) {
                    String path = String.join(".", thePathToElement);
                    Matcher m = LOCAL.matcher(value);
                    if (m.matches()) {
                        found.putIfAbsent(new ResourceStore.Key(m.group(1), m.group(2)), path);
                    } else if (value.startsWith("urn:uuid:") || value.startsWith("urn:oid:")) {
                        found.putIfAbsent(new ResourceStore.Key("urn", value), path);
                    }
                }
            }
        });
        return found;
    }
}

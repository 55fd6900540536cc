package org.hygie.fhir.storage.index;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hygie.fhir.types.ConformancePackages;
import org.hl7.fhir.r4.model.SearchParameter;

/** The SearchParameters Hygie answers beyond R4's: its implementation guide's ({@code ig/}), and its dependencies'. */
public final class IgSearchParameters {
    private IgSearchParameters() {}

    /**
     * Hygie's own, then those of the dependency packages (the SAS guide's {@code service-type-reference}) whose
     * code its own and R4's do not define already (SAS's {@code slot-sp-start} is Slot's standard {@code start}).
     */
    public static List<SearchParameter> load(FhirContext fhirContext) {
        List<SearchParameter> all = new java.util.ArrayList<>(ConformancePackages.all(fhirContext).stream()
                .filter(r -> r instanceof SearchParameter).map(r -> (SearchParameter) r).toList());
        java.util.Set<String> defined = new java.util.HashSet<>();
        all.forEach(sp -> sp.getBase().forEach(b -> defined.add(b.getCode() + ":" + sp.getCode())));
        for (var resource : ConformancePackages.dependencies(fhirContext)) {
            if (resource instanceof SearchParameter sp && sp.getBase().stream().noneMatch(b -> defined.contains(b.getCode() + ":" + sp.getCode())
                    || standard(fhirContext, b.getCode(), sp.getCode()))) {
                all.add(sp);
            }
        }
        return all;
    }

    private static boolean standard(FhirContext fhirContext, String type, String code) {
        try {
            return fhirContext.getResourceDefinition(type).getSearchParam(code) != null;
        } catch (ca.uhn.fhir.parser.DataFormatException unknownType) {
            return false;
        }
    }
}

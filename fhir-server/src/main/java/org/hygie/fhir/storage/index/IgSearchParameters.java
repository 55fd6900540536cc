package org.hygie.fhir.storage.index;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hygie.fhir.config.ConformancePackages;
import org.hl7.fhir.r4.model.SearchParameter;

/** The SearchParameters Hygie's implementation guide publishes ({@code ig/}: {@code hygie-ig/package/SearchParameter-*.json}). */
public final class IgSearchParameters {
    private IgSearchParameters() {}

    public static List<SearchParameter> load(FhirContext fhirContext) {
        return ConformancePackages.all(fhirContext).stream().filter(r -> r instanceof SearchParameter)
                .map(r -> (SearchParameter) r).toList();
    }
}

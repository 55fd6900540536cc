package org.hygie.fhir.storage.index;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.SearchParameter;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** The SearchParameters Hygie's implementation guide publishes ({@code ig/}: {@code hygie-ig/package/SearchParameter-*.json}). */
public final class IgSearchParameters {
    static final String LOCATION = "classpath*:hygie-ig/package/SearchParameter-*.json";

    private IgSearchParameters() {}

    public static List<SearchParameter> load(FhirContext fhirContext) {
        List<SearchParameter> found = new ArrayList<>();
        try {
            for (Resource file : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
                try (InputStream in = file.getInputStream()) {
                    found.add(fhirContext.newJsonParser().parseResource(SearchParameter.class, in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the implementation guide's SearchParameters", e);
        }
        return found;
    }
}

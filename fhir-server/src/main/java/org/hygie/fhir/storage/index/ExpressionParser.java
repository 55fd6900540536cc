package org.hygie.fhir.storage.index;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Parses FHIRPath expressions (search parameters' paths) without the R4 core definitions. A FHIRPath
 * engine lists every definition when it is built, to know type names while evaluating; parsing reads
 * none of them. Built over a context of its own that holds no definitions, this parser lets the server
 * start without loading them (a few seconds of CPU). The parsed trees are plain data, evaluated by the
 * server's engines.
 */
final class ExpressionParser {
    private static final IFhirPath ENGINE = engine();

    private ExpressionParser() {}

    /** @throws Exception when the expression does not parse (as HAPI's engines declare it) */
    static synchronized IFhirPath.IParsedExpression parse(String expression) throws Exception {
        return ENGINE.parse(expression);
    }

    private static IFhirPath engine() {
        FhirContext context = FhirContext.forR4();
        context.setValidationSupport(new IValidationSupport() {
            @Override
            public FhirContext getFhirContext() {
                return context;
            }

            @Override
            public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
                return List.of();
            }
        });
        return context.newFhirPath();
    }
}

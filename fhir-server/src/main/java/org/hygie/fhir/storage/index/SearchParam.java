package org.hygie.fhir.storage.index;

import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.Set;

/**
 * A search parameter this server indexes and answers.
 *
 * @param patientCompartment true when a reference in this parameter makes the resource part of that
 *                           patient's compartment (R4 CompartmentDefinition, as HAPI models it)
 * @param definition         canonical URL of the SearchParameter defining it
 */
public record SearchParam(
        String resourceType,
        String name,
        RestSearchParameterTypeEnum type,
        String expression,
        IFhirPath.IParsedExpression parsedExpression,
        Set<String> targets,
        boolean patientCompartment,
        String definition) {

    /** A standard parameter: defined by FHIR R4 itself. */
    public SearchParam(String resourceType, String name, RestSearchParameterTypeEnum type, String expression,
                       IFhirPath.IParsedExpression parsedExpression, Set<String> targets, boolean patientCompartment) {
        this(resourceType, name, type, expression, parsedExpression, targets, patientCompartment,
                "http://hl7.org/fhir/SearchParameter/" + (name.startsWith("_") ? "Resource" + name.replace("_", "-") : resourceType + "-" + name));
    }
}

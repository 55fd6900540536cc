package org.hygie.fhir.storage.patch;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.unprocessable;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/** One FHIRPath Patch operation, read from its Parameters parts. */
record Operation(ParametersParameterComponent source, String type, String path, String name, String where) {

    static Operation of(ParametersParameterComponent operation, String where) {
        String type = primitive(operation, "type");
        String path = primitive(operation, "path");
        if (type == null || path == null) {
            throw badRequest("A FHIRPath Patch operation needs a type and a path", where);
        }
        return new Operation(operation, type, path, primitive(operation, "name"), where);
    }

    int index(String partName, int max) {
        ParametersParameterComponent part = part(partName);
        if (part == null || !(part.getValue() instanceof IntegerType i) || i.getValue() == null) {
            throw badRequest(type + " needs an integer '" + partName + "' part", where + ".part[" + partName + "]");
        }
        if (i.getValue() < 0 || i.getValue() > max) {
            throw unprocessable(partName + " " + i.getValue() + " is out of range 0.." + max, where + ".part[" + partName + "]");
        }
        return i.getValue();
    }

    /** The value to store in {@code child}: a typed value[x], or parts building a backbone element. */
    IBase value(BaseRuntimeChildDefinition child, FhirContext fhirContext) {
        ParametersParameterComponent part = part("value");
        if (part == null) {
            throw badRequest(type + " needs a 'value' part", where + ".part[value]");
        }
        if (part.getValue() != null) {
            return part.getValue();
        }
        if (part.hasResource()) {
            return part.getResource();
        }
        BaseRuntimeElementDefinition<?> def = child.getChildByName(child.getElementName());
        if (!(def instanceof BaseRuntimeElementCompositeDefinition<?>)) {
            throw badRequest("The 'value' part of " + type + " holds no value", where + ".part[value]");
        }
        Base element = (Base) def.newInstance(child.getInstanceConstructorArguments());
        for (ParametersParameterComponent sub : part.getPart()) {
            try {
                element.setProperty(sub.getName(), sub.getValue());
            } catch (RuntimeException e) {
                throw unprocessable("'" + sub.getName() + "' cannot be set on " + def.getName() + ": " + e.getMessage(),
                        where + ".part[value].part[" + sub.getName() + "]");
            }
        }
        return element;
    }

    private ParametersParameterComponent part(String partName) {
        return source.getPart().stream().filter(p -> partName.equals(p.getName())).findFirst().orElse(null);
    }

    private static String primitive(ParametersParameterComponent operation, String partName) {
        return operation.getPart().stream()
                .filter(p -> partName.equals(p.getName()) && p.getValue() != null && p.getValue().isPrimitive())
                .map(p -> p.getValue().primitiveValue())
                .findFirst().orElse(null);
    }
}

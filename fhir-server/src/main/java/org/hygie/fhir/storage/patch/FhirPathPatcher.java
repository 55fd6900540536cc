package org.hygie.fhir.storage.patch;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.unprocessable;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.FhirPathExecutionException;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.util.FhirTerser;
import ca.uhn.fhir.util.IModelVisitor2;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/** FHIRPath Patch (FHIR R4 fhirpatch.html): add, insert, delete, replace and move, applied in order. */
public class FhirPathPatcher {
    private final FhirContext fhirContext;

    public FhirPathPatcher(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    public IBaseResource apply(IBaseResource resource, Parameters patch) {
        IFhirPath fhirPath = fhirContext.newFhirPath();
        int index = 0;
        for (ParametersParameterComponent operation : patch.getParameter()) {
            String where = "Parameters.parameter[" + index++ + "]";
            if (!"operation".equals(operation.getName())) {
                throw badRequest("A FHIRPath Patch parameter must be named 'operation', not '" + operation.getName() + "'", where);
            }
            Operation op = Operation.of(operation, where);
            List<IBase> targets = evaluate(fhirPath, resource, op.path(), where);
            try {
                applyOne(resource, fhirPath, op, targets, where);
            } catch (ClassCastException | IllegalArgumentException | ca.uhn.fhir.parser.DataFormatException
                     | ca.uhn.fhir.context.ConfigurationException wrongType) {
                // HAPI's model refuses a value of another type than the element's: the client's mistake, not ours
                throw unprocessable(op.type() + " at '" + op.path() + "': the value does not fit that element (wrong type)", where + ".part[value]");
            }
        }
        return resource;
    }

    private void applyOne(IBaseResource resource, IFhirPath fhirPath, Operation op, List<IBase> targets, String where) {
        switch (op.type()) {
            case "add" -> add(single(targets, op, where), op, where);
            case "insert" -> insert(resource, fhirPath, targets, op, where);
            case "delete" -> {
                if (targets.size() > 1) {
                    throw unprocessable("delete path '" + op.path() + "' matches " + targets.size() + " elements; it must match at most one", where);
                }
                if (!targets.isEmpty()) {
                    Slot slot = locate(resource, targets.get(0), where);
                    List<IBase> values = slot.values();
                    values.removeIf(v -> v == targets.get(0));
                    slot.reset(values);
                }
            }
            case "replace" -> {
                IBase target = single(targets, op, where);
                Slot slot = locate(resource, target, where);
                List<IBase> values = slot.values();
                values.replaceAll(v -> v == target ? op.value(slot.child(), fhirContext) : v);
                slot.reset(values);
            }
            case "move" -> {
                if (targets.isEmpty()) {
                    throw unprocessable("move path '" + op.path() + "' matches nothing", where);
                }
                Slot slot = locate(resource, targets.get(0), where);
                List<IBase> values = slot.values();
                int source = op.index("source", values.size() - 1);
                int destination = op.index("destination", values.size() - 1);
                values.add(destination, values.remove(source));
                slot.reset(values);
            }
            default -> throw badRequest("Unknown FHIRPath Patch operation type '" + op.type() + "'", where + ".part[type]");
        }
    }

    private void add(IBase container, Operation op, String where) {
        BaseRuntimeChildDefinition child = childNamed(container, op.name(), where);
        Slot slot = new Slot(container, child);
        List<IBase> values = slot.values();
        if (child.getMax() == 1 && !values.isEmpty()) {
            throw unprocessable("add: " + op.name() + " already has a value (use replace)", where);
        }
        values.add(op.value(child, fhirContext));
        slot.reset(values);
    }

    private void insert(IBaseResource resource, IFhirPath fhirPath, List<IBase> list, Operation op, String where) {
        Slot slot;
        if (!list.isEmpty()) {
            slot = locate(resource, list.get(0), where);
        } else {
            int dot = op.path().lastIndexOf('.');
            if (dot < 0) {
                throw unprocessable("insert path '" + op.path() + "' matches nothing", where);
            }
            IBase container = single(evaluate(fhirPath, resource, op.path().substring(0, dot), where), op, where);
            slot = new Slot(container, childNamed(container, op.path().substring(dot + 1), where));
        }
        List<IBase> values = slot.values();
        values.add(op.index("index", values.size()), op.value(slot.child(), fhirContext));
        slot.reset(values);
    }

    private List<IBase> evaluate(IFhirPath fhirPath, IBaseResource resource, String path, String where) {
        try {
            return fhirPath.evaluate(resource, path, IBase.class);
        } catch (FhirPathExecutionException | IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw badRequest("Invalid FHIRPath '" + path + "': " + root.getMessage(), where + ".part[path]");
        }
    }

    private static IBase single(List<IBase> targets, Operation op, String where) {
        if (targets.size() != 1) {
            throw unprocessable(op.type() + " path '" + op.path() + "' matches " + targets.size() + " elements; it must match exactly one", where);
        }
        return targets.get(0);
    }

    private BaseRuntimeChildDefinition childNamed(IBase container, String name, String where) {
        BaseRuntimeElementDefinition<?> def = fhirContext.getElementDefinition(container.getClass());
        if (def instanceof BaseRuntimeElementCompositeDefinition<?> composite && name != null) {
            BaseRuntimeChildDefinition child = composite.getChildByName(name);
            if (child == null) {
                child = composite.getChildByName(name + "[x]");
            }
            if (child != null) {
                return child;
            }
        }
        throw unprocessable("'" + name + "' is not an element of " + def.getName(), where + ".part[name]");
    }

    /** Finds the element holding {@code target} (by identity) and the child definition it sits in. */
    private Slot locate(IBaseResource resource, IBase target, String where) {
        Slot[] found = new Slot[1];
        FhirTerser terser = fhirContext.newTerser();
        terser.visit(resource, new IModelVisitor2() {
            @Override
            public boolean acceptElement(IBase element, List<IBase> path, List<BaseRuntimeChildDefinition> children,
                                         List<BaseRuntimeElementDefinition<?>> definitions) {
                if (element == target && found[0] == null && path.size() >= 2 && !children.isEmpty()) {
                    found[0] = new Slot(path.get(path.size() - 2), children.get(children.size() - 1));
                }
                return found[0] == null;
            }
        });
        if (found[0] == null) {
            throw unprocessable("The element selected by the path cannot be changed (it is the resource itself or a primitive value)", where);
        }
        return found[0];
    }

    /** A child element slot of a container: its values can be read as a list and written back as one. */
    private record Slot(IBase container, BaseRuntimeChildDefinition child) {
        List<IBase> values() {
            return new ArrayList<>(child.getAccessor().getValues(container));
        }

        void reset(List<IBase> values) {
            child.getMutator().setValue(container, null);
            values.forEach(v -> child.getMutator().addValue(container, v));
        }
    }
}

package org.hygie.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.hygie.fhir.config.ConformancePackages;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Everything the validator and the terminology operations know, offline: the R4 core definitions, Hygie's
 * implementation guide and terminology packages (profiles get their snapshots generated here, once), an
 * in-memory terminology service, and warnings (not errors) for code systems nobody here defines
 * (LOINC, SNOMED CT...). No network, ever.
 */
public final class ValidationSupport {
    private final ValidationSupportChain chain;
    private final List<IBaseResource> published;
    private final List<StructureDefinition> profiles;

    public ValidationSupport(FhirContext fhirContext) {
        PrePopulatedValidationSupport packages = new PrePopulatedValidationSupport(fhirContext);
        this.published = ConformancePackages.all(fhirContext);
        List<StructureDefinition> definitions = new ArrayList<>();
        for (IBaseResource resource : published) {
            if (resource instanceof StructureDefinition sd) {
                definitions.add(sd);
            } else {
                packages.addResource(resource);
            }
        }
        UnknownCodeSystemWarningValidationSupport unknownSystems = new UnknownCodeSystemWarningValidationSupport(fhirContext);
        unknownSystems.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
        this.chain = new ValidationSupportChain(
                fhirContext.getValidationSupport(), // the core definitions, shared with the FHIRPath engine
                packages,
                new SnapshotGeneratingValidationSupport(fhirContext),
                new InMemoryTerminologyServerValidationSupport(fhirContext),
                new CommonCodeSystemsTerminologyService(fhirContext),
                unknownSystems);
        // a profile's snapshot needs its extensions' and its base's: extensions first, then in derivation order
        definitions.forEach(packages::addStructureDefinition);
        definitions.sort(Comparator.comparing((StructureDefinition sd) -> sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE)
                .thenComparingInt(sd -> depth(sd, definitions)));
        ValidationSupportContext context = new ValidationSupportContext(chain);
        List<StructureDefinition> withSnapshots = new ArrayList<>();
        for (StructureDefinition sd : definitions) {
            StructureDefinition complete = sd.hasSnapshot() ? sd
                    : (StructureDefinition) chain.generateSnapshot(context, sd.copy(), sd.getUrl(), null, sd.getName());
            if (complete == null || !complete.hasSnapshot()) {
                throw new IllegalStateException("No snapshot could be generated for " + sd.getUrl());
            }
            packages.addStructureDefinition(complete);
            withSnapshots.add(complete);
        }
        chain.invalidateCaches();
        this.profiles = List.copyOf(withSnapshots);
    }

    private static int depth(StructureDefinition sd, List<StructureDefinition> all) {
        int depth = 0;
        String base = sd.getBaseDefinition();
        for (int guard = 0; guard < all.size(); guard++) {
            String current = base;
            StructureDefinition parent = all.stream().filter(p -> p.getUrl().equals(current)).findFirst().orElse(null);
            if (parent == null) {
                break;
            }
            depth++;
            base = parent.getBaseDefinition();
        }
        return depth;
    }

    public IValidationSupport chain() {
        return chain;
    }

    /** The StructureDefinitions of the implementation guide, with snapshots. */
    public List<StructureDefinition> structureDefinitions() {
        return profiles;
    }

    /** Every resource of the ig and terminology packages, as published (StructureDefinitions without snapshots). */
    public List<IBaseResource> published() {
        return published;
    }
}

package org.hygie.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import java.util.List;
import org.hygie.fhir.types.ConformancePackages;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/**
 * The build's check of the ig/ and terminology/ packages: every artifact is a valid conformance resource,
 * every profile gets a snapshot, every example conforms to what it claims, every code system and value
 * set answers the terminology operations.
 */
class ImplementationGuideTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private final ResourceValidator validator = new Validation(true, org.hygie.fhir.config.HygieProperties.Validation.FailOn.ERROR).validator();

    @Test
    void everyConformanceResourceIsValidAndEveryProfileHasASnapshot() {
        List<IBaseResource> published = ConformancePackages.all(FHIR);
        assertThat(published).hasSizeGreaterThan(40);
        for (IBaseResource resource : published) {
            if (!(resource instanceof StructureDefinition)) {
                assertThat(errors(validator.validate(resource, null))).as(resource.getIdElement().getValue()).isEmpty();
            }
        }
        // StructureDefinitions are checked as the validator uses them: with the snapshot generated from their differential
        List<String> own = published.stream().filter(r -> r instanceof StructureDefinition).map(r -> ((StructureDefinition) r).getUrl()).toList();
        long dependencies = ConformancePackages.dependencies(FHIR).stream().filter(r -> r instanceof StructureDefinition).count();
        assertThat(dependencies).as("the SAS guide's profiles and extensions, and stand-ins for the FR Core profiles it names").isEqualTo(19 + 13);
        assertThat(validator.definitions()).hasSize(own.size() + (int) dependencies);
        // (HAPI's validator cannot check a StructureDefinition offline: it regenerates snapshots from package ids it lacks)
        for (StructureDefinition sd : validator.definitions().stream().filter(d -> own.contains(d.getUrl())).toList()) {
            assertThat(sd.getSnapshot().getExtension()).as(sd.getUrl() + ": no generator extension").isEmpty();
            assertThat(sd.getSnapshot().getElement()).as(sd.getUrl() + ": no core examples").noneMatch(e -> e.hasExample());
            List<String> snapshot = sd.getSnapshot().getElement().stream().map(e -> e.getId()).toList();
            assertThat(sd.getDifferential().getElement()).as(sd.getUrl())
                    .allSatisfy(e -> assertThat(snapshot).as(sd.getUrl() + " snapshot").contains(e.getId()));
            // an element out of order in a differential is silently skipped by the generator: its constraints must be there
            for (var element : sd.getDifferential().getElement()) {
                var generated = sd.getSnapshot().getElement().stream().filter(e -> e.getId().equals(element.getId())).findFirst().orElseThrow();
                assertThat(generated.getConstraint()).extracting(c -> c.getKey()).as(element.getId())
                        .containsAll(element.getConstraint().stream().map(c -> c.getKey()).toList());
                if (element.hasMin()) {
                    assertThat(generated.getMin()).as(element.getId()).isEqualTo(element.getMin());
                }
                if (element.hasBinding()) {
                    assertThat(generated.getBinding().getValueSet()).as(element.getId()).isEqualTo(element.getBinding().getValueSet());
                }
            }
        }
        List<String> profiles = published.stream().filter(r -> r instanceof StructureDefinition)
                .map(r -> ((StructureDefinition) r).getUrl()).toList();
        assertThat(profiles).hasSizeGreaterThanOrEqualTo(18).allSatisfy(url -> assertThat(validator.knows(url)).as(url).isTrue());
        assertThat(validator.profiledTypes()).containsExactlyInAnyOrder("Patient", "Practitioner", "PractitionerRole", "Schedule",
                "Slot", "Appointment", "AppointmentResponse", "DocumentReference");
    }

    /**
     * The ig/ package ships its profiles with snapshots (the server need not generate them at startup):
     * they must be what HAPI generates from the differentials today. After editing a differential, run
     * {@code mvn -pl fhir-server test -Dtest=ImplementationGuideTest -Dhygie.ig.write-snapshots=true}
     * to rewrite them.
     */
    @Test
    void theShippedSnapshotsAreThoseTheDifferentialsGenerate() throws java.io.IOException {
        List<IBaseResource> stripped = ConformancePackages.all(FHIR).stream().map(r -> {
            if (r instanceof StructureDefinition sd) {
                StructureDefinition copy = sd.copy();
                copy.setSnapshot(null);
                return (IBaseResource) copy;
            }
            return r;
        }).toList();
        ValidationSupport regenerated = new ValidationSupport(FHIR, stripped);
        var parser = FHIR.newJsonParser().setPrettyPrint(true);
        for (StructureDefinition sd : regenerated.structureDefinitions()) {
            org.hygie.fhir.testsupport.IgPackageFiles.assertUpToDate("StructureDefinition-" + sd.getIdElement().getIdPart() + ".json",
                    parser.encodeResourceToString(sd) + "\n", "hygie.ig.write-snapshots");
        }
    }

    @Test
    void everyExampleConformsToTheProfilesItClaims() {
        List<Resource> examples = ConformancePackages.load(FHIR, ConformancePackages.IG + "example/*.json", Resource.class);
        assertThat(examples).hasSizeGreaterThanOrEqualTo(9);
        for (Resource example : examples) {
            assertThat(errors(validator.validate(example, null))).as(example.getIdElement().getValue()).isEmpty();
            example.getMeta().getProfile().forEach(p -> assertThat(validator.knows(p.getValue())).isTrue());
        }
        // and they are checked: the same examples, broken, are refused
        Resource slot = examples.stream().filter(e -> e.getIdElement().getIdPart().equals("example-slot")).findFirst().orElseThrow();
        ((org.hl7.fhir.r4.model.Slot) slot).setEnd(((org.hl7.fhir.r4.model.Slot) slot).getStart());
        ((org.hl7.fhir.r4.model.Slot) slot).getEndElement().add(java.util.Calendar.MINUTE, -15);
        assertThat(errors(validator.validate(slot, null))).anySatisfy(e -> assertThat(e).contains("hyg-slot-1"));
    }

    @Test
    void everyCodeSystemAndValueSetAnswersTheTerminologyOperations() {
        IValidationSupport support = validator.support();
        ValidationSupportContext context = new ValidationSupportContext(support);
        for (IBaseResource resource : ConformancePackages.load(FHIR, ConformancePackages.TERMINOLOGY + "*-*.json", IBaseResource.class)) {
            if (resource instanceof CodeSystem cs) {
                for (CodeSystem.ConceptDefinitionComponent concept : cs.getConcept()) {
                    var found = support.lookupCode(context, new LookupCodeRequest(cs.getUrl(), concept.getCode()));
                    assertThat(found.isFound()).as(cs.getUrl() + "|" + concept.getCode()).isTrue();
                    assertThat(found.getCodeDisplay()).isEqualTo(concept.getDisplay());
                }
            } else if (resource instanceof ValueSet vs) {
                var expansion = support.expandValueSet(context, new ValueSetExpansionOptions(), vs);
                assertThat(expansion.getError()).as(vs.getUrl()).isNull();
                assertThat(((ValueSet) expansion.getValueSet()).getExpansion().getContains()).as(vs.getUrl()).isNotEmpty();
            }
        }
    }

    static List<String> errors(OperationOutcome outcome) {
        return outcome.getIssue().stream().filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                .map(i -> i.getDiagnostics() + " @ " + i.getExpression()).toList();
    }
}

package org.hygie.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hygie.fhir.types.ConformancePackages;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexExtractor;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.types.CoreDefinitions;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

/**
 * Dropping the R4 elements of the core definitions once the validator has converted them changes
 * nothing anyone sees: the same issues for the same resources (valid and invalid), the same index
 * entries from the FHIRPath engine that reads type names from them.
 */
class CoreDefinitionsTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void validationAndIndexingAreUnchangedOnceTheCoreIsHeldOnce() throws IOException {
        ValidationSupport support = new ValidationSupport(FHIR, ConformancePackages.all(FHIR)); // a private core
        ResourceValidator validator = new ResourceValidator(FHIR, support);
        FhirContext indexing = FhirContext.forR4();
        indexing.setValidationSupport(support.core());
        IndexExtractor extractor = new IndexExtractor(indexing, new SearchParameterRegistry(indexing, ResourceTypes.ALL));
        List<Resource> corpus = corpus();

        List<String> issuesBefore = issues(validator, corpus);
        List<List<IndexEntry>> entriesBefore = corpus.stream().map(extractor::extract).toList();
        int trimmed = validator.keepOneCopyOfCoreDefinitions();

        List<StructureDefinition> core = support.core().definitions();
        assertThat(core).hasSizeGreaterThan(600);
        assertThat(trimmed).isEqualTo(core.size());
        assertThat(core).allSatisfy(sd -> assertThat(sd.hasSnapshot() || sd.hasDifferential()).as(sd.getUrl()).isFalse());
        assertThat(issues(validator, corpus)).isEqualTo(issuesBefore);
        assertThat(corpus.stream().map(extractor::extract).toList()).isEqualTo(entriesBefore);
        // a validator built later over the trimmed set (the warm-up retried) finds the conversions
        assertThat(issues(new ResourceValidator(FHIR, support), corpus)).isEqualTo(issuesBefore);
        assertThat(validator.keepOneCopyOfCoreDefinitions()).isEqualTo(trimmed);
        // the corpus has errors to find, so an empty result cannot pass for an equal one
        assertThat(issuesBefore).anySatisfy(i -> assertThat(i).contains("\"error\""));
    }

    /** Startup builds the search parameters, not a FHIRPath engine: the definitions wait for the first engine. */
    @Test
    void definitionsAreParsedForTheFirstEngineNotForTheSearchParameters() {
        FhirContext server = FhirContext.forR4();
        CoreDefinitions core = new CoreDefinitions(server);
        server.setValidationSupport(core);

        SearchParameterRegistry registry = new SearchParameterRegistry(server, ResourceTypes.ALL);
        assertThat(registry.find("Slot", "start")).isPresent();
        assertThat(core.loaded()).isFalse();

        server.newFhirPath();
        assertThat(core.loaded()).isTrue();
        assertThat(core.fetchStructureDefinition("Slot")).isNotNull();
    }

    /** The HL7 R4 examples of the types Hygie holds, Hygie's profile examples, and resources breaking their profiles. */
    private static List<Resource> corpus() throws IOException {
        List<Resource> corpus = new ArrayList<>();
        for (String file : read("fixtures/hl7-r4-examples/index.txt").split("\\R")) {
            if (file.endsWith(".json")) {
                corpus.add((Resource) FHIR.newJsonParser().parseResource(read("fixtures/hl7-r4-examples/" + file)));
            }
        }
        corpus.addAll(ConformancePackages.load(FHIR, ConformancePackages.IG + "example/*.json", Resource.class));
        Patient phoneWithoutSystem = new Patient(); // cpt-2: a value needs a system
        phoneWithoutSystem.addTelecom().setValue("0612345678");
        corpus.add(phoneWithoutSystem);
        Appointment noParticipant = new Appointment();
        noParticipant.setStatus(Appointment.AppointmentStatus.BOOKED);
        corpus.add(noParticipant);
        return corpus;
    }

    private static List<String> issues(ResourceValidator validator, List<Resource> corpus) {
        return corpus.stream().map(r -> r.fhirType() + "/" + r.getIdElement().getIdPart() + " "
                + FHIR.newJsonParser().encodeResourceToString(validator.validate(r, null))).toList();
    }

    private static String read(String name) throws IOException {
        try (InputStream in = CoreDefinitionsTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

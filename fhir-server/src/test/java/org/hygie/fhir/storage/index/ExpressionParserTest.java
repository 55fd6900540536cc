package org.hygie.fhir.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hygie.fhir.types.FhirContexts;
import org.hygie.fhir.types.ResourceTypes;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The parse-only parser (no core definitions) yields the trees a full engine parses: evaluated by the
 * server's engine over the HL7 R4 examples, every indexed search parameter selects the same elements.
 */
class ExpressionParserTest {
    private static final FhirContext FHIR = FhirContexts.server();

    @Test
    void everyIndexedParameterSelectsWhatAFullEngineSelects() throws Exception {
        SearchParameterRegistry registry = new SearchParameterRegistry(FHIR, ResourceTypes.ALL);
        IFhirPath full = FHIR.newFhirPath();
        int compared = 0;
        int selected = 0;
        for (Resource example : examples()) {
            for (SearchParam param : registry.indexedForType(example.fhirType())) {
                List<IBase> fromParser = full.evaluate(example, param.parsedExpression(), IBase.class);
                List<IBase> fromFullEngine = full.evaluate(example, full.parse(param.expression()), IBase.class);
                assertThat(fromParser).as(example.fhirType() + "." + param.name())
                        .usingElementComparator(ExpressionParserTest::sameSelection).containsExactlyElementsOf(fromFullEngine);
                compared++;
                selected += fromParser.size();
            }
        }
        // the examples exercise the parameters: a corpus that selected nothing would prove nothing
        assertThat(compared).isGreaterThan(300);
        assertThat(selected).isGreaterThan(200);
    }

    /** The same element of the example, or the same computed value (deceased's boolean is made anew by each evaluation). */
    private static int sameSelection(IBase a, IBase b) {
        if (a == b) {
            return 0;
        }
        boolean computed = a instanceof org.hl7.fhir.instance.model.api.IPrimitiveType<?> pa && b instanceof org.hl7.fhir.instance.model.api.IPrimitiveType<?> pb
                && a.fhirType().equals(b.fhirType()) && java.util.Objects.equals(pa.getValueAsString(), pb.getValueAsString());
        return computed ? 0 : 1;
    }

    @Test
    void anExpressionThatDoesNotParseIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExpressionParser.parse("Patient.name.where("))
                .isInstanceOf(Exception.class);
    }

    private static List<Resource> examples() throws IOException {
        List<Resource> examples = new ArrayList<>();
        for (String file : read("fixtures/hl7-r4-examples/index.txt").split("\\R")) {
            if (file.endsWith(".json")) {
                examples.add((Resource) FhirContext.forR4Cached().newJsonParser().parseResource(read("fixtures/hl7-r4-examples/" + file)));
            }
        }
        return examples;
    }

    private static String read(String name) throws IOException {
        try (InputStream in = ExpressionParserTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

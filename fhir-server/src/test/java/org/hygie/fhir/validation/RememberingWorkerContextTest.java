package org.hygie.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/** Found definitions are asked of HAPI's support once; unknown URLs (clients' claims) each time, never kept. */
class RememberingWorkerContextTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String KNOWN = "https://fhir.hygie.health/ValueSet/known";

    @Test
    void aFoundDefinitionIsFetchedOnceAndAMissIsNotRemembered() {
        AtomicInteger asked = new AtomicInteger();
        PrePopulatedValidationSupport support = new PrePopulatedValidationSupport(FHIR) {
            @Override
            public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
                asked.incrementAndGet();
                return super.fetchResource(type, url);
            }
        };
        support.addValueSet(new ValueSet().setUrl(KNOWN).setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE));
        RememberingWorkerContext worker = new RememberingWorkerContext(support);

        org.hl7.fhir.r5.model.ValueSet first = worker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, KNOWN);
        org.hl7.fhir.r5.model.ValueSet second = worker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, KNOWN);
        assertThat(first).isNotNull().isSameAs(second);
        assertThat(asked).hasValue(1);

        assertThat(worker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, "https://example.org/unknown")).isNull();
        assertThat(worker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, "https://example.org/unknown")).isNull();
        assertThat(asked).hasValue(3);
        assertThat(worker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, null)).isNull();
    }
}

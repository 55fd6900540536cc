package org.hygie.fhir.validation;

import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.storage.ResourceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Validation of what clients write, against the base spec and the ig/ profiles (hygie.validation.*). */
@Configuration(proxyBeanMethods = false)
public class ValidationConfig {
    private static final Logger log = LoggerFactory.getLogger(ValidationConfig.class);

    @Bean
    public Validation validation(ResourceService service, HygieProperties properties) {
        HygieProperties.Validation settings = properties.validation();
        Validation validation = new Validation(settings.enabled(), settings.failOn());
        if (settings.enabled()) {
            service.setWriteValidation(validation);
        } else {
            log.warn("hygie.validation.enabled=false: resources are stored without checking them against the FHIR"
                    + " specification and Hygie's profiles. Use this only for development or bulk loads of trusted data.");
        }
        return validation;
    }

    @Bean
    public ConformancePublisher conformancePublisher(ca.uhn.fhir.context.FhirContext fhirContext, ResourceService service) {
        return new ConformancePublisher(fhirContext, service);
    }

    /**
     * Before the server answers (and not when a command such as {@code keys} or {@code audit} runs on the
     * same configuration): the packages are readable from the first request.
     */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationStartedEvent.class)
    public void publish(org.springframework.boot.context.event.ApplicationStartedEvent event) {
        if (event.getApplicationContext() instanceof org.springframework.boot.web.context.WebServerApplicationContext) {
            event.getApplicationContext().getBean(ConformancePublisher.class).publish();
        }
    }

    /**
     * Once the server is ready, on a background thread so it does not compete with startup: the validator's
     * warm-up (when validation is on; $validate and the terminology operations otherwise build it on first
     * use), or else the FHIRPath engines' core definitions, which the first write would otherwise wait for.
     */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    public void warmUp(org.springframework.boot.context.event.ApplicationReadyEvent event) {
        if (!(event.getApplicationContext() instanceof org.springframework.boot.web.context.WebServerApplicationContext)) {
            return;
        }
        if (!event.getApplicationContext().getBean(HygieProperties.class).validation().enabled()) {
            org.hygie.fhir.types.FhirContexts.warmUpFhirPath();
            return;
        }
        long heapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        if (heapMb < MIN_HEAP_MB) {
            log.warn("The JVM's maximum heap is {} MB: validation on write keeps about 120 MB of FHIR definitions in it,"
                    + " and writes may fail for lack of memory below {} MB. A JVM in a container takes a quarter of the"
                    + " container's memory unless told otherwise: see docs/production.md, Containers (or bin/hygie;"
                    + " it sizes the JVM for its memory limit).", heapMb, MIN_HEAP_MB);
        }
        Validation.warmUp();
    }

    /** Measured: ~220 MB live after the validator's warm-up, plus room for a transaction Bundle being processed. */
    static final long MIN_HEAP_MB = 300;
}

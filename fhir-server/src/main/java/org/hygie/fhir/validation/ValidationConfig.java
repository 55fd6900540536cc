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
     * When the server starts serving (not when a command such as {@code keys} or {@code audit} runs on the
     * same configuration): the validator's warm-up starts, and the packages are readable from the first requests.
     */
    @org.springframework.context.event.EventListener(org.springframework.boot.web.context.WebServerInitializedEvent.class)
    public void publishConformanceResources(org.springframework.boot.web.context.WebServerInitializedEvent event) {
        Validation.warmUp();
        event.getApplicationContext().getBean(ConformancePublisher.class).publish();
    }
}

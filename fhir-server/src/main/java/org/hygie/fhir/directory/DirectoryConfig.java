package org.hygie.fhir.directory;

import org.hygie.fhir.config.Storage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The rules of the public directory (practitioners, roles, places, services). */
@Configuration(proxyBeanMethods = false)
public class DirectoryConfig {

    @Bean
    PractitionerIdentifiers practitionerIdentifiers(Storage storage) {
        PractitionerIdentifiers rule = new PractitionerIdentifiers(storage.service(), storage.searchParser());
        storage.service().addRule(rule);
        return rule;
    }
}

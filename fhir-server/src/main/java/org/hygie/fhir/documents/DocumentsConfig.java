package org.hygie.fhir.documents;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import org.hygie.fhir.audit.AuditTrail;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.crypto.EnvelopeCipher;
import org.hygie.fhir.config.Storage;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;

/** Document content: chunked encrypted storage, the Binary rule, inlining in FHIR responses, raw streaming. */
@Configuration(proxyBeanMethods = false)
public class DocumentsConfig {

    @Bean
    public ContentStore contentStore(JdbcTemplate jdbc, Storage storage, CryptoSettings crypto) {
        return new ContentStore(jdbc, storage.dataKeys(), new EnvelopeCipher(crypto.provider()), storage.protector(), Clock.systemUTC());
    }

    @Bean
    public BinaryContent binaryContent(ContentStore content, Storage storage, HygieProperties properties) {
        BinaryContent rule = new BinaryContent(content, storage.service(), properties.documents().maxBytes());
        storage.service().addRule(rule);
        return rule;
    }

    @Bean
    public DocumentReferenceRules documentReferenceRules(Storage storage) {
        DocumentReferenceRules rules = new DocumentReferenceRules();
        storage.service().addRule(rules);
        return rules;
    }

    @Bean
    public ProvideDocumentBundle provideDocumentBundle(Storage storage) {
        return new ProvideDocumentBundle(storage.service());
    }

    @Bean
    public BinaryInlining binaryInlining(BinaryContent content, HygieProperties properties) {
        return new BinaryInlining(content, properties.documents().maxInlineBytes());
    }

    @Bean
    FilterRegistrationBean<BinaryStreaming> binaryStreaming(Storage storage, ContentStore content, AuditTrail audit, FhirContext fhirContext,
                                                            HygieProperties properties) {
        FilterRegistrationBean<BinaryStreaming> registration = new FilterRegistrationBean<>(
                new BinaryStreaming(storage.service(), content, audit, fhirContext, properties.documents().maxBytes()));
        registration.addUrlPatterns("/fhir/Binary", "/fhir/Binary/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 40); // after authentication and the rate limit
        return registration;
    }
}

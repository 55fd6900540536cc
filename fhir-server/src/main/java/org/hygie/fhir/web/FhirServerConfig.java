package org.hygie.fhir.web;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.IResourceProvider;
import java.util.List;
import org.hygie.fhir.booking.BookingService;
import org.hygie.fhir.booking.SlotGeneration;
import org.hygie.fhir.feed.AvailabilityFeed;
import org.hygie.fhir.bundle.BundleProcessor;
import org.hygie.fhir.bundle.EntryExecutor;
import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Mounts the FHIR server at /fhir with one provider per resource type. */
@Configuration(proxyBeanMethods = false)
class FhirServerConfig {

    @Bean
    ServletRegistrationBean<HygieRestfulServer> fhirServlet(FhirContext fhirContext, ResourceService service,
                                                            SearchParameterRegistry registry, SearchRequestParser parser,
                                                            HygieProperties properties, CryptoSettings crypto, BookingService booking,
                                                            SlotGeneration slotGeneration, AvailabilityFeed feed,
                                                            org.hygie.fhir.audit.AuditTrail auditTrail,
                                                            org.hygie.fhir.documents.BinaryInlining binaryInlining,
                                                            org.hygie.fhir.documents.ProvideDocumentBundle provideDocumentBundle,
                                                            org.hygie.fhir.validation.Validation validation,
                                                            @Value("${hygie.version:0.1.0}") String version) {
        ClientErrorsFromHooks.install();
        HistoryRequests history = new HistoryRequests(service, properties.search());
        List<IResourceProvider> resourceProviders = registry.resourceTypes().stream()
                .map(type -> (IResourceProvider) switch (type) {
                    case "Patient" -> new PatientProvider(fhirContext, service, parser, history, validation);
                    case "Appointment" -> new AppointmentProvider(fhirContext, service, parser, history, validation, booking);
                    default -> new ResourceTypeProvider(fhirContext, type, service, parser, history, validation);
                })
                .toList();
        BundleProcessor bundles = new BundleProcessor(fhirContext, service, new EntryExecutor(fhirContext, service, parser));
        bundles.addProfile(provideDocumentBundle);
        HygieRestfulServer server = new HygieRestfulServer(fhirContext, resourceProviders,
                List.of(new SystemProvider(bundles, history, new SystemSearch(service, parser, registry)), new AppointmentOperations(booking, properties.search()),
                        new ScheduleOperations(slotGeneration), new BulkPublishOperation(feed),
                        new org.hygie.fhir.web.TerminologyOperations(fhirContext, () -> validation.validator().support())), List.of(new ServerErrorInterceptor(), new MediaTypeInterceptor(), auditTrail, binaryInlining,
                        new ValidateOperation(fhirContext, validation)),
                new CapabilityStatementProvider(registry, java.util.stream.Stream.of(AppointmentOperations.declared(),
                ScheduleOperations.declared(), BulkPublishOperation.declared(), org.hygie.fhir.web.TerminologyOperations.DECLARED)
                .flatMap(List::stream).toList(), org.hygie.fhir.types.ConformancePackages.resourceProfiles(fhirContext),
                crypto.mode() == CryptoSettings.Mode.ENCRYPTED, version, properties.security(),
                id -> resourceProviders.stream().filter(p -> p.getResourceType() == org.hl7.fhir.r4.model.OperationDefinition.class)
                        .map(p -> ((ResourceTypeProvider) p).read(id)).findFirst().orElseThrow()));
        ServletRegistrationBean<HygieRestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    AvailabilityFeed availabilityFeed(FhirContext fhirContext, ResourceService service, SearchRequestParser parser,
                                      org.springframework.jdbc.core.JdbcTemplate jdbc) {
        return new AvailabilityFeed(fhirContext, service, parser, jdbc);
    }

    /** Tomcat's own refusals (headers too large, a malformed request) as OperationOutcomes, not its HTML page. */
    @Bean
    org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory>
            fhirErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(FhirErrorReportValve.class.getName());
            }
        });
    }

    /** First of all: a body that trickles in holds no thread, whatever reads it (HAPI, raw Binary uploads). */
    @Bean
    FilterRegistrationBean<SlowBodyFilter> slowBodyFilter(HygieProperties properties) {
        FilterRegistrationBean<SlowBodyFilter> registration = new FilterRegistrationBean<>(
                new SlowBodyFilter(properties.requestBody().grace(), properties.requestBody().minBytesPerSecond()));
        registration.addUrlPatterns("/fhir/*");
        registration.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(HygieProperties properties) {
        FilterRegistrationBean<RequestSizeFilter> registration = new FilterRegistrationBean<>(new RequestSizeFilter(properties.maxRequestBytes()));
        registration.addUrlPatterns("/fhir/*");
        return registration;
    }
}

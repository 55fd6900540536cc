package org.hygie.fhir.security;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.error.ConfigurationProblem;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/** Wires authentication (bearer tokens) and authorization (scopes, compartments) in front of the store. */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {
    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

    @Bean
    TokenVerifier tokenVerifier(HygieProperties properties, Environment environment) {
        HygieProperties.Security security = properties.security();
        List<TokenVerifier.Issuer> issuers = security.issuers().stream()
                .map(i -> new TokenVerifier.Issuer(i.issuer(), i.jwksUri(), i.publicKeyFile(),
                        i.audience() != null ? i.audience() : security.audience(), i.keyId()))
                .toList();
        if (security.devIssuer()) {
            if (Arrays.asList(environment.getActiveProfiles()).contains("prod")) {
                throw new ConfigurationProblem("hygie.security.dev-issuer=true is refused in the prod profile: trust your authorization server with"
                        + " hygie.security.issuers[0].issuer and .jwks-uri instead (see docs/production.md)");
            }
            log.warn("hygie.security.dev-issuer=true: tokens signed with the dev key under {} are trusted."
                    + " Development and tests only.", properties.dataDir().resolve("dev-issuer"));
            DevIssuer dev = DevIssuer.open(properties.dataDir());
            return TokenVerifier.ofKeys(DevIssuer.ISSUER, new JWKSet(dev.publicKey()), security.audience(), security.clockSkew(), issuers);
        }
        if (security.clockSkew().compareTo(java.time.Duration.ofSeconds(30)) > 0) {
            log.warn("hygie.security.clock-skew={} is more than 30 s: expired tokens stay usable that much longer", security.clockSkew());
        }
        if (issuers.isEmpty()) {
            log.warn("No token issuer is configured: only the public directory (and metadata) is served; every other request"
                    + " gets 401. Configure hygie.security.issuers[0].issuer, .jwks-uri (or .public-key-file) and"
                    + " hygie.security.audience; for development, hygie.security.dev-issuer=true and the 'token' command.");
        }
        return new TokenVerifier(issuers, security.clockSkew());
    }

    @Bean
    ScopeAccessControl scopeAccessControl(ResourceService service, org.hygie.fhir.config.Storage storage) {
        ScopeAccessControl control = new ScopeAccessControl();
        service.setAccessControl(control);
        service.addRule(new CareRelationshipRule(storage.careRelationships()));
        return control;
    }

    @Bean
    FilterRegistrationBean<AuthenticationFilter> authenticationFilter(TokenVerifier verifier, ResourceService service,
                                                                      SearchRequestParser parser, FhirContext fhirContext,
                                                                      ScopeAccessControl control, HygieProperties properties) {
        HygieProperties.RateLimit limit = properties.security().rateLimit();
        List<String> bases = properties.security().fhirUserBases();
        AuthenticationFilter filter = new AuthenticationFilter(verifier,
                caller -> ScopeAccessControl.withRoles(caller, practitionerId -> rolesOf(service, parser, practitionerId)), fhirContext,
                new RateLimitFilter(limit.failedAuthPerSecond(), limit.failedAuthBurst(), fhirContext),
                base -> bases.stream().anyMatch(b -> AuthenticationFilter.sameBase(b, base)));
        FilterRegistrationBean<AuthenticationFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/fhir/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    private static List<String> rolesOf(ResourceService service, SearchRequestParser parser, String practitionerId) {
        SearchQuery query = parser.parse("PractitionerRole", Map.of("practitioner", new String[] {"Practitioner/" + practitionerId},
                "_count", new String[] {"1000"}), false, null);
        return service.keys(query).stream().map(k -> k.id()).toList();
    }

    @Bean
    FilterRegistrationBean<SecurityHeadersFilter> securityHeadersFilter() {
        FilterRegistrationBean<SecurityHeadersFilter> registration = new FilterRegistrationBean<>(new SecurityHeadersFilter());
        registration.addUrlPatterns("/*"); // every response: the API, discovery, the actuator, errors
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Browser apps: only the configured origins (none by default: CORS requests are then refused by browsers). */
    @Bean
    FilterRegistrationBean<org.springframework.web.filter.CorsFilter> corsFilter(HygieProperties properties) {
        org.springframework.web.cors.CorsConfiguration cors = new org.springframework.web.cors.CorsConfiguration();
        cors.setAllowedOrigins(properties.security().corsAllowedOrigins());
        cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", "If-Match", "If-None-Match", "If-None-Exist",
                "If-Modified-Since", "Prefer", "X-Request-Id"));
        cors.setExposedHeaders(List.of("Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate", "Retry-After"));
        cors.setMaxAge(3600L);
        org.springframework.web.cors.UrlBasedCorsConfigurationSource source = new org.springframework.web.cors.UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", cors); // the filter itself is mapped to the API paths only
        FilterRegistrationBean<org.springframework.web.filter.CorsFilter> registration =
                new FilterRegistrationBean<>(new org.springframework.web.filter.CorsFilter(source));
        registration.addUrlPatterns("/fhir/*", "/.well-known/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(HygieProperties properties, FhirContext fhirContext) {
        HygieProperties.RateLimit limit = properties.security().rateLimit();
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(
                new RateLimitFilter(limit.requestsPerSecond(), limit.burst(), fhirContext));
        registration.addUrlPatterns("/fhir/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 30); // after authentication: keyed by client id
        registration.setEnabled(limit.requestsPerSecond() > 0);
        if (limit.requestsPerSecond() <= 0) {
            log.warn("hygie.security.rate-limit.requests-per-second=0: no per-client rate limit");
        }
        return registration;
    }

    @Bean
    ServletRegistrationBean<SmartConfigurationServlet> smartConfiguration(HygieProperties properties) {
        HygieProperties.Smart smart = properties.security().smart();
        ServletRegistrationBean<SmartConfigurationServlet> registration = new ServletRegistrationBean<>(
                new SmartConfigurationServlet(smart.issuer(), smart.authorizationEndpoint(), smart.tokenEndpoint(), smart.jwksUri()),
                "/fhir/.well-known/smart-configuration", "/.well-known/smart-configuration");
        registration.setName("smart-configuration");
        return registration;
    }
}

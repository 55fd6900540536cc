package org.hygie.fhir.web;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;

/** HAPI's plain server at /fhir: registers providers and interceptors, nothing else. */
public class HygieRestfulServer extends RestfulServer {
    private final List<IResourceProvider> resourceProviders;
    private final List<Object> plainProviders;
    private final List<Object> interceptors;
    private final CapabilityStatementProvider capabilityStatement;

    public HygieRestfulServer(FhirContext fhirContext, List<IResourceProvider> resourceProviders, List<Object> plainProviders,
                              List<Object> interceptors, CapabilityStatementProvider capabilityStatement) {
        super(fhirContext);
        this.resourceProviders = resourceProviders;
        this.plainProviders = plainProviders;
        this.interceptors = interceptors;
        this.capabilityStatement = capabilityStatement;
    }

    /** No X-Powered-By banner: the product and version a client talks to are in /metadata, not in every response. */
    @Override
    protected String createPoweredByHeader() {
        return null;
    }

    @Override
    protected void initialize() {
        setDefaultResponseEncoding(EncodingEnum.JSON);
        setResourceProviders(resourceProviders);
        registerProviders(plainProviders);
        interceptors.forEach(this::registerInterceptor);
        setServerConformanceProvider(capabilityStatement);
    }
}

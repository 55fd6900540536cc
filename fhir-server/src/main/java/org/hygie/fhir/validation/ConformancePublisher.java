package org.hygie.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import org.hygie.fhir.types.ConformancePackages;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the implementation guide and terminology packages readable and searchable through the API
 * ({@code StructureDefinition/hygie-patient}, {@code CodeSystem?url=...}): each package resource is
 * stored under its own id when missing or different, so a new release republishes what changed and
 * several instances starting together write each version once (a lost race is a conflict, ignored).
 */
public final class ConformancePublisher {
    private static final Logger log = LoggerFactory.getLogger(ConformancePublisher.class);

    private final FhirContext fhirContext;
    private final ResourceService service;

    public ConformancePublisher(FhirContext fhirContext, ResourceService service) {
        this.fhirContext = fhirContext;
        this.service = service;
    }

    /** Publishes what changed; returns how many resources were written. */
    public int publish() {
        long start = System.nanoTime();
        int written = 0;
        List<IBaseResource> resources = ConformancePackages.all(fhirContext);
        for (IBaseResource resource : resources) {
            ResourceStore.Key key = new ResourceStore.Key(resource.fhirType(), resource.getIdElement().getIdPart());
            try {
                if (!sameAsStored(key, resource)) {
                    service.inTransaction(writes -> service.update(key, resource, null, writes));
                    written++;
                }
            } catch (BaseServerResponseException raced) {
                log.debug("{} not republished: {}", key, raced.getMessage());
            }
        }
        log.info("Implementation guide and terminology: {} conformance resources, {} (re)published in {} ms", resources.size(), written,
                (System.nanoTime() - start) / 1_000_000);
        return written;
    }

    private boolean sameAsStored(ResourceStore.Key key, IBaseResource resource) {
        IBaseResource stored;
        try {
            stored = service.read(key);
        } catch (BaseServerResponseException absentOrDeleted) {
            return false;
        }
        Resource a = ((Resource) stored).copy();
        Resource b = ((Resource) resource).copy();
        a.setMeta(null);
        b.setMeta(null);
        a.setIdElement(null);
        b.setIdElement(null);
        return fhirContext.newJsonParser().encodeResourceToString(a).equals(fhirContext.newJsonParser().encodeResourceToString(b));
    }
}

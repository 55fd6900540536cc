package org.hygie.fhir.documents;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;

/** Puts stored Binary content back into FHIR responses (read, vread, search, history, includes). */
public final class BinaryInlining {
    private final BinaryContent content;
    private final long maxInline;

    public BinaryInlining(BinaryContent content, long maxInline) {
        this.content = content;
        this.maxInline = maxInline;
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean beforeResponse(RequestDetails request, ResponseDetails response) {
        IBaseResource resource = response.getResponseResource();
        if (resource instanceof Binary binary) {
            content.inline(binary, maxInline);
        } else if (resource instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getResource() instanceof Binary binary) {
                    content.inline(binary, maxInline);
                }
            }
        }
        return true;
    }
}

package org.hygie.fhir.storage;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import org.hygie.fhir.crypto.PayloadCodec;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Resource to stored bytes and back: JSON, then the payload codec (compression now, encryption next). */
public class ResourceCodec {
    private final FhirContext fhirContext;
    private final PayloadCodec payloadCodec;

    public ResourceCodec(FhirContext fhirContext, PayloadCodec payloadCodec) {
        this.fhirContext = fhirContext;
        this.payloadCodec = payloadCodec;
    }

    public PayloadCodec.Sealed seal(IBaseResource resource, ResourceStore.Key key, int version, String compartment) {
        byte[] json = fhirContext.newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
        return payloadCodec.seal(key, version, compartment, json);
    }

    public IBaseResource open(ResourceStore.Version stored) {
        ResourceStore.Key key = new ResourceStore.Key(stored.type(), stored.id());
        byte[] json = payloadCodec.open(key, stored.version(), stored.keyId(), stored.payload());
        return fhirContext.newJsonParser().parseResource(new String(json, StandardCharsets.UTF_8));
    }
}

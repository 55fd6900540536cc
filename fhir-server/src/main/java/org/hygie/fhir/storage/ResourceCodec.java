package org.hygie.fhir.storage;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import org.hygie.fhir.error.FhirErrors;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Resource to stored bytes and back: JSON, then the payload codec (compression, or compression and encryption). */
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

    /**
     * @throws ca.uhn.fhir.rest.server.exceptions.ResourceGoneException when the payload's data key was destroyed
     * @throws StoredDataIntegrityException when the payload does not authenticate (never served, never skipped)
     */
    public IBaseResource open(ResourceStore.Version stored) {
        ResourceStore.Key key = new ResourceStore.Key(stored.type(), stored.id());
        String version = key + "/_history/" + stored.version();
        byte[] json;
        try {
            json = payloadCodec.open(key, stored.version(), stored.keyId(), stored.payload());
        } catch (PayloadCodec.Erased e) {
            throw FhirErrors.gone(version + " was erased (its data key was destroyed)");
        } catch (PayloadCodec.Unauthentic e) {
            throw new StoredDataIntegrityException(version + " failed its integrity check: " + e.getMessage());
        }
        return fhirContext.newJsonParser().parseResource(new String(json, StandardCharsets.UTF_8));
    }

    /** A stored payload that cannot be authenticated: altered, swapped, replayed, or under an unknown key. */
    public static final class StoredDataIntegrityException extends RuntimeException {
        StoredDataIntegrityException(String message) {
            super(message);
        }
    }
}

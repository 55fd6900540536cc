package org.hygie.fhir.crypto;

import org.hygie.fhir.storage.ResourceStore;

/**
 * The one seam between serialized resources and stored bytes. The encryption issue replaces the
 * compress-only codec with an envelope (AES-GCM under a per-compartment data key, AAD binding type, id,
 * version and key id): callers already pass everything such a codec needs.
 */
public interface PayloadCodec {

    record Sealed(String keyId, byte[] bytes) {}

    Sealed seal(ResourceStore.Key key, int version, String compartment, byte[] serialized);

    byte[] open(ResourceStore.Key key, int version, String keyId, byte[] stored);
}

package org.hygie.fhir.storage;

/**
 * The one seam between serialized resources and stored bytes: compression only, or an envelope (AES-GCM
 * under a per-compartment data key, AAD binding type, id, version and key id). Implementations live with
 * the cryptography; what they may report is said here, so storage needs nothing of theirs.
 */
public interface PayloadCodec {

    record Sealed(String keyId, byte[] bytes) {}

    Sealed seal(ResourceStore.Key key, int version, String compartment, byte[] serialized);

    /**
     * @throws Erased      when the payload's key was destroyed (crypto-shredding): the data is gone
     * @throws Unauthentic when the payload does not authenticate: altered, swapped, replayed, or under an unknown key
     */
    byte[] open(ResourceStore.Key key, int version, String keyId, byte[] stored);

    class Erased extends RuntimeException {
        public Erased(String message) {
            super(message);
        }
    }

    class Unauthentic extends RuntimeException {
        public Unauthentic(String message) {
            super(message);
        }
    }
}

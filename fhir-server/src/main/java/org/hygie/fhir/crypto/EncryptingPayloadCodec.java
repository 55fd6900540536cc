package org.hygie.fhir.crypto;

import java.nio.charset.StandardCharsets;
import org.hygie.fhir.storage.PayloadCodec;
import org.hygie.fhir.storage.ResourceStore;

/**
 * Compress, then seal with AES-256-GCM under the compartment's data key. Stored form:
 * {@code 0x02 || nonce || ciphertext || tag}; the data key's id goes in the row's {@code key_id}. The AAD
 * binds the ciphertext to (type, id, version, key id): a payload copied to another row, another
 * version or swapped with another key fails to open.
 */
public class EncryptingPayloadCodec implements PayloadCodec {
    static final byte FORMAT_AES_GCM = 2;

    private final DataKeys dataKeys;
    private final EnvelopeCipher cipher;
    private final CompressingPayloadCodec compression = new CompressingPayloadCodec();

    public EncryptingPayloadCodec(DataKeys dataKeys, EnvelopeCipher cipher) {
        this.dataKeys = dataKeys;
        this.cipher = cipher;
    }

    @Override
    public Sealed seal(ResourceStore.Key key, int version, String compartment, byte[] serialized) {
        DataKeys.DataKey dek = dataKeys.forCompartment(compartment == null ? DataKeys.DIRECTORY : compartment);
        byte[] compressed = compression.seal(key, version, compartment, serialized).bytes();
        byte[] sealed = cipher.seal(dek.key(), compressed, aad(key, version, dek.id()));
        byte[] stored = new byte[sealed.length + 1];
        stored[0] = FORMAT_AES_GCM;
        System.arraycopy(sealed, 0, stored, 1, sealed.length);
        return new Sealed(dek.id(), stored);
    }

    @Override
    public byte[] open(ResourceStore.Key key, int version, String keyId, byte[] stored) {
        if (stored.length == 0 || stored[0] != FORMAT_AES_GCM) {
            throw new EnvelopeCipher.TamperedException("payload of " + key + "/_history/" + version + " is not sealed");
        }
        byte[] compressed = cipher.open(dataKeys.byId(keyId), stored, 1, aad(key, version, keyId));
        return compression.open(key, version, CompressingPayloadCodec.NO_KEY, compressed);
    }

    static byte[] aad(ResourceStore.Key key, int version, String keyId) {
        return ("hygie/v1|" + key.type() + "|" + key.id() + "|" + version + "|" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}

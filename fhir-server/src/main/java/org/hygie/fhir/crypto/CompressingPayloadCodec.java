package org.hygie.fhir.crypto;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.hygie.fhir.storage.PayloadCodec;
import org.hygie.fhir.storage.ResourceStore;

/**
 * Deflate only, no encryption: the storage format's first byte says which codec wrote a payload, so the
 * encrypting codec can be introduced without rewriting existing rows.
 */
public class CompressingPayloadCodec implements PayloadCodec {
    static final byte FORMAT_DEFLATE = 1;
    public static final String NO_KEY = "none";

    @Override
    public Sealed seal(ResourceStore.Key key, int version, String compartment, byte[] serialized) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(serialized);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(serialized.length / 2 + 16);
            out.write(FORMAT_DEFLATE);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return new Sealed(NO_KEY, out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    @Override
    public byte[] open(ResourceStore.Key key, int version, String keyId, byte[] stored) {
        if (stored.length == 0 || stored[0] != FORMAT_DEFLATE || !NO_KEY.equals(keyId)) {
            throw new IllegalStateException("Stored payload of " + key + "/_history/" + version
                    + " is in a format this codec cannot open (key " + keyId + ")");
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stored, 1, stored.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 3);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("Stored payload of " + key + "/_history/" + version + " is truncated");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("Stored payload of " + key + "/_history/" + version + " is corrupt", e);
        } finally {
            inflater.end();
        }
    }
}

package org.hygie.fhir.crypto;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESWrapPadEngine;
import org.bouncycastle.crypto.params.KeyParameter;

/** RFC 5649 AES key wrap with padding (Bouncy Castle): how data keys are kept in the database. */
public final class AesKeyWrap {
    private AesKeyWrap() {}

    public static byte[] wrap(byte[] kek, byte[] key) {
        AESWrapPadEngine engine = new AESWrapPadEngine();
        engine.init(true, new KeyParameter(kek));
        return engine.wrap(key, 0, key.length);
    }

    /** @throws KeyUnwrapException when the wrapped key was not made with this KEK or was altered */
    public static byte[] unwrap(byte[] kek, byte[] wrapped) {
        AESWrapPadEngine engine = new AESWrapPadEngine();
        engine.init(false, new KeyParameter(kek));
        try {
            return engine.unwrap(wrapped, 0, wrapped.length);
        } catch (InvalidCipherTextException e) {
            throw new KeyUnwrapException("integrity check of a wrapped key failed (wrong master key, or altered)");
        }
    }

    public static final class KeyUnwrapException extends org.hygie.fhir.storage.PayloadCodec.Unauthentic {
        KeyUnwrapException(String message) {
            super(message);
        }
    }
}

package org.hygie.fhir.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with a fresh 96-bit nonce per message: {@code nonce || ciphertext || tag}. The AAD is
 * authenticated, not stored: opening with any other AAD (another resource, version or key) fails.
 * The provider is configurable; the JDK's uses AES-NI (Bouncy Castle's pure-Java GCM is 25-45x slower).
 */
public final class EnvelopeCipher {
    static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final String provider;
    private final SecureRandom random = new SecureRandom();

    /** @param provider a JCA provider name, or null for the platform default */
    public EnvelopeCipher(String provider) {
        this.provider = provider;
    }

    public byte[] seal(SecretKey key, byte[] plaintext, byte[] aad) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** @throws TamperedException when the ciphertext, nonce, tag or AAD does not authenticate */
    public byte[] open(SecretKey key, byte[] sealed, int offset, byte[] aad) {
        if (sealed.length - offset < NONCE_BYTES + TAG_BITS / 8) {
            throw new TamperedException("sealed payload is too short");
        }
        try {
            Cipher cipher = cipher();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, offset, offset + NONCE_BYTES)));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, offset + NONCE_BYTES, sealed.length - offset - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new TamperedException("authentication tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private Cipher cipher() throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance("AES/GCM/NoPadding") : Cipher.getInstance("AES/GCM/NoPadding", provider);
    }

    /** A stored payload that does not authenticate: altered, swapped between rows, or replayed. */
    public static final class TamperedException extends org.hygie.fhir.storage.PayloadCodec.Unauthentic {
        public TamperedException(String message) {
            super(message);
        }
    }
}

package org.hygie.fhir.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.hygie.fhir.storage.ResourceStore.Key;
import org.hygie.fhir.testsupport.TestCrypto;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");
    private final EnvelopeCipher cipher = new EnvelopeCipher(null);

    @Test
    void roundTripWithAFreshNoncePerMessage() {
        byte[] plain = "Dupont Hélène, INS 2800599123456".getBytes(StandardCharsets.UTF_8);
        byte[] a = cipher.seal(KEY, plain, "aad".getBytes());
        byte[] b = cipher.seal(KEY, plain, "aad".getBytes());
        assertThat(a).isNotEqualTo(b);
        assertThat(new String(a, StandardCharsets.ISO_8859_1)).doesNotContain("Dupont");
        assertThat(cipher.open(KEY, a, 0, "aad".getBytes())).isEqualTo(plain);
    }

    @Test
    void anyChangeOfCiphertextOrAadIsDetected() {
        byte[] sealed = cipher.seal(KEY, "secret".getBytes(), "Patient|p1|1".getBytes());
        assertThatThrownBy(() -> cipher.open(KEY, sealed, 0, "Patient|p2|1".getBytes())).isInstanceOf(EnvelopeCipher.TamperedException.class);
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x40;
            assertThatThrownBy(() -> cipher.open(KEY, altered, 0, "Patient|p1|1".getBytes()))
                    .as("byte %d", i).isInstanceOf(EnvelopeCipher.TamperedException.class);
        }
        assertThatThrownBy(() -> cipher.open(KEY, new byte[5], 0, new byte[0])).isInstanceOf(EnvelopeCipher.TamperedException.class);
    }

    @Test
    void aPayloadCopiedToAnotherRowOrVersionDoesNotOpen() {
        EncryptingPayloadCodec codec = new EncryptingPayloadCodec(
                new DataKeys(new MemoryKeyStore(), TestCrypto.randomMasterKey(), List.of(), 100, Duration.ofMinutes(1)), cipher);
        Key p1 = new Key("Patient", "p1");
        byte[] json = "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8);
        var sealed = codec.seal(p1, 1, "compartment-a", json);
        assertThat(codec.open(p1, 1, sealed.keyId(), sealed.bytes())).isEqualTo(json);
        assertThatThrownBy(() -> codec.open(new Key("Patient", "p2"), 1, sealed.keyId(), sealed.bytes()))
                .isInstanceOf(EnvelopeCipher.TamperedException.class);
        assertThatThrownBy(() -> codec.open(p1, 2, sealed.keyId(), sealed.bytes()))
                .isInstanceOf(EnvelopeCipher.TamperedException.class);
        var other = codec.seal(p1, 1, "compartment-b", json);
        assertThat(other.keyId()).isNotEqualTo(sealed.keyId());
        assertThatThrownBy(() -> codec.open(p1, 1, other.keyId(), sealed.bytes()))
                .isInstanceOf(EnvelopeCipher.TamperedException.class);
    }

    @Test
    void blindDigestsAreKeyedPerParameterAndDeterministic() {
        BlindIndex index = new BlindIndex(new byte[32]);
        String family = index.digest("Patient", "family", "p", "dupont");
        assertThat(index.digest("Patient", "family", "p", "dupont")).isEqualTo(family).hasSize(32);
        assertThat(index.digest("Patient", "given", "p", "dupont")).isNotEqualTo(family);
        assertThat(index.digest("Patient", "family", "x", "dupont")).isNotEqualTo(family);
        assertThat(new BlindIndex(new byte[] {1, 2, 3}).digest("Patient", "family", "p", "dupont")).isNotEqualTo(family);
    }

    /** A DataKeyStore in memory, for codec tests without a database. */
    static final class MemoryKeyStore implements DataKeyStore {
        private final Map<String, WrappedKey> byCompartment = new HashMap<>();

        @Override
        public Optional<WrappedKey> byCompartment(String compartment) {
            return Optional.ofNullable(byCompartment.get(compartment));
        }

        @Override
        public Optional<WrappedKey> byId(String id) {
            return byCompartment.values().stream().filter(k -> k.id().equals(id)).findFirst();
        }

        @Override
        public WrappedKey insertIfAbsent(WrappedKey key) {
            return byCompartment.computeIfAbsent(key.compartment(), c -> key);
        }

        @Override
        public List<WrappedKey> wrappedByOtherThan(String kekId, int limit) {
            return byCompartment.values().stream().filter(k -> !k.kekId().equals(kekId) && k.wrapped() != null).limit(limit).toList();
        }

        @Override
        public Optional<WrappedKey> anyWrappedBy(String kekId) {
            return byCompartment.values().stream().filter(k -> k.kekId().equals(kekId)).findFirst();
        }

        @Override
        public Map<String, Integer> countByKek() {
            Map<String, Integer> counts = new HashMap<>();
            byCompartment.values().forEach(k -> counts.merge(k.kekId(), 1, Integer::sum));
            return counts;
        }

        @Override
        public void rewrap(String id, String expectedKekId, String newKekId, byte[] wrapped) {
            byId(id).ifPresent(k -> byCompartment.put(k.compartment(), new WrappedKey(id, k.compartment(), newKekId, wrapped)));
        }

        @Override
        public void renameCompartment(String from, String to) {
            WrappedKey k = byCompartment.remove(from);
            if (k != null) {
                byCompartment.put(to, new WrappedKey(k.id(), to, k.kekId(), k.wrapped()));
            }
        }

        @Override
        public boolean destroy(String compartment) {
            WrappedKey k = byCompartment.get(compartment);
            byCompartment.put(compartment, new WrappedKey(k.id(), compartment, k.kekId(), null));
            return true;
        }
    }
}

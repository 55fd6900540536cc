package org.hygie.fhir.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Published test vectors: RFC 5649 (AES key wrap with padding) and RFC 5869 (HKDF-SHA256). */
class CryptoVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] RFC5649_KEK = HEX.parseHex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");

    @Test
    void rfc5649WrapOf20Octets() {
        byte[] key = HEX.parseHex("c37b7e6492584340bed12207808941155068f738");
        byte[] wrapped = AesKeyWrap.wrap(RFC5649_KEK, key);
        assertThat(HEX.formatHex(wrapped)).isEqualTo("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a");
        assertThat(AesKeyWrap.unwrap(RFC5649_KEK, wrapped)).isEqualTo(key);
    }

    @Test
    void rfc5649WrapOf7Octets() {
        byte[] key = HEX.parseHex("466f7250617369");
        assertThat(HEX.formatHex(AesKeyWrap.wrap(RFC5649_KEK, key))).isEqualTo("afbeb0f07dfbf5419200f2ccb50bb24f");
    }

    @Test
    void unwrapWithAnotherKekOrAlteredBytesFails() {
        byte[] wrapped = AesKeyWrap.wrap(RFC5649_KEK, new byte[32]);
        byte[] otherKek = RFC5649_KEK.clone();
        otherKek[0] ^= 1;
        assertThatThrownBy(() -> AesKeyWrap.unwrap(otherKek, wrapped)).isInstanceOf(AesKeyWrap.KeyUnwrapException.class);
        wrapped[5] ^= 1;
        assertThatThrownBy(() -> AesKeyWrap.unwrap(RFC5649_KEK, wrapped)).isInstanceOf(AesKeyWrap.KeyUnwrapException.class);
    }

    @Test
    void rfc5869TestCase1() {
        byte[] okm = Hkdf.derive(HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                HEX.parseHex("000102030405060708090a0b0c"), HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertThat(HEX.formatHex(okm))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void rfc5869TestCase3WithoutSaltOrInfo() {
        byte[] okm = Hkdf.derive(HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), new byte[0], new byte[0], 42);
        assertThat(HEX.formatHex(okm))
                .isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }
}

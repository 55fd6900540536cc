package org.hygie.fhir.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyLoaderTest {
    @TempDir
    Path dir;

    @Test
    void devKeyIsCreatedOnceReadableByTheOwnerOnly() throws Exception {
        MasterKey first = MasterKeyLoader.devKey(dir);
        Path file = dir.resolve("keys/dev-master.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(MasterKeyLoader.devKey(dir).id()).isEqualTo(first.id());
        assertThat(first.toString()).doesNotContain(Files.readString(file).trim());
    }

    @Test
    void keyFileMustHold32Bytes() throws Exception {
        Path file = dir.resolve("short.key");
        Files.writeString(file, "c2hvcnQ=\n");
        assertThatThrownBy(() -> MasterKeyLoader.fromKeyFile(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("32 random bytes");
        assertThatThrownBy(() -> MasterKeyLoader.fromKeyFile(dir.resolve("missing.key"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pkcs12SecretKeyEntry() throws Exception {
        byte[] raw = new byte[32];
        raw[3] = 7;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] password = "changeit".toCharArray();
        ks.setEntry("hygie-master", new KeyStore.SecretKeyEntry(new SecretKeySpec(raw, "AES")), new KeyStore.PasswordProtection(password));
        Path file = dir.resolve("master.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password);
        }
        assertThat(MasterKeyLoader.fromKeystore(file, "hygie-master", password).id()).isEqualTo(MasterKey.of(raw).id());
        assertThatThrownBy(() -> MasterKeyLoader.fromKeystore(file, "other", password)).hasMessageContaining("no key named");
        assertThatThrownBy(() -> MasterKeyLoader.fromKeystore(file, "hygie-master", "wrong".toCharArray())).isInstanceOf(IllegalStateException.class);
    }
}

package org.hygie.fhir.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import org.hygie.fhir.error.ConfigurationProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the operator's master key: from a key file (32 random bytes, base64), from an AES secret-key
 * entry of a PKCS#12 keystore, or, with neither configured, from a dev key created under the data
 * directory (0600) with a loud warning. The key never goes to the database or the logs.
 */
public final class MasterKeyLoader {
    private static final Logger log = LoggerFactory.getLogger(MasterKeyLoader.class);

    private MasterKeyLoader() {}

    public static MasterKey fromKeyFile(Path configured) {
        Path file = configured.toAbsolutePath().normalize();
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return MasterKey.of(Base64.getDecoder().decode(text));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigurationProblem("The master key file " + file + " does not exist: check hygie.crypto.master-key-file"
                    + " (a new key is made with 'java -jar fhir-server.jar keys generate-master-key FILE')", e);
        } catch (IOException e) {
            throw new ConfigurationProblem("Cannot read the master key file " + file + " (" + e.getClass().getSimpleName()
                    + "): the server's account must be able to read it", e);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationProblem("The master key file " + file + " must hold 32 random bytes in base64", e);
        }
    }

    public static MasterKey fromKeystore(Path keystore, String alias, char[] password) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            Key key = ks.getKey(alias, password);
            if (key == null) {
                throw new ConfigurationProblem("The keystore " + keystore + " has no key named '" + alias + "'");
            }
            return MasterKey.of(key.getEncoded());
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationProblem("Cannot load the master key from keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    /** The dev key under {@code dataDir/keys}, created on first use. Never for production. */
    public static MasterKey devKey(Path dataDir) {
        Path file = dataDir.toAbsolutePath().resolve("keys").resolve("dev-master.key");
        if (!Files.exists(file)) {
            writeNewKeyFile(file);
        }
        MasterKey key = fromKeyFile(file);
        log.warn("==================================================================================");
        log.warn("No master key configured: using the DEV master key {} ({}).", file, key.id());
        log.warn("Anyone who can read that file can decrypt this database. For real data set");
        log.warn("hygie.crypto.master-key-file or hygie.crypto.keystore.path, kept off this host's disk backups.");
        log.warn("==================================================================================");
        return key;
    }

    /** Writes 32 fresh random bytes, base64, readable by the owner only. */
    public static void writeNewKeyFile(Path configured) {
        Path file = configured.toAbsolutePath().normalize();
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getEncoder().encodeToString(raw) + "\n", StandardCharsets.US_ASCII);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new ConfigurationProblem("The key file " + file + " exists already: a key is never overwritten; choose another name", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the key file " + file, e);
        }
    }
}

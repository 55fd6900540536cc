package org.hygie.fhir.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.crypto.MasterKey;
import org.hygie.fhir.crypto.MasterKeyLoader;
import org.hygie.fhir.error.ConfigurationProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Encryption settings from {@code hygie.crypto.*}: secure by default, anything weaker explicit and loud. */
@Configuration(proxyBeanMethods = false)
public class CryptoConfig {
    private static final Logger log = LoggerFactory.getLogger(CryptoConfig.class);

    @Bean
    CryptoSettings cryptoSettings(HygieProperties properties, Environment environment) {
        return settings(properties, Arrays.asList(environment.getActiveProfiles()).contains("prod"));
    }

    /** Also used by the jar's commands, which must open the data exactly as the server does. */
    public static CryptoSettings settings(HygieProperties properties, boolean prodProfile) {
        HygieProperties.Crypto crypto = properties.crypto();
        String mode = crypto.mode().toLowerCase(Locale.ROOT);
        if (mode.equals("plaintext")) {
            if (prodProfile) {
                throw new ConfigurationProblem("hygie.crypto.mode=plaintext is refused in the prod profile: remove it (encrypted is the default)");
            }
            log.warn("hygie.crypto.mode=plaintext: payloads and index values are stored UNENCRYPTED."
                    + " This mode exists only to measure the cost of encryption; never use it for real data.");
            return CryptoSettings.plaintext();
        }
        if (!mode.equals("encrypted")) {
            throw new ConfigurationProblem("hygie.crypto.mode must be 'encrypted' or 'plaintext', not '" + crypto.mode() + "'");
        }
        MasterKey master;
        if (crypto.masterKeyFile() != null) {
            master = MasterKeyLoader.fromKeyFile(crypto.masterKeyFile());
        } else if (crypto.keystore().path() != null) {
            String password = crypto.keystore().password() == null ? "" : crypto.keystore().password();
            master = MasterKeyLoader.fromKeystore(crypto.keystore().path(), crypto.keystore().alias(), password.toCharArray());
        } else {
            if (prodProfile) {
                throw new ConfigurationProblem("The prod profile needs the operator's master key: make one with 'java -jar fhir-server.jar keys"
                        + " generate-master-key FILE' and set hygie.crypto.master-key-file=FILE (or hygie.crypto.keystore.path);"
                        + " the dev key is refused in production (see docs/production.md)");
            }
            master = MasterKeyLoader.devKey(properties.dataDir());
        }
        List<MasterKey> previous = crypto.previousMasterKeyFiles().stream().map(MasterKeyLoader::fromKeyFile).toList();
        log.info("Encryption at rest: AES-256-GCM, master key {}{}", master.id(),
                previous.isEmpty() ? "" : " (previous keys " + previous.stream().map(MasterKey::id).toList() + ")");
        String provider = crypto.provider() == null || crypto.provider().isBlank() ? null : crypto.provider();
        return new CryptoSettings(CryptoSettings.Mode.ENCRYPTED, master, previous, provider,
                crypto.dataKeyCacheSize(), crypto.dataKeyCacheTtl(), crypto.maintenance());
    }
}

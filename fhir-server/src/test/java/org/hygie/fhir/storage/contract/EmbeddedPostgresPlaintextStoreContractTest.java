package org.hygie.fhir.storage.contract;

import javax.sql.DataSource;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.testsupport.TestDatabases;

/** The store contract in plaintext measurement mode: same semantics, nothing encrypted. */
class EmbeddedPostgresPlaintextStoreContractTest extends StoreContract {
    @Override
    protected DataSource dataSource() {
        return TestDatabases.freshEmbedded();
    }

    @Override
    protected CryptoSettings crypto() {
        return CryptoSettings.plaintext();
    }
}

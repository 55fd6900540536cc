package org.hygie.fhir.storage.contract;

import javax.sql.DataSource;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.testsupport.TestDatabases;

/** The search table in plaintext measurement mode: every form answers, since values are in clear. */
class EmbeddedPostgresPlaintextSearchContractTest extends SearchContract {
    @Override
    protected DataSource dataSource() {
        return TestDatabases.freshEmbedded();
    }

    @Override
    protected CryptoSettings crypto() {
        return CryptoSettings.plaintext();
    }
}

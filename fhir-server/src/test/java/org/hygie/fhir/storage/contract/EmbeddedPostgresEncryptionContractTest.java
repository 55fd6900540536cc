package org.hygie.fhir.storage.contract;

import javax.sql.DataSource;
import org.hygie.fhir.testsupport.TestDatabases;

/** The encryption guarantees on the embedded PostgreSQL. */
class EmbeddedPostgresEncryptionContractTest extends EncryptionContract {
    @Override
    protected DataSource freshDatabase() {
        return TestDatabases.freshEmbedded();
    }
}

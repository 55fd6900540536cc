package org.hygie.fhir.storage.contract;

import javax.sql.DataSource;
import org.hygie.fhir.testsupport.TestDatabases;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The encryption guarantees on an external PostgreSQL server. */
@EnabledIfEnvironmentVariable(named = TestDatabases.EXTERNAL_URL_ENV, matches = ".+")
class ExternalPostgresEncryptionContractTest extends EncryptionContract {
    @Override
    protected DataSource freshDatabase() {
        return TestDatabases.freshExternal();
    }
}

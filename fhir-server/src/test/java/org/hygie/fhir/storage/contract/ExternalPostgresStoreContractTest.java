package org.hygie.fhir.storage.contract;

import javax.sql.DataSource;
import org.hygie.fhir.testsupport.TestDatabases;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The store contract on an external PostgreSQL server (CI: the machine's own), in a fresh database. */
@EnabledIfEnvironmentVariable(named = TestDatabases.EXTERNAL_URL_ENV, matches = ".+")
class ExternalPostgresStoreContractTest extends StoreContract {
    @Override
    protected DataSource dataSource() {
        return TestDatabases.freshExternal();
    }
}

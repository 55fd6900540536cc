package org.hygie.fhir.storage.contract;

import javax.sql.DataSource;
import org.hygie.fhir.testsupport.TestDatabases;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The search semantics table on an external PostgreSQL server. */
@EnabledIfEnvironmentVariable(named = TestDatabases.EXTERNAL_URL_ENV, matches = ".+")
class ExternalPostgresSearchContractTest extends SearchContract {
    @Override
    protected DataSource dataSource() {
        return TestDatabases.freshExternal();
    }
}

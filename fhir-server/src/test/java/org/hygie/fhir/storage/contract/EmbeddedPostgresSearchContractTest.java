package org.hygie.fhir.storage.contract;

import javax.sql.DataSource;
import org.hygie.fhir.testsupport.TestDatabases;

/** The search semantics table on the embedded default. */

class EmbeddedPostgresSearchContractTest extends SearchContract {
    @Override
    protected DataSource dataSource() {
        return TestDatabases.freshEmbedded();
    }
}

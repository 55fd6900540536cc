package org.hygie.fhir.storage.contract;

import javax.sql.DataSource;
import org.hygie.fhir.testsupport.TestDatabases;

/** The store contract on the embedded default (the server's own embedded PostgreSQL). */
class EmbeddedPostgresStoreContractTest extends StoreContract {
    @Override
    protected DataSource dataSource() {
        return TestDatabases.freshEmbedded();
    }
}

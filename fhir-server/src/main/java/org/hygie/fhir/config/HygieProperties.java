package org.hygie.fhir.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Hygie's own settings ({@code hygie.*}); the database is configured with the standard
 * {@code spring.datasource.*} properties.
 *
 * @param dataDir         where the embedded database (and, later, dev keys) live when no datasource is configured
 * @param maxRequestBytes request bodies above this size are refused with 413
 * @param search          page sizes of search and history results
 */
@ConfigurationProperties("hygie")
public record HygieProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("16777216") long maxRequestBytes,
        @DefaultValue Search search) {

    public record Search(@DefaultValue("20") int defaultPageSize, @DefaultValue("1000") int maxPageSize) {}
}

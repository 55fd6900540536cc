package org.hygie.fhir.storage.search;

/**
 * Bounds on what one search may ask of the database, so that no single request (anonymous ones included)
 * can take it down: a search beyond one is a 400 that names the limit. Configurable ({@code hygie.search.*}).
 *
 * @param maxChainDepth         references followed by one chained parameter ({@code a.b.c=x} follows 2)
 * @param maxHasDepth           nested {@code _has} levels in one parameter
 * @param maxIncludes           {@code _include} and {@code _revinclude} parameters in one search
 * @param maxValuesPerParameter comma-separated values (ORed) in one parameter
 * @param maxParameters         search parameters (criteria) in one search
 */
public record SearchLimits(int maxChainDepth, int maxHasDepth, int maxIncludes, int maxValuesPerParameter, int maxParameters) {
    public static final SearchLimits DEFAULT = new SearchLimits(4, 2, 10, 200, 40);
}

package org.hygie.fhir.storage.jdbc;

import java.util.List;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.search.SearchQuery;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rows a capability derives from resources' index entries, in tables of its own, kept in each write's
 * transaction, and able to answer the search criteria they cover in fewer index ranges than the index
 * tables (booking's slot availability: ADR 0003 and 0008). The store knows a projection only through this
 * interface and knows no resource type for it: it calls every projection after it wrote a resource's
 * index rows (each looks at the types it follows), and the search SQL asks them what they cover.
 */
public interface Projection {

    /** A resource's version as the store wrote its index rows; {@code entries} empty when deleted. */
    record Write(JdbcTemplate jdbc, long pk, String type, String id, List<IndexEntry> entries) {}

    /** Its tables keyed by {@code resource_pk}: cleared with a resource's index rows, in the same batch. */
    List<String> tables();

    /** After a resource's index rows were written in full (created, deleted, recreated, re-indexed): its rows of {@link #tables} are gone. */
    void written(Write write);

    /**
     * After a live version replaced a live one and only the index tables that changed were rewritten
     * (ADR 0010): its own rows were left as they were, {@code before} are the replaced version's entries.
     */
    void replaced(Write write, List<IndexEntry> before);

    /** The criteria of a top-level search that it answers exactly as the index tables would (often none). */
    List<SearchQuery.Criterion> covered(SearchQuery query);

    /** Whether {@link #select} yields rows in this order itself (then it may answer a whole search). */
    boolean orders(List<SearchQuery.SortKey> sort);

    /**
     * {@code select resource_pk[, sort_key] from ... where ...}: the resources matching every covered
     * criterion, with {@code sort_key} (the sort's column) when {@code sorted}.
     */
    void select(StringBuilder sql, List<Object> args, List<SearchQuery.Criterion> covered, boolean sorted, Subqueries subqueries);

    /** The covered criteria as one condition on {@code r.pk} in a search over the {@code resource} table. */
    void restrict(StringBuilder where, List<Object> args, List<SearchQuery.Criterion> covered, Subqueries subqueries);

    /** What a projection's SQL may ask of the search SQL. */
    interface Subqueries {
        /** {@code select r.res_id from resource r where ...}: the ids of the live resources a search matches. */
        void ids(StringBuilder sql, List<Object> args, SearchQuery query);
    }
}

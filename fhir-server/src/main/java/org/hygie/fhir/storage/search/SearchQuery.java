package org.hygie.fhir.storage.search;

import java.util.List;
import org.hygie.fhir.storage.index.SearchParam;

/**
 * A parsed, validated search on one resource type. Criteria are ANDed; the values inside one criterion
 * are ORed. In insertion order (no _sort) a page starts {@code after} the id that ended the previous one
 * (keyset paging: stable while others write); with _sort, pages are by offset.
 */
public record SearchQuery(
        String resourceType,
        List<Criterion> criteria,
        List<SortKey> sort,
        int count,
        int offset,
        Total total,
        List<Include> includes,
        String after) {

    /** {@code _total}: none, the planner's estimate, or an exact count. */
    public enum Total { NONE, ESTIMATE, ACCURATE }

    public SearchQuery(String resourceType, List<Criterion> criteria, List<SortKey> sort, int count, int offset, boolean countTotal) {
        this(resourceType, criteria, sort, count, offset, countTotal ? Total.ACCURATE : Total.NONE, List.of(), null);
    }

    public SearchQuery(String resourceType, List<Criterion> criteria, List<SortKey> sort, int count, int offset, boolean countTotal,
                       List<Include> includes) {
        this(resourceType, criteria, sort, count, offset, countTotal ? Total.ACCURATE : Total.NONE, includes, null);
    }

    public boolean countTotal() {
        return total != Total.NONE;
    }

    /**
     * {@code _include} / {@code _revinclude}: {@code sourceType:param[:targetType]}; {@code param} may be
     * {@code *} (every reference parameter) on _include.
     */
    public record Include(String sourceType, String param, String targetType, boolean reverse, boolean iterate) {}

    /** {@code blind}: the parameter's values are kept as blind-index digests, searched by equality only. */
    public record Criterion(SearchParam param, String modifier, List<SearchValue> anyOf, boolean blind) {
        public Criterion(SearchParam param, String modifier, List<SearchValue> anyOf) {
            this(param, modifier, anyOf, false);
        }
    }

    public record SortKey(SearchParam param, boolean descending) {}

    public SearchQuery withPage(int newCount, int newOffset) {
        return new SearchQuery(resourceType, criteria, sort, newCount, newOffset, total, includes, after);
    }

    public SearchQuery withAfter(String newAfter) {
        return new SearchQuery(resourceType, criteria, sort, count, offset, total, includes, newAfter);
    }

    public SearchQuery withCriteria(List<Criterion> newCriteria) {
        return new SearchQuery(resourceType, newCriteria, sort, count, offset, total, includes, after);
    }
}

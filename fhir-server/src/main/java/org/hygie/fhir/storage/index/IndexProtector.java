package org.hygie.fhir.storage.index;

import java.util.List;
import org.hygie.fhir.storage.search.SearchQuery;

/**
 * The one seam where index values leave the clear: what the store keeps of a resource's search values,
 * of its references (links) and of its patient compartment, and how a search is turned into the same form.
 */
public interface IndexProtector {

    List<IndexEntry> protect(String type, List<IndexEntry> entries);

    /** The same query over protected values; a 400 for forms protected values cannot answer. */
    SearchQuery protect(SearchQuery query);

    /**
     * Whether references of {@code param} to {@code targetType} (null: any) are kept protected; chains
     * through protected references are resolved by value, the others joined.
     */
    boolean protects(SearchParam param, String targetType);

    /** How a reference target is kept in the link table. */
    String linkKey(String type, String id);

    /** How a patient compartment is named in the store (and which data key it selects); null stays null. */
    String compartmentKey(String patientId);

    /** Measurement mode only: index values, links and compartments kept in clear. */
    IndexProtector CLEAR = new IndexProtector() {
        @Override
        public List<IndexEntry> protect(String type, List<IndexEntry> entries) {
            return entries;
        }

        @Override
        public SearchQuery protect(SearchQuery query) {
            return query;
        }

        @Override
        public boolean protects(SearchParam param, String targetType) {
            return false;
        }

        @Override
        public String linkKey(String type, String id) {
            return type + "/" + id;
        }

        @Override
        public String compartmentKey(String patientId) {
            return patientId == null ? null : "Patient/" + patientId;
        }
    };
}

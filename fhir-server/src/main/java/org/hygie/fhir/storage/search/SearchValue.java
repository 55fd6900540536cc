package org.hygie.fhir.storage.search;

import java.math.BigDecimal;
import java.util.List;
import org.hygie.fhir.storage.index.FhirDateRange;

/** One parsed value of a search parameter; several values of one criterion are ORed. */
public sealed interface SearchValue {

    /** {@code system} null = any system; {@code noSystem} true for {@code |code}; {@code code} null for {@code system|}. */
    record Token(String system, String code, boolean noSystem) implements SearchValue {}

    /** For {@code :text} on tokens and for string parameters: the normalized or exact text. */
    record Text(String normalized, String exact) implements SearchValue {}

    record Date(Prefix prefix, FhirDateRange range) implements SearchValue {}

    /** {@code type} may be null (any type); {@code url} is set for absolute references outside this server. */
    record Reference(String type, String id, String url) implements SearchValue {}

    /** {@code [low, high)} is the range the value's implicit precision covers (e.g. 100 = [99.5, 100.5)). */
    record Number(Prefix prefix, BigDecimal value, BigDecimal low, BigDecimal high) implements SearchValue {}

    record Quantity(Number number, String system, String code) implements SearchValue {}

    record Uri(String uri) implements SearchValue {}

    record Missing(boolean missing) implements SearchValue {}

    /** {@code near}: within {@code distanceKm} of a point. */
    record Near(double latitude, double longitude, double distanceKm) implements SearchValue {}

    /**
     * A chained value ({@code param:Type.inner=...}): resources of {@code targetType} matching {@code inner}
     * and every one of {@code guards}, the caller's access restriction on {@code targetType} (so a join never
     * reaches what a search of that type would not).
     */
    record Chained(String targetType, SearchQuery.Criterion inner, List<SearchQuery.Criterion> guards) implements SearchValue {
        public Chained(String targetType, SearchQuery.Criterion inner) {
            this(targetType, inner, List.of());
        }
    }

    /**
     * {@code _has:type:reference:inner=...}: referenced, through {@code reference}, by a {@code type} matching
     * {@code inner} and every one of {@code guards} (the caller's access restriction on {@code type}).
     */
    record Has(String type, String reference, SearchQuery.Criterion inner, List<SearchQuery.Criterion> guards) implements SearchValue {
        public Has(String type, String reference, SearchQuery.Criterion inner) {
            this(type, reference, inner, List.of());
        }
    }

    /** Matches nothing (a chain or _has whose inner search found nothing). */
    record Nothing() implements SearchValue {}

    /** Access restriction only: the store's compartment name ({@code key} null: outside every compartment). */
    record Compartment(String key) implements SearchValue {}

    /**
     * Access restriction only: the resource's patient compartment is one whose patient (or the operator)
     * opened it to one of {@code grantees} (Practitioner/ID, PractitionerRole/ID) through a care relationship.
     */
    record Granted(List<String> grantees) implements SearchValue {}

    /** A value of a protected parameter, as the blind-index digest it must equal. */
    record Blind(String digestHex) implements SearchValue {}
}

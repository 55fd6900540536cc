package org.hygie.fhir.storage.index;

import java.math.BigDecimal;

/**
 * One searchable value extracted from a resource, destined for one of the narrow index tables.
 * Entries are values, not rows: the store adds the resource key when it writes them.
 */
public sealed interface IndexEntry {

    String param();

    /** A coded value: system and code as given; {@code textNorm} is the normalized display text, for {@code :text}. */
    record Token(String param, String system, String code, String textNorm) implements IndexEntry {}

    /** A string value, normalized (case and accents folded) for default and {@code :contains} search, and as given for {@code :exact}. */
    record Str(String param, String norm, String exact) implements IndexEntry {}

    /** A date, dateTime, instant or Period as the half-open range {@code [lowMs, highMs)} its precision covers. */
    record Date(String param, long lowMs, long highMs) implements IndexEntry {}

    /** A local reference (targetType/targetId), or an absolute/canonical one kept as {@code url}. */
    record Reference(String param, String targetType, String targetId, String url) implements IndexEntry {}

    record Number(String param, BigDecimal value) implements IndexEntry {}

    record Quantity(String param, BigDecimal value, String system, String code, String unit) implements IndexEntry {}

    record Uri(String param, String uri) implements IndexEntry {}

    /** A position in degrees (WGS84), for {@code near}. */
    record Position(String param, double latitude, double longitude) implements IndexEntry {}

    /** A keyed digest (blind index) standing in for a sensitive value: equality is all it allows. */
    record Blind(String param, String digestHex) implements IndexEntry {}
}

package org.hygie.fhir.storage.jdbc;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.hygie.fhir.storage.search.SearchValue;

/** SQL predicates of the range kinds (dates, numbers, distances): each appends its text and binds its values. */
public final class RangePredicates {
    private RangePredicates() {}

    /**
     * The target covers [lo, hi) and the search value [sl, sh) (FHIR R4 search, "date" prefixes):
     * eq = the search range contains the target; gt/lt = the target extends beyond it; sa/eb = the target
     * starts after / ends before it; ap = the ranges overlap once the search range is widened by 10% of its
     * distance from now.
     */
    public static void date(StringBuilder where, List<Object> args, SearchValue.Date d, String lo, String hi, boolean asTimestamps) {
        long sl = d.range().lowMs();
        long sh = d.range().highMs();
        String eq = "(" + lo + " >= ? and " + hi + " <= ?)";
        switch (d.prefix()) {
            case EQ -> bind(where, args, eq, asTimestamps, sl, sh);
            case NE -> bind(where, args, "not " + eq, asTimestamps, sl, sh);
            case GT -> bind(where, args, hi + " > ?", asTimestamps, sh);
            case LT -> bind(where, args, lo + " < ?", asTimestamps, sl);
            // ge = gt or eq, which reduces to two ranges an index answers: starts at or after, or ends beyond
            case GE -> bind(where, args, "(" + lo + " >= ? or " + hi + " > ?)", asTimestamps, sl, sh);
            // le = lt or eq: starts before, or ends within
            case LE -> bind(where, args, "(" + lo + " < ? or " + hi + " <= ?)", asTimestamps, sl, sh);
            case SA -> bind(where, args, lo + " >= ?", asTimestamps, sh);
            case EB -> bind(where, args, hi + " <= ?", asTimestamps, sl);
            case AP -> {
                long margin = Math.abs(System.currentTimeMillis() - sl) / 10;
                bind(where, args, "(" + lo + " < ? and " + hi + " > ?)", asTimestamps, saturatingAdd(sh, margin), saturatingAdd(sl, -margin));
            }
        }
    }

    private static void bind(StringBuilder where, List<Object> args, String sql, boolean asTimestamps, long... values) {
        where.append(sql);
        for (long v : values) {
            args.add(asTimestamps ? OffsetDateTime.ofInstant(Instant.ofEpochMilli(v), ZoneOffset.UTC) : v);
        }
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    static void number(StringBuilder where, List<Object> args, SearchValue.Number n) {
        BigDecimal x = n.value();
        switch (n.prefix()) {
            case EQ -> bindNumbers(where, args, "(i.value >= ? and i.value < ?)", n.low(), n.high());
            case NE -> bindNumbers(where, args, "not (i.value >= ? and i.value < ?)", n.low(), n.high());
            case GT, SA -> bindNumbers(where, args, "i.value > ?", x);
            case LT, EB -> bindNumbers(where, args, "i.value < ?", x);
            case GE -> bindNumbers(where, args, "i.value >= ?", x);
            case LE -> bindNumbers(where, args, "i.value <= ?", x);
            case AP -> {
                BigDecimal margin = x.abs().multiply(new BigDecimal("0.1"));
                bindNumbers(where, args, "(i.value >= ? and i.value <= ?)", x.subtract(margin), x.add(margin));
            }
        }
    }

    private static void bindNumbers(StringBuilder where, List<Object> args, String sql, BigDecimal... values) {
        where.append(sql);
        args.addAll(List.of(values));
    }

    /** A bounding box the index can answer, then the great-circle (haversine) distance on a 6371 km sphere. */
    static void near(StringBuilder where, List<Object> args, SearchValue.Near n) {
        double dLat = n.distanceKm() / 111.195;
        double cos = Math.max(Math.cos(Math.toRadians(n.latitude())), 1e-6);
        double dLon = Math.min(180, n.distanceKm() / (111.195 * cos));
        where.append("(i.latitude between ? and ? and i.longitude between ? and ? and 2 * 6371 * asin(sqrt("
                + "power(sin(radians(i.latitude - ?) / 2), 2) + cos(radians(?)) * cos(radians(i.latitude))"
                + " * power(sin(radians(i.longitude - ?) / 2), 2))) <= ?)");
        args.addAll(List.of(n.latitude() - dLat, n.latitude() + dLat, n.longitude() - dLon, n.longitude() + dLon,
                n.latitude(), n.latitude(), n.longitude(), n.distanceKm()));
    }

}

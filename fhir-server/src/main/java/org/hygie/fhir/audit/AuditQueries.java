package org.hygie.fhir.audit;

import java.util.Set;
import java.util.StringJoiner;
import org.hygie.fhir.crypto.SensitivityPolicy;
import org.hygie.fhir.storage.index.SearchParameterRegistry;

/**
 * What a patient's audit trail records of a search: its parameters, with the value of every one that may
 * identify or describe a patient replaced by {@code *}. One search can disclose several patients' data; each
 * one's record must not carry what the search said about the others (B's INS in A's trail). Pure.
 */
final class AuditQueries {
    /** Paging and rendering: never about a patient. */
    private static final Set<String> CONTROL = Set.of("_count", "_offset", "_sort", "_total", "_summary", "_elements", "_format",
            "_pretty", "_include", "_revinclude", "_include:iterate", "_revinclude:iterate", "_since", "_at", "_lastUpdated");
    static final String HIDDEN = "*";

    private AuditQueries() {}

    /** {@code query}: the raw query string (after '?'); {@code type}: the searched type, or null for a system search. */
    static String redact(String query, String type, SearchParameterRegistry registry) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        StringJoiner kept = new StringJoiner("&");
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            kept.add(eq < 0 || clear(java.net.URLDecoder.decode(key, java.nio.charset.StandardCharsets.UTF_8), type, registry)
                    ? pair : key + "=" + HIDDEN);
        }
        return kept.toString();
    }

    private static boolean clear(String key, String type, SearchParameterRegistry registry) {
        if (CONTROL.contains(key)) {
            return true;
        }
        if (type == null || key.contains(".") || key.startsWith("_has") || key.equals("_id") || key.equals("_list")) {
            return false; // chains, reverse chains and ids may name anyone
        }
        String name = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
        return registry.find(type, name).map(p -> !SensitivityPolicy.isProtected(p)).orElse(false);
    }
}

package org.hygie.fhir.storage.search;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code a=1&b=2&a=3} (URL-encoded) into the parameter map a search takes. */
public final class QueryString {
    private QueryString() {}

    /** @return null when a pair has no name or no '=' */
    public static Map<String, String[]> parse(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            params.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        Map<String, String[]> result = new LinkedHashMap<>();
        params.forEach((k, v) -> result.put(k, v.toArray(String[]::new)));
        return result;
    }
}

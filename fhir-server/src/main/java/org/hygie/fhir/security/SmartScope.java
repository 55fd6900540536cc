package org.hygie.fhir.security;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hygie.fhir.storage.search.QueryString;

/**
 * One SMART App Launch v2 resource scope, {@code (patient|user|system)/(Type|*).[c][r][u][d][s][?param=value&...]},
 * or its v1 form ({@code .read}, {@code .write}, {@code .*}). Other scopes (openid, launch, offline_access...)
 * are not resource scopes and parse to nothing.
 *
 * @param permissions the granted letters, an in-order subset of {@code cruds}
 * @param restriction search criteria the granted resources must also match (empty: none)
 */
public record SmartScope(Context context, String resourceType, String permissions, Map<String, String[]> restriction) {
    private static final Pattern SCOPE = Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]+)\\.([a-z*]+)(\\?.+)?");
    private static final Pattern V2_LETTERS = Pattern.compile("c?r?u?d?s?");

    public enum Context { PATIENT, USER, SYSTEM }

    public static Optional<SmartScope> parse(String scope) {
        Matcher m = SCOPE.matcher(scope);
        if (!m.matches()) {
            return Optional.empty();
        }
        String letters = switch (m.group(3)) {
            case "read" -> "rs";
            case "write" -> "cud";
            case "*" -> "cruds";
            default -> m.group(3);
        };
        // out-of-order letters (".dus") are refused, as SMART v2 allows
        if (letters.isEmpty() || !V2_LETTERS.matcher(letters).matches()) {
            return Optional.empty();
        }
        Map<String, String[]> restriction = Map.of();
        if (m.group(4) != null) {
            try {
                restriction = QueryString.parse(m.group(4).substring(1));
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
            if (restriction == null || restriction.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(new SmartScope(Context.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT)), m.group(2), letters, restriction));
    }

    /** Whether this scope grants {@code letter} (one of cruds) on {@code type}. */
    public boolean grants(String type, char letter) {
        return (resourceType.equals("*") || resourceType.equals(type)) && permissions.indexOf(letter) >= 0;
    }

    @Override
    public String toString() {
        return context.name().toLowerCase(java.util.Locale.ROOT) + "/" + resourceType + "." + permissions
                + (restriction.isEmpty() ? "" : "?" + String.join("&", restriction.entrySet().stream()
                        .flatMap(e -> java.util.Arrays.stream(e.getValue()).map(v -> e.getKey() + "=" + v)).toList()));
    }
}

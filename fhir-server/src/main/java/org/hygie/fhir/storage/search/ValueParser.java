package org.hygie.fhir.storage.search;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.notSupported;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hygie.fhir.storage.index.FhirDateRange;
import org.hygie.fhir.storage.index.LocalReference;
import org.hygie.fhir.storage.index.SearchParam;
import org.hygie.fhir.storage.index.TextNormalizer;

/** Parses the (comma-separated, escaped) values of one search parameter according to its kind and modifier. */
final class ValueParser {
    private static final Pattern LOCAL = LocalReference.PATTERN;
    private static final Pattern ID = LocalReference.ID;

    private final String serverBase;

    ValueParser(String serverBase) {
        this.serverBase = serverBase == null ? null : (serverBase.endsWith("/") ? serverBase : serverBase + "/");
    }

    SearchQuery.Criterion criterion(SearchParam param, String key, String modifier, String raw) {
        if ("missing".equals(modifier)) {
            if (!raw.equals("true") && !raw.equals("false")) {
                throw badRequest(key + " takes true or false, got '" + raw + "'", key);
            }
            return new SearchQuery.Criterion(param, modifier, List.of(new SearchValue.Missing(Boolean.parseBoolean(raw))));
        }
        checkModifier(param, key, modifier);
        List<SearchValue> values = new ArrayList<>();
        for (String part : splitUnescaped(raw, ',')) {
            if (part.isEmpty()) {
                throw badRequest("Empty value for search parameter " + key, key);
            }
            values.add(value(param, key, modifier, part));
        }
        if (values.isEmpty()) {
            throw badRequest("Empty value for search parameter " + key, key);
        }
        return new SearchQuery.Criterion(param, modifier, List.copyOf(values));
    }

    private static void checkModifier(SearchParam param, String key, String modifier) {
        if (modifier == null) {
            return;
        }
        boolean ok = switch (param.type()) {
            case TOKEN -> !param.name().equals("_id") && Set.of("not", "text").contains(modifier);
            case STRING -> Set.of("exact", "contains").contains(modifier);
            case URI -> Set.of("below", "above").contains(modifier);
            case REFERENCE -> param.targets().contains(modifier)
                    || (param.targets().isEmpty() && modifier.matches("[A-Z][A-Za-z]+"));
            default -> false;
        };
        if (!ok) {
            throw notSupported("Modifier :" + modifier + " is not supported on " + param.type().getCode()
                    + " parameter '" + param.name() + "'", key);
        }
    }

    private SearchValue value(SearchParam param, String key, String modifier, String text) {
        RestSearchParameterTypeEnum kind = param.type();
        return switch (kind) {
            case TOKEN -> "text".equals(modifier)
                    ? new SearchValue.Text(TextNormalizer.normalize(unescape(text)), unescape(text))
                    : token(param, key, text);
            case STRING -> new SearchValue.Text(TextNormalizer.normalize(unescape(text)), unescape(text));
            case DATE -> date(key, text);
            case REFERENCE -> reference(key, modifier, unescape(text));
            case NUMBER -> number(key, text);
            case QUANTITY -> quantity(key, text);
            case URI -> new SearchValue.Uri(unescape(text));
            case SPECIAL -> near(key, text);
            case COMPOSITE -> relationship(param, key, text);
            default -> throw notSupported("Parameter " + key + " is not supported", key);
        };
    }

    private static SearchValue token(SearchParam param, String key, String text) {
        List<String> parts = splitUnescaped(text, '|');
        if (param.name().equals("_id")) {
            if (parts.size() != 1 || !ID.matcher(parts.get(0)).matches()) {
                throw badRequest("_id must be a resource id, got '" + text + "'", key);
            }
            return new SearchValue.Token(null, parts.get(0), false);
        }
        if (parts.size() == 1) {
            return new SearchValue.Token(null, parts.get(0), false);
        }
        if (parts.size() == 2) {
            String system = parts.get(0);
            String code = parts.get(1).isEmpty() ? null : parts.get(1);
            if (system.isEmpty()) {
                if (code == null) {
                    throw badRequest("Token value '|' names neither a system nor a code", key);
                }
                return new SearchValue.Token(null, code, true);
            }
            return new SearchValue.Token(system, code, false);
        }
        throw badRequest("Token value '" + text + "' has more than one unescaped '|'", key);
    }

    private static SearchValue date(String key, String raw) {
        // Dates hold no spaces: one here is an offset's '+' that the client left unencoded.
        String text = raw.replace(' ', '+');
        Prefix.Split split = Prefix.split(text);
        FhirDateRange range = split == null ? null : FhirDateRange.parse(split.rest()).orElse(null);
        if (range == null) {
            throw badRequest("'" + text + "' is not a valid date search value (expected e.g. ge2024-03-01 or"
                    + " 2024-03-01T10:00:00+01:00)", key);
        }
        return new SearchValue.Date(split.prefix(), range);
    }

    private SearchValue reference(String key, String typeModifier, String text) {
        String value = text;
        if (serverBase != null && value.startsWith(serverBase)) {
            value = value.substring(serverBase.length());
        }
        Matcher local = LOCAL.matcher(value);
        if (local.matches()) {
            if (typeModifier != null && !typeModifier.equals(local.group(1))) {
                throw badRequest("Reference '" + text + "' does not match the type modifier :" + typeModifier, key);
            }
            return new SearchValue.Reference(local.group(1), local.group(2), null);
        }
        if (ID.matcher(value).matches()) {
            return new SearchValue.Reference(typeModifier, value, null);
        }
        if (value.contains("://") || value.startsWith("urn:")) {
            return new SearchValue.Reference(null, null, text);
        }
        throw badRequest("'" + text + "' is not a reference (expected Type/id, id or an absolute URL)", key);
    }

    /** {@code near=latitude|longitude|distance|unit}; distance defaults to 10 km; units km, m, mi (UCUM or plain). */
    private static SearchValue near(String key, String text) {
        List<String> parts = splitUnescaped(text, '|');
        try {
            double latitude = Double.parseDouble(parts.get(0));
            double longitude = Double.parseDouble(parts.get(1));
            double distance = parts.size() > 2 && !parts.get(2).isEmpty() ? Double.parseDouble(parts.get(2)) : 10;
            String unit = parts.size() > 3 ? parts.get(3).replace("[", "").replace("]", "").replace("_i", "") : "km";
            double km = switch (unit) {
                case "km", "" -> distance;
                case "m" -> distance / 1000;
                case "mi" -> distance * 1.609344;
                default -> throw new IllegalArgumentException("unit");
            };
            if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || km < 0 || parts.size() > 4) {
                throw new IllegalArgumentException("range");
            }
            return new SearchValue.Near(latitude, longitude, km);
        } catch (RuntimeException e) {
            throw badRequest("'" + text + "' is not a near value (expected latitude|longitude|distance|unit, unit km, m or mi)", key);
        }
    }

    /** {@code relationship=code$reference} (R4's one composite of the types held, DocumentReference's). */
    private SearchValue relationship(SearchParam param, String key, String text) {
        List<String> parts = splitUnescaped(text, '$');
        if (parts.size() != 2 || parts.get(0).isEmpty() || parts.get(1).isEmpty()) {
            throw badRequest("'" + text + "' is not a relationship value (expected code$reference, e.g. replaces$DocumentReference/123)", key);
        }
        // its reference component (relatesto) points to a resource of the parameter's own type: a bare id names one
        SearchValue target = reference(key, param.resourceType(), unescape(parts.get(1)));
        String ref = target instanceof SearchValue.Reference r && r.id() != null ? r.type() + "/" + r.id() : unescape(parts.get(1));
        return new SearchValue.Token(null, unescape(parts.get(0)) + "$" + ref, false);
    }

    private static SearchValue.Number number(String key, String text) {
        Prefix.Split split = Prefix.split(text);
        try {
            if (split == null) {
                throw new NumberFormatException();
            }
            BigDecimal value = new BigDecimal(split.rest());
            // Implicit precision: half a unit of the last significant digit either side.
            BigDecimal half = BigDecimal.ONE.scaleByPowerOfTen(-value.scale()).divide(BigDecimal.valueOf(2));
            return new SearchValue.Number(split.prefix(), value, value.subtract(half), value.add(half));
        } catch (NumberFormatException e) {
            throw badRequest("'" + text + "' is not a valid number search value", key);
        }
    }

    private static SearchValue quantity(String key, String text) {
        List<String> parts = splitUnescaped(text, '|');
        if (parts.size() != 1 && parts.size() != 3) {
            throw badRequest("'" + text + "' is not a quantity search value (expected number or number|system|code)", key);
        }
        SearchValue.Number number = number(key, parts.get(0));
        String system = parts.size() == 3 && !parts.get(1).isEmpty() ? parts.get(1) : null;
        String code = parts.size() == 3 && !parts.get(2).isEmpty() ? parts.get(2) : null;
        return new SearchValue.Quantity(number, system, code);
    }

    /** Splits on {@code separator} where it is not escaped by a backslash; the parts keep other escapes. */
    static List<String> splitUnescaped(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                current.append(c).append(text.charAt(++i));
            } else if (c == separator) {
                parts.add(separator == ',' ? current.toString() : unescape(current.toString()));
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(separator == ',' ? current.toString() : unescape(current.toString()));
        return parts;
    }

    static String unescape(String text) {
        return text.replaceAll("\\\\([,|$\\\\])", "$1");
    }
}
